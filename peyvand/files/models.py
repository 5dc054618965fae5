import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peyvand.core.links import RecordLink, record_link_index


def stored_name(instance, filename: str) -> str:
    """Where the bytes go in the storage: a random name by month, never the sender's file name (which is kept
    in ``name`` and given back only as the download's name)."""
    now = timezone.now()
    return f"attachments/{now:%Y/%m}/{uuid.uuid4().hex}"


class Attachment(RecordLink):
    """A file on any record (a contact, a deal, ...), stored through Django's storage API."""

    file = models.FileField(_("file"), upload_to=stored_name, max_length=255)
    name = models.CharField(_("name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("content type"), max_length=120)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deleted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("file")
        verbose_name_plural = _("files")
        ordering = ["-uploaded_at", "-id"]
        indexes = [record_link_index("files_attachment_record", "uploaded_at")]

    def __str__(self) -> str:
        return self.name
