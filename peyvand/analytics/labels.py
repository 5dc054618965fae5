"""Readable names for the values a report groups by (a rep's id → their name, a channel's code → its label)."""

from typing import Any

from django.utils.translation import gettext as _

from peyvand.accounts.models import Team, User
from peyvand.core.choices import Audience, Channel
from peyvand.sales.models import Pipeline, Stage


def group_labels(segment: str, values: list[Any]) -> dict[Any, str]:
    """Names for ``values`` of ``segment``, read with at most one query."""
    present = [v for v in values if v not in (None, "")]
    names: dict[Any, str] = {}
    if segment == "rep":
        names = {pk: str(user) for pk, user in User.objects.in_bulk(present).items()}
    elif segment == "team":
        names = {pk: team.name for pk, team in Team.objects.in_bulk(present).items()}
    elif segment == "pipeline":
        names = {pk: p.name for pk, p in Pipeline.objects.in_bulk(present).items()}
    elif segment == "stage":
        names = {pk: s.name for pk, s in Stage.objects.in_bulk(present).items()}
    elif segment == "channel":
        names = {value: str(label) for value, label in Channel.choices}
    elif segment == "audience":
        names = {value: str(label) for value, label in Audience.choices}
    elif segment == "customer":
        names = {True: _("Current customers"), False: _("New customers")}
    none_label = _("Not set")
    return {v: names.get(v, str(v) if v not in (None, "") else none_label) for v in values}
