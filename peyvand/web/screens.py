"""A screen is the UI of one resource: list, record page, create/edit form, delete and restore.

It reuses the REST ``Resource`` (model, visibility selector, list spec, services), so the UI and the API
apply the very same rules; a screen adds only what people see: columns, filters, the form.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms

from peyvand.core.rest import Resource


@dataclass(frozen=True)
class FilterChoice:
    """A filter shown above a list: a query parameter of the list spec and its options."""

    param: str
    label: Any
    options: Callable[[Any], list[tuple[Any, Any]]]


# Filters an app above a screen's own adds to its list (analytics' product filter on the deals list), by the
# screen's name (the resource's plural). The app registers them from its ready(); the list page shows them after
# the screen's own. Each param must be a filter of the resource's list spec, which the same app extends.
_added_filters: dict[str, list[FilterChoice]] = {}


def register_list_filter(plural: str, choice: FilterChoice) -> None:
    """Show ``choice`` above the ``plural`` list, once however often the app is made ready."""
    added = _added_filters.setdefault(plural, [])
    if all(f.param != choice.param for f in added):
        added.append(choice)


@dataclass(frozen=True)
class Screen:
    resource: Resource
    form_class: type[forms.Form]
    columns: tuple[str, ...]
    # shown on the record page after the form's fields (derived or read-only fields)
    extra_fields: tuple[str, ...] = ()
    filters: tuple[FilterChoice, ...] = ()
    # extra context for the record page (related lists, actions), given the user and the record
    detail_extra: Callable[[Any, Any], dict] | None = None
    initial_from_request: tuple[str, ...] = field(default_factory=tuple)
    # a CSS class for a row of the list (an overdue task), given the record and the time now
    row_class: Callable[[Any, Any], str] | None = None
    # reads what the page's rows show besides their own fields (the records activities are on), given the user
    # and the rows, in a fixed number of queries
    prepare_rows: Callable[[Any, list], Any] | None = None
    # whether the user may create a record here (the app's permission function); None: anyone signed in
    can_create: Callable[[Any], bool] | None = None
    # whether the user may edit and delete this record (given the user and the record), for types everyone sees
    # but few change, such as products; None: whoever sees it. The services refuse all the same; this only keeps
    # the page from offering what would be refused.
    can_change: Callable[[Any, Any], bool] | None = None
    # a template of actions at the end of each row of the list (an activity's reschedule and "+1 day"), given
    # the row as ``row``
    row_actions: str = ""
    # the record page's fields edited in place (a pencil beside the value), each saved alone through the same
    # form field and service as the edit form; fields with rules of their own (a deal's stage) stay out
    inline_fields: tuple[str, ...] = ()

    @property
    def detail_fields(self) -> tuple[str, ...]:
        fields = (*self.form_class.field_names, *self.extra_fields, "team", "created_at", "updated_at")
        return tuple(dict.fromkeys(fields))

    @property
    def name(self) -> str:
        return self.resource.name

    @property
    def list_filters(self) -> tuple[FilterChoice, ...]:
        """The filters above the list: the screen's own, then those other apps registered for it."""
        return (*self.filters, *_added_filters.get(self.name, ()))

    @property
    def model(self):
        return self.resource.model

    @property
    def verbose_name(self):
        return self.model._meta.verbose_name

    @property
    def verbose_name_plural(self):
        return self.model._meta.verbose_name_plural
