"""The working-day calendar: how much work a day holds, for pacing plans ("plan completion at today's date").

A day's share is its weekday's share in the working week (Friday off by default), unless a holiday row for that
date says otherwise. Shares are 1, 0.5 or 0, so a half-day Thursday counts half.

Administrators change the week on ``/settings/working-days/`` through ``save_working_week`` (audited, like every
settings page); the holidays' writes are in ``core/holidays.py``.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from peyvand.core import permissions
from peyvand.core.audit import write_audit
from peyvand.core.errors import PeyvandError, ValidationFailed
from peyvand.core.models import AuditAction, DayShare, Holiday, WorkingWeek

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


def require_working_days_admin(actor) -> None:
    if not permissions.can_change_working_days(actor):
        raise PeyvandError(
            permissions.CALENDAR_FORBIDDEN,
            _("Only an administrator can change the working days and holidays."),
            status=403,
        )


@transaction.atomic
def save_working_week(*, actor, values: dict[str, Any]) -> WorkingWeek:
    """Set the share of some weekdays (``{"thursday": "0.5"}``); the others stay as they are. Audited.

    The week is one row: the first save creates it from the defaults, so an unsaved week and a saved one read the
    same.
    """
    require_working_days_admin(actor)
    errors = []
    allowed = set(DayShare.values)
    for name, share in values.items():
        if name not in WorkingWeek.DAY_FIELDS:
            errors.append({"field": name, "message": _("There is no such weekday.")})
        elif str(share) not in allowed:
            errors.append({"field": name, "message": _("Choose a full day, a half day or a day off.")})
    if errors:
        raise ValidationFailed(errors)
    week = WorkingWeek.objects.select_for_update().first()
    creating = week is None
    week = week or WorkingWeek()
    changes = {
        name: [getattr(week, name), str(share)]
        for name, share in values.items()
        if getattr(week, name) != str(share)
    }
    for name, share in values.items():
        setattr(week, name, str(share))
    if creating or changes:
        week.save()
    if changes:
        write_audit(
            instance=week,
            actor=actor,
            action=AuditAction.CREATE if creating else AuditAction.UPDATE,
            changes=changes,
        )
    return week
