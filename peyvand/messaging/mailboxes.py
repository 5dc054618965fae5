"""The mailbox sync: reads each folder of a mailbox over IMAP (``imap-tools``) from the last UID it stored, in
batches, keeps each message once, threads it and links it to the records its addresses name.

- Incremental: a folder's UIDVALIDITY and last UID are in ``MailboxFolder``, saved in the same transaction as
  the batch's messages, so a job killed half-way reads again only the batch it had not committed.
- A new UIDVALIDITY (the folder was recreated, or the server renumbered it) reads the folder from the start;
  messages are unique by (mailbox, Message-ID) — a hash of the raw message for one without a Message-ID — so
  nothing is stored twice.
- Linking reads the duplicate lookup keys (``contacts.DuplicateKey``, e-mails normalised with
  ``core.text.normalize_email``, decisions 0004/0017): one indexed query per batch finds the contacts,
  companies and leads; deals are the open deals of the linked contacts and companies.
- Mail that an inbound route claims (``core.inbound_mail``: the service desk's support address) is handed to that
  route too, and ``mail_synced`` is sent for every new message so apps above messaging (tickets) can link it.
- A failing mailbox records its error (the password is never part of it) and waits longer after each failure;
  the other mailboxes go on.
"""

import datetime as dt
import email
import email.header
import email.policy
import email.utils
import hashlib
import logging
import smtplib
import ssl
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from peyvand.contacts.models import Company, Contact, DuplicateKey
from peyvand.core import inbound_mail
from peyvand.core.events import mail_synced
from peyvand.core.inbound_mail import InboundMail, parse_email, readable
from peyvand.core.outbound import public_addresses
from peyvand.core.text import normalize_email
from peyvand.leads.models import Lead
from peyvand.messaging.models_mailboxes import (
    Direction,
    MailboxFolder,
    MailLink,
    MailMessage,
    MailThread,
    Security,
)
from peyvand.sales.models import Deal, DealStatus

log = logging.getLogger(__name__)

BATCH = 200
TIMEOUT = 30
# A file over this size is listed on the message but not kept.
MAX_ATTACHMENT = 10 * 1024 * 1024
MAX_BODY = 200_000
# After the n-th failure in a row a mailbox waits 2**n minutes, at most this long.
MAX_BACKOFF = dt.timedelta(hours=2)


class MailboxError(Exception):
    """What went wrong with a mailbox, in words that never carry its password."""


def _safe(text: str, mailbox) -> str:
    """An error's text with the mailbox's passwords taken out (a server may echo what it was sent)."""
    for secret in (mailbox.imap_password, mailbox.smtp_password):
        if secret:
            text = text.replace(secret, "••••")
    return text[:2000]


def describe(exc: Exception, mailbox) -> str:
    """A failure in words for the mailbox's page and the log: the server's answer, never the password."""
    from imap_tools.errors import MailboxLoginError

    from peyvand.core.outbound import OutboundRefused, OutboundUnreachable

    if isinstance(exc, MailboxLoginError | smtplib.SMTPAuthenticationError):
        return gettext_noop("The server refused the user name or password.")
    if isinstance(exc, OutboundRefused | OutboundUnreachable | MailboxError):
        return _safe(str(exc), mailbox)
    if isinstance(exc, TimeoutError):
        return gettext_noop("The server did not answer in time.")
    if isinstance(exc, ConnectionRefusedError):
        return gettext_noop("The server refused the connection.")
    return _safe(f"{type(exc).__name__}: {exc}", mailbox)


def connect(mailbox):
    """An imap-tools connection, logged in; the host is checked against the private-address guard first."""
    from imap_tools import MailBox, MailBoxStartTls, MailBoxUnencrypted

    public_addresses(mailbox.imap_host, mailbox.imap_port)
    if mailbox.imap_password is None:
        raise MailboxError(
            gettext_noop("The stored password cannot be read with the configured key; enter it again.")
        )
    if mailbox.imap_security == Security.SSL:
        client = MailBox(
            mailbox.imap_host, mailbox.imap_port, timeout=TIMEOUT, ssl_context=ssl.create_default_context()
        )
    elif mailbox.imap_security == Security.STARTTLS:
        client = MailBoxStartTls(
            mailbox.imap_host, mailbox.imap_port, timeout=TIMEOUT, ssl_context=ssl.create_default_context()
        )
    else:
        client = MailBoxUnencrypted(mailbox.imap_host, mailbox.imap_port, timeout=TIMEOUT)
    return client.login(mailbox.imap_user, mailbox.imap_password)


# --- reading one message ------------------------------------------------------------------------------------------


@dataclass
class Parsed:
    mail: InboundMail
    uid: int | None
    to: list[str]
    cc: list[str]
    date: dt.datetime
    attachments: list[tuple[str, str, bytes]] = field(default_factory=list)
    size: int = 0


def _addresses(message, name: str) -> list[str]:
    found: list[str] = []
    for _display, address in email.utils.getaddresses([str(v) for v in message.get_all(name) or ()]):
        address = normalize_email(readable(address))
        if "@" in address and address not in found:
            found.append(address)
    return found[:100]


def _date(message) -> dt.datetime:
    try:
        value = email.utils.parsedate_to_datetime(str(message["Date"]))
    except (TypeError, ValueError, IndexError):
        return timezone.now()
    if value is None:
        return timezone.now()
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value


def read_message(raw: bytes, uid: int | None = None, headers=None) -> Parsed:
    """One raw message as the sync keeps it; ``parse_email`` reads sender, subject, body and thread ids, and
    ``headers`` (imap-tools' own parse, when there is one) the recipients, date and files."""
    mail = parse_email(raw)
    if headers is None:
        headers = email.message_from_bytes(raw, policy=email.policy.compat32)
    attachments = []
    for part in headers.walk():
        filename = part.get_filename()
        if not filename or part.is_multipart():
            continue
        payload = part.get_payload(decode=True) or b""
        name = readable(str(email.header.make_header(email.header.decode_header(filename))))
        attachments.append((name[:255], part.get_content_type()[:120], payload))
    return Parsed(
        mail=mail,
        uid=uid,
        to=_addresses(headers, "To"),
        cc=_addresses(headers, "Cc"),
        date=_date(headers),
        attachments=attachments,
        size=len(raw),
    )


# --- linking ------------------------------------------------------------------------------------------------------


def records_for(addresses: Iterable[str]) -> dict[str, set[tuple[str, int]]]:
    """{address: {(record_type, id)}} for every live contact, company and lead with that e-mail, the company
    of each contact, and the open deals of those contacts and companies."""
    addresses = list({a for a in addresses if a})
    found: dict[str, set[tuple[str, int]]] = {}
    if not addresses:
        return found
    keys = DuplicateKey.objects.filter(
        entity__in=("contact", "company", "lead"), kind="email", value__in=addresses
    ).values_list("entity", "object_id", "value")
    by_entity: dict[str, set[int]] = {"contact": set(), "company": set(), "lead": set()}
    pairs = list(keys)
    for entity, object_id, _value in pairs:
        by_entity[entity].add(object_id)
    live = {
        "contact": dict(
            Contact.objects.filter(pk__in=by_entity["contact"], deleted_at__isnull=True).values_list(
                "pk", "company_id"
            )
        ),
        "company": {
            pk: None
            for pk in Company.objects.filter(
                pk__in=by_entity["company"], deleted_at__isnull=True
            ).values_list("pk", flat=True)
        },
        "lead": {
            pk: None
            for pk in Lead.objects.filter(pk__in=by_entity["lead"], deleted_at__isnull=True).values_list(
                "pk", flat=True
            )
        },
    }
    for entity, object_id, value in pairs:
        if object_id not in live[entity]:
            continue
        records = found.setdefault(value, set())
        records.add((entity, object_id))
        if entity == "contact" and live["contact"][object_id]:
            records.add(("company", live["contact"][object_id]))
    contacts = {pk for records in found.values() for t, pk in records if t == "contact"}
    companies = {pk for records in found.values() for t, pk in records if t == "company"}
    if contacts or companies:
        deals = Deal.objects.filter(
            Q(contact_id__in=contacts) | Q(company_id__in=companies),
            status=DealStatus.OPEN,
            deleted_at__isnull=True,
        ).values_list("pk", "contact_id", "company_id")
        for deal_id, contact_id, company_id in deals:
            for records in found.values():
                if ("contact", contact_id) in records or ("company", company_id) in records:
                    records.add(("deal", deal_id))
    return found


# --- storing a batch ----------------------------------------------------------------------------------------------


def _keep_attachments(mailbox, items: list[tuple[str, str, bytes]]) -> list[dict]:
    kept = []
    for name, content_type, payload in items:
        entry = {"name": name, "content_type": content_type, "size": len(payload), "path": ""}
        if len(payload) <= MAX_ATTACHMENT:
            digest = hashlib.sha256(payload).hexdigest()
            path = f"mail/{mailbox.pk}/{digest[:2]}/{digest}"
            if not default_storage.exists(path):
                path = default_storage.save(path, ContentFile(payload))
            entry["path"] = path
        kept.append(entry)
    return kept


def _unknown_sender_lead(mailbox, parsed: Parsed) -> tuple[str, int] | None:
    from peyvand.leads.intake import intake_actor
    from peyvand.leads.models import Channel
    from peyvand.leads.services import create_lead

    mail = parsed.mail
    existing = Lead.all_objects.filter(message_id=mail.message_id).values_list("pk", flat=True).first()
    if existing is not None:
        return ("lead", existing)
    first, _sep, last = mail.name.rpartition(" ")
    lead = create_lead(
        actor=mailbox.owner or intake_actor(),
        values={
            "first_name": first[:100],
            "last_name": (last or mail.email.split("@")[0])[:100],
            "email": mail.email,
            "description": "\n\n".join(p for p in (mail.subject, mail.body) if p)[:10000],
            "source": Channel.EMAIL,
            "source_detail": mail.subject[:200],
            "message_id": mail.message_id,
        },
        allow_duplicate=True,
        default_owner=mailbox.owner,
    )
    return ("lead", lead.pk)


def store(mailbox, folder: str, batch: list[Parsed]) -> list[MailMessage]:
    """Keep the messages of ``batch`` not already kept (by Message-ID), threaded and linked; answers the new
    rows. Runs inside the caller's transaction."""
    own = normalize_email(mailbox.email_address)
    ids = [p.mail.message_id for p in batch]
    known = set(
        MailMessage.objects.filter(mailbox=mailbox, message_id__in=ids).values_list("message_id", flat=True)
    )
    fresh: list[Parsed] = []
    for parsed in batch:
        if parsed.mail.message_id not in known:
            known.add(parsed.mail.message_id)
            fresh.append(parsed)
    if not fresh:
        return []
    # Threads: a message joins the thread of the nearest message it answers that is kept (or in this batch).
    wanted = {i for p in fresh for i in p.mail.thread_ids}
    threads: dict[str, int] = dict(
        MailMessage.objects.filter(mailbox=mailbox, message_id__in=wanted).values_list(
            "message_id", "thread_id"
        )
    )
    addresses = {a for p in fresh for a in (p.mail.email, *p.to, *p.cc) if a != own}
    found = records_for(addresses)
    # New threads are made in one insert: a message answering another of the same batch shares its (unsaved)
    # thread, so the ids are given to the rows once the threads exist.
    thread_of: dict[str, int | MailThread] = dict(threads)
    new_threads: list[MailThread] = []
    rows: list[MailMessage] = []
    row_threads: list[int | MailThread] = []
    for parsed in fresh:
        mail = parsed.mail
        thread = next((thread_of[i] for i in mail.thread_ids if i in thread_of), None)
        if thread is None:
            thread = MailThread(mailbox=mailbox, subject=mail.subject[:255], last_at=parsed.date)
            new_threads.append(thread)
        thread_of[mail.message_id] = thread
        row_threads.append(thread)
        rows.append(
            MailMessage(
                mailbox=mailbox,
                folder=folder[:255],
                uid=parsed.uid,
                message_id=mail.message_id,
                in_reply_to=mail.in_reply_to[:255],
                references=" ".join(mail.references),
                from_address=mail.email[:254],
                from_name=mail.name[:255],
                to=parsed.to,
                cc=parsed.cc,
                subject=mail.subject[:255],
                date=parsed.date,
                body=mail.body[:MAX_BODY],
                direction=Direction.OUT if mail.email == own else Direction.IN,
                attachments=_keep_attachments(mailbox, parsed.attachments),
                size=parsed.size,
            )
        )
    existing_latest: dict[int, dt.datetime] = {}
    for row, thread in zip(rows, row_threads, strict=True):
        if isinstance(thread, MailThread):
            thread.last_at = max(thread.last_at, row.date) if thread.last_at else row.date
        elif thread not in existing_latest or row.date > existing_latest[thread]:
            existing_latest[thread] = row.date
    MailThread.objects.bulk_create(new_threads)
    for row, thread in zip(rows, row_threads, strict=True):
        row.thread_id = thread if isinstance(thread, int) else thread.pk
    MailMessage.objects.bulk_create(rows)
    links: list[MailLink] = []
    for parsed, row in zip(fresh, rows, strict=True):
        records = set()
        for address in {parsed.mail.email, *parsed.to, *parsed.cc} - {own}:
            records |= found.get(address, set())
        if not records and row.direction == Direction.IN and mailbox.leads_from_unknown:
            lead = _unknown_sender_lead(mailbox, parsed)
            if lead:
                records.add(lead)
        row.linked = sorted(records)
        links += [MailLink(message=row, record_type=t, record_id=pk) for t, pk in records]
    MailLink.objects.bulk_create(links, ignore_conflicts=True)
    for thread_id, at in existing_latest.items():
        MailThread.objects.filter(pk=thread_id).filter(Q(last_at__lt=at) | Q(last_at__isnull=True)).update(
            last_at=at
        )
    for parsed, row in zip(fresh, rows, strict=True):
        transaction.on_commit(lambda p=parsed, r=row: _after_commit(mailbox, p, r))
    return rows


def _after_commit(mailbox, parsed: Parsed, row: MailMessage) -> None:
    try:
        mail_synced.send(sender=MailMessage, message=row, mailbox=mailbox, links=row.linked)
    except Exception:
        log.exception("a mail_synced receiver failed for message %s", row.pk)
    # Only a shared mailbox (support@) feeds the apps' routes: a person's private mail is not the desk's.
    if row.direction != Direction.IN or not mailbox.shared:
        return
    route = inbound_mail.claimant(parsed.mail)
    if route is None:
        return
    from peyvand.leads.intake import intake_actor

    try:
        route.receive(actor=intake_actor(), mail=parsed.mail)
    except Exception:
        log.exception("the %s route refused message %s of mailbox %s", route.name, row.pk, mailbox.pk)


# --- the sync -----------------------------------------------------------------------------------------------------


@dataclass
class SyncResult:
    fetched: int = 0
    stored: int = 0
    folders: dict[str, int] = field(default_factory=dict)


def _uidvalidity(client, folder: str) -> int:
    status = client.folder.status(folder, ["UIDVALIDITY", "UIDNEXT"])
    return int(status["UIDVALIDITY"])


def sync_folder(mailbox, client, folder: str, *, batch_size: int = BATCH, result: SyncResult) -> None:
    from imap_tools import A, U

    uidvalidity = _uidvalidity(client, folder)
    state, _created = MailboxFolder.objects.get_or_create(mailbox=mailbox, name=folder)
    if state.uidvalidity != uidvalidity:
        # A new numbering: read the folder again from its start; kept messages are known by Message-ID.
        state.uidvalidity, state.last_uid = uidvalidity, 0
        state.save(update_fields=["uidvalidity", "last_uid"])
    client.folder.set(folder)
    # "n:*" always answers the last message even when its UID is below n, hence the filter.
    uids = sorted(int(u) for u in client.uids(A(uid=U(state.last_uid + 1, "*"))) if int(u) > state.last_uid)
    for start in range(0, len(uids), batch_size):
        chunk = uids[start : start + batch_size]
        wanted = set(chunk)
        parsed: list[Parsed] = []
        for message in client.fetch(
            A(uid=U(chunk[0], chunk[-1])), mark_seen=False, bulk=True, headers_only=False
        ):
            uid = int(message.uid)
            if uid not in wanted:
                continue
            raw = message.obj.as_bytes()
            try:
                parsed.append(read_message(raw, uid, message.obj))
            except Exception as exc:  # a message without a sender: skipped, the sync goes on
                log.info(
                    "mailbox %s: message %s of %s not kept: %s", mailbox.pk, uid, folder, type(exc).__name__
                )
        with transaction.atomic():
            # Two runs of one mailbox at once (the worker and "read now") take turns batch by batch; the second
            # then finds the first one's messages by Message-ID instead of colliding on them.
            list(type(mailbox).objects.select_for_update().filter(pk=mailbox.pk).values_list("pk", flat=True))
            stored = store(mailbox, folder, parsed)
            MailboxFolder.objects.filter(pk=state.pk).update(last_uid=chunk[-1], synced_at=timezone.now())
        state.last_uid = chunk[-1]
        result.fetched += len(parsed)
        result.stored += len(stored)
        result.folders[folder] = result.folders.get(folder, 0) + len(stored)


def sync_mailbox(mailbox, *, batch_size: int = BATCH) -> SyncResult:
    """Read every configured folder's new mail; raises MailboxError (with a safe text) when it fails."""
    from imap_tools.errors import MailboxFolderStatusError

    result = SyncResult()
    try:
        with connect(mailbox) as client:
            existing = {f.name for f in client.folder.list()}
            for folder in mailbox.folders or ["INBOX"]:
                if folder not in existing:
                    continue
                try:
                    sync_folder(mailbox, client, folder, batch_size=batch_size, result=result)
                except MailboxFolderStatusError:
                    continue
    except MailboxError:
        raise
    except Exception as exc:
        raise MailboxError(describe(exc, mailbox)) from None
    return result


def backoff(failures: int) -> dt.timedelta:
    return min(dt.timedelta(minutes=2 ** min(failures, 10)), MAX_BACKOFF)


def sync_and_record(mailbox, now: dt.datetime | None = None) -> SyncResult | None:
    """Sync one mailbox and keep how it went on its row: its last error and when to try again."""
    now = now or timezone.now()
    try:
        result = sync_mailbox(mailbox)
    except MailboxError as exc:
        mailbox.failures = min(mailbox.failures + 1, 1000)
        mailbox.last_error = str(exc)
        mailbox.next_sync_at = now + backoff(mailbox.failures)
        mailbox.save(update_fields=["failures", "last_error", "next_sync_at"])
        log.warning("mailbox %s could not be synced: %s", mailbox.pk, exc)
        return None
    mailbox.failures, mailbox.last_error, mailbox.next_sync_at = 0, "", None
    mailbox.last_synced_at = timezone.now()
    mailbox.save(update_fields=["failures", "last_error", "next_sync_at", "last_synced_at"])
    return result


def sync_due(now: dt.datetime | None = None) -> dict[int, SyncResult | None]:
    from peyvand.messaging.models_mailboxes import Mailbox

    now = now or timezone.now()
    due = Mailbox.objects.filter(active=True).filter(Q(next_sync_at__isnull=True) | Q(next_sync_at__lte=now))
    return {mailbox.pk: sync_and_record(mailbox, now) for mailbox in due.select_related("owner")}


# --- IDLE -------------------------------------------------------------------------------------------------------
# The periodic job reads every mailbox each minute; where the server offers IDLE (RFC 2177), ``peyvand mailboxes
# --idle`` keeps a connection per mailbox waiting on its inbox and reads new mail the moment it arrives.
IDLE_TIMEOUT = 25 * 60  # under the 29 minutes after which servers may drop an idle client


def supports_idle(client) -> bool:
    return "IDLE" in {str(c).upper() for c in client.client.capabilities}


def wait_for_new_mail(mailbox, *, timeout: float = IDLE_TIMEOUT, folder: str = "INBOX") -> bool:
    """Wait in IDLE on the mailbox's folder until the server announces a new message (True) or ``timeout``
    passes (False); MailboxError when it cannot (no IDLE on the server, a refused login)."""
    try:
        with connect(mailbox) as client:
            if not supports_idle(client):
                raise MailboxError(gettext_noop("The server does not offer IDLE."))
            client.folder.set(folder)
            responses = client.idle.wait(timeout=timeout)
    except MailboxError:
        raise
    except Exception as exc:
        raise MailboxError(describe(exc, mailbox)) from None
    return any(b"EXISTS" in line for line in responses)


def idle_loop(mailbox_id: int, *, stop, timeout: float = IDLE_TIMEOUT) -> None:
    """One mailbox's loop for ``peyvand mailboxes --idle``: read, wait in IDLE, read again; after a failure
    wait out the mailbox's back-off (``stop`` is a threading.Event that ends the loop)."""
    from django.db import close_old_connections

    from peyvand.messaging.models_mailboxes import Mailbox

    while not stop.is_set():
        close_old_connections()
        mailbox = Mailbox.objects.filter(pk=mailbox_id, active=True).first()
        if mailbox is None:
            return
        if sync_and_record(mailbox) is None:
            stop.wait(backoff(mailbox.failures).total_seconds())
            continue
        try:
            wait_for_new_mail(mailbox, timeout=timeout)
        except MailboxError as exc:
            log.info("mailbox %s: no IDLE wait (%s); the periodic job reads it", mailbox_id, exc)
            return
