"""Reading the outbox, limited to what the user may see."""

import datetime as dt

from django.db.models import Count, Q, QuerySet

from peyvand.core import registry
from peyvand.messaging.models import EventKind, Outbox, OutboxEvent


def outbox_for(user) -> QuerySet[Outbox]:
    """The messages ``user`` may see: all for an administrator; otherwise those they sent and those about a record
    they may see (whoever sent them, a rule or a colleague)."""
    if not (user and user.is_authenticated and user.is_active):
        return Outbox.objects.none()
    if user.is_admin:
        return Outbox.objects.all()
    seen = Q(created_by=user)
    kinds = Outbox.objects.exclude(record_type="").order_by().values_list("record_type", flat=True).distinct()
    for name in kinds:
        kind = registry.find(name)
        if kind is not None:
            seen |= Q(record_type=name, record_id__in=kind.visible(user).values("pk"))
    return Outbox.objects.filter(seen)


def outbox_list(
    user,
    *,
    channel: str = "",
    status: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[Outbox]:
    """The outbox page's rows, newest first, with their counts of opens and clicks."""
    rows = outbox_for(user)
    if channel:
        rows = rows.filter(channel=channel)
    if status:
        rows = rows.filter(status=status)
    if since:
        rows = rows.filter(created_at__date__gte=since)
    if until:
        rows = rows.filter(created_at__date__lte=until)
    return rows.select_related("created_by").annotate(
        opens=Count("events", filter=Q(events__kind=EventKind.OPENED)),
        clicks=Count("events", filter=Q(events__kind=EventKind.CLICKED)),
    )


def events_of(message: Outbox) -> list[OutboxEvent]:
    return list(message.events.all())


def first_open(message: Outbox) -> OutboxEvent | None:
    return message.events.filter(kind=EventKind.OPENED).order_by("at", "id").first()


def record_messages(user, record_type: str, record_id: int) -> QuerySet[Outbox]:
    """The messages about one record, for its timeline (the caller has checked the user may see the record)."""
    return (
        Outbox.objects.filter(record_type=record_type, record_id=record_id)
        .annotate(
            opens=Count("events", filter=Q(events__kind=EventKind.OPENED)),
            clicks=Count("events", filter=Q(events__kind=EventKind.CLICKED)),
        )
        .order_by("-created_at", "-id")
    )
