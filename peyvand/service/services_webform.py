"""Tickets from the public "Contact support" form of the help centre (``/help/contact/``): anyone may write, so
every value is checked and named when wrong, and the ticket is opened by the intake user and routed like mail
(``routing.py``; with no rule for the web form, the queue of the first active support address)."""

from typing import Any

from django.core.validators import validate_email
from django.utils.translation import gettext as _

from peyvand.core.errors import ValidationFailed
from peyvand.core.text import clean_display_text, normalize_email, strip_control
from peyvand.service import services_tickets
from peyvand.service.models import SupportAddress, Ticket, TicketChannel

LIMITS = {"name": 120, "email": 254, "subject": 200, "description": 20_000}


def _clean(values: dict[str, Any]) -> dict[str, str]:
    errors: list[dict] = []
    found: dict[str, str] = {}
    for name, limit in LIMITS.items():
        raw = str(values.get(name) or "")
        text = strip_control(raw).strip() if name == "description" else clean_display_text(raw)
        if not text:
            errors.append({"field": name, "message": _("This field is required.")})
        elif len(text) > limit:
            errors.append(
                {
                    "field": name,
                    "message": _("Ensure this value has at most %(limit)d characters.") % {"limit": limit},
                }
            )
        found[name] = text
    if found["email"]:
        found["email"] = normalize_email(found["email"])
        try:
            validate_email(found["email"])
        except Exception:  # noqa: BLE001 - Django's ValidationError, said in the field's words
            errors.append(
                {"field": "email", "message": _("Enter an e-mail address such as you@example.com.")}
            )
    if errors:
        raise ValidationFailed(errors)
    return found


def open_from_web_form(*, values: dict[str, Any], language: str) -> Ticket:
    """The ticket a visitor's message becomes: linked to the contact with that e-mail address when there is one,
    answered by e-mail to the address given."""
    from peyvand.leads.intake import fallback_owner, intake_actor, known_contact

    found = _clean(values)
    contact = known_contact(found["email"])
    desk = SupportAddress.objects.filter(active=True).select_related("team").order_by("id").first()
    signed = _("Sent by %(name)s through the help centre's form.") % {"name": found["name"]}
    return services_tickets.create_ticket(
        actor=intake_actor(),
        values={
            "subject": found["subject"],
            "description": f"{found['description']}\n\n— {signed}",
            "customer_email": found["email"],
            "contact": contact,
            "company": contact.company if contact is not None else None,
            "team": desk.team if desk is not None else None,
            "language": language,
        },
        channel=TicketChannel.WEB_FORM,
        route=True,
        fallback_owner=(contact.owner if contact is not None else None) or fallback_owner(),
    )
