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
