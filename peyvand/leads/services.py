"""Writes to leads, and converting a lead into a contact, a company and an open deal."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peyvand.contacts.models import Company, Contact
from peyvand.contacts.services import create_company, create_contact
from peyvand.core import events
from peyvand.core.contactpoints import clean_emails, clean_phones
from peyvand.core.customfields import clean_custom_values
from peyvand.core.errors import PeyvandError
from peyvand.core.models import AuditAction
from peyvand.core.records import create_record, lock_for_update, resolve_reference, update_record
from peyvand.core.text import clean_display_text, normalize_text
from peyvand.leads.models import Lead, LeadStatus

_TEXT_FIELDS = (
    "first_name",
    "last_name",
    "title",
    "company_name",
    "industry",
    "city",
    "region",
    "description",
)


def _clean(actor, values: dict[str, Any], current: Lead | None) -> dict[str, Any]:
    values = dict(values)
    for name in _TEXT_FIELDS:
        if name in values:
            values[name] = clean_display_text(values[name] or "")
    if "phone" in values:
        phones = clean_phones(values["phone"], field="phone")
        values["phone"] = phones[0] if phones else ""
    if "email" in values:
        emails = clean_emails(values["email"], field="email")
        values["email"] = emails[0] if emails else ""
    if values.get("status") == LeadStatus.CONVERTED and (
        current is None or current.status != LeadStatus.CONVERTED
    ):
        raise PeyvandError(
            "lead.convert_required",
            _("Use “Convert” to turn a lead into a deal."),
            field="status",
            status=422,
        )
    for name, model in (("contact", Contact), ("company", Company)):
        if name in values:
            values[name] = resolve_reference(model, values[name], actor, name)
    if "custom" in values or current is None:
        values["custom"] = clean_custom_values(
            "lead", values.get("custom"), current=current.custom if current else None
        )
    return values


def create_lead(*, actor, values: dict[str, Any]) -> Lead:
    return create_record(Lead, actor=actor, values=_clean(actor, values, None))


def update_lead(*, actor, lead: Lead, version: int | None, values: dict[str, Any]) -> Lead:
    return update_record(lead, actor=actor, version=version, values=_clean(actor, values, lead))


def _matching_contact(actor, lead: Lead) -> Contact | None:
    """A contact the actor can see with the lead's phone or e-mail (search text holds both, normalised)."""
    visible = Contact.objects.visible_to(actor)
    for key, attr in ((lead.phone, "phones"), (lead.email, "emails")):
        if key:
            for candidate in visible.filter(search_text__contains=key):
                if key in getattr(candidate, attr):
                    return candidate
    return None


def _matching_company(actor, lead: Lead) -> Company | None:
    name = normalize_text(lead.company_name)
    if not name:
        return None
    for company in Company.objects.visible_to(actor).filter(search_text__startswith=name):
        if normalize_text(company.name) == name:
            return company
    return None


@transaction.atomic
def convert_lead(
    *,
    actor,
    lead: Lead,
    version: int | None,
    pipeline: Any = None,
    deal_title: str = "",
    amount: Any = None,
    contact: Any = None,
    company: Any = None,
):
    """Create or link the lead's contact and company and open a deal on ``pipeline`` (the default if none)."""
    from peyvand.sales.services import create_deal

    lead = lock_for_update(lead, version)
    if lead.status == LeadStatus.CONVERTED:
        raise PeyvandError("lead.already_converted", _("This lead was already converted."), status=409)
    if lead.status == LeadStatus.DISQUALIFIED:
        raise PeyvandError("lead.disqualified", _("A disqualified lead cannot be converted."), status=409)

    company_obj = resolve_reference(Company, company, actor, "company") or lead.company
    if company_obj is None and lead.company_name:
        company_obj = _matching_company(actor, lead) or create_company(
            actor=actor,
            values={
                "name": lead.company_name,
                "industry": lead.industry,
                "city": lead.city,
                "region": lead.region,
                "owner": lead.owner,
            },
        )
    contact_obj = (
        resolve_reference(Contact, contact, actor, "contact")
        or lead.contact
        or _matching_contact(actor, lead)
    )
    if contact_obj is None:
        contact_obj = create_contact(
            actor=actor,
            values={
                "first_name": lead.first_name,
                "last_name": lead.last_name,
                "title": lead.title,
                "company": company_obj,
                "phones": [lead.phone] if lead.phone else [],
                "emails": [lead.email] if lead.email else [],
                "city": lead.city,
                "region": lead.region,
                "source": lead.source,
                "owner": lead.owner,
            },
        )
    deal = create_deal(
        actor=actor,
        values={
            "title": deal_title or lead.company_name or str(lead),
            "amount": amount if amount not in (None, "") else 0,
            "pipeline": pipeline,
            "contact": contact_obj,
            "company": company_obj,
            "lead": lead,
            "owner": lead.owner,
        },
    )
    lead = update_record(
        lead,
        actor=actor,
        version=lead.version,
        action=AuditAction.CONVERT,
        values={
            "status": LeadStatus.CONVERTED,
            "contact": contact_obj,
            "company": company_obj,
            "converted_at": timezone.now(),
        },
        note=_("Opened deal #%(id)s") % {"id": deal.pk},
    )
    events.emit(events.lead_converted, Lead, lead=lead, deal=deal, actor=actor)
    return lead, deal
