"""The calendar page's grid: days of a month, a week or a day, in Jalali (Persian page) or Gregorian.

A Persian page lays months out by Jalali month with weeks from Saturday to Friday and Persian digits; an
English page uses Gregorian months and weeks from Monday (ISO 8601). Only dates are computed here; the
activities are placed on them by the view.
"""

import datetime as dt
from dataclasses import dataclass

import jdatetime
from django.utils.dates import MONTHS, WEEKDAYS

from peyvand.core.jalali import persian_digits

VIEWS = ("month", "week", "day")
SATURDAY, MONDAY = 5, 0


@dataclass(frozen=True)
class Span:
    view: str
    anchor: dt.date
    first: dt.date  # first day shown
    last: dt.date  # last day shown
    previous: dt.date  # anchors of the neighbouring pages
    next: dt.date


def _first_weekday(jalali: bool) -> int:
    return SATURDAY if jalali else MONDAY


def week_start(day: dt.date, *, jalali: bool) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - _first_weekday(jalali)) % 7)


def month_bounds(day: dt.date, *, jalali: bool) -> tuple[dt.date, dt.date]:
    """The first and last day of the month ``day`` is in, in the page's calendar."""
    if jalali:
        j = jdatetime.date.fromgregorian(date=day)
        first = jdatetime.date(j.year, j.month, 1)
        following = jdatetime.date(j.year + (j.month == 12), j.month % 12 + 1, 1)
        return first.togregorian(), following.togregorian() - dt.timedelta(days=1)
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def span(view: str, anchor: dt.date, *, jalali: bool) -> Span:
    if view == "day":
        one = dt.timedelta(days=1)
        return Span(view, anchor, anchor, anchor, anchor - one, anchor + one)
    if view == "week":
        first = week_start(anchor, jalali=jalali)
        week = dt.timedelta(days=7)
        return Span(view, anchor, first, first + dt.timedelta(days=6), anchor - week, anchor + week)
    month_first, month_last = month_bounds(anchor, jalali=jalali)
    first = week_start(month_first, jalali=jalali)
    last = week_start(month_last, jalali=jalali) + dt.timedelta(days=6)
    previous = month_bounds(month_first - dt.timedelta(days=1), jalali=jalali)[0]
    return Span(view, anchor, first, last, previous, month_last + dt.timedelta(days=1))


def days(span: Span) -> list[dt.date]:
    return [span.first + dt.timedelta(days=n) for n in range((span.last - span.first).days + 1)]


def in_month(day: dt.date, anchor: dt.date, *, jalali: bool) -> bool:
    first, last = month_bounds(anchor, jalali=jalali)
    return first <= day <= last


def day_number(day: dt.date, *, jalali: bool) -> str:
    if jalali:
        return persian_digits(jdatetime.date.fromgregorian(date=day).day)
    return str(day.day)


def weekday_name(day: dt.date) -> str:
    return str(WEEKDAYS[day.weekday()])


def weekday_names(*, jalali: bool) -> list[str]:
    first = _first_weekday(jalali)
    return [str(WEEKDAYS[(first + n) % 7]) for n in range(7)]


def month_title(day: dt.date, *, jalali: bool) -> str:
    """«آذر ۱۴۰۵» on a Persian page, "November 2026" on an English one."""
    if jalali:
        j = jdatetime.date.fromgregorian(date=day)
        return f"{jdatetime.date.j_months_fa[j.month - 1]} {persian_digits(j.year)}"
    return f"{MONTHS[day.month]} {day.year}"


def date_label(day: dt.date, *, jalali: bool) -> str:
    """A day as its column heading shows it: «۴ آذر» or "25 November"."""
    if jalali:
        j = jdatetime.date.fromgregorian(date=day)
        return f"{persian_digits(j.day)} {jdatetime.date.j_months_fa[j.month - 1]}"
    return f"{day.day} {MONTHS[day.month]}"


def title(span: Span, *, jalali: bool) -> str:
    if span.view == "month":
        return month_title(span.anchor, jalali=jalali)
    if span.view == "day":
        return f"{weekday_name(span.anchor)} {date_label(span.anchor, jalali=jalali)} {_year(span.anchor, jalali)}"
    return (
        f"{date_label(span.first, jalali=jalali)} – {date_label(span.last, jalali=jalali)} "
        f"{_year(span.last, jalali)}"
    )


def _year(day: dt.date, jalali: bool) -> str:
    if jalali:
        return persian_digits(jdatetime.date.fromgregorian(date=day).year)
    return str(day.year)


def hour_label(hour: int, *, jalali: bool) -> str:
    text = f"{hour:02d}:00"
    return persian_digits(text) if jalali else text
