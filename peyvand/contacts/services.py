"""Writes to companies and contacts: every rule that applies to them, in one place."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peyvand.contacts.calltime import known_time_zones, parse_time
from peyvand.contacts.duplicates import index_record, refuse_duplicates
from peyvand.contacts.models import Company, Contact
from peyvand.core.contactpoints import clean_emails, clean_phones
from peyvand.core.customfields import clean_custom_values
from peyvand.core.errors import ValidationFailed
from peyvand.core.records import create_record, resolve_reference, update_record
from peyvand.core.text import clean_display_text

_TEXT_FIELDS = (
    "name",
    "industry",
    "region",
    "city",
    "first_name",
    "last_name",
    "title",
    "audience",
    "lost_reason",
)


def _clean_call_hours(values: dict[str, Any], current: Company | Contact | None) -> None:
    """Time zone and working hours: a known IANA zone, "HH:MM" times with start before end, weekdays 0–6.

    Empty values mean "inherit" (a contact from its company, a company from the defaults).
    """
    errors = []
    if "time_zone" in values:
        zone = (values["time_zone"] or "").strip()
        if zone and zone not in known_time_zones():
            errors.append({"field": "time_zone", "message": _("Choose a time zone such as Asia/Tehran.")})
        values["time_zone"] = zone
    for name in ("work_start", "work_end"):
        if name in values:
            try:
                values[name] = parse_time(values[name]).strftime("%H:%M") if values[name] else ""
            except (ValueError, TypeError):
                errors.append({"field": name, "message": _("Enter a time such as 09:00.")})
    if "work_days" in values:
        days = values["work_days"] or []
        if not isinstance(days, list | tuple) or any(
            isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= 6 for d in days
        ):
            errors.append(
                {
                    "field": "work_days",
                    "message": _("Working days are weekday numbers, Monday 0 to Sunday 6."),
                }
            )
        else:
            values["work_days"] = sorted(set(days))
    if errors:
        raise ValidationFailed(errors)
    start = values.get("work_start", current.work_start if current else "")
    end = values.get("work_end", current.work_end if current else "")
    if start and end and start >= end:
        raise ValidationFailed(
            [{"field": "work_end", "message": _("Working hours must end after they start.")}]
        )


def _clean_standing(values: dict[str, Any], current: Company | Contact | None) -> None:
    """A lost mark is a day not after today; a reason needs the day (clearing the day clears its reason)."""
    lost_on = values.get("lost_on", current.lost_on if current else None)
    if lost_on and lost_on > timezone.localdate():
        raise ValidationFailed(
            [{"field": "lost_on", "message": _("The day a customer was lost cannot be later than today.")}]
        )
    if not lost_on:
        if "lost_on" in values and "lost_reason" not in values:
            values["lost_reason"] = ""
        elif values.get("lost_reason", current.lost_reason if current else ""):
            raise ValidationFailed(
                [
                    {
                        "field": "lost_on",
                        "message": _("Give the day the customer was lost, or leave the reason empty."),
                    }
                ]
            )


def _clean(
    actor, values: dict[str, Any], *, entity: str, current: Company | Contact | None
) -> dict[str, Any]:
    values = dict(values)
    for name in _TEXT_FIELDS:
        if name in values and values[name] is not None:
            values[name] = clean_display_text(values[name])
    if "phones" in values:
        values["phones"] = clean_phones(values["phones"])
    if "emails" in values:
        values["emails"] = clean_emails(values["emails"])
    if "company" in values:
        values["company"] = resolve_reference(Company, values["company"], actor, "company")
    _clean_call_hours(values, current)
    _clean_standing(values, current)
    if "custom" in values or current is None:
        values["custom"] = clean_custom_values(
            entity, values.get("custom"), current=current.custom if current else None
        )
    return {k: ("" if v is None and k in _TEXT_FIELDS else v) for k, v in values.items()}


@transaction.atomic
def create_company(*, actor, values: dict[str, Any], allow_duplicate: bool = False) -> Company:
    """Create a company; refused with the likely duplicates the actor can see unless ``allow_duplicate``."""
    values = _clean(actor, values, entity="company", current=None)
    refuse_duplicates("company", actor=actor, values=values, allow_duplicate=allow_duplicate)
    company = create_record(Company, actor=actor, values=values)
    index_record("company", company)
    return company


@transaction.atomic
def update_company(*, actor, company: Company, version: int | None, values: dict[str, Any]) -> Company:
    company = update_record(
        company, actor=actor, version=version, values=_clean(actor, values, entity="company", current=company)
    )
    index_record("company", company)
    return company


@transaction.atomic
def create_contact(*, actor, values: dict[str, Any], allow_duplicate: bool = False) -> Contact:
    """Create a contact; refused with the likely duplicates the actor can see unless ``allow_duplicate``."""
    values = _clean(actor, values, entity="contact", current=None)
    refuse_duplicates("contact", actor=actor, values=values, allow_duplicate=allow_duplicate)
    contact = create_record(Contact, actor=actor, values=values)
    index_record("contact", contact)
    return contact


@transaction.atomic
def update_contact(*, actor, contact: Contact, version: int | None, values: dict[str, Any]) -> Contact:
    contact = update_record(
        contact, actor=actor, version=version, values=_clean(actor, values, entity="contact", current=contact)
    )
    index_record("contact", contact)
    return contact
