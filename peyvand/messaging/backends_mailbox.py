"""Sending an outbox row through a mailbox (``Outbox.account_id`` names it): SMTP with the mailbox's own
credentials, then the sent copy appended to its Sent folder over IMAP and kept as an outgoing ``MailMessage``
linked to its records, so the thread on the record shows our reply and the customer's answer to it.

``services_mailboxes.send_through_mailbox`` writes the row and calls this backend; a retry of a failed row calls
it again with the same Message-ID, so a customer who got the first try is not sent a second thread.
"""

import logging
import smtplib
import ssl

from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone

from peyvand.core.outbound import public_addresses
from peyvand.messaging import mailboxes
from peyvand.messaging.backends import BaseBackend
from peyvand.messaging.models import Outbox, OutboxStatus
from peyvand.messaging.models_mailboxes import Mailbox, Security

log = logging.getLogger(__name__)
SMTP_TIMEOUT = 30


def smtp_connection(mailbox: Mailbox):
    """Django's SMTP backend with the mailbox's server and credentials (the IMAP ones where its own are empty);
    without an SMTP server, the system's own mail backend."""
    if not mailbox.smtp_host:
        return get_connection()
    public_addresses(mailbox.smtp_host, mailbox.smtp_port)
    user = mailbox.smtp_user or mailbox.imap_user
    password = mailbox.smtp_password or mailbox.imap_password
    if password is None:
        raise mailboxes.MailboxError(
            "The stored password cannot be read with the configured key; enter it again."
        )
    return get_connection(
        backend="django.core.mail.backends.smtp.EmailBackend",
        host=mailbox.smtp_host,
        port=mailbox.smtp_port,
        username=user or None,
        password=password or None,
        use_ssl=mailbox.smtp_security == Security.SSL,
        use_tls=mailbox.smtp_security == Security.STARTTLS,
        timeout=SMTP_TIMEOUT,
        fail_silently=False,
    )


def build_mail(message: Outbox, mailbox: Mailbox, connection=None) -> EmailMultiAlternatives:
    headers = dict(message.headers or {})
    cc = [a for a in headers.pop("Cc", "").split(",") if a.strip()]
    mail = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        from_email=f"{mailbox.name} <{mailbox.email_address}>" if mailbox.name else mailbox.email_address,
        to=[a.strip() for a in message.to.split(",") if a.strip()],
        cc=[a.strip() for a in cc],
        headers=headers,
        connection=connection,
    )
    if message.html_body:
        mail.attach_alternative(message.html_body, "text/html")
    for item in message.attachments or []:
        with default_storage.open(item["path"], "rb") as stored:
            mail.attach(item["name"], stored.read(), item["content_type"])
    return mail


def sent_folder(client, mailbox: Mailbox) -> str:
    """The folder the server marks as Sent (RFC 6154), else one of the mailbox's folders named like it."""
    folders = client.folder.list()
    for folder in folders:
        if "\\Sent" in folder.flags:
            return folder.name
    names = {f.name.lower(): f.name for f in folders}
    for candidate in ("sent", "sent items", "sent messages", "inbox.sent"):
        if candidate in names:
            return names[candidate]
    return "Sent"


class MailboxBackend(BaseBackend):
    def deliver(self, message: Outbox) -> None:
        mailbox = Mailbox.objects.select_related("owner").get(pk=message.account_id)
        try:
            mail = build_mail(message, mailbox, smtp_connection(mailbox))
            raw = mail.message().as_bytes()
            mail.send()
        except (smtplib.SMTPException, OSError, ssl.SSLError, mailboxes.MailboxError) as exc:
            # The password never rides on the exception: the text goes through the mailbox's own filter.
            raise mailboxes.MailboxError(mailboxes.describe(exc, mailbox)) from None
        except Exception as exc:
            raise mailboxes.MailboxError(mailboxes.describe(exc, mailbox)) from None
        message.status = OutboxStatus.SENT
        message.sent_at = timezone.now()
        message.save(update_fields=["status", "sent_at"])
        folder = "Sent"
        try:
            with mailboxes.connect(mailbox) as client:
                folder = sent_folder(client, mailbox)
                client.append(raw, folder, dt=message.sent_at, flag_set=["\\Seen"])
        except Exception as exc:  # the mail has left: a missing Sent copy is logged, not a failed send
            message.error = (
                f"Sent; the copy could not be put in the Sent folder: {mailboxes.describe(exc, mailbox)}"[
                    :2000
                ]
            )
            message.save(update_fields=["error"])
            log.warning("mailbox %s: sent copy of outbox %s not appended", mailbox.pk, message.pk)
        with transaction.atomic():
            mailboxes.store(mailbox, folder, [mailboxes.read_message(raw)])
