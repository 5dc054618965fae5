"""Writes to companies and contacts: every rule that applies to them, in one place."""

from typing import Any

from django.db import transaction

from peyvand.contacts.duplicates import index_record, refuse_duplicates
from peyvand.contacts.models import Company, Contact
from peyvand.core.contactpoints import clean_emails, clean_phones
from peyvand.core.customfields import clean_custom_values
from peyvand.core.records import create_record, resolve_reference, update_record
from peyvand.core.text import clean_display_text

_TEXT_FIELDS = ("name", "industry", "region", "city", "first_name", "last_name", "title", "audience")


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
