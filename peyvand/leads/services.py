"""Writes to leads, and converting a lead into a contact, a company and an open deal."""

import re
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peyvand.contacts.duplicates import DuplicateFound, check_duplicates, index_record
from peyvand.contacts.models import Company, Contact
from peyvand.contacts.services import create_company, create_contact
from peyvand.core import events
from peyvand.core.contactpoints import clean_emails, clean_phones
from peyvand.core.customfields import clean_custom_values
from peyvand.core.errors import PeyvandError
from peyvand.core.models import AuditAction
from peyvand.core.records import create_record, field_error, lock_for_update, resolve_reference, update_record
from peyvand.core.text import clean_display_text, normalize_text
from peyvand.leads import assignment, permissions, scoring
from peyvand.leads.models import Lead, LeadStatus, PipelineIntake

_TEXT_FIELDS = (
    "first_name",
    "last_name",
    "title",
    "company_name",
    "industry",
    "city",
    "region",
)


def _clean(actor, values: dict[str, Any], current: Lead | None) -> dict[str, Any]:
    values = dict(values)
    for name in _TEXT_FIELDS:
        if name in values:
            values[name] = clean_display_text(values[name] or "")
    if "description" in values:  # free text keeps its lines (an e-mail body, a note pasted in)
        lines = [clean_display_text(line) for line in str(values["description"] or "").splitlines()]
        values["description"] = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
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
    if "pipeline" in values:
        values["pipeline"] = _pipeline(actor, values["pipeline"])
    for name in ("source_detail", "language"):
        if name in values:
            values[name] = clean_display_text(values[name] or "")
    if "custom" in values or current is None:
        values["custom"] = clean_custom_values(
            "lead", values.get("custom"), current=current.custom if current else None
        )
    return values


def _pipeline(actor, value):
    from peyvand.sales.models import Pipeline
    from peyvand.sales.selectors import pipelines_visible_to

    if value in (None, ""):
        return None
    pk = value.pk if isinstance(value, Pipeline) else value
    try:
        return pipelines_visible_to(actor).get(pk=pk)
    except (Pipeline.DoesNotExist, ValueError, TypeError):
        raise field_error("pipeline", _("No such pipeline, or you may not use it.")) from None


def _draft(lead: Lead, values: dict[str, Any]) -> Lead:
    """The lead as it will be after ``values``, unsaved, for scoring and assignment to look at."""
    draft = Lead(**{f.attname: getattr(lead, f.attname) for f in Lead._meta.concrete_fields})
    for name, value in values.items():
        if name not in ("tags", "owner"):
            setattr(draft, name, value)
    return draft


def _opens_deal(lead: Lead, open_deal: bool | None) -> bool:
    if open_deal is not None:
        return open_deal
    if lead.pipeline_id is None:
        return False
    return PipelineIntake.objects.filter(pipeline_id=lead.pipeline_id, open_deal=True).exists()


@transaction.atomic
def create_lead(
    *,
    actor,
    values: dict[str, Any],
    allow_duplicate: bool = False,
    use_rules: bool | None = None,
    default_owner=None,
    open_deal: bool | None = None,
) -> Lead:
    """Create a lead: scored by its pipeline's model, given an owner, and a deal opened where configured.

    Without an explicit owner the assignment rules choose one when ``use_rules`` (by default when the actor is
    an administrator or an integration: a rep or manager typing a lead keeps it), else ``default_owner``, else
    the actor. ``open_deal`` None means "as the lead's pipeline says" (PipelineIntake).
    """
    values = _clean(actor, values, None)
    if not allow_duplicate:
        candidates = check_duplicates("lead", actor=actor, values=values)
        if candidates:
            raise DuplicateFound(candidates)
    draft = _draft(Lead(), values)
    score = scoring.score_lead(draft)
    values.update(score.as_values())
    draft = _draft(draft, score.as_values())
    note = ""
    if values.get("owner") in (None, ""):
        chosen = (
            assignment.choose_owner(draft)
            if (permissions.can_assign_by_rules(actor) if use_rules is None else use_rules)
            else None
        )
        if chosen is not None:
            values.update(owner=chosen.owner, assigned_by=chosen.rule, assignment_reason=chosen.reason)
            note = chosen.reason
        elif default_owner is not None:
            note = _("No assignment rule matched; given to the intake's default owner %(user)s.") % {
                "user": default_owner
            }
            values.update(owner=default_owner, assignment_reason=note[:255])
    lead = create_record(Lead, actor=actor, values=values, note=note or values.get("assignment_reason", ""))
    index_record("lead", lead)
    events.emit(
        events.lead_assigned,
        Lead,
        lead=lead,
        owner=lead.owner,
        rule=lead.assigned_by,
        reason=lead.assignment_reason,
        actor=actor,
    )
    if _opens_deal(lead, open_deal):
        from peyvand.sales.services import create_deal

        create_deal(
            actor=actor,
            values={
                "title": lead.company_name or str(lead),
                "amount": lead.budget or 0,
                "pipeline": lead.pipeline,
                "contact": lead.contact,
                "company": lead.company,
                "lead": lead,
                "owner": lead.owner,
            },
        )
    return lead


@transaction.atomic
def update_lead(*, actor, lead: Lead, version: int | None, values: dict[str, Any]) -> Lead:
    values = _clean(actor, values, lead)
    score = scoring.score_lead(_draft(lead, values))
    lead = update_record(lead, actor=actor, version=version, values={**values, **score.as_values()})
    index_record("lead", lead)
    if lead.score_explanation != score.explanation:  # same total from other rules: keep the explanation true
        Lead.all_objects.filter(pk=lead.pk).update(score_explanation=score.explanation)
        lead.score_explanation = score.explanation
    return lead


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
        # The conversion links what it can match; anything else it creates is meant as new.
        company_obj = _matching_company(actor, lead) or create_company(
            actor=actor,
            allow_duplicate=True,
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
            allow_duplicate=True,
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
