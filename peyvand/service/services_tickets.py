"""Tickets: opened by an agent, the API, a rep for their customer, or (through ``add_customer_message``) by the
e-mail intake and the portal; answered by e-mail from the ticket, with internal notes kept apart; moved through
their statuses; merged and split.

Statuses: new → open ⇄ waiting on customer / waiting on third party → resolved → closed; a resolved or closed
ticket asked to open again becomes "reopened" (counted, for first-contact resolution). A ticket merged into
another is closed for good. Every change goes through ``_save``: the audit trail for audited fields, a version
step, the SLA hooks' fields saved with the change that moved them.
"""

from email.utils import make_msgid
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peyvand.core import events
from peyvand.core.audit import diff, snapshot, write_audit
from peyvand.core.errors import PeyvandError
from peyvand.core.models import AuditAction
from peyvand.core.records import create_record, field_error, lock_for_update, resolve_reference
from peyvand.core.text import clean_display_text, normalize_email, normalize_text, strip_control
from peyvand.messaging import services as messaging
from peyvand.service import permissions, routing, services_surveys, sla
from peyvand.service.models import (
    DONE_STATUSES,
    MessageKind,
    Ticket,
    TicketCategory,
    TicketChannel,
    TicketMessage,
    TicketStatus,
)

MAX_BODY = 50_000

S = TicketStatus
# Where a ticket may go from each status by hand; reopening a resolved or closed ticket is handled apart.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.NEW: (S.OPEN, S.WAITING_CUSTOMER, S.WAITING_THIRD_PARTY, S.RESOLVED, S.CLOSED),
    S.OPEN: (S.WAITING_CUSTOMER, S.WAITING_THIRD_PARTY, S.RESOLVED, S.CLOSED),
    S.WAITING_CUSTOMER: (S.OPEN, S.WAITING_THIRD_PARTY, S.RESOLVED, S.CLOSED),
    S.WAITING_THIRD_PARTY: (S.OPEN, S.WAITING_CUSTOMER, S.RESOLVED, S.CLOSED),
    S.REOPENED: (S.OPEN, S.WAITING_CUSTOMER, S.WAITING_THIRD_PARTY, S.RESOLVED, S.CLOSED),
    S.RESOLVED: (S.CLOSED, S.REOPENED),
    S.CLOSED: (S.REOPENED,),
}

# Set only by the services, never by a form or the API's create/update.
_DERIVED = (
    "status",
    "sla_policy",
    "sla_started_at",
    "first_response_due",
    "next_response_due",
    "resolution_due",
    "sla_paused_at",
    "sla_remaining",
    "sla_state",
    "response_warned_at",
    "response_breached_at",
    "resolution_warned_at",
    "resolution_breached_at",
    "first_responded_at",
    "last_customer_message_at",
    "resolved_at",
    "closed_at",
    "agent_replies",
    "reopen_count",
    "merged_into",
    "split_from",
    "message_id",
    "search_text",
)


def allowed_statuses(ticket: Ticket) -> tuple[str, ...]:
    """The statuses the ticket page offers as buttons."""
    if ticket.merged_into_id:
        return ()
    return TRANSITIONS.get(ticket.status, ())


def _require(allowed: bool, code: str = permissions.TICKET_FORBIDDEN) -> None:
    if not allowed:
        raise PeyvandError(code, _("You may not do this with tickets."), status=403)


def _refuse_merged(ticket: Ticket) -> None:
    if ticket.merged_into_id:
        raise PeyvandError(
            permissions.MERGED,
            _("This ticket was merged into %(reference)s; work on that one.")
            % {"reference": f"#{ticket.merged_into_id}"},
            status=409,
        )


# ── search text ─────────────────────────────────────────────────────────────────────────────────────────────────


def search_text_of(ticket: Ticket) -> str:
    """Subject, description, reference (``#1042`` and ``1042``), the customer's name and e-mail addresses, folded
    as every list's search is (Persian letters and digits alike)."""
    parts: list[Any] = [ticket.subject, ticket.description, f"#{ticket.pk}", ticket.pk, ticket.customer_email]
    if ticket.contact_id and ticket.contact is not None:
        contact = ticket.contact
        parts += [contact.first_name, contact.last_name, *contact.emails]
    if ticket.company_id and ticket.company is not None:
        parts += [ticket.company.name, *ticket.company.emails]
    return " ".join(p for p in (normalize_text(str(x or "")) for x in parts) if p)


# ── the write path every change takes ───────────────────────────────────────────────────────────────────────────


def _save(ticket: Ticket, *, actor, before: dict[str, Any], note: str = "") -> Ticket:
    """Save a locked ticket: a new version, its search text, and what changed of its audited fields written to
    the audit trail and announced (``record_updated``). Counters and SLA fields are saved, not audited."""
    changes = diff(before, snapshot(ticket))
    ticket.search_text = search_text_of(ticket)
    ticket.version += 1
    ticket.save()
    if changes or note:
        write_audit(instance=ticket, actor=actor, action=AuditAction.UPDATE, changes=changes, note=note)
    if changes:
        events.emit(events.record_updated, Ticket, instance=ticket, actor=actor, changes=changes)
    return ticket


def _locked(ticket: Ticket) -> Ticket:
    return Ticket.all_objects.select_for_update().get(pk=ticket.pk)


def _set_status(ticket: Ticket, status: str, *, now) -> None:
    """Move the locked ticket to ``status`` with its times and counters, and let the SLA timers follow."""
    old = ticket.status
    if status == old:
        return
    if status == S.REOPENED:
        ticket.reopen_count += 1
        ticket.resolved_at = None
        ticket.closed_at = None
    elif status == S.RESOLVED:
        ticket.resolved_at = now
    elif status == S.CLOSED:
        ticket.closed_at = now
        ticket.resolved_at = ticket.resolved_at or now
    ticket.status = status
    sla.on_status_change(ticket, old_status=old, now=now)


# ── create and change ───────────────────────────────────────────────────────────────────────────────────────────


def _clean(actor, values: dict[str, Any], current: Ticket | None) -> dict[str, Any]:
    from peyvand.accounts.models import Team
    from peyvand.billing.models import Product

    values = {k: v for k, v in values.items() if k not in _DERIVED}
    if "subject" in values or current is None:
        values["subject"] = clean_display_text(values.get("subject") or "")[:200]
        if not values["subject"]:
            raise field_error("subject", _("This field is required."))
    if "description" in values:
        values["description"] = strip_control(values["description"] or "").strip()
    for name in ("serial_number",):
        if name in values:
            values[name] = clean_display_text(values[name] or "")
    if "customer_email" in values:
        values["customer_email"] = normalize_email(values["customer_email"])
    for name in ("contact", "company", "deal"):
        if name in values:
            model = Ticket._meta.get_field(name).related_model
            assert isinstance(model, type)
            if name != "deal" and getattr(actor, "is_support", False):
                values[name] = _any_customer(model, values[name], name)
            else:
                values[name] = resolve_reference(model, values[name], actor, name)
    if "product" in values:
        values["product"] = resolve_reference(Product, values["product"], actor, "product")
    if "category" in values:
        value = values["category"]
        if value in (None, ""):
            values["category"] = None
        else:
            category = TicketCategory.objects.filter(pk=getattr(value, "pk", value), active=True).first()
            if category is None:
                raise field_error("category", _("No such category."))
            values["category"] = category
    if "team" in values:
        value = values.pop("team")
        if value not in (None, ""):
            moving = current is not None and getattr(value, "pk", value) != current.team_id
            if moving and not permissions.can_work_tickets(actor):
                raise field_error("team", _("Only the support team moves a ticket to another queue."))
            team = Team.objects.filter(pk=getattr(value, "pk", value)).first()
            if team is None:
                raise field_error("team", _("No such team."))
            values["team"] = team
    if "channel" in values and values["channel"] in (None, ""):
        values.pop("channel")
    contact = values.get("contact")
    if contact is not None and not values.get("company") and contact.company_id and current is None:
        values["company"] = contact.company  # the contact's company is the customer too
    return values


def _any_customer(model, value: Any, field: str):
    """The support team serves every customer of the business, not only those their own sales team owns: a
    support agent or manager names any contact or company on a ticket (still one that exists and is not
    deleted). Everyone else names only customers they see, as on every record."""
    if value in (None, ""):
        return None
    pk = getattr(value, "pk", value)
    found = model._default_manager.filter(pk=pk).first() if isinstance(pk, int) else None
    if found is None:
        raise field_error(field, _("No such record, or you may not use it."))
    return found


def customers_for(actor, model):
    """The contacts or companies the ticket form offers the actor (see ``_any_customer``)."""
    manager = model._default_manager
    return manager.all() if getattr(actor, "is_support", False) else manager.visible_to(actor)


def _create(*, actor, values: dict[str, Any], channel: str, message_id: str = "") -> Ticket:
    now = timezone.now()
    values = {"channel": channel, **values}
    team = values.pop("team", None)
    ticket = create_record(Ticket, actor=actor, values=values)
    if team is not None:
        # A ticket opened into a queue stays there, whoever opened it; without one it is the owner's team's.
        ticket.team = team
    sla.start(ticket, now=now)
    ticket.search_text = search_text_of(ticket)
    ticket.message_id = (message_id or "").strip()[:255]
    ticket.save()
    events.emit(events.ticket_created, Ticket, ticket=ticket, actor=actor)
    return ticket


@transaction.atomic
def create_ticket(
    *,
    actor,
    values: dict[str, Any],
    channel: str = TicketChannel.AGENT,
    message_id: str = "",
    route: bool = False,
    fallback_owner=None,
) -> Ticket:
    """Open a ticket. ``team`` is its queue (the owner's team when absent); the SLA starts; automation hears
    ``ticket_created`` once the ticket is committed. ``message_id`` is the Message-ID of the e-mail that opened
    it (the e-mail intake's, never a caller's field), so a second delivery and the customer's answers find it.

    ``route``: a ticket that arrived by itself (e-mail, web form, portal) and names no owner goes where the
    routing rules say (``routing.py``), else to the least busy agent of its queue, else to ``fallback_owner``;
    why is written to its history."""
    _require(permissions.can_create_tickets(actor), permissions.TICKET_CREATE_FORBIDDEN)
    values = _clean(actor, values, None)
    if values.get("channel") not in (None, *TicketChannel.values):
        raise field_error("channel", _("Choose one of the channels."))
    channel = values.pop("channel", channel)
    reason = ""
    if route and not values.get("owner"):
        fields = {f.name for f in Ticket._meta.concrete_fields}
        draft = Ticket(**{k: v for k, v in values.items() if k in fields and k != "owner"}, channel=channel)
        chosen = routing.route(draft, queue=values.get("team"))
        if chosen is not None:
            values["owner"], values["team"], reason = chosen.owner, chosen.team, chosen.reason
        elif fallback_owner is not None:
            values["owner"] = fallback_owner
    ticket = _create(actor=actor, values=values, channel=channel, message_id=message_id)
    if reason:
        write_audit(instance=ticket, actor=actor, action=AuditAction.UPDATE, changes={}, note=reason)
    return ticket


@transaction.atomic
def update_ticket(*, actor, ticket: Ticket, version: int | None, values: dict[str, Any]) -> Ticket:
    """Change a ticket's fields (subject, customer, deal, product, priority, queue, owner…); its status moves
    through ``change_status``. Whoever works the queue changes any ticket they see; a rep their own."""
    _require(permissions.can_work_tickets(actor) or ticket.owner_id == actor.pk)
    current = lock_for_update(ticket, version)
    if current.deleted_at is not None:
        raise PeyvandError("record.deleted", _("This record is deleted; restore it first."), status=409)
    values = _clean(actor, values, current)
    before = snapshot(current)
    owner = values.pop("owner", None)
    if owner not in (None, ""):
        from peyvand.core.records import assignable_users

        pk = getattr(owner, "pk", owner)
        chosen = assignable_users(actor).filter(pk=pk).first() if isinstance(pk, int) else None
        if chosen is None:
            raise field_error("owner", _("You may not give records to this user."))
        if chosen.pk != current.owner_id:
            current.owner = chosen
            if "team" not in values and chosen.team_id:
                current.team_id = chosen.team_id
    for name, value in values.items():
        setattr(current, name, strip_control(value) if isinstance(value, str) else value)
    try:
        current.full_clean(exclude=["owner", "team", "search_text"], validate_unique=False)
    except Exception as exc:  # a ValidationError: the same 422 as every other record type
        from django.core.exceptions import ValidationError

        from peyvand.core.errors import ValidationFailed

        if not isinstance(exc, ValidationError):
            raise
        raise ValidationFailed(
            [{"field": f, "message": m} for f, msgs in exc.message_dict.items() for m in msgs]
        ) from None
    changes = diff(before, snapshot(current))
    if not changes:
        return current
    if {"priority", "contact", "company"} & set(changes):
        sla.on_terms_change(current, now=timezone.now())  # another SLA policy may apply now
    return _save(current, actor=actor, before=before)


@transaction.atomic
def change_status(*, actor, ticket: Ticket, status: str, version: int | None) -> Ticket:
    """Move the ticket to ``status`` if the move is allowed from where it is. Asking a resolved or closed ticket
    to be open reopens it (status "reopened", counted)."""
    _require(permissions.can_work_tickets(actor))
    current = lock_for_update(ticket, version)
    if status not in S.values:
        raise field_error("status", _("Choose one of the statuses."))
    _refuse_merged(current)
    if current.status in DONE_STATUSES and status in (S.OPEN, S.REOPENED):
        status = S.REOPENED
    if status == current.status:
        return current
    if status not in TRANSITIONS.get(current.status, ()):
        raise PeyvandError(
            permissions.BAD_TRANSITION,
            _("A ticket cannot go from “%(old)s” to “%(new)s”.")
            % {"old": S(current.status).label, "new": S(status).label},
            field="status",
            status=409,
        )
    before = snapshot(current)
    _set_status(current, status, now=timezone.now())
    saved = _save(current, actor=actor, before=before)
    if status == S.RESOLVED:  # the customer is asked how it went, once per resolution
        services_surveys.send_survey(saved)
    return saved


# ── the conversation ────────────────────────────────────────────────────────────────────────────────────────────


def _body(body: Any) -> str:
    text = strip_control(str(body or "")).strip()
    if not text:
        raise field_error("body", _("This field is required."))
    if len(text) > MAX_BODY:
        raise field_error("body", _("The message is too long."))
    return text


def recipient_of(ticket: Ticket) -> str:
    """Where replies go: the address the customer wrote from, else the contact's first e-mail address."""
    if ticket.customer_email:
        return ticket.customer_email
    if ticket.contact_id and ticket.contact is not None and ticket.contact.emails:
        return ticket.contact.emails[0]
    return ""


def reply_subject(ticket: Ticket) -> str:
    """The reference leads the subject, so the customer's answer finds its ticket even without its headers."""
    return f"[#{ticket.pk}] {ticket.subject}"


def _new_message_id() -> str:
    domain = urlsplit(settings.PEYVAND_SITE_URL).hostname or "peyvand.local"
    return make_msgid(idstring="ticket", domain=domain)


@transaction.atomic
def reply(*, actor, ticket: Ticket, body: Any) -> TicketMessage:
    """A public reply: kept on the ticket and e-mailed to the customer with a Message-ID of its own (kept on the
    message) and In-Reply-To/References naming the conversation, so the customer's answer threads back."""
    _require(permissions.can_work_tickets(actor))
    text = _body(body)
    current = _locked(ticket)
    _refuse_merged(current)
    to = recipient_of(current)
    if not to:
        raise PeyvandError(
            permissions.NO_RECIPIENT,
            _("The ticket has no customer e-mail address to reply to."),
            field="customer_email",
            status=409,
        )
    earlier = [
        m
        for m in current.messages.exclude(kind=MessageKind.NOTE)
        .exclude(message_id="")
        .order_by("created_at", "id")
    ]
    references = [current.message_id] if current.message_id else []
    references += [m.message_id for m in earlier if m.message_id not in references][-10:]
    customer = [m.message_id for m in earlier if m.kind == MessageKind.CUSTOMER]
    in_reply_to = customer[-1] if customer else (references[-1] if references else "")
    message_id = _new_message_id()
    subject = reply_subject(current)
    message = TicketMessage.objects.create(
        ticket=current,
        kind=MessageKind.REPLY,
        author=actor,
        from_address=settings.DEFAULT_FROM_EMAIL[:254] if "@" in settings.DEFAULT_FROM_EMAIL else "",
        to_addresses=[to],
        subject=subject[:255],
        body=text,
        channel=TicketChannel.EMAIL,
        message_id=message_id,
        in_reply_to=in_reply_to,
    )
    headers = {"Message-ID": message_id}
    if in_reply_to:
        headers["In-Reply-To"] = in_reply_to
    if references:
        headers["References"] = " ".join(references)
    messaging.send(
        channel="email",
        to=to,
        subject=subject,
        body=text,
        record_type="ticket",
        record_id=current.pk,
        source="ticket_reply",
        headers=headers,
    )
    now = timezone.now()
    before = snapshot(current)
    current.agent_replies += 1
    if current.first_responded_at is None:
        current.first_responded_at = now
    if current.status in (S.NEW, S.REOPENED):
        _set_status(current, S.OPEN, now=now)
    sla.on_agent_reply(current, now=now)
    _save(current, actor=actor, before=before)
    return message


@transaction.atomic
def add_note(*, actor, ticket: Ticket, body: Any) -> TicketMessage:
    """An internal note: for the team only, never e-mailed, never shown to the customer."""
    _require(permissions.can_work_tickets(actor))
    text = _body(body)
    return TicketMessage.objects.create(
        ticket=ticket, kind=MessageKind.NOTE, author=actor, body=text, channel=TicketChannel.AGENT
    )


@transaction.atomic
def add_customer_message(
    *,
    ticket: Ticket,
    body: Any,
    from_address: str,
    message_id: str = "",
    in_reply_to: str = "",
    channel: str = TicketChannel.EMAIL,
) -> TicketMessage:
    """The customer wrote (an e-mail threaded onto the ticket, the portal). A ticket waiting on them opens again, a
    resolved one is reopened; a closed one keeps its status (the intake opens a new ticket for those). The same
    Message-ID delivered twice is recorded once. Mail for a merged ticket lands on the ticket it was merged into."""
    message_id = (message_id or "").strip()[:255]
    if message_id:
        existing = TicketMessage.objects.filter(message_id=message_id).first()
        if existing is not None:
            return existing
    text = _body(body)
    current = _locked(ticket)
    for _step in range(10):
        if not current.merged_into_id:
            break
        current = Ticket.all_objects.select_for_update().get(pk=current.merged_into_id)
    now = timezone.now()
    try:
        with transaction.atomic():  # a savepoint: the same message delivered at this very moment wins
            message = TicketMessage.objects.create(
                ticket=current,
                kind=MessageKind.CUSTOMER,
                from_address=normalize_email(from_address)[:254],
                body=text,
                channel=channel if channel in TicketChannel.values else TicketChannel.EMAIL,
                message_id=message_id,
                in_reply_to=(in_reply_to or "").strip()[:255],
            )
    except IntegrityError:
        return TicketMessage.objects.get(message_id=message_id)
    before = snapshot(current)
    current.last_customer_message_at = now
    if current.status == S.WAITING_CUSTOMER:
        _set_status(current, S.OPEN, now=now)
    elif current.status == S.RESOLVED:
        _set_status(current, S.REOPENED, now=now)
    sla.on_customer_message(current, now=now)
    _save(current, actor=None, before=before)
    return message


# ── merge and split ─────────────────────────────────────────────────────────────────────────────────────────────


@transaction.atomic
def merge_tickets(*, actor, source: Ticket, target: Ticket) -> Ticket:
    """Merge a duplicate ``source`` into ``target``: its messages move over, it is closed with ``merged_into``
    set, and both audit trails say so. The caller fetched both through the actor's visibility."""
    _require(permissions.can_merge_tickets(actor), permissions.MERGE_FORBIDDEN)
    if source.pk == target.pk:
        raise field_error("target", _("Choose another ticket to merge into."))
    first, second = sorted([source.pk, target.pk])  # one lock order, so two opposite merges cannot deadlock
    locked = {t.pk: t for t in Ticket.all_objects.select_for_update().filter(pk__in=[first, second])}
    source, target = locked[source.pk], locked[target.pk]
    if source.merged_into_id:
        _refuse_merged(source)
    if target.merged_into_id or target.deleted_at or source.deleted_at:
        raise field_error("target", _("This ticket cannot take a merge."))
    moved = TicketMessage.objects.filter(ticket=source).update(ticket=target)
    TicketMessage.objects.create(
        ticket=target,
        kind=MessageKind.NOTE,
        author=actor,
        body=_("Ticket #%(source)s (“%(subject)s”) was merged into this one.")
        % {"source": source.pk, "subject": source.subject},
    )
    now = timezone.now()
    before = snapshot(source)
    source.merged_into = target
    if source.status != S.CLOSED:
        _set_status(source, S.CLOSED, now=now)
    _save(source, actor=actor, before=before, note=_("Merged into #%(target)s.") % {"target": target.pk})
    before = snapshot(target)
    if not target.customer_email and source.customer_email:
        target.customer_email = source.customer_email
    _save(
        target,
        actor=actor,
        before=before,
        note=_("#%(source)s merged into this ticket (%(count)s messages moved).")
        % {"source": source.pk, "count": moved},
    )
    return target


@transaction.atomic
def split_ticket(*, actor, ticket: Ticket, message: TicketMessage, subject: Any) -> Ticket:
    """A new ticket from one message of ``ticket`` (a second question in one e-mail): same customer, queue and
    product; the message moves to it; ``split_from`` and a note on each side say where it came from."""
    _require(permissions.can_work_tickets(actor))
    if message.ticket_id != ticket.pk:
        raise field_error("message", _("No such message on this ticket."))
    _refuse_merged(ticket)
    values = _clean(actor, {"subject": subject}, None)
    current = _locked(ticket)
    new = _create(
        actor=actor,
        values={
            "subject": values["subject"],
            "description": message.body if message.kind != MessageKind.NOTE else "",
            "contact": current.contact,
            "company": current.company,
            "deal": current.deal,
            "product": current.product,
            "serial_number": current.serial_number,
            "type": current.type,
            "priority": current.priority,
            "category": current.category,
            "language": current.language,
            "customer_email": current.customer_email,
            "team": current.team,
        },
        channel=current.channel,
    )
    new.split_from = current
    new.save(update_fields=["split_from"])
    TicketMessage.objects.filter(pk=message.pk).update(ticket=new)
    TicketMessage.objects.create(
        ticket=current,
        kind=MessageKind.NOTE,
        author=actor,
        body=_("A message was split off into ticket #%(new)s.") % {"new": new.pk},
    )
    write_audit(
        instance=current,
        actor=actor,
        action=AuditAction.UPDATE,
        changes={},
        note=_("Split into #%(new)s.") % {"new": new.pk},
    )
    return new
