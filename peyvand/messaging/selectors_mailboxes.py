"""Reads of mailboxes and their mail, filtered by what the user may see (``permissions_mailboxes``)."""

from collections.abc import Iterator
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from peyvand.core import registry
from peyvand.core.timeline import TimelineItem
from peyvand.messaging import permissions_mailboxes as permissions
from peyvand.messaging.models_mailboxes import Mailbox, MailLink, MailMessage

TIMELINE_LIMIT = 100


def managed_mailboxes(user) -> QuerySet[Mailbox]:
    """The mailboxes the user may change: their own, and every shared one for an administrator."""
    if not (user and user.is_authenticated):
        return Mailbox.objects.none()
    mine = Q(owner=user, shared=False)
    if permissions.can_manage_shared(user):
        mine |= Q(shared=True)
    return Mailbox.objects.filter(mine).select_related("owner").prefetch_related("members", "teams")


def managed_mailbox(user, pk: int) -> Mailbox:
    mailbox = managed_mailboxes(user).filter(pk=pk).first()
    if mailbox is None:
        raise Http404
    return mailbox


def readable_mailboxes(user) -> QuerySet[Mailbox]:
    """The mailboxes whose mail the user reads in full: their own; shared ones they are a member of (or their
    team is, or any for an administrator)."""
    if not (user and user.is_authenticated):
        return Mailbox.objects.none()
    rule = Q(owner=user)
    if user.is_admin:
        rule |= Q(shared=True)
    else:
        rule |= Q(shared=True, members=user)
        if user.team_id:
            rule |= Q(shared=True, teams=user.team_id)
    return Mailbox.objects.filter(rule).distinct()


def _visible_through_records(user, message: MailMessage) -> bool:
    for record_type, record_id in message.links.values_list("record_type", "record_id"):
        kind = registry.find(record_type)
        if kind is not None and kind.visible(user).filter(pk=record_id).exists():
            return True
    return False


def message_for(user, pk: int) -> MailMessage:
    """A message the user may open (its mailbox's people, or whoever sees a record it is linked to), with
    ``body_visible`` saying whether they may read its text; Http404 otherwise."""
    message = MailMessage.objects.select_related("mailbox", "thread").filter(pk=pk).first()
    if message is None:
        raise Http404
    if permissions.is_mailbox_person(user, message.mailbox):
        message.body_visible = True
    elif _visible_through_records(user, message):
        message.body_visible = permissions.may_read_body(user, message.mailbox)
    else:
        raise Http404
    return message


def thread_of(user, message: MailMessage) -> list[MailMessage]:
    """The messages of the message's thread the user may open, oldest first, each with ``body_visible``."""
    found = []
    for other in MailMessage.objects.filter(thread_id=message.thread_id).select_related("mailbox"):
        try:
            found.append(message_for(user, other.pk) if other.pk != message.pk else message)
        except Http404:
            continue
    return found


def links_of(user, message: MailMessage) -> list[dict[str, Any]]:
    """The records a message is linked to that the user may see, as {"record_type", "record"}."""
    found = []
    for record_type, record_id in message.links.values_list("record_type", "record_id"):
        kind = registry.find(record_type)
        if kind is None:
            continue
        record = kind.visible(user).filter(pk=record_id).first()
        if record is not None:
            found.append({"record_type": kind, "record": record})
    return found


def mail_items(user, record, *, limit: int = TIMELINE_LIMIT) -> Iterator[TimelineItem]:
    """The record's e-mails on its timeline, for a user who sees the record; the body only where the mailbox
    lets them (``may_read_body``)."""
    name = registry.type_name_of(record)
    kind = registry.find(name or "")
    if kind is None or not kind.visible(user).filter(pk=record.pk).exists():
        return
    ids = MailLink.objects.filter(record_type=kind.name, record_id=record.pk).values("message_id")
    messages = (
        MailMessage.objects.filter(pk__in=ids).select_related("mailbox").order_by("-date", "-id")[:limit]
    )
    people: dict[int, bool] = {}
    for message in messages:
        mailbox = message.mailbox
        if mailbox.pk not in people:
            people[mailbox.pk] = permissions.may_read_body(user, mailbox)
        message.body_visible = people[mailbox.pk]
        yield TimelineItem(message.date, "mail", message, "messaging/mailboxes/timeline_mail.html")
