"""The working-day calendar: how much work a day holds, for pacing plans ("plan completion at today's date").

A day's share is its weekday's share in the working week (Friday off by default), unless a holiday row for that
date says otherwise. Shares are 1, 0.5 or 0, so a half-day Thursday counts half.
"""

import datetime as dt
from decimal import Decimal

from peyvand.core.models import DayShare, Holiday, WorkingWeek

ONE_DAY = dt.timedelta(days=1)


def working_week() -> WorkingWeek:
    """The business's week; the defaults (Friday off) until an administrator saves another."""
    return WorkingWeek.objects.first() or WorkingWeek()


class WorkCalendar:
    """Day shares over a range of dates, read with two queries and then answered from memory."""

    def __init__(self, start: dt.date, end: dt.date):
        week = working_week()
        self.start, self.end = start, end
        self._weekday = [Decimal(getattr(week, name)) for name in WorkingWeek.DAY_FIELDS]
        self._holidays = {
            day: Decimal(share)
            for day, share in Holiday.objects.filter(date__range=(start, end)).values_list("date", "share")
        }

    def share(self, day: dt.date) -> Decimal:
        if not self.start <= day <= self.end:
            raise ValueError("day outside the calendar's range")
        return self._holidays.get(day, self._weekday[day.weekday()])

    def working_days(self, first: dt.date, last: dt.date) -> Decimal:
        """Working days from ``first`` to ``last``, both included (0 when ``last`` is before ``first``)."""
        total = Decimal(0)
        day = max(first, self.start)
        last = min(last, self.end)
        while day <= last:
            total += self.share(day)
            day += ONE_DAY
        return total


def working_days(first: dt.date, last: dt.date) -> Decimal:
    return WorkCalendar(first, last).working_days(first, last)


def is_day_off(day: dt.date) -> bool:
    return WorkCalendar(day, day).share(day) == Decimal(DayShare.OFF)
