import datetime as dt

from pydantic import Field

from peyvand.core.schemas import Bool, DateTime, Int, OwnedIn, OwnedOut, PatchBase


class ActivityIn(OwnedIn):
    kind: str = "task"
    subject: str = Field(min_length=1, max_length=200)
    notes: str = ""
    due_at: DateTime | None = None
    done: Bool = False
    duration_minutes: Int | None = Field(None, ge=0, le=100000)
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
    outcome: str
    contact_id: int | None
    company_id: int | None
    deal_id: int | None
    lead_id: int | None
