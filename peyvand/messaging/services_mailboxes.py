"""Writes of mailboxes: connect, change, test, sync now, disconnect.

Every change is audited without its passwords: the trail says that a password was set or replaced (as
``SECRET_MASK``), never what it is. A host is checked against the private-address guard when saved
(``core.outbound.check_host``) and again by every connection.
"""

from email.utils import make_msgid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from peyvand.accounts.models import Team, User
from peyvand.core.audit import diff, snapshot, write_audit
from peyvand.core.errors import PeyvandError, ValidationFailed
from peyvand.core.models import AuditAction
from peyvand.core.outbound import OutboundRefused, check_host
from peyvand.core.secrets import SECRET_MASK
from peyvand.core.text import clean_display_text, normalize_email, to_ascii_digits
from peyvand.messaging import mailboxes
from peyvand.messaging import permissions_mailboxes as permissions
from peyvand.messaging.backends_mailbox import MailboxBackend
from peyvand.messaging.models import Channel, Outbox, OutboxStatus
from peyvand.messaging.models_mailboxes import Mailbox, MailMessage, Privacy, Security

MAX_FOLDERS = 20


def _refuse() -> PeyvandError:
    return PeyvandError(permissions.MAILBOX_FORBIDDEN, _("You may not change this mailbox."), status=403)


def _text(values: dict[str, Any], name: str, limit: int, errors: list, *, required: bool = True) -> str:
    text = clean_display_text(str(values.get(name) or ""))
    if required and not text:
        errors.append({"field": name, "message": _("This field is required.")})
    elif len(text) > limit:
        errors.append(
            {
                "field": name,
                "message": _("Ensure this value has at most %(limit)d characters.") % {"limit": limit},
            }
        )
    return text[:limit]


def _port(values: dict[str, Any], name: str, default: int, errors: list) -> int:
    raw = to_ascii_digits(str(values.get(name) or "")).strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        errors.append({"field": name, "message": _("A port is a number from 1 to 65535.")})
        return default
    return int(raw)


def _choice(values: dict[str, Any], name: str, choices, default: str, errors: list) -> str:
    value = str(values.get(name) or default)
    if value not in choices.values:
        errors.append({"field": name, "message": _("Choose one of the offered values.")})
        return default
    return value


def _host(values: dict[str, Any], name: str, port: int, errors: list, *, required: bool = True) -> str:
    host = _text(values, name, 253, errors, required=required).lower()
    if host:
        try:
            check_host(host, port)
        except OutboundRefused as exc:
            errors.append({"field": name, "message": str(exc)})
    return host


def _folders(value: Any, errors: list) -> list[str]:
    if isinstance(value, str):
        items = value.replace("،", ",").replace("\n", ",").split(",")
    else:
        items = list(value or [])
    folders = list(dict.fromkeys(clean_display_text(str(f)) for f in items if str(f).strip()))
    if not folders:
        return ["INBOX", "Sent"]
    if len(folders) > MAX_FOLDERS or any(len(f) > 255 for f in folders):
        errors.append({"field": "folders", "message": _("Name at most 20 folders.")})
    return folders[:MAX_FOLDERS]


def _clean(actor, values: dict[str, Any], current: Mailbox | None) -> dict[str, Any]:
    errors: list[dict[str, Any]] = []
    clean: dict[str, Any] = {
        "name": _text(values, "name", 120, errors),
        "imap_security": _choice(values, "imap_security", Security, Security.SSL, errors),
        "smtp_security": _choice(values, "smtp_security", Security, Security.SSL, errors),
        "privacy": _choice(values, "privacy", Privacy, Privacy.METADATA, errors),
        "leads_from_unknown": bool(values.get("leads_from_unknown")),
        "active": bool(values.get("active", True)),
        "folders": _folders(values.get("folders"), errors),
    }
    address = normalize_email(str(values.get("email_address") or ""))
    try:
        validate_email(address)
    except ValidationError:
        errors.append({"field": "email_address", "message": _("Enter a valid e-mail address.")})
    clean["email_address"] = address[:254]
    clean["imap_port"] = _port(values, "imap_port", 993, errors)
    clean["smtp_port"] = _port(values, "smtp_port", 465, errors)
    clean["imap_host"] = _host(values, "imap_host", clean["imap_port"], errors)
    clean["smtp_host"] = _host(values, "smtp_host", clean["smtp_port"], errors, required=False)
    clean["imap_user"] = _text(values, "imap_user", 254, errors, required=False) or address[:254]
    clean["smtp_user"] = _text(values, "smtp_user", 254, errors, required=False)
    # A password left empty keeps the one stored; a new mailbox needs one.
    for name in ("imap_password", "smtp_password"):
        secret = str(values.get(name) or "")
        if len(secret) > 500:
            errors.append({"field": name, "message": _("The password is too long.")})
        elif secret:
            clean[name] = secret
    if current is None and not clean.get("imap_password"):
        errors.append({"field": "imap_password", "message": _("This field is required.")})
    shared = bool(values.get("shared")) if current is None else current.shared
    if shared and not permissions.can_manage_shared(actor):
        raise PeyvandError(
            permissions.SHARED_FORBIDDEN, _("Only an administrator can connect a shared mailbox."), status=403
        )
    clean["shared"] = shared
    if shared:
        clean["members"] = list(User.objects.filter(pk__in=_ids(values.get("members")), is_active=True))
        clean["teams"] = list(Team.objects.filter(pk__in=_ids(values.get("teams"))))
    if errors:
        raise ValidationFailed(errors)
    return clean


def _ids(value: Any) -> list[int]:
    if value in (None, ""):
        return []
    items = str(value).split(",") if isinstance(value, str | int) else list(value)
    return [int(v) for v in (getattr(i, "pk", i) for i in items) if str(v).strip().isdigit()]


@transaction.atomic
def save_mailbox(*, actor, mailbox: Mailbox | None = None, values: dict[str, Any]) -> Mailbox:
    """Connect a mailbox (no ``mailbox``) or change one. A private one belongs to the actor; a shared one
    (``values["shared"]``) only an administrator connects, naming its members and teams."""
    if mailbox is None:
        if not permissions.can_open_mailboxes(actor):
            raise _refuse()
    elif not permissions.can_manage_mailbox(actor, mailbox):
        raise _refuse()
    clean = _clean(actor, values, mailbox)
    creating = mailbox is None
    before: dict[str, Any] = {} if mailbox is None else snapshot(mailbox)
    if mailbox is None:
        mailbox = Mailbox(owner=None if clean["shared"] else actor)
    members, teams = clean.pop("members", None), clean.pop("teams", None)
    changed_secrets = [name for name in ("imap_password", "smtp_password") if name in clean]
    for name, value in clean.items():
        setattr(mailbox, name, value)
    if creating or "imap_password" in changed_secrets:
        # A new password is a new chance: try at the next tick.
        mailbox.failures, mailbox.next_sync_at, mailbox.last_error = 0, None, ""
    mailbox.save()
    if members is not None:
        mailbox.members.set(members)
    if teams is not None:
        mailbox.teams.set(teams)
    changes = diff(before, snapshot(mailbox))
    for name in changed_secrets:
        changes[name] = ["" if creating else SECRET_MASK, SECRET_MASK]
    if changes:
        write_audit(
            instance=mailbox,
            actor=actor,
            action=AuditAction.CREATE if creating else AuditAction.UPDATE,
            changes=changes,
        )
    return mailbox


@transaction.atomic
def disconnect_mailbox(*, actor, mailbox: Mailbox) -> None:
    """Remove the mailbox with the mail read from it (the server keeps its own copy)."""
    if not permissions.can_manage_mailbox(actor, mailbox):
        raise _refuse()
    write_audit(instance=mailbox, actor=actor, action=AuditAction.DELETE, changes=diff(snapshot(mailbox), {}))
    mailbox.delete()


def check_connection(*, actor, mailbox: Mailbox) -> list[str]:
    """Sign in to the mailbox's IMAP server and answer its folders; PeyvandError with the reason otherwise."""
    if not permissions.can_manage_mailbox(actor, mailbox):
        raise _refuse()
    try:
        with mailboxes.connect(mailbox) as client:
            return [folder.name for folder in client.folder.list()]
    except Exception as exc:
        raise PeyvandError(
            "mailbox.connection_failed",
            _("Could not sign in to the mailbox: %(reason)s") % {"reason": mailboxes.describe(exc, mailbox)},
            status=422,
        ) from None


def sync_now(*, actor, mailbox: Mailbox) -> mailboxes.SyncResult | None:
    """Read the mailbox's new mail at once (the periodic job does it every minute); None when it failed, the
    reason kept on the mailbox."""
    if not permissions.can_manage_mailbox(actor, mailbox):
        raise _refuse()
    return mailboxes.sync_and_record(mailbox)


# --- sending through a mailbox ------------------------------------------------------------------------------------


def sendable_mailboxes(user):
    """The mailboxes the user may send through: the ones whose mail they read in full."""
    from peyvand.messaging.selectors_mailboxes import readable_mailboxes

    return readable_mailboxes(user).filter(active=True)


def send_through_mailbox(
    *,
    actor,
    mailbox: Mailbox,
    to: str | list[str],
    subject: str,
    body: str,
    html_body: str = "",
    cc: list[str] | None = None,
    reply_to: MailMessage | None = None,
    record=None,
    attachments: list[dict[str, str]] | None = None,
) -> Outbox:
    """Send an e-mail from the mailbox's address over its SMTP server, put the copy in its Sent folder and keep
    it as an outgoing message linked to its records; ``reply_to`` (a kept message) threads it there. Answers the
    outbox row; a refused recipient or server raises PeyvandError and leaves the row failed."""
    if not permissions.is_mailbox_person(actor, mailbox):
        raise PeyvandError(
            permissions.MAILBOX_FORBIDDEN, _("You may not send through this mailbox."), status=403
        )
    if not mailbox.active:
        raise PeyvandError("mailbox.inactive", _("This mailbox is paused."), field="mailbox")
    recipients = [normalize_email(a) for a in ([to] if isinstance(to, str) else to) for a in a.split(",")]
    recipients = [a for a in dict.fromkeys(recipients) if a]
    copies = [a for a in dict.fromkeys(normalize_email(a) for a in (cc or [])) if a]
    errors = []
    for name, addresses in (("to", recipients), ("cc", copies)):
        for address in addresses:
            try:
                validate_email(address)
            except ValidationError:
                errors.append(
                    {
                        "field": name,
                        "message": _("“%(value)s” is not a valid e-mail address.") % {"value": address},
                    }
                )
    if not recipients:
        errors.append({"field": "to", "message": _("The message has no recipient.")})
    if errors:
        raise ValidationFailed(errors)
    domain = mailbox.email_address.rpartition("@")[2] or "peyvand.local"
    headers = {"Message-ID": make_msgid(domain=domain)}
    subject = " ".join((subject or "").split())[:255]
    if reply_to is not None:
        if reply_to.mailbox_id != mailbox.pk:
            raise PeyvandError(
                "mailbox.other_thread", _("Reply from the mailbox the message came to."), field="mailbox"
            )
        references = [*reply_to.references.split(), reply_to.message_id]
        headers["In-Reply-To"] = reply_to.message_id
        headers["References"] = " ".join(references[-20:])
    if copies:
        headers["Cc"] = ",".join(copies)
    record_type, record_id = ("", None)
    if record is not None:
        from peyvand.core.links import ref_of

        record_type, record_id = ref_of(record)
    message = Outbox.objects.create(
        channel=Channel.EMAIL,
        to=",".join(recipients)[:254],
        subject=subject,
        body=body or "",
        html_body=html_body or "",
        backend=f"{MailboxBackend.__module__}.{MailboxBackend.__name__}",
        record_type=record_type,
        record_id=record_id,
        source="mailbox",
        headers=headers,
        attachments=list(attachments or []),
        created_by=actor,
        account_id=mailbox.pk,
    )
    try:
        with transaction.atomic():
            MailboxBackend().deliver(message)
    except mailboxes.MailboxError as exc:
        message.status = OutboxStatus.FAILED
        message.error = str(exc)[:2000]
        message.save(update_fields=["status", "error"])
        raise PeyvandError(
            "mailbox.send_failed",
            _("The message could not be sent: %(reason)s") % {"reason": _(str(exc))},
            status=502,
            extra={"outbox": message.pk},
        ) from None
    write_audit(
        instance=mailbox,
        actor=actor,
        action=AuditAction.UPDATE,
        changes={},
        note=f"sent {headers['Message-ID']}",
    )
    return message
