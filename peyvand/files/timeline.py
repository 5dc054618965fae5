"""Files on a record's timeline: each upload the user may see (files on a record they see)."""

from peyvand.core import registry
from peyvand.core.timeline import TimelineItem
from peyvand.files.models import Attachment
from peyvand.files.permissions import may_delete_on_a_visible_record


def file_items(user, record, *, limit: int = 100):
    record_type = registry.find(registry.type_name_of(record) or "")
    if record_type is None or not record_type.visible(user).filter(pk=record.pk).exists():
        return
    files = (
        Attachment.objects.filter(record_type=record_type.name, record_id=record.pk, deleted_at__isnull=True)
        .select_related("uploaded_by")
        .order_by("-uploaded_at", "-id")[:limit]
    )
    for attachment in files:
        attachment.deletable = may_delete_on_a_visible_record(user, attachment)
        yield TimelineItem(attachment.uploaded_at, "file", attachment, "files/timeline_file.html")
