"""Mailboxes Peyvand reads over IMAP and sends through over SMTP, and the mail it keeps from them.

A mailbox is a user's own (their private address) or shared (sales@, support@: an administrator connects it and
names the users and teams who see it). Its passwords are kept encrypted (``core.secrets``). The sync reads each
folder incrementally: ``MailboxFolder`` keeps the folder's UIDVALIDITY and the last UID read, saved with every
batch, and ``MailMessage`` is unique by (mailbox, Message-ID), so a restart or a UIDVALIDITY change that makes
the job read a folder again never stores a message twice.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from peyvand.core.links import RecordLink, record_link_index
from peyvand.core.secrets import EncryptedTextField

__all__ = [
    "Direction",
    "MailLink",
    "MailMessage",
    "MailThread",
    "Mailbox",
    "MailboxFolder",
    "Privacy",
    "Security",
]


class Security(models.TextChoices):
    SSL = "ssl", _("SSL/TLS")
    STARTTLS = "starttls", _("STARTTLS")
    NONE = "none", _("None (unencrypted)")


class Privacy(models.TextChoices):
    METADATA = "metadata", _("Others see sender, recipients, subject and date only")
    FULL = "full", _("Others who see the record see the whole message")


def default_folders() -> list[str]:
    return ["INBOX", "Sent"]


class Mailbox(models.Model):
    name = models.CharField(_("name"), max_length=120)
    email_address = models.CharField(_("e-mail address"), max_length=254)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="mailboxes",
    )
    shared = models.BooleanField(_("shared"), default=False)
    # Who sees a shared mailbox's mail besides the administrators (and the records' viewers on their timelines).
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), blank=True, related_name="shared_mailboxes"
    )
    teams = models.ManyToManyField("accounts.Team", verbose_name=_("teams"), blank=True, related_name="+")
    imap_host = models.CharField(_("IMAP server"), max_length=253)
    imap_port = models.PositiveIntegerField(_("IMAP port"), default=993)
    imap_security = models.CharField(
        _("IMAP security"), max_length=10, choices=Security.choices, default=Security.SSL
    )
    imap_user = models.CharField(_("IMAP user name"), max_length=254)
    imap_password = EncryptedTextField(_("IMAP password"), blank=True, null=True)
    smtp_host = models.CharField(_("SMTP server"), max_length=253, blank=True)
    smtp_port = models.PositiveIntegerField(_("SMTP port"), default=465)
    smtp_security = models.CharField(
        _("SMTP security"), max_length=10, choices=Security.choices, default=Security.SSL
    )
    smtp_user = models.CharField(_("SMTP user name"), max_length=254, blank=True)
    # Empty: the IMAP password (most providers use one password for both).
    smtp_password = EncryptedTextField(_("SMTP password"), blank=True, null=True)
    folders = models.JSONField(_("folders"), default=default_folders)
    privacy = models.CharField(_("privacy"), max_length=10, choices=Privacy.choices, default=Privacy.METADATA)
    leads_from_unknown = models.BooleanField(_("create a lead from unknown senders"), default=False)
    active = models.BooleanField(_("active"), default=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_synced_at = models.DateTimeField(_("last synced at"), null=True, blank=True)
    # A failing mailbox waits longer after each failure (see mailboxes.backoff) so it does not hammer its server.
    failures = models.PositiveSmallIntegerField(_("failures in a row"), default=0)
    next_sync_at = models.DateTimeField(_("next sync at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    # The passwords are never among these: the audit trail notes that one changed, never its value.
    audited_fields = (
        "name",
        "email_address",
        "owner",
        "shared",
        "imap_host",
        "imap_port",
        "imap_security",
        "imap_user",
        "smtp_host",
        "smtp_port",
        "smtp_security",
        "smtp_user",
        "folders",
        "privacy",
        "leads_from_unknown",
        "active",
    )

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} <{self.email_address}>"


class MailboxFolder(models.Model):
    """How far the sync has read one folder: UIDs above ``last_uid`` are new while UIDVALIDITY stays."""

    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="folder_states")
    name = models.CharField(_("folder"), max_length=255)
    uidvalidity = models.PositiveBigIntegerField(_("UIDVALIDITY"), null=True, blank=True)
    last_uid = models.PositiveBigIntegerField(_("last UID"), default=0)
    synced_at = models.DateTimeField(_("synced at"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["mailbox", "name"], name="mailbox_folder_unique")]

    def __str__(self) -> str:
        return self.name


class MailThread(models.Model):
    """A conversation: the messages that answer one another by Message-ID, In-Reply-To and References."""

    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="threads")
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    last_at = models.DateTimeField(_("last message at"), null=True, blank=True, db_index=True)

    def __str__(self) -> str:
        return self.subject


class Direction(models.TextChoices):
    IN = "in", _("Received")
    OUT = "out", _("Sent")


class MailMessage(models.Model):
    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="messages")
    thread = models.ForeignKey(MailThread, on_delete=models.CASCADE, related_name="messages")
    folder = models.CharField(_("folder"), max_length=255, blank=True)
    uid = models.PositiveBigIntegerField(_("UID"), null=True, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=255, blank=True)
    references = models.TextField(_("References"), blank=True)
    from_address = models.CharField(_("from"), max_length=254)
    from_name = models.CharField(_("sender's name"), max_length=255, blank=True)
    to = models.JSONField(_("to"), default=list, blank=True)
    cc = models.JSONField(_("cc"), default=list, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    date = models.DateTimeField(_("date"), db_index=True)
    body = models.TextField(_("body"), blank=True)
    direction = models.CharField(
        _("direction"), max_length=3, choices=Direction.choices, default=Direction.IN
    )
    # The files that came with it: [{"name", "content_type", "size", "path"}] — "path" in the default storage,
    # empty when the file was over the size limit (listed, not kept).
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    size = models.PositiveIntegerField(_("size"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    # Set by the selectors for the reader at hand: whether they may read the text (not a column).
    body_visible: bool = True

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["mailbox", "message_id"], name="mail_message_unique"),
        ]
        indexes = [models.Index(fields=["mailbox", "folder", "uid"], name="mail_message_uid")]

    def __str__(self) -> str:
        return self.subject or self.message_id


class MailLink(RecordLink):
    """A record a message concerns (a contact, company, lead or deal), found by its addresses."""

    message = models.ForeignKey(MailMessage, on_delete=models.CASCADE, related_name="links")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "record_type", "record_id"], name="mail_link_unique")
        ]
        indexes = [record_link_index("mail_link_record")]

    def __str__(self) -> str:
        return f"{self.record_type}#{self.record_id}"
