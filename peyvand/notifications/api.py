"""The signed-in user's notifications over the API: list, mark one or all read."""

import datetime as dt

from django.http import Http404
from ninja import Query, Router, Schema

from peyvand.core.listing import MAX_PAGE
from peyvand.core.rest import responses
from peyvand.notifications.services import mark_read, notifications_of

router = Router()


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.text_title()

    @staticmethod
    def resolve_body(obj) -> str:
        return obj.text_body()


class NotificationList(Schema):
    items: list[NotificationOut]
    count: int
    unread: int


class NotificationQuery(Schema):
    unread: bool = False
    page: int = 1
    page_size: int = 25


class MarkedOut(Schema):
    marked: int


@router.get(
    "",
    response=responses({200: NotificationList}),
    tags=["notifications"],
    operation_id="notifications_list",
    summary="My notifications, newest first",
)
def list_notifications(request, query: Query[NotificationQuery]):
    page = min(max(query.page, 1), MAX_PAGE)
    size = min(max(query.page_size, 1), 200)
    mine = notifications_of(request.user)
    shown = mine.filter(read_at__isnull=True) if query.unread else mine
    start = (page - 1) * size
    return {
        "items": list(shown[start : start + size]),
        "count": shown.count(),
        "unread": mine.filter(read_at__isnull=True).count(),
    }


@router.post(
    "/{int:pk}/read",
    response=responses({200: MarkedOut}, 404),
    tags=["notifications"],
    operation_id="notifications_read",
    summary="Mark one of my notifications read",
)
def read_notification(request, pk: int):
    if not notifications_of(request.user).filter(pk=pk).exists():
        raise Http404
    return {"marked": mark_read(user=request.user, ids=[pk])}


@router.post(
    "/read-all",
    response=responses({200: MarkedOut}),
    tags=["notifications"],
    operation_id="notifications_read_all",
    summary="Mark all my notifications read",
)
def read_all(request):
    return {"marked": mark_read(user=request.user)}
