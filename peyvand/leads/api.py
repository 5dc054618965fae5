from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Body, Path, Query, Router, Status

from peyvand.core import registry
from peyvand.core.clientip import client_address
from peyvand.core.errors import PeyvandError
from peyvand.core.rest import responses
from peyvand.leads import intake, scoring, selectors, services
from peyvand.leads.models import Lead, ScoringModel
from peyvand.leads.resources import LEADS
from peyvand.leads.schemas import (
    AcceptedOut,
    InsightsOut,
    IntakeOut,
    JobStartedOut,
    LeadConvertIn,
    LeadConvertOut,
    LeadScoreOut,
    MailIntakeOut,
)

# The generic routes come from the registry (leads/resources.py); these are the lead's own, mounted beside them.
router = Router()


@router.post(
    "/{int:pk}/convert",
    response=responses({200: LeadConvertOut}, 404, 409),
    tags=["leads"],
    operation_id="leads_convert",
)
def convert(request, pk: int, payload: LeadConvertIn):
    """Create or link the contact and company, and open a deal (on the default pipeline unless given)."""
    data = payload.model_dump()
    lead, deal = services.convert_lead(actor=request.user, lead=LEADS.get(request, pk), **data)
    return {
        "lead": LEADS.get(request, lead.pk),
        "deal_id": deal.pk,
        "contact_id": lead.contact_id,
        "company_id": lead.company_id,
    }


@router.get(
    "/{int:pk}/score",
    response=responses({200: LeadScoreOut}, 404),
    tags=["leads"],
    operation_id="leads_score",
)
def lead_score(request, pk: int):
    """The lead's score, band and qualification, and which rules fired with how many points each."""
    lead = LEADS.get(request, pk)
    model = lead.scoring_model
    return {
        "lead_id": lead.pk,
        "score": lead.score,
        "band": lead.score_band,
        "qualified": lead.qualified,
        "model_id": model.pk if model else None,
        "model": model.name if model else None,
        "threshold": model.threshold if model else None,
        "explanation": lead.score_explanation,
        "assignment_reason": lead.assignment_reason,
    }


intake_router = Router(tags=["intake"])


@intake_router.post(
    "/forms/{key}",
    auth=None,
    response=responses({201: IntakeOut}, 404, 429),
    operation_id="intake_web_form",
)
def submit_form(request, payload: Body[dict[str, Any]], key: str = Path(..., max_length=64)):
    """A public web form's submission as JSON (no sign-in; the form's key, a honeypot field and a per-address
    rate limit protect it). Fields are the form's own; custom fields as ``custom.<key>``."""
    form = intake.active_form(key)
    data = intake.web_form_data(form, payload)
    lead = intake.submit_web_form(
        form=form,
        data=data,
        address=client_address(request),
        page_url=request.headers.get("Referer", ""),
    )
    return Status(201, {"lead_id": lead.pk, "created": True, "message": form.thank_you or _("Thank you.")})


@intake_router.post(
    "/email",
    response=responses({200: MailIntakeOut, 201: MailIntakeOut}, 413),
    operation_id="intake_email",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"text/plain": {"schema": {"type": "string"}}},
            "description": "The raw RFC 822 message (message/rfc822 or text/plain), as an inbound-mail "
            "webhook or a mail pipe sends it.",
        }
    },
)
def submit_email(request, pipeline: int | None = Query(None, ge=1, le=2**31 - 1)):
    """One inbound e-mail becomes a lead (source e-mail), or — sent to a support address or answering a
    ticket — a ticket or a message on it; the same Message-ID again returns the first record (200). An
    administrator's or integration's token is required."""
    try:
        raw = request.body
    except RequestDataTooBig:
        raise PeyvandError("intake.too_large", _("The message is too large."), status=413) from None
    record, created = intake.intake_email(actor=request.user, raw=raw, pipeline=pipeline)
    record_type = registry.for_model(record)
    is_lead = isinstance(record, Lead)
    return Status(
        201 if created else 200,
        {
            "record_type": record_type.name if record_type else record._meta.model_name,
            "record_id": record.pk,
            "lead_id": record.pk if is_lead else None,
            "created": created,
            "message": (_("Lead created.") if is_lead else _("Received."))
            if created
            else _("This message was already received."),
        },
    )


scoring_router = Router(tags=["scoring"])


def _scoring_model(request, pk: int) -> ScoringModel:
    """Scoring models are administrators' configuration: to anyone else they do not exist (404)."""
    model = selectors.scoring_models_visible_to(request.user).filter(pk=pk).first()
    if model is None:
        raise Http404
    return model


@scoring_router.get(
    "/{int:pk}/insights",
    response=responses({200: InsightsOut}, 404),
    operation_id="scoring_models_insights",
)
def model_insights(request, pk: int):
    """Per rule: win rate of won/lost leads that matched it versus those that did not, with counts and a
    suggested point value; and the model's lift (conversion above versus below the threshold)."""
    return scoring.model_insights(actor=request.user, model=_scoring_model(request, pk))


@scoring_router.post(
    "/{int:pk}/rules/{int:rule_id}/accept",
    response=responses({200: AcceptedOut}, 404, 409),
    operation_id="scoring_models_accept_suggestion",
)
def accept_suggestion(request, pk: int, rule_id: int):
    """Give the rule its suggested points (audited) and re-score the model's leads in the background."""
    rule, job = scoring.accept_suggestion(
        actor=request.user, model=_scoring_model(request, pk), rule_id=rule_id
    )
    return {"rule_id": rule.pk, "points": rule.points, "job_id": job.pk}


@scoring_router.post(
    "/{int:pk}/rescore",
    response=responses({202: JobStartedOut}, 404),
    operation_id="scoring_models_rescore",
)
def rescore_model(request, pk: int):
    """Re-score every lead of the model as a background job; follow it at /api/v1/jobs/{id}."""
    job = scoring.start_rescore_by(actor=request.user, model=_scoring_model(request, pk))
    return Status(202, {"job_id": job.pk})
