"""Who may do what with comments on a record. Services call these; the API and pages only translate a refusal."""

from django.utils.translation import gettext_lazy as _

from peyvand.core.links import record_is_visible

COMMENT_EMPTY = "comment.empty"
COMMENT_TOO_LONG = "comment.too_long"
COMMENT_EDIT_FORBIDDEN = "comment.edit_forbidden"
COMMENT_DELETE_FORBIDDEN = "comment.delete_forbidden"
COMMENT_FORBIDDEN = "comment.forbidden"

EDIT_REFUSED_MESSAGE = _("Only the author may edit a comment.")
DELETE_REFUSED_MESSAGE = _("Only the author, a manager or an administrator may delete a comment.")


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_comment(user, record) -> bool:
    """Anyone who may see a record may comment on it."""
    return _active(user)


def can_edit_comment(user, comment) -> bool:
    """The author only, while they may still see the record: a comment is their words."""
    return (
        _active(user)
        and comment.author_id == user.pk
        and record_is_visible(user, comment.record_type, comment.record_id)
    )


def can_delete_comment(user, comment) -> bool:
    """The author, a manager (who sees the record through their team) or an administrator."""
    if not _active(user) or not record_is_visible(user, comment.record_type, comment.record_id):
        return False
    return may_delete_on_a_visible_record(user, comment)


def may_delete_on_a_visible_record(user, comment) -> bool:
    """``can_delete_comment`` once the record is known to be visible to ``user`` (lists, the timeline)."""
    return user.is_admin or user.is_manager or comment.author_id == user.pk
