import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from peyvand.activities import selectors, services
from peyvand.activities.schemas import (
    CalendarEventOut,
    CalendarFeedOut,
)
from peyvand.core.errors import ValidationFailed
from peyvand.core.rest import responses
from peyvand.core.schemas import DateTime

# The generic routes come from the registry (activities/resources.py); the calendar's are mounted beside them.
router = Router()


# --- the calendar -----------------------------------------------------------------------------------------------

# A calendar request covers at most this long.
MAX_CALENDAR_SPAN = dt.timedelta(days=370)
MAX_CALENDAR_EVENTS = 5000
START_QUERY = Query(..., description="From (inclusive), ISO 8601; without an offset, in local time.")
END_QUERY = Query(..., description="Until (exclusive); at most 370 days after start.")
OWNER_QUERY = Query(
    None,
    ge=1,
    le=2**63 - 1,
    description="Whose calendar: yours by default; a manager may ask for a teammate's.",
)


def _range_errors(start: dt.datetime, end: dt.datetime) -> list[dict]:
    # Both lie within the business range already (the DateTime type).
    errors = []
    if end <= start:
        errors.append({"field": "end", "message": _("The end must come after the start.")})
    elif end - start > MAX_CALENDAR_SPAN:
        errors.append({"field": "end", "message": _("Ask for at most 370 days at a time.")})
    return errors


def _aware(value: dt.datetime) -> dt.datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


@router.get(
    "/calendar",
    response=responses({200: list[CalendarEventOut]}, 404),
    tags=["activities"],
    operation_id="activities_calendar",
    summary="Tasks, meetings and calls due in a time range",
)
def calendar(
    request, start: DateTime = START_QUERY, end: DateTime = END_QUERY, owner: int | None = OWNER_QUERY
):
    """Your own tasks, meetings and calls due in [start, end), in time order; a manager may give a teammate as
    ``owner`` and an administrator anyone (someone you may not see is 404)."""
    start, end = _aware(start), _aware(end)
    errors = _range_errors(start, end)
    if errors:
        raise ValidationFailed(errors)
    person = selectors.calendar_owner(request.user, owner)
    now = timezone.now()
    events = selectors.calendar_events(request.user, start=start, end=end, owner=person)[:MAX_CALENDAR_EVENTS]
    return [
        {
            "id": a.pk,
            "kind": a.kind,
            "subject": a.subject,
            "start": a.due_at,
            "end": a.ends_at,
            "done": a.done_at is not None,
            "overdue": a.is_overdue(now),
            "version": a.version,
            "owner_id": a.owner_id,
            "reminders": a.reminders,
            "url": reverse("activities:detail", args=[a.pk]),
        }
        for a in events
    ]


@router.post(
    "/calendar/feed/rotate",
    response=responses({200: CalendarFeedOut}),
    tags=["activities"],
    operation_id="activities_calendar_feed_rotate",
    summary="A new secret address for your iCal feed",
)
def rotate_feed(request):
    """Makes (or replaces) your personal iCal address; the previous address stops working at once. Anyone with
    the address can read your calendar, so keep it private."""
    return {"url": selectors.feed_url(services.rotate_calendar_feed(user=request.user))}
