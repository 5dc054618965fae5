"""Writing to a customer from their record: message templates with merge fields, and sending an e-mail or an SMS
that lands in the outbox tied to the record (and so on its timeline).

Each recipient gets a copy of their own (one outbox row each), so delivery, opens and clicks are counted per
person. The body is written as text; the e-mail's HTML is made from it with the text's own direction, so a
Persian message reads right to left in any mail client and an English one left to right.
"""

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape, linebreaks, urlize
from django.utils.translation import gettext as _

from peyvand.core import registry
from peyvand.core.audit import plain_value, save_audited, snapshot, write_audit
from peyvand.core.errors import PeyvandError, ValidationFailed
from peyvand.core.links import linked_record
from peyvand.core.models import AuditAction
from peyvand.core.phones import InvalidPhone, to_e164
from peyvand.core.templating import MAX_TEMPLATE, check_template, render
from peyvand.core.text import normalize_email
from peyvand.files.models import Attachment
from peyvand.messaging.models import Channel, Outbox
from peyvand.messaging.models_mailboxes import Mailbox
from peyvand.messaging.models_templates import MessageTemplate, TemplateLanguage
from peyvand.messaging.permissions_mailboxes import is_mailbox_person
from peyvand.messaging.selectors_mailboxes import message_for, readable_mailboxes
from peyvand.messaging.services import MessageFile, send
from peyvand.messaging.services_mailboxes import send_through_mailbox

TEMPLATES_FORBIDDEN = "message_template.forbidden"
MAX_RECIPIENTS = 20
MAX_ATTACHMENTS_BYTES = 20 * 1024 * 1024
_PERSIAN_LETTER = re.compile(r"[\u0600-\u06FF\uFB50-\uFDFF\uFE70-\uFEFF]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")


def can_manage_templates(user) -> bool:
    """Templates are words the whole team sends in its name: managers and administrators write them, everyone
    signed in uses them."""
    return bool(user and user.is_authenticated and user.is_active and (user.is_admin or user.is_manager))


def can_write_to(user, record) -> bool:
    """Whoever may see a record may write to the customer it is about (the record reached ``linked_record``);
    a deleted record takes no new messages."""
    return bool(user and user.is_authenticated and user.is_active and not getattr(record, "deleted_at", None))


# --- merge fields ---------------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool | dt.date):
        return value
    if isinstance(value, list | tuple):
        return "، ".join(str(v.get("value", v)) if isinstance(v, dict) else str(v) for v in value)
    return str(value)


def record_fields(record) -> dict[str, Any]:
    """A record as a template sees it: its name and the fields its registration exports, references by name."""
    kind = registry.for_model(record)
    data: dict[str, Any] = {"id": record.pk, "name": str(record)}
    if kind is None:
        return data
    for spec in kind.fields_where("exportable"):
        try:
            field = record._meta.get_field(spec.name)
        except Exception:
            continue
        if field.is_relation and not field.many_to_many:
            related = getattr(record, spec.name, None)
            data[spec.name] = str(related) if related is not None else ""
        elif not field.many_to_many:
            data[spec.name] = _plain(plain_value(field, getattr(record, field.attname)))
    return data


def merge_context(*, actor, record) -> dict[str, Any]:
    """What ``{{ … }}`` may name: ``record``, each record it concerns by its type (``contact``, ``company``),
    and ``me`` (the sender)."""
    context: dict[str, Any] = {"record": record_fields(record)}
    kind = registry.for_model(record)
    for related in kind.concerns(record) if kind is not None and kind.concerns else ():
        related_kind = registry.for_model(related)
        if related_kind is not None and related_kind.name not in context:
            context[related_kind.name] = record_fields(related)
    if kind is not None:
        context.setdefault(kind.name, context["record"])
    context["me"] = {
        "name": actor.get_full_name() or actor.username,
        "email": actor.email,
        "username": actor.username,
    }
    return context


def templates_for(user, *, record_type: str, channel: str, language: str = ""):
    """The offered templates a message on a record of this type may start from, the user's language first."""
    found = MessageTemplate.objects.filter(active=True, channel=channel, record_type__in=["", record_type])
    return sorted(found, key=lambda t: (t.language not in ("", language), t.language != language, t.name))


def render_template(*, actor, template: MessageTemplate, record) -> tuple[str, str]:
    """The template's subject and text filled in for the record."""
    context = merge_context(actor=actor, record=record)
    try:
        subject = " ".join(render(template.subject, context).split())
        body = render(template.body, context)
    except Exception as exc:  # a template saved before a field it names was removed, for instance
        raise PeyvandError(
            "message_template.render",
            _("The template could not be filled in: %(error)s") % {"error": exc},
            field="template",
        ) from None
    return subject, body


# --- templates ------------------------------------------------------------------------------------------------


@transaction.atomic
def save_template(
    *, actor, values: dict[str, Any], template: MessageTemplate | None = None
) -> MessageTemplate:
    """Create or change a message template; every field that is wrong is named."""
    if not can_manage_templates(actor):
        raise PeyvandError(
            TEMPLATES_FORBIDDEN, _("Only managers and administrators change templates."), status=403
        )
    creating = template is None
    template = template or MessageTemplate(created_by=actor)
    before = {} if creating else snapshot(template)
    errors: list[dict[str, Any]] = []
    name = " ".join(str(values.get("name", template.name) or "").split())
    if not name:
        errors.append({"field": "name", "message": _("Give the template a name.")})
    channel = values.get("channel", template.channel) or Channel.EMAIL
    if channel not in Channel.values:
        errors.append({"field": "channel", "message": _("There is no such channel.")})
    language = values.get("language", template.language) or ""
    if language not in TemplateLanguage.values:
        errors.append({"field": "language", "message": _("Choose Persian, English or any language.")})
    record_type = values.get("record_type", template.record_type) or ""
    if record_type and registry.find(record_type) is None:
        errors.append({"field": "record_type", "message": _("There is no such kind of record.")})
    subject = str(values.get("subject", template.subject) or "").strip()
    body = str(values.get("body", template.body) or "")
    if not body.strip():
        errors.append({"field": "body", "message": _("Write the text of the message.")})
    for field, text in (("subject", subject), ("body", body)):
        if len(text) > MAX_TEMPLATE:
            errors.append({"field": field, "message": _("This is too long.")})
            continue
        try:
            check_template(text)
        except ValueError as exc:
            errors.append(
                {
                    "field": field,
                    "message": _("The merge fields are not well formed: %(error)s") % {"error": exc},
                }
            )
    if len(subject) > 255:
        errors.append({"field": "subject", "message": _("Keep the subject under 255 characters.")})
    if name and not errors:
        clash = MessageTemplate.objects.filter(channel=channel, language=language, name=name)
        if template.pk:
            clash = clash.exclude(pk=template.pk)
        if clash.exists():
            errors.append({"field": "name", "message": _("Another template of this channel has this name.")})
    if errors:
        raise ValidationFailed(errors)
    template.name, template.channel, template.language = name[:120], channel, language
    template.record_type, template.subject, template.body = record_type, subject, body
    if "active" in values:
        template.active = bool(values["active"])
    return save_audited(template, actor=actor, before=before, creating=creating)


@transaction.atomic
def delete_template(*, actor, template: MessageTemplate) -> None:
    """Remove a template; messages already sent from it keep their text."""
    if not can_manage_templates(actor):
        raise PeyvandError(
            TEMPLATES_FORBIDDEN, _("Only managers and administrators change templates."), status=403
        )
    write_audit(instance=template, actor=actor, action=AuditAction.DELETE, changes=snapshot(template))
    template.delete()


# --- sending --------------------------------------------------------------------------------------------------


def text_direction(text: str) -> str:
    """``rtl`` when the text is mostly Persian (or Arabic) letters, else ``ltr``."""
    persian = len(_PERSIAN_LETTER.findall(text))
    latin = len(_LATIN_LETTER.findall(text))
    return "rtl" if persian >= latin and persian else "ltr"


def html_from_text(text: str) -> str:
    """The e-mail's HTML: the text's paragraphs and links, laid out in the text's own direction; each paragraph
    also finds its own direction (``dir="auto"``), so an English line in a Persian letter reads right."""
    direction = text_direction(text)
    body = linebreaks(urlize(escape(text), nofollow=True), autoescape=False)
    body = body.replace("<p>", '<p dir="auto">')
    align = "right" if direction == "rtl" else "left"
    return (
        f'<div dir="{direction}" style="direction:{direction};text-align:{align};'
        f'font-family:Vazirmatn,Tahoma,Arial,sans-serif;line-height:1.7">{body}</div>'
    )


def _recipients(raw: Sequence[str] | str, channel: str) -> list[str]:
    if isinstance(raw, str):
        raw = re.split(r"[,;،\n]+", raw)
    found: list[str] = []
    for value in raw:
        value = (value or "").strip()
        if not value:
            continue
        if channel == Channel.EMAIL:
            address = normalize_email(value)
            try:
                validate_email(address)
            except ValidationError:
                raise ValidationFailed(
                    [
                        {
                            "field": "to",
                            "message": _("“%(value)s” is not an e-mail address.") % {"value": value},
                        }
                    ]
                ) from None
        else:
            try:
                address = to_e164(value)
            except InvalidPhone:
                raise ValidationFailed(
                    [{"field": "to", "message": _("“%(value)s” is not a phone number.") % {"value": value}}]
                ) from None
        if address not in found:
            found.append(address)
    if not found:
        raise ValidationFailed([{"field": "to", "message": _("Say whom the message goes to.")}])
    if len(found) > MAX_RECIPIENTS:
        raise ValidationFailed(
            [
                {
                    "field": "to",
                    "message": _("Write to at most %(count)s people at once.") % {"count": MAX_RECIPIENTS},
                }
            ]
        )
    return found


def suggested_recipients(record, channel: str) -> list[str]:
    """The record's own addresses, then those of the records it concerns (a deal's contact, its company)."""
    email = channel == Channel.EMAIL
    kind = registry.for_model(record)
    found: list[str] = []
    candidates = [record, *(kind.concerns(record) if kind is not None and kind.concerns else ())]
    for item in candidates:
        item_kind = registry.for_model(item)
        reader = item_kind.extra.get("contact_points") if item_kind is not None else None
        for value in reader(item, email=email) if reader else ():
            if value not in found:
                found.append(value)
    return found


def _files(record_type: str, record_id: int, ids: Sequence[int]) -> list[MessageFile]:
    if not ids:
        return []
    wanted = {int(i) for i in ids}
    files = list(
        Attachment.objects.filter(
            pk__in=wanted, record_type=record_type, record_id=record_id, deleted_at__isnull=True
        )
    )
    if len(files) != len(wanted):
        raise ValidationFailed([{"field": "attachments", "message": _("Attach only files of this record.")}])
    if sum(f.size for f in files) > MAX_ATTACHMENTS_BYTES:
        raise ValidationFailed(
            [{"field": "attachments", "message": _("The files are too large to send together.")}]
        )
    return [MessageFile(name=f.name, content_type=f.content_type, path=f.file.name) for f in files]


def sending_mailboxes(user) -> list[Mailbox]:
    """The active mailboxes the user may send from: their own, and the shared ones they belong to."""
    return [m for m in readable_mailboxes(user).filter(active=True) if is_mailbox_person(user, m)]


def reply_draft(*, actor, message_id: Any, forward: bool = False) -> dict[str, Any]:
    """What a reply to (or a forward of) a kept e-mail starts with: its mailbox, the address to answer, the
    subject with "Re:"/"Fwd:" once, and the text quoted. The user must be able to read the message's body."""
    message = message_for(actor, message_id)
    if not message.body_visible:
        raise PeyvandError("mail.forbidden", _("You may not read this message."), status=403)
    prefix = "Fwd: " if forward else "Re: "
    subject = message.subject or ""
    if not subject.lower().startswith(prefix.lower().strip()):
        subject = prefix + subject
    quoted = "\n".join(f"> {line}" for line in (message.body or "").splitlines())
    said = _("On %(date)s, %(sender)s wrote:") % {
        "date": message.date.strftime("%Y-%m-%d %H:%M"),
        "sender": message.from_name or message.from_address,
    }
    return {
        "mailbox": message.mailbox_id if is_mailbox_person(actor, message.mailbox) else None,
        "reply_to": None if forward else message.pk,
        "to": "" if forward or message.direction == "out" else message.from_address,
        "subject": subject[:255],
        "body": f"\n\n{said}\n{quoted}",
    }


def send_from_record(
    *,
    actor,
    record_type: str,
    record_id: Any,
    channel: str,
    to: Sequence[str] | str,
    subject: str = "",
    body: str = "",
    attachment_ids: Sequence[int] = (),
    send_at: dt.datetime | None = None,
    mailbox_id: Any = None,
    reply_to_id: Any = None,
) -> list[Outbox]:
    """Send an e-mail or an SMS to the customer of a record the actor may see; one outbox row per recipient,
    each tied to the record. ``send_at`` in the future keeps them queued until then.

    An e-mail from one of the actor's mailbox (``mailbox_id``) goes over that mailbox's server at once, its copy
    in the mailbox's Sent folder, threaded under ``reply_to_id`` (a kept message of the same mailbox); one from
    the system's address goes through the outbox, tracked as the site says."""
    record = linked_record(actor, record_type, record_id)
    if not can_write_to(actor, record):
        raise PeyvandError("message.forbidden", _("A deleted record takes no new messages."), status=403)
    if channel not in Channel.values:
        raise ValidationFailed([{"field": "channel", "message": _("There is no such channel.")}])
    errors: list[dict[str, Any]] = []
    subject = " ".join((subject or "").split())
    if channel == Channel.EMAIL and not subject:
        errors.append({"field": "subject", "message": _("Give the e-mail a subject.")})
    if not (body or "").strip():
        errors.append({"field": "body", "message": _("Write the message.")})
    if send_at is not None and send_at < timezone.now() - dt.timedelta(minutes=1):
        errors.append({"field": "send_at", "message": _("Choose a time that has not passed.")})
    try:
        recipients = _recipients(to, channel)
    except ValidationFailed as exc:
        errors.extend(exc.errors)
        recipients = []
    mailbox = None
    if mailbox_id not in (None, "") and channel == Channel.EMAIL:
        mailbox = next((m for m in sending_mailboxes(actor) if str(m.pk) == str(mailbox_id)), None)
        if mailbox is None:
            errors.append({"field": "mailbox", "message": _("You may not send from this mailbox.")})
        elif send_at is not None and send_at > timezone.now():
            errors.append(
                {"field": "send_at", "message": _("Mail from a mailbox goes at once; leave the time empty.")}
            )
    reply = None
    if reply_to_id not in (None, ""):
        reply = message_for(actor, reply_to_id)
        if mailbox is None or reply.mailbox_id != mailbox.pk:
            errors.append({"field": "mailbox", "message": _("Reply from the mailbox the message came to.")})
    if errors:
        raise ValidationFailed(errors)
    files = _files(record_type, record.pk, attachment_ids) if channel == Channel.EMAIL else []
    if mailbox is not None:
        return [
            send_through_mailbox(
                actor=actor,
                mailbox=mailbox,
                to=address,
                subject=subject,
                body=body,
                html_body=html_from_text(body),
                reply_to=reply,
                record=record,
                attachments=[
                    {"name": f["name"], "content_type": f["content_type"], "path": f["path"]} for f in files
                ],
            )
            for address in recipients
        ]
    later = send_at if send_at is not None and send_at > timezone.now() else None
    sent: list[Outbox] = []
    for address in recipients:
        extra: dict[str, Any] = {"send_at": later} if later is not None else {}
        sent.append(
            send(
                channel=channel,
                to=address,
                subject=subject if channel == Channel.EMAIL else "",
                body=body,
                html_body=html_from_text(body) if channel == Channel.EMAIL else "",
                record_type=record_type,
                record_id=record.pk,
                source=f"user:{actor.pk}",
                attachments=files,
                created_by=actor,
                **extra,
            )
        )
    return sent
