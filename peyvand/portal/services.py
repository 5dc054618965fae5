"""The customer portal's rules: sign-in links, the portal session, and what a signed-in customer may write.

Sign-in: ``request_link`` has a job (``send_link``) e-mail a one-time link to an address that is one of a
contact's (normalised); the form answers the same, as fast, whether or not it was, so it tells no one who is a
customer. The token is random (256 bits), kept only hashed, valid for ``LINK_MINUTES`` and used once
(``use_link`` marks it in one UPDATE, so two clicks cannot both sign in). Requests are limited per address and per client address in Django's cache.

The portal session is a signed cookie of its own (``COOKIE``) naming the link that opened it and its contact;
it never touches Django's authentication, so a customer is never a staff user and a staff session opens no
portal. Signing out, or ``SESSION_HOURS`` passing, ends it on the server too (the link row is checked on every
request).
"""

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from peyvand.contacts.models import Contact
from peyvand.core import ratelimit
from peyvand.core.errors import PeyvandError
from peyvand.core.records import field_error
from peyvand.core.text import clean_display_text, normalize_email, strip_control
from peyvand.messaging import services as messaging
from peyvand.messaging.models import Outbox
from peyvand.portal.models import PortalLink

LINK_MINUTES = 15
SESSION_HOURS = 8
COOKIE = "peyvand_portal"
SALT = "peyvand.portal.session"
# Links one address may ask for, and one client address, per window: a customer needs one or two; more is a
# mailbox being flooded or the form being used to guess who is a customer.
ADDRESS_LIMIT, ADDRESS_WINDOW = 3, 15 * 60
CLIENT_LIMIT, CLIENT_WINDOW = 10, 60 * 60
RATE_LIMITED = "portal.rate_limited"
TICKET_CLOSED = "portal.ticket_closed"

logger = logging.getLogger(__name__)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def clean_address(raw: Any) -> str:
    """The typed e-mail address, normalised; a field error when it is not one."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    address = normalize_email(strip_control(str(raw or "")))[:254]
    if not address:
        raise field_error("email", _("This field is required."))
    try:
        validate_email(address)
    except ValidationError:
        raise field_error("email", _("Enter a valid e-mail address.")) from None
    return address


def contact_for_address(address: str) -> Contact | None:
    """The contact one of whose addresses is ``address`` (normalised); the oldest when several share it."""
    candidates = Contact.objects.filter(search_text__contains=address).order_by("id")
    return next((c for c in candidates if address in {normalize_email(e) for e in c.emails}), None)


def request_link(*, email: Any, client: str) -> None:
    """Ask for a sign-in link for ``email``: a field error for what is not an address, a 429 once the address or
    the client asked too often. Whether the address is a contact's is found out by a background job
    (``send_link``), so the answer takes as long for a customer's address as for any other."""
    from peyvand.portal import tasks

    address = clean_address(email)
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    if not (
        ratelimit.allowed(f"peyvand:portal-link:address:{digest}", ADDRESS_LIMIT, ADDRESS_WINDOW)
        and ratelimit.allowed(f"peyvand:portal-link:client:{client}", CLIENT_LIMIT, CLIENT_WINDOW)
    ):
        raise PeyvandError(
            RATE_LIMITED, _("Too many sign-in links were asked for; try again later."), status=429
        )
    tasks.send_sign_in_link.enqueue(
        address=address, client=client, language=translation.get_language() or "fa"
    )


def send_link(*, address: str, client: str) -> PortalLink | None:
    """E-mail a sign-in link (in the active language) if ``address`` (normalised) is a contact's; the link, or
    None when it is no one's."""
    contact = contact_for_address(address)
    if contact is None:
        return None
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    link = PortalLink.objects.create(
        contact=contact,
        email=address,
        token_hash=_hash(token),
        expires_at=now + dt.timedelta(minutes=LINK_MINUTES),
        requested_from=client[:45],
    )
    url = settings.PEYVAND_SITE_URL.rstrip("/") + reverse("portal:link", args=[token])
    body = _(
        "Hello %(name)s,\n\nTo sign in to the customer portal, open this link:\n%(url)s\n\n"
        "It works once, for %(minutes)s minutes. If you did not ask for it, ignore this e-mail."
    ) % {"name": contact.first_name or contact, "url": url, "minutes": LINK_MINUTES}
    try:
        messaging.send(
            channel="email",
            to=address,
            subject=_("Your sign-in link"),
            body=body,
            record_type="contact",
            record_id=contact.pk,
            source="portal_link",
        )
    except Exception:
        # The outbox row is marked failed for the administrator; the customer asks again.
        logger.exception("The portal sign-in link to contact %s could not be sent", contact.pk)
    finally:
        # The outbox keeps what was sent, but the token is kept nowhere in clear.
        Outbox.objects.filter(source="portal_link", record_id=contact.pk, body=body).update(
            body=body.replace(token, "…")
        )
    return link


@dataclass(frozen=True)
class LinkState:
    link: PortalLink | None
    problem: str  # "" when it may be used; "unknown", "used" or "expired"


def check_link(token: str) -> LinkState:
    """What a link's token opens, without using it."""
    link = PortalLink.objects.filter(token_hash=_hash(token or "")).select_related("contact").first()
    if link is None or link.contact.deleted_at is not None:
        return LinkState(None, "unknown")
    if link.used_at is not None:
        return LinkState(link, "used")
    if link.expires_at <= timezone.now():
        return LinkState(link, "expired")
    return LinkState(link, "")


@transaction.atomic
def use_link(token: str) -> LinkState:
    """Use the link once: marked used in one conditional UPDATE, so of two requests only one signs in. The
    contact's other unused links stop working."""
    state = check_link(token)
    if state.problem or state.link is None:
        return state
    now = timezone.now()
    taken = PortalLink.objects.filter(pk=state.link.pk, used_at__isnull=True, expires_at__gt=now).update(
        used_at=now
    )
    if not taken:
        return check_link(token)
    PortalLink.objects.filter(contact=state.link.contact, used_at__isnull=True).update(expires_at=now)
    state.link.used_at = now
    return state


def session_value(link: PortalLink) -> str:
    return signing.dumps({"l": link.pk, "c": link.contact_id}, salt=SALT)


def session_link(value: str | None) -> PortalLink | None:
    """The link whose session the cookie holds, while it lasts: signed by us, not signed out of, not older than
    ``SESSION_HOURS``, its contact not deleted."""
    if not value:
        return None
    try:
        data = signing.loads(value, salt=SALT, max_age=SESSION_HOURS * 3600)
        pk, contact_id = int(data["l"]), int(data["c"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    since = timezone.now() - dt.timedelta(hours=SESSION_HOURS)
    return (
        PortalLink.objects.filter(
            pk=pk,
            contact_id=contact_id,
            used_at__gt=since,
            signed_out_at__isnull=True,
            contact__deleted_at__isnull=True,
        )
        .select_related("contact", "contact__company")
        .first()
    )


def sign_out(link: PortalLink) -> None:
    PortalLink.objects.filter(pk=link.pk, signed_out_at__isnull=True).update(signed_out_at=timezone.now())


# ── what the customer writes ────────────────────────────────────────────────────────────────────────────────────


def open_ticket(*, link: PortalLink, values: dict[str, Any], language: str):
    """A ticket opened by the signed-in customer, as the e-mail intake opens one: the desk's first support address
    gives the queue and priority, the routing rules (``service/routing.py``) its agent, else the queue's least
    busy agent, else the contact's owner; the SLA starts. Answers go to the address the customer signed in with."""
    from peyvand.leads.intake import fallback_owner, intake_actor
    from peyvand.service import services_tickets
    from peyvand.service.models import SupportAddress, TicketChannel

    contact = link.contact
    address = SupportAddress.objects.filter(active=True).select_related("team").order_by("id").first()
    team = address.team if address else None
    subject = clean_display_text(str(values.get("subject") or ""))
    description = strip_control(str(values.get("description") or "")).strip()
    if not description:
        raise field_error("description", _("This field is required."))
    if len(description) > services_tickets.MAX_BODY:
        raise field_error("description", _("The message is too long."))
    fields: dict[str, Any] = {
        "subject": subject,
        "description": description,
        "contact": contact.pk,
        "customer_email": link.email,
        "language": language,
        "team": team,
    }
    if address is not None:
        fields["priority"] = address.priority
        if address.category_id:
            fields["category"] = address.category_id
    return services_tickets.create_ticket(
        actor=intake_actor(),
        values=fields,
        channel=TicketChannel.PORTAL,
        route=True,
        fallback_owner=contact.owner or fallback_owner(),
    )


def reply(*, link: PortalLink, ticket, body: Any):
    """The customer's answer on a ticket they see, as if mailed: the SLA and the agent's notifications follow. A
    closed ticket takes no more answers (the customer opens a new ticket)."""
    from peyvand.service import services_tickets
    from peyvand.service.models import TicketChannel, TicketStatus

    if ticket.merged_into_id:
        # answered on the ticket it was merged into, which the customer opens themselves (it could, by an agent's
        # mistake, be another customer's: the portal never writes to a ticket it did not find for them)
        raise PeyvandError(
            TICKET_CLOSED,
            _("This ticket was joined to ticket #%(reference)s; answers go there.")
            % {"reference": ticket.merged_into_id},
            field="body",
            status=409,
        )
    if ticket.status == TicketStatus.CLOSED:
        raise PeyvandError(
            TICKET_CLOSED, _("This ticket is closed; open a new ticket instead."), field="body", status=409
        )
    return services_tickets.add_customer_message(
        ticket=ticket, body=body, from_address=link.email, channel=TicketChannel.PORTAL
    )
