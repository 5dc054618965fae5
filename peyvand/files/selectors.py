"""Reading files: always through the visibility of the record they are on."""

from peyvand.core.errors import NotFound
from peyvand.core.links import linked_record
from peyvand.files.models import Attachment


def attachments_on(user, record_type: str, record_id) -> tuple[object, object]:
    """The record (checked against the user's visibility) and its files that are not deleted, newest first."""
    record = linked_record(user, record_type, record_id)
    files = (
        Attachment.objects.filter(record_type=record_type, record_id=record.pk, deleted_at__isnull=True)
        .select_related("uploaded_by")
        .order_by("-uploaded_at", "-id")
    )
    return record, files


def attachment_for(user, pk) -> Attachment:
    """One file that is not deleted, on a record the user may see; otherwise not found."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    attachment = (
        Attachment.objects.select_related("uploaded_by").filter(pk=pk, deleted_at__isnull=True).first()
        if 0 < pk < 2**63
        else None
    )
    if attachment is None:
        raise NotFound()
    linked_record(user, attachment.record_type, attachment.record_id)
    return attachment
