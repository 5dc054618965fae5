"""Option lists for the filters above list pages."""

from django.utils.translation import gettext_lazy as _

from peyvand.core.records import assignable_users
from peyvand.web.screens import FilterChoice


def _owners(user):
    return [(u.pk, str(u)) for u in assignable_users(user).order_by("first_name", "username")]


def owner_filter() -> FilterChoice:
    return FilterChoice("owner", _("Owner"), _owners)


def choices_filter(param: str, label, choices) -> FilterChoice:
    return FilterChoice(param, label, lambda user: list(choices))
