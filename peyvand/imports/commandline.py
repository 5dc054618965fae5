"""What the ``import`` and ``export`` commands share: who acts when no one is signed in."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def acting_user(username: str | None):
    """The named active user, or the first administrator: the command acts with their permissions."""
    users = get_user_model().objects.filter(is_active=True)
    user = users.filter(username=username).first() if username else users.filter(role="admin").first()
    if user is None:
        raise CommandError(f"No such active user: {username}" if username else "Create an admin user first.")
    return user
