"""Comments on a record's timeline: those on a record the user may see, mentions highlighted."""

from peyvand.comments.models import Comment
from peyvand.comments.permissions import may_delete_on_a_visible_record
from peyvand.core import registry
from peyvand.core.timeline import TimelineItem


def comment_items(user, record, *, limit: int = 100):
    record_type = registry.find(registry.type_name_of(record) or "")
    if record_type is None or not record_type.visible(user).filter(pk=record.pk).exists():
        return
    comments = (
        Comment.objects.filter(record_type=record_type.name, record_id=record.pk, deleted_at__isnull=True)
        .select_related("author")
        .prefetch_related("mentions")
        .order_by("-created_at", "-id")[:limit]
    )
    for comment in comments:
        comment.deletable = may_delete_on_a_visible_record(user, comment)
        comment.editable = comment.author_id == user.pk
        yield TimelineItem(comment.created_at, "comment", comment, "comments/timeline_comment.html")
