"""When to call a company or a contact: their time zone and working hours, now and next.

A contact without hours of its own uses its company's; a company without its own uses the defaults below.
Weekdays are Python's numbers (Monday 0 … Sunday 6), as ``work_days`` stores them.
"""

import datetime as dt
import functools
import re
import zoneinfo
from dataclasses import dataclass

import jdatetime
from django.conf import settings
from django.utils import dateformat
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _

from peyvand.core.jalali import persian_digits, uses_jalali
from peyvand.core.text import to_ascii_digits

SATURDAY, SUNDAY, MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY = 5, 6, 0, 1, 2, 3, 4
# The week as it is read in Iran, for summaries and forms.
WEEK_ORDER = (SATURDAY, SUNDAY, MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY)

# Defaults: the usual Iranian office week. Saturday to Wednesday are full days; many private firms work
# Thursday morning only and government offices not at all, so a Thursday call is suggested only before 13:00,
# when most offices are still open; Friday is the weekend. 09:00 rather than 08:00: offices open from 7:30 to
# 9:00 and the first hour goes to internal work, so a sales call lands better after 9.
DEFAULT_START = dt.time(9, 0)
DEFAULT_END = dt.time(17, 0)
DEFAULT_DAYS = (SATURDAY, SUNDAY, MONDAY, TUESDAY, WEDNESDAY)
DEFAULT_HOURS = {
    **{day: (DEFAULT_START, DEFAULT_END) for day in DEFAULT_DAYS},
    THURSDAY: (DEFAULT_START, dt.time(13, 0)),
}

_TIME_RE = re.compile(r"^\s*(\d{1,2})[:.٫](\d{2})\s*$")


@functools.cache
def known_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def parse_time(value) -> dt.time:
    """``9:00``, ``09:30`` or ``۰۹:۳۰`` (or a ``time``) as a time; ValueError otherwise."""
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    match = _TIME_RE.match(to_ascii_digits(str(value or "")))
    if not match:
        raise ValueError("time")
    return dt.time(int(match.group(1)), int(match.group(2)))


@dataclass(frozen=True)
class Schedule:
    """Where a record is and when it works: a zone and, per weekday, the span of working hours."""

    zone: zoneinfo.ZoneInfo
    hours: dict[int, tuple[dt.time, dt.time]]
    inherited_from: str  # "own", "company" or "default"

    def span_on(self, day: dt.date) -> tuple[dt.time, dt.time] | None:
        return self.hours.get(day.weekday())


def _time_or(value, default: dt.time) -> dt.time:
    try:
        return parse_time(value) if value else default
    except ValueError:  # the services refuse bad times; a row written around them still shows a page
        return default


def _own_hours(record) -> dict[int, tuple[dt.time, dt.time]] | None:
    """The record's hours, filled from the defaults where it sets only some; None when it sets none."""
    if not (record.work_start or record.work_end or record.work_days):
        return None
    start = _time_or(record.work_start, DEFAULT_START)
    end = _time_or(record.work_end, DEFAULT_END)
    days = [d for d in (record.work_days or ()) if isinstance(d, int) and 0 <= d <= 6] or DEFAULT_DAYS
    return {day: (start, end) for day in days}


def _zone(name: str) -> zoneinfo.ZoneInfo | None:
    if name and name in known_time_zones():
        return zoneinfo.ZoneInfo(name)
    return None


def schedule_for(record) -> Schedule:
    """The record's own zone and hours, else its company's (for a contact), else the defaults."""
    company = getattr(record, "company", None)
    if not hasattr(company, "time_zone"):
        company = None
    zone = (
        _zone(record.time_zone)
        or (company is not None and _zone(company.time_zone))
        or zoneinfo.ZoneInfo(settings.TIME_ZONE)
    )
    hours, source = _own_hours(record), "own"
    if hours is None and company is not None:
        hours, source = _own_hours(company), "company"
    if hours is None:
        hours, source = dict(DEFAULT_HOURS), "default"
    return Schedule(zone=zone, hours=hours, inherited_from=source)


def _wall_clock(day: dt.date, at: dt.time, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """``day`` at ``at`` in ``zone``; a wall time skipped by a DST change moves to the instant just after."""
    naive = dt.datetime.combine(day, at, tzinfo=zone)
    return dt.datetime.fromtimestamp(naive.timestamp(), zone)


def _aware(now: dt.datetime) -> dt.datetime:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now


def is_good_moment(record, now: dt.datetime, *, schedule: Schedule | None = None) -> bool:
    """Whether ``now`` falls in the record's working hours (start included, end excluded), in its zone."""
    schedule = schedule or schedule_for(record)
    local = _aware(now).astimezone(schedule.zone)
    span = schedule.span_on(local.date())
    if span is None:
        return False
    return (
        _wall_clock(local.date(), span[0], schedule.zone)
        <= local
        < _wall_clock(local.date(), span[1], schedule.zone)
    )


def next_good_moment(record, now: dt.datetime, *, schedule: Schedule | None = None) -> dt.datetime:
    """``now`` when it is a good moment, else the start of the next working span; aware, in the record's zone."""
    schedule = schedule or schedule_for(record)
    local = _aware(now).astimezone(schedule.zone)
    for offset in range(8):
        day = local.date() + dt.timedelta(days=offset)
        span = schedule.span_on(day)
        if span is None or span[0] >= span[1]:
            continue
        start, end = (_wall_clock(day, t, schedule.zone) for t in span)
        if local < start:
            return start
        if local < end:
            return local
    return local  # no working span at all (cannot be set through the services): any time is as good


# --- words for people ---------------------------------------------------------------------------------------


def weekday_name(weekday: int) -> str:
    """A short weekday name in the page's language: شنبه in Persian, Sat in English."""
    if uses_jalali():
        return jdatetime.date.j_weekdays_fa[(weekday + 2) % 7]
    return str(WEEKDAYS_ABBR[weekday])


def _clock(value: dt.time | dt.datetime) -> str:
    text = value.strftime("%H:%M")
    return persian_digits(text) if uses_jalali() else text


def moment_text(moment: dt.datetime) -> str:
    """``Sat 09:00`` (``شنبه ۰۹:۰۰`` in Persian), at the moment's own wall clock."""
    return f"{weekday_name(moment.weekday())} {_clock(moment)}"


def moment_date(moment: dt.datetime) -> str:
    """The moment's date and time in the page's calendar: 1405/09/08 09:00 in Persian, 2026-11-28 09:00 else."""
    if uses_jalali():
        return persian_digits(jdatetime.datetime.fromgregorian(datetime=moment).strftime("%Y/%m/%d %H:%M"))
    return dateformat.format(moment, "Y-m-d H:i")


def hours_summary(schedule: Schedule) -> str:
    """``Sat–Wed 09:00–17:00, Thu 09:00–13:00``: consecutive days with the same hours grouped."""
    groups: list[tuple[list[int], tuple[dt.time, dt.time]]] = []
    for day in WEEK_ORDER:
        span = schedule.hours.get(day)
        if span is None:
            groups.append(([], (DEFAULT_START, DEFAULT_START)))  # a day off breaks a run
            continue
        if groups and groups[-1][0] and groups[-1][1] == span:
            groups[-1][0].append(day)
        else:
            groups.append(([day], span))
    parts = []
    for days, (start, end) in groups:
        if not days:
            continue
        names = (
            weekday_name(days[0]) if len(days) == 1 else f"{weekday_name(days[0])}–{weekday_name(days[-1])}"
        )
        parts.append(f"{names} {_clock(start)}–{_clock(end)}")
    return "، ".join(parts) if uses_jalali() else ", ".join(parts)


@dataclass(frozen=True)
class CallAdvice:
    good_now: bool
    next_at: dt.datetime
    next_at_text: str  # its date and time in the page's calendar, at the record's wall clock
    label: str
    hours: str
    zone: str
    inherited_from: str


def call_label(record, now: dt.datetime, *, schedule: Schedule | None = None) -> str:
    """ "Good time to call now" or "Outside working hours — next good moment: Sat 09:00", in the page's words.

    The moment is the record's wall clock; its zone is named when it is not the site's.
    """
    schedule = schedule or schedule_for(record)
    if is_good_moment(record, now, schedule=schedule):
        return _("Good time to call now")
    moment = moment_text(next_good_moment(record, now, schedule=schedule))
    if schedule.zone.key != settings.TIME_ZONE:
        moment = _("%(moment)s, %(zone)s time") % {"moment": moment, "zone": schedule.zone.key}
    return _("Outside working hours — next good moment: %(moment)s") % {"moment": moment}


def call_advice(record, now: dt.datetime) -> CallAdvice:
    """Everything the record page shows about calling: now or when, the hours and where they come from."""
    schedule = schedule_for(record)
    next_at = next_good_moment(record, now, schedule=schedule)
    return CallAdvice(
        good_now=is_good_moment(record, now, schedule=schedule),
        next_at=next_at,
        next_at_text=moment_date(next_at),
        label=call_label(record, now, schedule=schedule),
        hours=hours_summary(schedule),
        zone=schedule.zone.key,
        inherited_from=schedule.inherited_from,
    )


def default_call_due(values: dict, records: list, now: dt.datetime | None = None) -> dict:
    """Activity values with a call's due time defaulted to the next good moment of the first of ``records`` (what
    the call concerns: the deal, its contact, its company) that keeps calling hours.

    For the activity services: a new call without a due time; a call logged as done is left alone.
    """
    if values.get("kind") != "call" or values.get("due_at") or values.get("done_at"):
        return values
    record = next((r for r in records if hasattr(r, "work_days")), None)
    if record is None:
        return values
    from django.utils import timezone

    return {**values, "due_at": next_good_moment(record, now or timezone.now())}
