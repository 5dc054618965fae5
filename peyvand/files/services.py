"""Adding files to any record and deleting them: checked, stored and audited in one place."""

import hashlib
import logging
import unicodedata

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peyvand.core import jalali
from peyvand.core.audit import write_audit
from peyvand.core.errors import NotFound, PeyvandError
from peyvand.core.links import linked_record
from peyvand.core.models import AuditAction
from peyvand.core.text import clean_display_text
from peyvand.files import permissions
from peyvand.files.kinds import REFUSED_EXTENSIONS, extension_of, sniff
from peyvand.files.models import Attachment

logger = logging.getLogger(__name__)

MB = 1024 * 1024
NAME_LENGTH = 200


def shown_number(value: int) -> str:
    """A number as the reader's language writes it (Persian digits on Persian pages)."""
    return jalali.persian_digits(str(value)) if jalali.uses_jalali() else str(value)


def max_size() -> int:
    return settings.PEYVAND_FILE_MAX_MB * MB


def clean_name(raw: str | None) -> str:
    """The sender's file name without folders, control characters or bidi tricks, at most 200 characters
    (the extension kept); "file" when nothing is left."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    # Right-to-left overrides can show "exe.pdf" as "fdp.exe"; they have no place in a file name.
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf") or ch == "\u200c")
    name = clean_display_text(name).strip(" .") or "file"
    if len(name) > NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        name = f"{stem[: NAME_LENGTH - len(ext) - 1]}.{ext}" if dot and len(ext) <= 10 else name[:NAME_LENGTH]
    return name


def check_upload(upload) -> str:
    """Refuse a file over the size limit or of a kind Peyvand does not keep, before anything is stored;
    return the content type its bytes show."""
    if upload is None:
        raise PeyvandError(permissions.FILE_MISSING, _("Choose a file to upload."), field="file")
    if upload.size > max_size():
        raise PeyvandError(
            permissions.FILE_TOO_LARGE,
            _("The file is larger than the %(limit)s MB limit.")
            % {"limit": shown_number(settings.PEYVAND_FILE_MAX_MB)},
            field="file",
            status=413,
        )
    if not upload.size:
        raise PeyvandError(permissions.FILE_EMPTY, _("The file is empty."), field="file", status=422)
    kind = None if extension_of(clean_name(upload.name)) in REFUSED_EXTENSIONS else sniff(upload)
    if kind is None:
        raise PeyvandError(
            permissions.FILE_TYPE_REFUSED,
            _(
                "This kind of file is not accepted. Upload documents, spreadsheets, presentations, PDF, "
                "images, plain text, archives or audio; programs, scripts, web pages and SVG are refused."
            ),
            field="file",
            status=422,
        )
    return kind


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def attach_file(*, actor, record_type: str, record_id, upload) -> Attachment:
    """Store ``upload`` on the record and write an audit row on the record.

    The record is found through the actor's visibility (a record they may not see is not found). The file is
    refused before anything is written if it is too large or of a refused kind. The bytes are written to the
    storage inside the transaction that writes the row; if the row or its audit fails, the stored bytes are
    deleted again, so there is never a row without a file nor a file without a row. (Called inside a caller's
    own transaction that later rolls back, the stored bytes would stay: call it on its own, as the API and the
    pages do.)
    """
    record = linked_record(actor, record_type, record_id, attachable=True)
    if not permissions.can_attach(actor, record):
        raise PeyvandError(permissions.FILE_ATTACH_FORBIDDEN, _("You may not do this."), status=403)
    content_type = check_upload(upload)
    name = clean_name(upload.name)
    attachment = Attachment(
        name=name,
        size=upload.size,
        content_type=content_type,
        sha256=_sha256(upload),
        uploaded_by=actor if getattr(actor, "pk", None) else None,
        uploaded_at=timezone.now(),
    )
    attachment.record_type, attachment.record_id = record_type, record.pk
    stored = None
    try:
        with transaction.atomic():
            attachment.file.save(name, upload, save=False)
            stored = attachment.file.name
            attachment.save()
            write_audit(
                instance=record,
                actor=actor,
                action=AuditAction.UPDATE,
                changes={},
                note=_("File attached: %(name)s") % {"name": name},
            )
    except BaseException:
        if stored:
            _delete_stored(attachment.file.storage, stored)
        raise
    return attachment


def _delete_stored(storage, name: str) -> None:
    try:
        storage.delete(name)
    except Exception:  # the storage may be unreachable; the row is gone either way, say so in the log
        logger.exception("Could not remove the stored file %s after a failed upload", name)


@transaction.atomic
def delete_attachment(*, actor, attachment: Attachment) -> Attachment:
    """Mark the file deleted (its bytes stay in the storage, so the audit trail and a restore from backup keep
    meaning) and write an audit row on its record. Uploader, manager or administrator only."""
    current = Attachment.objects.select_for_update().filter(pk=attachment.pk, deleted_at__isnull=True).first()
    record = linked_record(actor, attachment.record_type, attachment.record_id) if current else None
    if current is None or record is None:
        raise NotFound()
    if not permissions.can_delete_attachment(actor, current):
        raise PeyvandError(permissions.FILE_DELETE_FORBIDDEN, permissions.DELETE_REFUSED_MESSAGE, status=403)
    current.deleted_at = timezone.now()
    current.deleted_by = actor if getattr(actor, "pk", None) else None
    current.save(update_fields=["deleted_at", "deleted_by"])
    write_audit(
        instance=record,
        actor=actor,
        action=AuditAction.UPDATE,
        changes={},
        note=_("File deleted: %(name)s") % {"name": current.name},
    )
    return current
