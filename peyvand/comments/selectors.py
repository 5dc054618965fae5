"""Reading comments: always through the visibility of the record they are on."""

from peyvand.comments.models import Comment
from peyvand.core.errors import NotFound
from peyvand.core.links import linked_record


def comments_on(user, record_type: str, record_id):
    """The record (checked against the user's visibility) and its comments that are not deleted, newest first."""
    record = linked_record(user, record_type, record_id)
    comments = (
        Comment.objects.filter(record_type=record_type, record_id=record.pk, deleted_at__isnull=True)
        .select_related("author")
        .prefetch_related("mentions")
        .order_by("-created_at", "-id")
    )
    return record, comments


def comment_for(user, pk) -> Comment:
    """One comment that is not deleted, on a record the user may see; otherwise not found."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    comment = (
        Comment.objects.select_related("author").filter(pk=pk, deleted_at__isnull=True).first()
        if 0 < pk < 2**63
        else None
    )
    if comment is None:
        raise NotFound()
    linked_record(user, comment.record_type, comment.record_id)
    return comment
