"""Stuck deals: an open deal that stays in a stage longer than the stage's maximum days.

Its owner and the sales managers of the owner's team are told once per stay: the notification key holds the
deal and the moment it entered the stage, so the periodic job may run any number of times and a deal is told
about again only after it moves and gets stuck anew.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_noop

from peyvand.accounts.models import Role
from peyvand.notifications.models import Notification
from peyvand.notifications.services import notify
from peyvand.sales.models import Deal
from peyvand.sales.selectors import stuck


def stuck_key(deal: Deal) -> str:
    return f"stuck:{deal.pk}:{deal.stage_entered_at.isoformat()}"


def _managers_by_team(team_ids: set[int]) -> dict[int, list]:
    managers: dict[int, list] = {}
    users = get_user_model().objects.filter(team_id__in=team_ids, role=Role.SALES_MANAGER, is_active=True)
    for user in users:
        managers.setdefault(user.team_id, []).append(user)
    return managers


def alert_stuck_deals(*, now: dt.datetime) -> int:
    """Notify (in the app and by e-mail) about every deal stuck at ``now``; returns how many were sent."""
    deals = list(stuck(Deal.objects.all(), now).select_related("owner", "stage"))
    if not deals:
        return 0
    told = set(
        Notification.objects.filter(key__in=[stuck_key(d) for d in deals]).values_list("recipient_id", "key")
    )
    managers = _managers_by_team({d.owner.team_id for d in deals if d.owner.team_id})
    sent = 0
    for deal in deals:
        key = stuck_key(deal)
        recipients = [deal.owner, *managers.get(deal.owner.team_id, [])]
        recipients = [u for u in recipients if (u.pk, key) not in told]
        if not recipients:
            continue
        days_in_stage = (now - deal.stage_entered_at).days
        sent += len(
            notify(
                recipients=recipients,
                kind="deal_stuck",
                title=gettext_noop("Deal “%(deal)s” is stuck in “%(stage)s”"),
                body=gettext_noop(
                    "It has been in this stage for %(days)s days; the stage allows %(max_days)s. "
                    "Move it on, or find out what is holding it up."
                ),
                params={
                    "deal": deal.title,
                    "stage": deal.stage.name,
                    "days": days_in_stage,
                    "max_days": deal.stage.max_days,
                },
                url=reverse("deals:detail", args=[deal.pk]),
                key=key,
                email=True,
            )
        )
    return sent
