import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, Field

from peyvand.core.schemas import Bool, DateTime, Int, OwnedIn, OwnedOut, PatchBase

# Minutes before the due time (0 = at the due time, at most 30 days); the service sorts them and drops repeats.
ReminderMinutes = Annotated[Int, Field(ge=0, le=30 * 24 * 60)]
Reminders = Annotated[list[ReminderMinutes], Field(max_length=10)]


class ActivityIn(OwnedIn):
    # A field it does not know (the "deal" or "contact" of an older client) is refused, not silently dropped.
    model_config = ConfigDict(extra="forbid")

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
    record_type: str = Field(
        "", max_length=40, description="The kind of record it is about: deal, contact, ..."
    )
    record_id: Int | None = None


class ActivityPatch(PatchBase):
    model_config = ConfigDict(extra="forbid")

    kind: str | None = None
    subject: str | None = Field(None, min_length=1, max_length=200)
    notes: str | None = None
    due_at: DateTime | None = None
    done: Bool | None = None
    duration_minutes: Int | None = Field(None, ge=0, le=100000)
    reminders: Reminders | None = None
    outcome: str | None = None
    record_type: str | None = Field(None, max_length=40)
    record_id: Int | None = None


class LinkOut(Schema):
    record_type: str
    record_id: int


class ActivityOut(OwnedOut):
    kind: str
    subject: str
    notes: str
    due_at: dt.datetime | None
    done_at: dt.datetime | None
    duration_minutes: int | None
    reminders: list[int]
    outcome: str
    record_type: str
    record_id: int | None
    links: list[LinkOut] = Field(
        description="Every record it concerns: the one it is about and, for a deal, its contact and company."
    )

    @staticmethod
    def resolve_links(activity) -> list[dict]:
        return [
            {"record_type": link.record_type, "record_id": link.record_id} for link in activity.links.all()
        ]


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
