"""Writes to activities: calls, meetings, tasks, e-mails and notes attached to CRM records."""

from typing import Any

from django.utils import timezone

from peyvand.activities.models import Activity
from peyvand.contacts.models import Company, Contact
from peyvand.core import events
from peyvand.core.records import create_record, resolve_reference, update_record
from peyvand.core.text import clean_display_text
from peyvand.leads.models import Lead
from peyvand.sales.models import Deal

_LINKS = (("contact", Contact), ("company", Company), ("deal", Deal), ("lead", Lead))


def _clean(actor, values: dict[str, Any]) -> dict[str, Any]:
    values = dict(values)
    for name in ("subject", "outcome"):
        if name in values:
            values[name] = clean_display_text(values[name] or "")
    if "notes" in values:
        values["notes"] = (values["notes"] or "").strip()
    for name, model in _LINKS:
        if name in values:
            values[name] = resolve_reference(model, values[name], actor, name)
    deal = values.get("deal")
    # A task on a deal shows on the deal's contact and company too.
    if deal is not None:
        values.setdefault("contact", deal.contact)
        values.setdefault("company", deal.company)
    if "done" in values:
        done = values.pop("done")
        values["done_at"] = (values.get("done_at") or timezone.now()) if done else None
    return values


def create_activity(*, actor, values: dict[str, Any]) -> Activity:
    activity = create_record(Activity, actor=actor, values=_clean(actor, values))
    if activity.done_at:
        events.emit(events.activity_completed, Activity, activity=activity, actor=actor)
    return activity


def update_activity(*, actor, activity: Activity, version: int | None, values: dict[str, Any]) -> Activity:
    values = _clean(actor, values)
    was_done = activity.done_at is not None
    if values.get("done_at") and was_done:
        values["done_at"] = activity.done_at  # completing twice keeps the first completion time
    activity = update_record(activity, actor=actor, version=version, values=values)
    if activity.done_at and not was_done:
        events.emit(events.activity_completed, Activity, activity=activity, actor=actor)
    return activity


def complete_activity(*, actor, activity: Activity, version: int | None, outcome: str = "") -> Activity:
    values: dict[str, Any] = {"done": True}
    if outcome:
        values["outcome"] = outcome
    return update_activity(actor=actor, activity=activity, version=version, values=values)
