import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import Field

from peyvand.core.schemas import Bool, DateTime, Int, OwnedIn, OwnedOut, PatchBase

# Minutes before the due time (0 = at the due time, at most 30 days); the service sorts them and drops repeats.
ReminderMinutes = Annotated[Int, Field(ge=0, le=30 * 24 * 60)]
Reminders = Annotated[list[ReminderMinutes], Field(max_length=10)]


class ActivityIn(OwnedIn):
    kind: str = "task"
    subject: str = Field(min_length=1, max_length=200)
    notes: str = ""
    due_at: DateTime | None = None
    done: Bool = False
    duration_minutes: Int | None = Field(None, ge=0, le=100000)
    reminders: Reminders = Field(
        default_factory=list, description="Minutes before due_at, e.g. [10, 60, 1440]."
    )
    outcome: str = ""
    contact: Int | None = None
    company: Int | None = None
    deal: Int | None = None
    lead: Int | None = None


class ActivityPatch(PatchBase):
    kind: str | None = None
    subject: str | None = Field(None, min_length=1, max_length=200)
    notes: str | None = None
    due_at: DateTime | None = None
    done: Bool | None = None
    duration_minutes: Int | None = Field(None, ge=0, le=100000)
    reminders: Reminders | None = None
    outcome: str | None = None
    contact: Int | None = None
    company: Int | None = None
    deal: Int | None = None
    lead: Int | None = None


class ActivityOut(OwnedOut):
    kind: str
    subject: str
    notes: str
    due_at: dt.datetime | None
    done_at: dt.datetime | None
    duration_minutes: int | None
    reminders: list[int]
    outcome: str
    contact_id: int | None
    company_id: int | None
    deal_id: int | None
    lead_id: int | None


class CalendarEventOut(Schema):
    id: int
    kind: str
    subject: str
    start: dt.datetime
    end: dt.datetime
    done: bool
    overdue: bool
    version: int
    owner_id: int
    reminders: list[int]
    url: str


class CalendarFeedOut(Schema):
    url: str
