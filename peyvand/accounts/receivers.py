"""Sign-in and sign-out keep the sessions list; a new password or a disabled account ends the user's sessions."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from peyvand.accounts import sessions
from peyvand.accounts.models import User


@receiver(user_logged_in)
def session_signed_in(sender, request, user, **kwargs):
    sessions.record_session(request, user)


@receiver(user_logged_out)
def session_signed_out(sender, request, user, **kwargs):
    sessions.forget_session(request)


@receiver(pre_save, sender=User)
def note_password_or_access_change(sender, instance: User, update_fields=None, **kwargs):
    if instance.pk is None or (
        update_fields is not None and not {"password", "is_active"} & set(update_fields)
    ):
        return
    before = User.objects.filter(pk=instance.pk).values("password", "is_active").first()
    instance._ends_sessions = bool(before) and (
        before["password"] != instance.password or (before["is_active"] and not instance.is_active)
    )


@receiver(post_save, sender=User)
def end_sessions_after_password_or_access_change(sender, instance: User, **kwargs):
    # Django already refuses sessions made with the old password; this ends them in the list and the store.
    # The password page records its own session again under its new key.
    if getattr(instance, "_ends_sessions", False):
        instance._ends_sessions = False
        sessions.end_all_sessions(instance)
