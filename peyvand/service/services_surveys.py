"""The customer's survey after a resolution: how satisfied they are (CSAT, 1–5), how likely they are to recommend
us (0–10, the net promoter question) and a comment.

``send_survey`` runs when a ticket is resolved (``services_tickets.change_status``): once per resolution (a reopen
and a second resolution ask again), only when the customer has an e-mail address, in the ticket's language, by
e-mail through ``messaging`` as replies are. The link carries a random token; only its SHA-256 is stored.
``answer_survey`` takes the answer once, before the link expires, and sends ``events.survey_answered`` inside
the same transaction, so the net promoter score's answer (``analytics``, which sits above this app) is written
with it or not at all.
"""

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from peyvand.core import events
from peyvand.core.errors import PeyvandError
from peyvand.core.records import field_error
from peyvand.core.text import strip_control, to_ascii_digits
from peyvand.messaging import services as messaging
from peyvand.service.models import Ticket
from peyvand.service.models_surveys import TicketSurvey

log = logging.getLogger(__name__)

# How long the link answers; the settings may change it (PEYVAND_SURVEY_DAYS).
DEFAULT_DAYS = 30
MAX_COMMENT = 2000
ANSWERED = "survey.answered"
EXPIRED = "survey.expired"


def survey_days() -> int:
    return int(getattr(settings, "PEYVAND_SURVEY_DAYS", DEFAULT_DAYS))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def survey_for_token(token: str) -> TicketSurvey | None:
    """The survey a link's token opens, or None (a wrong or made-up token)."""
    if not token or len(token) > 100:
        return None
    return (
        TicketSurvey.objects.select_related("ticket")
        .filter(token_hash=hash_token(token), ticket__deleted_at__isnull=True)
        .first()
    )


def is_expired(survey: TicketSurvey, now: dt.datetime | None = None) -> bool:
    return not survey.answered and (now or timezone.now()) >= survey.expires_at


def survey_link(token: str, language: str) -> str:
    return f"{settings.PEYVAND_SITE_URL.rstrip('/')}{reverse('survey-public', args=[token])}?lang={language}"


def _recipient(ticket: Ticket) -> str:
    from peyvand.service.services_tickets import recipient_of

    return recipient_of(ticket)


def send_survey(ticket: Ticket) -> TicketSurvey | None:
    """Ask the customer of a just-resolved ticket (called inside its transaction). None when there is no one to
    ask or this resolution was asked already. A failing mail server does not undo the resolution: the outbox
    keeps the failed message and the survey stays unsent."""
    to = _recipient(ticket)
    if not to or ticket.merged_into_id:
        return None
    resolution = ticket.reopen_count
    if TicketSurvey.objects.filter(ticket=ticket, resolution=resolution).exists():
        return None
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    language = ticket.language if ticket.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    try:
        with transaction.atomic():
            survey = TicketSurvey.objects.create(
                ticket=ticket,
                resolution=resolution,
                token_hash=hash_token(token),
                sent_to=to[:254],
                language=language,
                expires_at=now + dt.timedelta(days=survey_days()),
            )
    except IntegrityError:  # a second resolve of the same resolution at the same moment
        return None
    with translation.override(language):
        subject = _("[#%(number)s] How did we do?") % {"number": ticket.pk}
        body = _(
            "Hello,\n\nyour request “%(subject)s” (#%(number)s) was resolved. Would you tell us how we did? "
            "Two questions and a comment, a minute at most:\n\n%(link)s\n\n"
            "The link works for %(days)s days. Thank you!"
        ) % {
            "subject": ticket.subject,
            "number": ticket.pk,
            "link": survey_link(token, language),
            "days": survey_days(),
        }
    try:
        with transaction.atomic():
            messaging.send(
                channel="email",
                to=to,
                subject=subject,
                body=body,
                record_type="ticket",
                record_id=ticket.pk,
                source="ticket_survey",
            )
    except Exception:  # the outbox row says why; the ticket is resolved all the same
        log.warning("The survey of ticket %s could not be sent", ticket.pk, exc_info=True)
        return survey
    survey.sent_at = timezone.now()
    survey.save(update_fields=["sent_at"])
    return survey


@dataclass(frozen=True)
class Answer:
    csat: int
    nps: int | None
    comment: str


def _score(raw: Any, field: str, low: int, high: int, *, required: bool) -> int | None:
    text = to_ascii_digits(str(raw if raw is not None else "")).strip()
    if not text:
        if required:
            raise field_error(field, _("Choose one of the answers."))
        return None
    value = int(text) if text.isascii() and text.isdigit() else None
    if value is None or not low <= value <= high:
        raise field_error(field, _("Choose a number from %(low)s to %(high)s.") % {"low": low, "high": high})
    return value


def clean_answer(values: dict[str, Any]) -> Answer:
    comment = strip_control(str(values.get("comment") or "")).strip()
    if len(comment) > MAX_COMMENT:
        raise field_error("comment", _("Write at most %(count)s characters.") % {"count": MAX_COMMENT})
    return Answer(
        csat=_score(values.get("csat"), "csat", 1, 5, required=True),  # type: ignore[arg-type]
        nps=_score(values.get("nps"), "nps", 0, 10, required=False),
        comment=comment,
    )


@transaction.atomic
def answer_survey(*, survey: TicketSurvey, values: dict[str, Any]) -> TicketSurvey:
    """Keep the customer's answer (once, while the link is valid) and announce it to the analytics in the same
    transaction. A second answer is refused with ``survey.answered`` (409), a late one with ``survey.expired``
    (410); bad input names its field."""
    answer = clean_answer(values)
    current = TicketSurvey.objects.select_for_update().select_related("ticket").get(pk=survey.pk)
    if current.answered:
        raise PeyvandError(ANSWERED, _("You have already answered this survey. Thank you!"), status=409)
    now = timezone.now()
    if is_expired(current, now):
        raise PeyvandError(EXPIRED, _("This survey link has expired."), status=410)
    current.csat, current.nps, current.comment = answer.csat, answer.nps, answer.comment
    current.answered_at = now
    current.save(update_fields=["csat", "nps", "comment", "answered_at"])
    ticket = current.ticket
    events.survey_answered.send(
        sender=TicketSurvey,
        survey=current,
        ticket=ticket,
        contact=ticket.contact if ticket.contact_id else None,
        owner=ticket.owner,
        team=ticket.team if ticket.team_id else None,
        csat=current.csat,
        score=current.nps,
        comment=current.comment,
        answered_at=now,
        channel="email",
    )
    return current


def surveys_of(ticket: Ticket) -> list[TicketSurvey]:
    """The ticket's surveys, newest first, for its page (whoever sees the ticket sees its answers)."""
    return list(TicketSurvey.objects.filter(ticket=ticket).order_by("-resolution", "-id"))
