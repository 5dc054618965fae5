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
