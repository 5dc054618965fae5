"""Jalali calendar at the edges: the database keeps Gregorian UTC, people read and type Jalali in Persian.

Dates that come in are bounded here (``FIRST_DAY`` to ``LAST_DAY``); dates that go out are shown whatever they
are, since a row written before the bounds (or by hand) must never break a page.
"""

import datetime as dt
import re

import jdatetime
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from peyvand.core.text import to_ascii_digits

_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_DATE_RE = re.compile(r"^\s*(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})(?:[ T]+(\d{1,2}):(\d{2}))?\s*$")

# The days a business can mean, in either calendar (Jalali 1278/10/11 to 1479/10/10). Every date or time the
# API, the forms, the imports and the list filters accept lies between them; the database could hold years 1 to
# 9999, which neither the Jalali calendar nor a time-zone shift can always reach.
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)


_JALALI_YEARS = (
    jdatetime.date.fromgregorian(date=FIRST_DAY).year,
    jdatetime.date.fromgregorian(date=LAST_DAY).year,
)


class DateOutOfRange(ValueError):
    """A date that parses but lies outside FIRST_DAY..LAST_DAY."""


def in_range(value: dt.date) -> bool:
    day = value.date() if isinstance(value, dt.datetime) else value
    return FIRST_DAY <= day <= LAST_DAY


def out_of_range_message() -> str:
    return _("Enter a date between %(first)s and %(last)s.") % {
        "first": format_date(FIRST_DAY),
        "last": format_date(LAST_DAY),
    }


def check_in_range(value):
    """The value itself when it is a date or time within the bounds (or None); DateOutOfRange otherwise."""
    if value is not None and not in_range(value):
        raise DateOutOfRange(out_of_range_message())
    return value


def uses_jalali() -> bool:
    return (translation.get_language() or "fa").startswith("fa")


def persian_digits(value: str) -> str:
    return str(value).translate(_PERSIAN_DIGITS)


def local_day(value: dt.date) -> dt.date:
    """The day of a date or moment in the user's time zone (a link to the calendar's day, for instance)."""
    return local_time(value).date() if isinstance(value, dt.datetime) else value


def local_time(value: dt.datetime) -> dt.datetime:
    """The moment in the user's time zone; at the very ends of the calendar the shift would leave the years
    Python can hold, so such a moment is shown as stored (UTC)."""
    if not timezone.is_aware(value):
        return value
    try:
        return timezone.localtime(value)
    except (OverflowError, ValueError):
        return value


def _as_jalali(value: dt.date, pattern: str) -> str | None:
    """The Jalali text of a Gregorian date or time, or None where the Jalali calendar cannot hold it."""
    try:
        if isinstance(value, dt.datetime):
            return jdatetime.datetime.fromgregorian(datetime=value).strftime(pattern)
        return jdatetime.date.fromgregorian(date=value).strftime(pattern)
    except (ValueError, OverflowError):
        return None


def _iso_minutes(value: dt.datetime) -> str:
    # Not strftime: it drops the zero padding of years below 1000 on some platforms.
    return f"{value.date().isoformat()} {value.hour:02d}:{value.minute:02d}"


def format_date(value: dt.date | None) -> str:
    if value is None:
        return ""
    value = local_day(value)
    if uses_jalali():
        text = _as_jalali(value, "%Y/%m/%d")
        if text is not None:
            return persian_digits(text)
    return value.isoformat()


def format_datetime(value: dt.datetime | None) -> str:
    if value is None or not isinstance(value, dt.datetime):
        return format_date(value)
    local = local_time(value)
    if uses_jalali():
        text = _as_jalali(local, "%Y/%m/%d %H:%M")
        if text is not None:
            return persian_digits(text)
    return _iso_minutes(local)


def input_date(value: dt.date | None) -> str:
    """The value an edit form shows: Jalali with ASCII digits in Persian (easy to retype), ISO otherwise."""
    if value is None:
        return ""
    value = local_day(value)
    if uses_jalali():
        text = _as_jalali(value, "%Y/%m/%d")
        if text is not None:
            return text
    return value.isoformat()


def input_datetime(value: dt.datetime | None) -> str:
    if value is None or not isinstance(value, dt.datetime):
        return input_date(value)
    local = local_time(value)
    if uses_jalali():
        text = _as_jalali(local, "%Y/%m/%d %H:%M")
        if text is not None:
            return text
    return _iso_minutes(local)


def parse_date(text: str, *, jalali: bool | None = None) -> tuple[dt.date, int | None, int | None]:
    """Parse ``1404/09/04`` (Jalali) or ``2025-11-25`` (Gregorian), optionally followed by ``HH:MM``.

    The calendar is told by the year when not forced: years below 1700 are Jalali.
    Raises ValueError for text that is not a date, DateOutOfRange (a ValueError, with a message fit for a
    person) for a day outside FIRST_DAY..LAST_DAY.
    """
    match = _DATE_RE.match(to_ascii_digits(text or ""))
    if not match:
        raise ValueError("format")
    year, month, day = (int(g) for g in match.group(1, 2, 3))
    hour = int(match.group(4)) if match.group(4) else None
    minute = int(match.group(5)) if match.group(5) else None
    is_jalali = year < 1700 if jalali is None else jalali
    first, last = _JALALI_YEARS if is_jalali else (FIRST_DAY.year, LAST_DAY.year)
    if not first <= year <= last and 1 <= month <= 12 and 1 <= day <= 31:
        # Refused before converting: the calendars cannot even hold some of these years.
        raise DateOutOfRange(out_of_range_message())
    if is_jalali:
        date = jdatetime.date(year, month, day).togregorian()
    else:
        date = dt.date(year, month, day)
    return check_in_range(date), hour, minute
