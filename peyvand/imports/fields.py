"""The columns each kind of record takes in a spreadsheet: names, Persian and English aliases, how a cell is read.

Each record type declares its columns in its own registration (an ``ImportSpec`` from ``core/importing.py`` as
``extra["import"]``, naming its readers from ``READERS``); the import kinds are the plurals of those types.

A cell is read with the same rules the services apply (phones to E.164, e-mails checked, lengths, choices,
Jalali or Gregorian dates), so a file that passes the dry run is written without surprises.
"""

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, cast

from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from peyvand.core import money, registry
from peyvand.core.contactpoints import clean_emails, clean_phones, is_plain_email
from peyvand.core.errors import ValidationFailed
from peyvand.core.importing import ImportSpec
from peyvand.core.jalali import DateOutOfRange, parse_date
from peyvand.core.phones import InvalidPhone, to_e164
from peyvand.core.text import clean_display_text, normalize_email, normalize_text, to_ascii_digits

if TYPE_CHECKING:
    from peyvand.core.models import OwnedModel


class CellError(ValueError):
    """A cell that cannot be read; its message names what is wrong, for a person."""


@dataclass(frozen=True)
class Column:
    name: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    # how a cell becomes a value; the default reads text of the model field's length
    read: Callable[[str, models.Field], Any] | None = None
    # the admin-defined field a "cf_<key>" column fills (its value goes to the record's ``custom``)
    custom: Any = None
    # the cell names a record the field refers to: found among those the user may see, or created with the batch
    record: bool = False


@functools.lru_cache(maxsize=100_000)
def _display_text(raw: str) -> str:
    return clean_display_text(raw)


def read_text(raw: str, field: models.Field) -> str:
    value = _display_text(raw)  # names, cities and titles repeat across a file
    limit = getattr(field, "max_length", None)
    if limit and len(value) > limit:
        raise CellError(_("Longer than %(limit)d characters.") % {"limit": limit})
    return value


def read_long_text(raw: str, field: models.Field) -> str:
    return raw.strip()


def _first_error(exc: ValidationFailed) -> str:
    return "; ".join(str(e["message"]) for e in exc.errors)


# An Iranian mobile however typed (09.., +989.., 00989.., 9.., with spaces or dashes): the common case in files.
_MOBILE = re.compile(r"^(?:\+98|0098|0)?(9\d{9})$")
_SEPARATORS = re.compile(r"[\s\-().]")
_PREFIX_VALID: dict[str, bool] = {}


def _mobile_prefix_valid(national: str) -> bool:
    """Whether ``phonenumbers`` accepts every mobile number of this four-digit prefix (checked once each)."""
    prefix = national[:4]
    if prefix not in _PREFIX_VALID:
        samples = ("000000", "555555", "999999", "123456")
        valid = True
        for tail in samples:
            try:
                to_e164("0" + prefix + tail)
            except InvalidPhone:
                valid = False
                break
        _PREFIX_VALID[prefix] = valid
    return _PREFIX_VALID[prefix]


def fast_mobile(raw: str) -> str | None:
    """E.164 of an Iranian mobile without parsing it in full; None when the services' parser must decide."""
    match = _MOBILE.match(_SEPARATORS.sub("", to_ascii_digits(raw)))
    if match and _mobile_prefix_valid(match.group(1)):
        return "+98" + match.group(1)
    return None


def read_phones(raw: str, field: models.Field) -> list[str]:
    if "," not in raw and "،" not in raw and "\n" not in raw:
        number = fast_mobile(raw)
        if number:
            return [number]
    try:
        return clean_phones(raw)
    except ValidationFailed as exc:
        raise CellError(_first_error(exc)) from None


def read_phone(raw: str, field: models.Field) -> str:
    phones = read_phones(raw, field)
    return phones[0] if phones else ""


def read_emails(raw: str, field: models.Field) -> list[str]:
    if "," not in raw and "،" not in raw and "\n" not in raw:
        email = normalize_email(raw)  # what clean_emails makes of a single address
        if is_plain_email(email):
            return [email]
    try:
        return clean_emails(raw)
    except ValidationFailed as exc:
        raise CellError(_first_error(exc)) from None


def read_email(raw: str, field: models.Field) -> str:
    emails = read_emails(raw, field)
    return emails[0] if emails else ""


def read_date(raw: str, field: models.Field) -> dt.date:
    try:
        return parse_date(raw.strip().split("T")[0].split(" ")[0])[0]
    except DateOutOfRange as exc:
        raise CellError(str(exc)) from None
    except (ValueError, TypeError):
        raise CellError(_("Not a date; write 1404/09/04 (Jalali) or 2025-11-25.")) from None


def read_day_so_far(raw: str, field: models.Field) -> dt.date:
    day = read_date(raw, field)
    if day > timezone.localdate():
        raise CellError(_("The day a customer was lost cannot be later than today."))
    return day


def read_amount(raw: str, field: models.Field) -> Decimal:
    text = to_ascii_digits(raw).replace(",", "").replace("٬", "").replace("،", "").strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CellError(_("Not a number.")) from None
    if not value.is_finite() or value < 0 or abs(value) >= Decimal(10) ** (field.max_digits - 2):
        raise CellError(_("Not an amount this field can hold."))
    return value.quantize(Decimal("0.01"))


@functools.cache
def _choice_names(field: models.Field) -> list[tuple[str, set[str]]]:
    result = []
    for value, label in field.choices:
        names = {normalize_text(value)}
        for language in ("en", "fa"):
            with translation.override(language):
                names.add(normalize_text(str(label)))
        result.append((value, names))
    return result


def read_choice(raw: str, field: models.Field) -> str:
    """A choice by its stored value or its label in English or Persian."""
    wanted = normalize_text(raw)
    for value, names in _choice_names(field):
        if wanted in names:
            return value
    raise CellError(
        _("Not one of: %(choices)s.") % {"choices": ", ".join(str(label) for _v, label in field.choices)}
    )


def read_reference_name(raw: str, field: models.Field) -> str:
    """A record named in the cell (company, pipeline, stage, owner); the importer resolves the name."""
    return clean_display_text(raw)


_TAG_SEPARATORS = re.compile("[,،;؛\n]")
TAG_LENGTH = 60


def read_tags(raw: str, field: models.Field | None) -> list[str]:
    """Tag names separated by commas (Latin or Persian) or semicolons; the same name twice counts once."""
    names: dict[str, str] = {}
    for part in _TAG_SEPARATORS.split(raw):
        name = clean_display_text(part)
        if len(name) > TAG_LENGTH:
            raise CellError(_("A tag is longer than %(limit)d characters.") % {"limit": TAG_LENGTH})
        if name:
            names.setdefault(normalize_text(name), name)
    return list(names.values())


def _custom_reader(custom_field) -> Callable[[str, Any], Any]:
    from peyvand.core.customfields import coerce_custom_value

    def read(raw: str, _field: Any) -> Any:
        try:
            return coerce_custom_value(custom_field, raw.strip())
        except ValueError as exc:
            raise CellError(str(exc)) from None

    return read


# A cell's reader by the name a record type's import spec gives it (``core.importing.Column.read``).
READERS: dict[str, Callable[[str, Any], Any]] = {
    "text": read_text,
    "long_text": read_long_text,
    "phones": read_phones,
    "phone": read_phone,
    "emails": read_emails,
    "email": read_email,
    "date": read_date,
    "day_so_far": read_day_so_far,
    "amount": read_amount,
    "choice": read_choice,
    "reference": read_reference_name,
    "record": read_reference_name,
}


def import_types() -> list["registry.RecordType"]:
    """The record types a spreadsheet can hold: those whose registration declares an ``ImportSpec``."""
    return [t for t in registry.record_types() if isinstance(t.extra.get("import"), ImportSpec)]


def kinds() -> list[str]:
    """The import kinds: the plurals of the importable record types, in registration order."""
    return [t.plural for t in import_types()]


def record_type_of(kind: str) -> "registry.RecordType":
    record_type = registry.by_plural(kind)
    if record_type is None or not isinstance(record_type.extra.get("import"), ImportSpec):
        raise KeyError(kind)
    return record_type


def spec_of(kind: str) -> ImportSpec:
    return record_type_of(kind).extra["import"]


TAGS = Column("tags", ("برچسب", "برچسب ها", "tags", "tag", "labels"), read=read_tags)


def columns_of(kind: str) -> tuple[Column, ...]:
    """The kind's columns: its fields, its tags, and the custom fields an administrator defined for it."""
    from peyvand.core.customfields import fields_for

    record_type = record_type_of(kind)
    declared = tuple(
        Column(c.name, c.aliases, required=c.required, read=READERS[c.read], record=c.read == "record")
        for c in spec_of(kind).columns
    )
    custom = tuple(
        Column(f"cf_{f.key}", (f.label, f.key), required=f.required, read=_custom_reader(f), custom=f)
        for f in fields_for(record_type.name)
    )
    return (*declared, *((TAGS,) if record_type.tagged else ()), *custom)


def model_for(kind: str) -> "type[OwnedModel]":
    """The model of an import kind: the registered record type of that plural."""
    return cast("type[OwnedModel]", record_type_of(kind).model)


def model_field(kind: str, name: str) -> models.Field | None:
    """The model field a column fills; None for a custom field's column."""
    if name.startswith("cf_"):
        return None
    return model_for(kind)._meta.get_field(name)


def column_label(kind: str, name: str) -> str:
    """The column's header in the current language: the model field's own name, or the custom field's label."""
    if name.startswith("cf_"):
        column = column_by_name(kind).get(name)
        return column.custom.label if column else name
    return str(model_field(kind, name).verbose_name)


def _header_key(text: str) -> str:
    return normalize_text(str(text or "").replace("_", " ").replace("*", "").replace(":", ""))


def _names_of(kind: str, column: Column) -> list[str]:
    """Every header that means this column, most specific first: its own name, labels, aliases."""
    names = [column.name]
    for language in ("en", "fa"):
        with translation.override(language):
            names.append(column.custom.label if column.custom else column_label(kind, column.name))
    return [_header_key(n) for n in (*names, *column.aliases)]


def match_headers(kind: str, headers: list[str]) -> dict[str, str]:
    """{header: field name or ""}: each header to the first unclaimed column that knows it.

    Exact field names and labels win over aliases, so «نام» goes to a company's name but, for a contact whose
    file also has «نام خانوادگی», each finds its own column.
    """
    columns = columns_of(kind)
    candidates = {c.name: _names_of(kind, c) for c in columns}
    result: dict[str, str] = {}
    taken: set[str] = set()
    keys = {h: _header_key(money.header_unit(h)[1]) for h in headers}  # «مبلغ (تومان)» is the amount
    # the rank of a name in its column's list breaks ties: a field's own label beats a loose alias
    best: list[tuple[int, int, str, str]] = []
    for position, header in enumerate(headers):
        for column in columns:
            names = candidates[column.name]
            if keys[header] in names:
                best.append((names.index(keys[header]), position, header, column.name))
    for _rank, _pos, header, name in sorted(best):
        if header not in result and name not in taken:
            result[header] = name
            taken.add(name)
    return {h: result.get(h, "") for h in headers}


def reader_of(column: Column, header: str = "") -> Callable[[str, models.Field], Any]:
    if column.read is read_amount and money.header_factor(header) != 1:
        return _amount_in(money.header_factor(header))
    return column.read or read_text


def _amount_in(factor: int) -> Callable[[str, models.Field], Decimal]:
    """Amounts of a column whose header names a larger unit (Toman): read, then stored in Rial."""

    def read(raw: str, field: models.Field) -> Decimal:
        value = read_amount(raw, field) * factor
        if value != value.to_integral_value():
            raise CellError(_("An amount in Toman may have at most one decimal place."))
        if abs(value) >= Decimal(10) ** (field.max_digits - 2):
            raise CellError(_("Not an amount this field can hold."))
        return value

    return read


def read_cell(kind: str, column: Column, raw: str) -> Any:
    return reader_of(column)(raw, model_field(kind, column.name))


def column_by_name(kind: str) -> dict[str, Column]:
    return {c.name: c for c in columns_of(kind)}
