"""Search, filters, ordering and pagination for every list, in the UI and the API alike.

Each list declares an allow-list of filters and sort fields; anything else is refused with a field error.
"""

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from peyvand.core.customfields import custom_filter
from peyvand.core.errors import ValidationFailed
from peyvand.core.jalali import DateOutOfRange, parse_date
from peyvand.core.money import parse_number
from peyvand.core.phones import phone_fragment
from peyvand.core.text import clean_display_text, normalize_text, to_ascii_digits

_MAX_ID = 2**63 - 1  # the largest key either database stores
MAX_ID = (
    _MAX_ID  # for the API's id parameters (`Query(None, ge=1, le=MAX_ID)`): a larger one is a 422, not a 500
)


def as_int(raw: str) -> int:
    value = int(to_ascii_digits(raw))
    if not 0 <= value <= _MAX_ID:
        raise ValueError(raw)
    return value


def as_date(raw: str) -> dt.date:
    return parse_date(raw)[0]


def as_decimal(raw: str) -> Decimal:
    """A number as typed, Persian digits and any thousands separators welcome; amounts are stored values (Rial)."""
    value = parse_number(raw)
    if value is None or not value.is_finite():
        raise ValueError(raw)
    return value


def as_bool(raw: str) -> bool:
    word = raw.strip().lower()
    if word in {"1", "true", "yes"}:
        return True
    if word in {"0", "false", "no"}:
        return False
    raise ValueError(raw)


def as_text(raw: str) -> str:
    return clean_display_text(raw)


# Parameters every list takes besides its filters.
# ``columns`` is which columns the page shows (``web.columns``), no filter.
LIST_PARAMS = frozenset({"page", "page_size", "ordering", "search", "q", "deleted", "columns"})


@dataclass(frozen=True)
class Filter:
    lookup: str
    convert: Callable[[str], Any] = as_text
    label: str | Promise = ""  # lists declare it lazily translated, at import time
    # A filter on a computed value: the expression is added under the lookup's first name before filtering.
    expression: Callable[[], Any] | None = None
    # How a value reads on the page, when not as a date, a choice or a name (``web.views``).
    describe: Callable[[str], str] | None = None


@dataclass(frozen=True)
class ListSpec:
    entity: str
    ordering: tuple[str, ...]
    default_ordering: str
    filters: dict[str, Filter] = field(default_factory=dict)
    # records keep a normalised ``search_text``; configuration lists (pipelines) search their name
    search_lookup: str = "search_text__contains"


_PHONE_LIKE = re.compile(r"^\+?[\d\s\-()./]{7,}$")


def search_terms(query: str) -> list[str]:
    """The words to look for; a query that is a phone number or part of one, however typed, is one term matched
    inside the stored E.164 numbers (``phones.phone_fragment``)."""
    text = normalize_text(query)
    if _PHONE_LIKE.match(text):
        return [phone_fragment(text)]
    return [phone_fragment(w) if len(w) >= 7 and w.lstrip("+").isdigit() else w for w in text.split()]


def apply_search(queryset: QuerySet, query: str, lookup: str = "search_text__contains") -> QuerySet:
    for term in search_terms(query)[:8]:
        queryset = queryset.filter(**{lookup: term})
    return queryset


def apply_list_params(queryset: QuerySet, spec: ListSpec, params: Mapping[str, Any]) -> QuerySet:
    errors = []
    for name, raw in params.items():
        if raw in (None, "") or name in LIST_PARAMS:
            continue
        raw = str(raw)
        try:
            if name.startswith("cf_"):
                queryset = queryset.filter(custom_filter(spec.entity, name[3:], raw))
                continue
            flt = spec.filters.get(name)
            if flt is None:
                errors.append(
                    {
                        "field": name,
                        "message": _("There is no such filter. Filters: %(names)s")
                        % {"names": ", ".join(spec.filters)},
                    }
                )
                continue
            value = flt.convert(raw)
            if flt.expression is not None:
                queryset = queryset.alias(**{flt.lookup.split("__")[0]: flt.expression()})
            queryset = queryset.filter(Q(**{flt.lookup: value}))
        except ValidationFailed as exc:
            errors.extend(exc.errors)
        except DateOutOfRange as exc:
            errors.append({"field": name, "message": str(exc)})
        except (ValueError, TypeError, ArithmeticError, ValidationError, InvalidOperation):
            errors.append({"field": name, "message": _("This filter value is not valid.")})
    search = params.get("search") or params.get("q")
    if search and "\x00" in str(search):
        errors.append(
            {"field": "search", "message": _("The search contains a character that is not allowed.")}
        )
    elif search:
        queryset = apply_search(queryset, str(search), spec.search_lookup)
    ordering = str(params.get("ordering") or spec.default_ordering)
    if ordering.lstrip("-") not in spec.ordering:
        errors.append(
            {
                "field": "ordering",
                "message": _("Sort by one of: %(fields)s") % {"fields": ", ".join(spec.ordering)},
            }
        )
    if errors:
        raise ValidationFailed(errors)
    return queryset.order_by(ordering, "-id" if ordering.startswith("-") else "id")


MAX_PAGE = 100_000


@dataclass
class Page:
    items: list
    count: int
    number: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.size))

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def paginate(queryset: QuerySet, page: Any = 1, page_size: Any = None) -> Page:
    errors = []
    try:
        number = int(to_ascii_digits(str(page or 1)))
        if not 1 <= number <= MAX_PAGE:
            raise ValueError
    except ValueError:
        errors.append(
            {
                "field": "page",
                "message": _("Page must be a whole number from 1 to %(max)s.") % {"max": MAX_PAGE},
            }
        )
        number = 1
    try:
        size = int(to_ascii_digits(str(page_size or settings.PEYVAND_PAGE_SIZE)))
        if not 1 <= size <= settings.PEYVAND_MAX_PAGE_SIZE:
            raise ValueError
    except ValueError:
        errors.append(
            {
                "field": "page_size",
                "message": _("Page size must be from 1 to %(max)s.")
                % {"max": settings.PEYVAND_MAX_PAGE_SIZE},
            }
        )
        size = settings.PEYVAND_PAGE_SIZE
    if errors:
        raise ValidationFailed(errors)
    count = queryset.count()
    start = (number - 1) * size
    return Page(items=list(queryset[start : start + size]), count=count, number=number, size=size)
