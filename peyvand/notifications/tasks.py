from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django_tasks import task

from peyvand.core import registry
from peyvand.notifications.models import Notification


@task()
def email_notification(*, notification_id: int) -> None:
    """E-mail one notification to its recipient, once: a retried task does not send it twice."""
    note = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if note is None or note.emailed_at or not note.recipient.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = note.text_title()
        body = note.text_body()
    if note.url:
        body = f"{body}\n\n{settings.PEYVAND_SITE_URL.rstrip('/')}{note.url}".strip()
    transport = registry.mail_transport()
    if transport is not None:
        transport(
            to=note.recipient.email,
            subject=subject[:200],
            body=body or subject,
            source=f"notification:{note.kind}",
        )
    else:
        send_mail(subject[:200], body or subject, None, [note.recipient.email])
    Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())
