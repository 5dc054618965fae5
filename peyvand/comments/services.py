"""Comments on any record: add, edit (the author), delete (author, manager, administrator); each audited on
the record, each new @mention a notification."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from peyvand.comments import permissions
from peyvand.comments.mentions import mentionable_users
from peyvand.comments.models import Comment
from peyvand.core import jalali
from peyvand.core.audit import write_audit
from peyvand.core.errors import NotFound, PeyvandError
from peyvand.core.links import linked_record, record_url
from peyvand.core.models import AuditAction
from peyvand.core.text import clean_display_text, strip_control
from peyvand.notifications.services import notify

MAX_LENGTH = 5000
EXCERPT = 120


def clean_body(raw: str | None) -> str:
    """Plain text as typed, with Persian letters and spacing tidied line by line and at most one empty line
    between paragraphs; refused when empty or longer than 5000 characters."""
    lines = [clean_display_text(line) for line in strip_control(str(raw or "")).splitlines()]
    text = "\n".join(lines).strip()
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    if not text:
        raise PeyvandError(permissions.COMMENT_EMPTY, _("Write something first."), field="body", status=422)
    if len(text) > MAX_LENGTH:
        raise PeyvandError(
            permissions.COMMENT_TOO_LONG,
            _("A comment may be at most %(limit)s characters long.")
            % {"limit": jalali.persian_digits(str(MAX_LENGTH)) if jalali.uses_jalali() else MAX_LENGTH},
            field="body",
            status=422,
        )
    return text


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1] + "…"


def _mention(comment: Comment, record, actor) -> None:
    """Store who the comment mentions and tell each of them once per comment (an edit that keeps a mention
    does not tell them again)."""
    users = [u for u in mentionable_users(comment.body, comment.record_type, record.pk) if u.pk != actor.pk]
    comment.mentions.set(users)
    if users:
        notify(
            recipients=users,
            kind="comment.mention",
            title=gettext_noop("%(author)s mentioned you on %(record)s"),
            body=gettext_noop("“%(excerpt)s”"),
            params={"author": str(actor), "record": str(record)[:150], "excerpt": _excerpt(comment.body)},
            url=record_url(comment.record_type, record.pk),
            key=f"comment-mention:{comment.pk}",
        )


@transaction.atomic
def add_comment(*, actor, record_type: str, record_id, body: str) -> Comment:
    record = linked_record(actor, record_type, record_id, attachable=True)
    if not permissions.can_comment(actor, record):
        raise PeyvandError(permissions.COMMENT_FORBIDDEN, _("You may not do this."), status=403)
    text = clean_body(body)
    comment = Comment.objects.create(
        record_type=record_type, record_id=record.pk, body=text, author=actor, created_at=timezone.now()
    )
    _mention(comment, record, actor)
    write_audit(
        instance=record,
        actor=actor,
        action=AuditAction.UPDATE,
        changes={},
        note=_("Comment added: %(excerpt)s") % {"excerpt": _excerpt(text)},
    )
    return comment


def _current(actor, comment: Comment):
    current = Comment.objects.select_for_update().filter(pk=comment.pk, deleted_at__isnull=True).first()
    if current is None:
        raise NotFound()
    record = linked_record(actor, current.record_type, current.record_id)
    return current, record


@transaction.atomic
def edit_comment(*, actor, comment: Comment, body: str) -> Comment:
    current, record = _current(actor, comment)
    if not permissions.can_edit_comment(actor, current):
        raise PeyvandError(permissions.COMMENT_EDIT_FORBIDDEN, permissions.EDIT_REFUSED_MESSAGE, status=403)
    text = clean_body(body)
    if text == current.body:
        return current
    current.body = text
    current.edited_at = timezone.now()
    current.save(update_fields=["body", "edited_at"])
    _mention(current, record, actor)
    write_audit(
        instance=record,
        actor=actor,
        action=AuditAction.UPDATE,
        changes={},
        note=_("Comment edited: %(excerpt)s") % {"excerpt": _excerpt(text)},
    )
    return current


@transaction.atomic
def delete_comment(*, actor, comment: Comment) -> Comment:
    current, record = _current(actor, comment)
    if not permissions.can_delete_comment(actor, current):
        raise PeyvandError(
            permissions.COMMENT_DELETE_FORBIDDEN, permissions.DELETE_REFUSED_MESSAGE, status=403
        )
    current.deleted_at = timezone.now()
    current.save(update_fields=["deleted_at"])
    write_audit(
        instance=record,
        actor=actor,
        action=AuditAction.UPDATE,
        changes={},
        note=_("Comment deleted: %(excerpt)s") % {"excerpt": _excerpt(current.body)},
    )
    return current
