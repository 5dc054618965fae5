"""The filters above list pages: their option lists, and the filters a link applied that have no control."""

from urllib.parse import urlencode

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from peyvand.core.jalali import format_date
from peyvand.core.listing import LIST_PARAMS, Filter, as_bool, as_date, as_int
from peyvand.core.records import assignable_users
from peyvand.web.screens import FilterChoice


def _owners(user):
    return [(u.pk, str(u)) for u in assignable_users(user).order_by("first_name", "username")]


def owner_filter() -> FilterChoice:
    return FilterChoice("owner", _("Owner"), _owners)


def choices_filter(param: str, label, choices) -> FilterChoice:
    return FilterChoice(param, label, lambda user: list(choices))


def custom_field_filters(entity: str) -> list[FilterChoice]:
    """A filter for each choice and yes/no custom field an admin defined for the entity."""
    from peyvand.core.customfields import fields_for
    from peyvand.core.models import CustomFieldType

    filters = []
    for field in fields_for(entity):
        if field.field_type == CustomFieldType.CHOICE:
            options = [(c, c) for c in field.choices]
        elif field.field_type == CustomFieldType.BOOLEAN:
            options = [("true", _("Yes")), ("false", _("No"))]
        else:
            continue
        filters.append(FilterChoice(f"cf_{field.key}", field.label, lambda user, o=options: o))
    return filters


def other_filters(screen, params: dict[str, str], shown: set[str]) -> list[dict[str, str]]:
    """Filters applied by a link (a report's drill-down) that have no control above the list: kept as hidden
    fields so changing another filter keeps them, and shown each with a link that drops it."""
    specs = screen.resource.list_spec.filters
    chips = []
    for name, value in params.items():
        if value in (None, "") or name in LIST_PARAMS or name in shown:
            continue
        rest = {k: v for k, v in params.items() if k not in (name, "page")}
        label = specs[name].label if name in specs and specs[name].label else name
        chips.append(
            {
                "param": name,
                "value": value,
                "shown": _describe(screen.model, specs.get(name), value),
                "label": label,
                "without": urlencode(rest),
            }
        )
    return chips


# Records a filter's chip may name by id: the set-up everyone works with, never a customer's record.
_NAMED_MODELS = ("accounts.user", "accounts.team", "sales.pipeline", "sales.stage")


def _describe(model, flt: Filter | None, value: str) -> str:
    """A filter's value as people read it: a date in the page's calendar, a choice's label, a team's name."""
    if flt is None:
        return value
    try:
        if flt.convert is as_date:
            return format_date(as_date(value))
        if flt.convert is as_bool:
            return gettext("Yes") if as_bool(value) else gettext("No")
        if flt.describe is not None:
            return flt.describe(value)
        field = model._meta.get_field(flt.lookup.split("__")[0].removesuffix("_id"))
    except (FieldDoesNotExist, ValueError, TypeError):
        return value
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation and field.related_model._meta.label_lower in _NAMED_MODELS:
        found = (
            field.related_model._default_manager.filter(pk=as_int(value)).first() if value.isdigit() else None
        )
        return str(found) if found else value
    return value
