"""Who may do what with files on a record. Services call these; the API and pages only translate a refusal."""

from django.utils.translation import gettext_lazy as _

from peyvand.core.links import record_is_visible

FILE_TOO_LARGE = "file.too_large"
FILE_TYPE_REFUSED = "file.type_refused"
FILE_EMPTY = "file.empty"
FILE_MISSING = "file.missing"
FILE_DELETE_FORBIDDEN = "file.delete_forbidden"
FILE_ATTACH_FORBIDDEN = "file.attach_forbidden"

DELETE_REFUSED_MESSAGE = _(
    "Only the person who uploaded this file, a manager or an administrator may delete it."
)


def can_attach(user, record) -> bool:
    """Anyone who may see a record may add a file to it (as they may add a note)."""
    return bool(user and user.is_authenticated and user.is_active)


def can_delete_attachment(user, attachment) -> bool:
    """The uploader, an administrator, or a manager (who sees the record through their team) — in each case
    only while they may see the record the file is on."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if not record_is_visible(user, attachment.record_type, attachment.record_id):
        return False
    return may_delete_on_a_visible_record(user, attachment)


def may_delete_on_a_visible_record(user, attachment) -> bool:
    """``can_delete_attachment`` once the record is known to be visible to ``user`` (lists, the timeline)."""
    return user.is_admin or user.is_manager or attachment.uploaded_by_id == user.pk
