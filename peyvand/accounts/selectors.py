"""Reads of the people settings: the users and teams an administrator manages, filtered from an allow-list."""

from typing import Any

from django.db.models import Count, Q, QuerySet

from peyvand.accounts.models import Role, Team, User
from peyvand.accounts.services import people_manageable
from peyvand.core.text import clean_display_text

# The list's filters and what each accepts; anything else is ignored.
STATUSES = ("active", "inactive", "all")


def users_for_settings(
    *, search: str = "", role: str = "", team: str = "", status: str = "active"
) -> QuerySet[User]:
    """Users matching every word of ``search`` in their names, username or e-mail, of the role and team asked
    (``team="none"``: those in no team), active, inactive or all of them."""
    users: QuerySet[User] = people_manageable().select_related("team")
    for word in clean_display_text(search).split()[:5]:
        users = users.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
            | Q(email__icontains=word)
        )
    if role in Role.values:
        users = users.filter(role=role)
    if team == "none":
        users = users.filter(team__isnull=True)
    elif team.isdigit():
        users = users.filter(team_id=int(team))
    if status == "active":
        users = users.filter(is_active=True)
    elif status == "inactive":
        users = users.filter(is_active=False)
    return users.order_by("-is_active", "first_name", "last_name", "username")


def teams_with_counts() -> QuerySet[Team]:
    """Every team with how many active and how many inactive people are in it."""
    members: Any = people_manageable().values("pk")
    return Team.objects.annotate(
        active_count=Count("members", filter=Q(members__is_active=True, members__in=members)),
        inactive_count=Count("members", filter=Q(members__is_active=False, members__in=members)),
    ).order_by("name")
