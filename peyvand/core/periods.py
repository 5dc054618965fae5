"""Periods of the business calendar: months and quarters, Jalali or Gregorian, as Gregorian date ranges.

A target is set for a period such as "Azar 1405" or "Q3 2026"; it is stored with the period's label (calendar,
kind, year, number) and its first and last Gregorian day, so reports sum by date range whatever the calendar.
The calendar is ``settings.PEYVAND_CALENDAR`` ("jalali" by default, or "gregorian").
"""

import datetime as dt
import os
from dataclasses import dataclass

import jdatetime
from django.conf import settings
from django.utils.dates import MONTHS, MONTHS_3
from django.utils.translation import gettext as _

from peyvand.core.jalali import FIRST_DAY, LAST_DAY, persian_digits, uses_jalali

JALALI, GREGORIAN = "jalali", "gregorian"
MONTH, QUARTER = "month", "quarter"
CALENDARS = (JALALI, GREGORIAN)
KINDS = (MONTH, QUARTER)
PERIODS_IN_YEAR = {MONTH: 12, QUARTER: 4}
# Years a target or a report's period may be in: those of the days a business can mean (core.jalali), so every
# day a date field accepts lies in some period, and every period's days are valid dates.
YEAR_RANGE = {
    JALALI: (
        jdatetime.date.fromgregorian(date=FIRST_DAY).year,
        jdatetime.date.fromgregorian(date=LAST_DAY).year,
    ),
    GREGORIAN: (FIRST_DAY.year, LAST_DAY.year),
}


def business_calendar() -> str:
    """The calendar periods are counted in: the setting, else the environment, else Jalali."""
    value = getattr(settings, "PEYVAND_CALENDAR", None) or os.environ.get("PEYVAND_CALENDAR") or JALALI
    return value if value in CALENDARS else JALALI


def _month_start(calendar: str, year: int, month: int) -> dt.date:
    if calendar == JALALI:
        return jdatetime.date(year, month, 1).togregorian()
    return dt.date(year, month, 1)


def _month_after(calendar: str, year: int, month: int) -> dt.date:
    """The first day of the month after (year, month)."""
    return _month_start(calendar, year + 1, 1) if month == 12 else _month_start(calendar, year, month + 1)


@dataclass(frozen=True)
class Period:
    calendar: str
    kind: str
    year: int
    number: int

    @property
    def first_month(self) -> int:
        return self.number if self.kind == MONTH else 3 * self.number - 2

    @property
    def last_month(self) -> int:
        return self.number if self.kind == MONTH else 3 * self.number

    @property
    def start(self) -> dt.date:
        return _month_start(self.calendar, self.year, self.first_month)

    @property
    def end(self) -> dt.date:
        """The last day, included."""
        return _month_after(self.calendar, self.year, self.last_month) - dt.timedelta(days=1)

    def months(self) -> list["Period"]:
        return [
            Period(self.calendar, MONTH, self.year, m) for m in range(self.first_month, self.last_month + 1)
        ]

    def name(self) -> str:
        """ "Azar" or "آذر" for a month, "Q3" or "فصل ۳" for a quarter, in the page's language."""
        if self.kind == MONTH:
            return month_name(self.calendar, self.number)
        return _("Q%(number)s") % {"number": _digits(self.number)}

    def label(self) -> str:
        return f"{self.name()} {_digits(self.year)}"

    def __str__(self) -> str:
        return self.label()


def _digits(value) -> str:
    return persian_digits(value) if uses_jalali() else str(value)


def reading_calendar() -> str:
    """The calendar the reader counts months in: Jalali on a Persian page, Gregorian on an English one. Targets
    keep the business calendar; charts of months (a trend, a forecast) speak the reader's, so an English reader
    sees "Nov 2026" beside Gregorian dates rather than a transliterated Jalali month."""
    return JALALI if uses_jalali() else GREGORIAN


def short_month_name(calendar: str, number: int) -> str:
    """A month's name short enough for a chart's axis: "Nov" in Gregorian, the Persian name in Jalali."""
    if calendar == GREGORIAN:
        name = str(MONTHS_3[number])
        return name[:1].upper() + name[1:]
    return month_name(calendar, number)


def month_name(calendar: str, number: int) -> str:
    """A month's name in the page's language: Jalali months by their Persian names (transliterated in English)."""
    if calendar == JALALI:
        names = jdatetime.date.j_months_fa if uses_jalali() else jdatetime.date.j_months_en
        return names[number - 1]
    return str(MONTHS[number])


def make_period(calendar: str, kind: str, year: int, number: int) -> Period:
    """A valid period, or ValueError naming the part that is wrong ("calendar", "kind", "year" or "number")."""
    if calendar not in CALENDARS:
        raise ValueError("calendar")
    if kind not in KINDS:
        raise ValueError("kind")
    low, high = YEAR_RANGE[calendar]
    if isinstance(year, bool) or not isinstance(year, int) or not low <= year <= high:
        raise ValueError("year")
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= PERIODS_IN_YEAR[kind]:
        raise ValueError("number")
    return Period(calendar, kind, year, number)


def periods_of_year(calendar: str, kind: str, year: int) -> list[Period]:
    return [make_period(calendar, kind, year, n) for n in range(1, PERIODS_IN_YEAR[kind] + 1)]


def year_of(calendar: str, day: dt.date) -> int:
    return jdatetime.date.fromgregorian(date=day).year if calendar == JALALI else day.year


def period_containing(calendar: str, kind: str, day: dt.date) -> Period:
    if calendar == JALALI:
        jday = jdatetime.date.fromgregorian(date=day)
        year, month = jday.year, jday.month
    else:
        year, month = day.year, day.month
    number = month if kind == MONTH else (month - 1) // 3 + 1
    return make_period(calendar, kind, year, number)


def months_between(calendar: str, first: dt.date, last: dt.date) -> list[Period]:
    """The months from the one containing ``first`` to the one containing ``last``, in order."""
    months = [period_containing(calendar, MONTH, first)]
    while months[-1].end < last:
        months.append(period_containing(calendar, MONTH, months[-1].end + dt.timedelta(days=1)))
    return months


def month_number(calendar: str, text: str) -> int | None:
    """A month typed as a number or a name (Persian or English; Jalali or Gregorian per calendar)."""
    from peyvand.core.text import to_ascii_digits

    cleaned = to_ascii_digits(str(text)).strip()
    if cleaned.isdigit():
        return int(cleaned)
    lowered = cleaned.replace("\u200c", "").replace(" ", "").lower()
    if calendar == JALALI:
        candidates = [jdatetime.date.j_months_fa, jdatetime.date.j_months_en]
    else:
        candidates = [
            [dt.date(2000, m, 1).strftime("%B") for m in range(1, 13)],
            [str(MONTHS[m]) for m in range(1, 13)],
        ]
    for names in candidates:
        for index, name in enumerate(names, start=1):
            if name.replace("\u200c", "").replace(" ", "").lower() == lowered:
                return index
    return None
