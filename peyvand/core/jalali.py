"""Jalali calendar at the edges: the database keeps Gregorian UTC, people read and type Jalali in Persian."""

import datetime as dt
import re

import jdatetime
from django.utils import timezone, translation

from peyvand.core.text import to_ascii_digits

_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_DATE_RE = re.compile(r"^\s*(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})(?:[ T]+(\d{1,2}):(\d{2}))?\s*$")


def uses_jalali() -> bool:
    return (translation.get_language() or "fa").startswith("fa")


def persian_digits(value: str) -> str:
    return str(value).translate(_PERSIAN_DIGITS)


def format_date(value: dt.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if uses_jalali():
        return persian_digits(jdatetime.date.fromgregorian(date=value).strftime("%Y/%m/%d"))
    return value.isoformat()


def format_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    if uses_jalali():
        return persian_digits(jdatetime.datetime.fromgregorian(datetime=local).strftime("%Y/%m/%d %H:%M"))
    return local.strftime("%Y-%m-%d %H:%M")


def input_date(value: dt.date | None) -> str:
    """The value an edit form shows: Jalali with ASCII digits in Persian (easy to retype), ISO otherwise."""
    if value is None:
        return ""
    if uses_jalali():
        return jdatetime.date.fromgregorian(date=value).strftime("%Y/%m/%d")
    return value.isoformat()


def input_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    if uses_jalali():
        return jdatetime.datetime.fromgregorian(datetime=local).strftime("%Y/%m/%d %H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def parse_date(text: str, *, jalali: bool | None = None) -> tuple[dt.date, int | None, int | None]:
    """Parse ``1404/09/04`` (Jalali) or ``2025-11-25`` (Gregorian), optionally followed by ``HH:MM``.

    The calendar is told by the year when not forced: years below 1700 are Jalali.
    Raises ValueError with a message fit for a person.
    """
    match = _DATE_RE.match(to_ascii_digits(text or ""))
    if not match:
        raise ValueError("format")
    year, month, day = (int(g) for g in match.group(1, 2, 3))
    hour = int(match.group(4)) if match.group(4) else None
    minute = int(match.group(5)) if match.group(5) else None
    is_jalali = year < 1700 if jalali is None else jalali
    if is_jalali:
        date = jdatetime.date(year, month, day).togregorian()
    else:
        date = dt.date(year, month, day)
    return date, hour, minute
