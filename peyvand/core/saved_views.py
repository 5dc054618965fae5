"""Saved views of a list: its filters, sorting and columns under a name, one's own or shared with one's team.

The columns are kept apart from the query (a list of field names, in the order shown): which names a list
offers is its screen's business, above this module, so the page passes only names it offers, and a name a list
stops offering is skipped when the view is opened rather than refused.
"""

from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from peyvand.core import registry
from peyvand.core.errors import NotFound
from peyvand.core.models import SavedView
from peyvand.core.records import field_error
from peyvand.core.text import clean_display_text

MAX_QUERY = 2000
# What a view keeps: everything a list is asked with but which page of it is open.
NOT_KEPT = {"page", "next", "csrfmiddlewaretoken", "columns"}
MAX_COLUMNS = 40
MAX_COLUMN_NAME = 60


def views_for(user, list_name: str):
    """The user's own views of a list and those shared with their team."""
    shared = Q(team_id=user.team_id) if user.team_id else Q(pk__in=[])
    return SavedView.objects.filter(Q(owner=user) | shared, list_name=list_name).select_related("owner")


def clean_columns(columns: Any) -> list[str]:
    """Field names, each once, in order; anything else is a field error on ``columns``."""
    if columns in (None, ""):
        return []
    if not isinstance(columns, list | tuple) or not all(isinstance(c, str) for c in columns):
        raise field_error("columns", _("Choose the columns from the list."))
    names = list(dict.fromkeys(c.strip() for c in columns if c.strip()))
    if len(names) > MAX_COLUMNS or any(len(c) > MAX_COLUMN_NAME for c in names):
        raise field_error("columns", _("Choose the columns from the list."))
    return names


def save_view(
    *,
    actor,
    list_name: str,
    name: str,
    query: str,
    share: bool = False,
    columns: list[str] | None = None,
) -> SavedView:
    if registry.by_plural(list_name) is None:
        raise NotFound()
    name = clean_display_text(name)[:80]
    if not name:
        raise field_error("name", _("Give the view a name."))
    kept = urlencode([(k, v) for k, v in parse_qsl(query, keep_blank_values=False) if k not in NOT_KEPT])
    if len(kept) > MAX_QUERY:
        raise field_error("query", _("These filters are too long to save."))
    chosen = clean_columns(columns)
    try:
        with transaction.atomic():
            return SavedView.objects.create(
                owner=actor,
                team_id=actor.team_id if share else None,
                list_name=list_name,
                name=name,
                query=kept,
                columns=chosen,
            )
    except IntegrityError:
        raise field_error("name", _("You already have a view of this list with that name.")) from None


def delete_view(*, actor, view_id: int) -> None:
    """Only its owner deletes a view; anyone else's is not found."""
    deleted, _rows = SavedView.objects.filter(pk=view_id, owner=actor).delete()
    if not deleted:
        raise NotFound()
