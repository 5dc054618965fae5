"""Comments over the API: list and add on any record, edit (the author), delete."""

import datetime as dt

from ninja import Router, Schema, Status

from peyvand.comments import selectors, services
from peyvand.core.rest import responses
from peyvand.core.schemas import InputSchema

router = Router()


class CommentIn(InputSchema):
    body: str


class CommentOut(Schema):
    id: int
    record_type: str
    record_id: int
    body: str
    author_id: int | None
    author: str | None
    mentions: list[str]
    created_at: dt.datetime
    edited_at: dt.datetime | None

    @staticmethod
    def resolve_author(obj) -> str | None:
        return obj.author.username if obj.author else None

    @staticmethod
    def resolve_mentions(obj) -> list[str]:
        return sorted(user.username for user in obj.mentions.all())


class CommentList(Schema):
    items: list[CommentOut]
    count: int


@router.get(
    "/records/{record_type}/{record_id}/comments",
    response=responses({200: CommentList}, 404),
    tags=["comments"],
    operation_id="records_comments_list",
    summary="The comments on a record",
)
def list_comments(request, record_type: str, record_id: str):
    """Comments on the record, newest first; 404 for a record the caller may not see."""
    _record, comments = selectors.comments_on(request.user, record_type, record_id)
    items = list(comments[:500])
    return {"items": items, "count": len(items)}


@router.post(
    "/records/{record_type}/{record_id}/comments",
    response=responses({201: CommentOut}, 404),
    tags=["comments"],
    operation_id="records_comments_create",
    summary="Comment on a record; `@username` tells a colleague who may see it",
)
def add_comment(request, record_type: str, record_id: str, payload: CommentIn):
    comment = services.add_comment(
        actor=request.user, record_type=record_type, record_id=record_id, body=payload.body
    )
    return Status(201, comment)


@router.patch(
    "/comments/{pk}",
    response=responses({200: CommentOut}, 404),
    tags=["comments"],
    operation_id="comments_update",
    summary="Edit a comment (its author only)",
)
def edit_comment(request, pk: int, payload: CommentIn):
    comment = selectors.comment_for(request.user, pk)
    return services.edit_comment(actor=request.user, comment=comment, body=payload.body)


@router.delete(
    "/comments/{pk}",
    response=responses({204: None}, 404),
    tags=["comments"],
    operation_id="comments_delete",
    summary="Delete a comment (its author, a manager or an administrator)",
)
def delete_comment(request, pk: int):
    services.delete_comment(actor=request.user, comment=selectors.comment_for(request.user, pk))
    return Status(204, None)
