"""Template filters every page uses: dates in the user's calendar, money, digits, field values."""

import datetime as dt
from decimal import Decimal

from django import template
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from peyvand.core import jalali, registry
from peyvand.core.money import format_money
from peyvand.core.phones import display_phone

register = template.Library()


@register.filter
def jdate(value):
    return jalali.format_date(value)


@register.filter
def jdatetime(value):
    return jalali.format_datetime(value)


@register.filter
def isoday(value):
    """The user's day of a date or moment as 2026-03-21, for links (Django's ``date`` filter fails on a moment at
    the very end of the calendar)."""
    return jalali.local_day(value).isoformat() if value else ""


@register.filter
def money(value, currency="IRR"):
    return format_money(value, currency or "IRR")


@register.filter
def digits(value):
    """Persian digits when the page is Persian."""
    if value is None:
        return ""
    return jalali.persian_digits(value) if jalali.uses_jalali() else str(value)


@register.filter
def percent(value):
    """A percentage with the sign of the page's language: ۲۵٪ in Persian, 25% in English."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        value = f"{value.normalize():f}"  # a stored 10.000 reads 10, 9.500 reads 9.5
    return f"{digits(value)}٪" if jalali.uses_jalali() else f"{value}%"


@register.filter(is_safe=True)
def isolate(value):
    """Text people typed (a name, a stage) wrapped in Unicode's first-strong isolate, so a Persian name in an
    English sentence (or a Latin one in Persian) keeps its own direction without pulling the brackets and
    figures beside it into it. For where <bdi> cannot go: an <option>, a translated sentence's placeholder."""
    if value is None or value == "":
        return ""
    return f"\u2068{value}\u2069"


@register.filter
def heading(record):
    """A record's name for its page's heading. A record whose name is a reference before text people typed (a
    ticket's "#1042 Printer jams") says so with ``heading_parts()``: the reference is shown in the page's digits
    and the text in its own <bdi>, so neither pulls the other into its direction."""
    parts = getattr(record, "heading_parts", None)
    if parts is None:
        return str(record)
    reference, text = parts()
    return format_html("{} <bdi>{}</bdi>", digits(reference), text)


@register.filter
def phone(value):
    return display_phone(value)


@register.filter
def days_since(value):
    if not value:
        return ""
    from django.utils import timezone

    return max(0, (timezone.now() - value).days)


def _link(obj) -> str:
    """A link to the record's page when it is of a registered type with pages; else its name."""
    record_type = registry.for_model(obj)
    if record_type is None or record_type.screen is None:
        return str(obj)
    try:
        return format_html('<a href="{}">{}</a>', reverse(f"{record_type.plural}:detail", args=[obj.pk]), obj)
    except NoReverseMatch:
        return str(obj)


@register.simple_tag
def record_link(obj):
    return _link(obj)


def _is_money(model, name: str) -> bool:
    """An amount, as the record type's registration marks it (shown in the display unit with its unit)."""
    record_type = registry.for_model(model)
    spec = record_type.field(name) if record_type else None
    return bool(spec and spec.money) or name == "amount"


@register.simple_tag
def field_value(obj, name):
    """A field's value as a person should read it: choice labels, links, Jalali dates, phones, money."""
    from django.core.exceptions import FieldDoesNotExist

    try:
        field = obj._meta.get_field(name)
    except FieldDoesNotExist:  # a column the screen computes (the record an activity is on)
        value = getattr(obj, name, None)
        return _link(value) if isinstance(value, models.Model) else (value or "")
    value = getattr(obj, name)
    if value in (None, "", [], {}):
        return ""
    if field.many_to_many:
        return ", ".join(t.name for t in value.all())
    if field.is_relation:
        return _link(value)
    if field.choices:
        return getattr(obj, f"get_{name}_display")()
    if _is_money(obj, name):
        return format_money(value, getattr(obj, "currency", "IRR"))
    if name in ("phones", "phone"):
        items = value if isinstance(value, list) else [value]
        return format_html(
            ", ".join('<a href="tel:{}" dir="ltr">{}</a>' for _ in items),
            *[part for v in items for part in (v, display_phone(v))],
        )
    if name in ("emails", "email"):
        items = value if isinstance(value, list) else [value]
        return format_html(
            ", ".join('<a href="mailto:{}" dir="ltr">{}</a>' for _ in items),
            *[part for v in items for part in (v, v)],
        )
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(field, models.DateTimeField):
        return jalali.format_datetime(value)
    if isinstance(value, dt.date):
        return jalali.format_date(value)
    if isinstance(value, bool):
        from django.utils.translation import gettext as _

        return _("Yes") if value else _("No")
    if isinstance(value, Decimal):  # a percentage or a quantity stored as 10.000 reads 10, 9.500 reads 9.5
        return digits(_plain(value))
    if isinstance(value, int | float):
        return digits(value)
    return value


def _plain(value: Decimal) -> str:
    """A decimal without trailing zeros nor an exponent (100.000 is "100", not "1E+2")."""
    return f"{value.normalize():f}" if value.is_finite() else str(value)


def _beside(model_or_obj, name: str):
    """The model and field an audit key names: the record's own, or one of a one-to-one row beside it written
    "billing_profile.tier" (a company's billing profile changes on the company's timeline)."""
    from django.core.exceptions import FieldDoesNotExist

    head, dot, rest = name.partition(".")
    if dot:
        try:
            relation = model_or_obj._meta.get_field(head)
        except FieldDoesNotExist:
            return model_or_obj, name
        if relation.one_to_one:
            return relation.related_model, rest
    return model_or_obj, name


@register.simple_tag
def field_label(model_or_obj, name):
    from django.core.exceptions import FieldDoesNotExist

    model_or_obj, name = _beside(model_or_obj, name)
    try:
        return model_or_obj._meta.get_field(name).verbose_name
    except FieldDoesNotExist:
        return getattr(model_or_obj, "column_labels", {}).get(name, name)


@register.simple_tag(takes_context=True)
def query(context, **changes):
    """The current query string with some parameters changed (sorting, paging), for links that keep filters."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    if "page" not in changes:
        params.pop("page", None)
    return "?" + params.urlencode()


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "") if hasattr(mapping, "get") else ""


@register.filter
def model_name(model_or_obj):
    return model_or_obj._meta.model_name


@register.filter
def duration_days(seconds):
    """A stay in a stage as people say it: hours under a day, days after."""
    from django.utils.translation import ngettext

    if seconds is None:
        return ""
    seconds = int(seconds)
    if seconds < 86400:
        hours = max(1, seconds // 3600)
        text = ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    else:
        days = seconds // 86400
        text = ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    return digits(text)


@register.simple_tag
def arrow():
    """ "From → to" as read in the page's direction."""
    from django.utils.translation import get_language_bidi

    return "←" if get_language_bidi() else "→"


@register.simple_tag
def audit_value(record, name, value):
    """An audit value as a person reads it: a related record's name, a choice's label, a Jalali date."""
    from django.core.exceptions import FieldDoesNotExist

    if value in (None, "", [], {}):
        return "—"
    record, name = _beside(record, name)
    try:
        field = record._meta.get_field(name)
    except FieldDoesNotExist:
        return value
    if field.is_relation and not field.many_to_many:
        related = field.related_model._base_manager.filter(pk=value).first()
        return str(related) if related is not None else f"#{value}"
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if name in ("emails", "email"):
        items = value if isinstance(value, list) else [value]
        return format_html(
            ", ".join('<a href="mailto:{}" dir="ltr">{}</a>' for _ in items),
            *[part for v in items for part in (v, v)],
        )
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(field, models.DateTimeField):
        return jalali.format_datetime(dt.datetime.fromisoformat(value))
    if isinstance(field, models.DateField):
        return jalali.format_date(dt.date.fromisoformat(value))
    if _is_money(record, name):
        return format_money(value, getattr(record, "currency", "IRR"))
    # Read like the record's own page shows them: a translated yes/no, digits of the reader's language.
    if isinstance(value, bool):
        from django.utils.translation import gettext as _

        return _("Yes") if value else _("No")
    if isinstance(field, models.DecimalField):  # kept as text ("0.000"): read as the record's page shows it
        try:
            return digits(_plain(Decimal(str(value))))
        except ArithmeticError:
            return value
    if isinstance(value, int | float):
        return digits(value)
    return value


@register.filter
def record_type_of(record):
    """The registry's record type of a record (``.name``, ``.attachable``), for panels that work on any record."""
    from peyvand.core import registry

    return registry.for_model(record) if record is not None else None
