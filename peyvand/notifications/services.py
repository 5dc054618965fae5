"""Telling users things: ``notify`` stores an in-app notification per recipient and e-mails it after commit."""

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from peyvand.notifications.models import Notification


def notify(
    *,
    recipients: Iterable,
    kind: str,
    title: str,
    body: str = "",
    params: dict[str, Any] | None = None,
    url: str = "",
    key: str | None = None,
    email: bool = True,
) -> list[Notification]:
    """Notify each active recipient once (per ``key``, when given); returns the notifications created.

    ``title`` and ``body`` are untranslated message ids (mark them with gettext_noop) formatted with ``params``
    when shown, so each person reads them in their own language.
    """
    created = []
    seen = set()
    for user in recipients:
        if user is None or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        if key and Notification.objects.filter(recipient=user, key=key).exists():
            continue
        try:
            with transaction.atomic():
                note = Notification.objects.create(
                    recipient=user,
                    kind=kind,
                    title=title[:300],
                    body=body,
                    params=params or {},
                    url=url[:500],
                    key=(key or "")[:200],
                )
        except IntegrityError:
            continue  # the same key was notified at the same moment by another worker
        created.append(note)
        if email and user.email:
            from peyvand.notifications.tasks import email_notification

            transaction.on_commit(partial(email_notification.enqueue, notification_id=note.pk))
    return created


def notify_many(batch: Iterable[dict[str, Any]]) -> list[Notification]:
    """``notify`` for a periodic job's whole batch at once: the same rules (active recipients, once per recipient
    and key, e-mailed after commit), in three queries however many there are. Each item holds ``notify``'s
    keyword arguments, ``key`` required."""
    rows: dict[tuple[int, str], Notification] = {}
    users = {}
    emails: dict[tuple[int, str], bool] = {}
    for item in batch:
        key = str(item["key"])[:200]
        for user in item["recipients"]:
            if user is None or not user.is_active or (user.pk, key) in rows:
                continue
            users[user.pk] = user
            emails[user.pk, key] = item.get("email", True)
            rows[user.pk, key] = Notification(
                recipient=user,
                kind=item["kind"],
                title=item["title"][:300],
                body=item.get("body", ""),
                params=item.get("params") or {},
                url=item.get("url", "")[:500],
                key=key,
            )
    if not rows:
        return []
    known = set(
        Notification.objects.filter(key__in={key for _, key in rows}, recipient_id__in=users).values_list(
            "recipient_id", "key"
        )
    )
    fresh = [note for pair, note in rows.items() if pair not in known]
    try:
        with transaction.atomic():
            created = Notification.objects.bulk_create(fresh)
    except IntegrityError:
        # Another worker notified some of them at the same moment: one by one, each skipping what exists.
        created = []
        for note in fresh:
            created += notify(
                recipients=[note.recipient],
                kind=note.kind,
                title=note.title,
                body=note.body,
                params=note.params,
                url=note.url,
                key=note.key,
                email=False,
            )
    from peyvand.notifications.tasks import email_notification

    for note in created:
        if emails[note.recipient_id, note.key] and users[note.recipient_id].email:
            transaction.on_commit(partial(email_notification.enqueue, notification_id=note.pk))
    return created


def mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark ``user``'s notifications read (all unread ones when ``ids`` is None); returns how many."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def notifications_of(user):
    if user is None or not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def unread_count(user) -> int:
    return notifications_of(user).filter(read_at__isnull=True).count()
