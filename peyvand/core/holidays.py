"""Holidays from a CSV or XLSX file (date, name, and optionally the share of the day worked).

Dates are Jalali (1405/01/01) or Gregorian (2026-03-21), Persian or ASCII digits. Every row is checked first;
any bad row refuses the whole file with each problem's row and column, so nothing is half-imported. A date
already stored is updated (its name and share), so importing next year's official list twice is harmless.

Below the import, the writes of the holidays page (``/settings/working-days/``): add, change and delete one
holiday, and add the fixed-date official holidays of a year; each checks the administrator's right and leaves an
audit row, as the import does.
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from peyvand.core.audit import diff, save_audited, write_audit
from peyvand.core.errors import ValidationFailed
from peyvand.core.jalali import DateOutOfRange, check_in_range, parse_date
from peyvand.core.models import AuditAction, DayShare, Holiday
from peyvand.core.text import clean_display_text, normalize_text
from peyvand.core.workdays import require_working_days_admin

MAX_ROWS = 2000
HEADERS = {
    "date": ("date", "day", "تاریخ", "روز"),
    "name": ("name", "title", "occasion", "نام", "عنوان", "مناسبت"),
    "share": ("share", "worked", "half day", "کار", "نیم روز", "نیم‌روز", "سهم کار"),
}
SHARES = {
    "": DayShare.OFF,
    "0": DayShare.OFF,
    "off": DayShare.OFF,
    "تعطیل": DayShare.OFF,
    "0.5": DayShare.HALF,
    "half": DayShare.HALF,
    "نیم": DayShare.HALF,
    "نیم روز": DayShare.HALF,
    "1": DayShare.FULL,
    "full": DayShare.FULL,
    "کامل": DayShare.FULL,
}


@dataclass
class HolidayRow:
    row: int
    date: Any
    name: str
    share: str


@dataclass
class HolidayReport:
    rows: list[HolidayRow] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    created: int = 0
    updated: int = 0


def _table(content: bytes, filename: str) -> list[list[str]]:
    if filename.lower().endswith(".xlsx"):
        import openpyxl

        sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        return [["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)]
    text = content.decode("utf-8-sig", errors="replace")
    return list(csv.reader(io.StringIO(text)))


def read_holidays(content: bytes, filename: str) -> HolidayReport:
    """Every row of the file checked; the report lists good rows and each bad cell (row, column, why)."""
    report = HolidayReport()
    table = _table(content, filename)
    if not table:
        report.errors.append({"field": "file", "message": _("The file is empty.")})
        return report
    names = [normalize_text(h) for h in table[0]]
    columns = {}
    for key, accepted in HEADERS.items():
        wanted = {normalize_text(a) for a in accepted}
        columns[key] = next((i for i, h in enumerate(names) if h in wanted), None)
    for key in ("date", "name"):
        if columns[key] is None:
            report.errors.append(
                {"field": key, "message": _("The file has no “%(column)s” column.") % {"column": key}}
            )
    if report.errors:
        return report
    if len(table) - 1 > MAX_ROWS:
        report.errors.append({"field": "file", "message": _("At most 2,000 rows in one file.")})
        return report
    seen: dict[Any, int] = {}
    for number, cells in enumerate(table[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        values = {
            key: cells[index].strip() if index is not None and index < len(cells) else ""
            for key, index in columns.items()
        }

        problems = []
        try:
            day = parse_date(values["date"].split(" ")[0])[0]
        except DateOutOfRange as exc:
            day = None
            problems.append(("date", str(exc)))
        except (ValueError, TypeError):
            day = None
            problems.append(("date", _("Write the date as 1405/01/01 or 2026-03-21.")))
        name = values["name"][:120]
        if not name:
            problems.append(("name", _("Give the holiday a name.")))
        share = SHARES.get(normalize_text(values["share"]))
        if share is None:
            problems.append(("share", _("Write 0 for a day off or 0.5 for a half day.")))
        if day is not None and day in seen:
            problems.append(("date", _("The same date is on row %(row)s too.") % {"row": seen[day]}))
        for column, message in problems:
            report.errors.append(
                {"field": f"row {number}, {column}", "row": number, "column": column, "message": message}
            )
        if not problems:
            seen[day] = number
            report.rows.append(HolidayRow(row=number, date=day, name=name, share=share))
    return report


@transaction.atomic
def import_holidays(*, actor, content: bytes, filename: str) -> HolidayReport:
    """Store the file's holidays, or nothing at all when any row is bad (ValidationFailed lists them).

    No right is checked here: the ``holidays`` command runs it as the operator; the settings page checks first.
    """
    report = read_holidays(content, filename)
    if report.errors:
        raise ValidationFailed(report.errors)
    stored = {h.date: h for h in Holiday.objects.filter(date__in=[r.date for r in report.rows])}
    for row in report.rows:
        holiday = stored.get(row.date)
        if holiday is None:
            holiday = Holiday.objects.create(date=row.date, name=row.name, share=row.share)
            write_audit(
                instance=holiday, actor=actor, action=AuditAction.CREATE, changes={"name": [None, row.name]}
            )
            report.created += 1
        elif (holiday.name, holiday.share) != (row.name, row.share):
            changes = {"name": [holiday.name, row.name], "share": [holiday.share, row.share]}
            holiday.name, holiday.share = row.name, row.share
            holiday.save(update_fields=["name", "share"])
            write_audit(instance=holiday, actor=actor, action=AuditAction.UPDATE, changes=changes)
            report.updated += 1
    return report


# Iran's official holidays that fall on fixed days of the Jalali calendar (month, day, name). The religious
# holidays follow the lunar calendar and move every year: an administrator imports each year's list.
FIXED_JALALI_HOLIDAYS = (
    (1, 1, "نوروز"),
    (1, 2, "نوروز"),
    (1, 3, "نوروز"),
    (1, 4, "نوروز"),
    (1, 12, "روز جمهوری اسلامی"),
    (1, 13, "روز طبیعت"),
    (3, 14, "رحلت امام خمینی"),
    (3, 15, "قیام ۱۵ خرداد"),
    (11, 22, "پیروزی انقلاب اسلامی"),
    (12, 29, "ملی شدن صنعت نفت"),
)


def add_fixed_holidays(year: int) -> int:
    """Store the fixed-date official holidays of a Jalali year (kept as they are where a date is stored)."""
    import jdatetime

    rows = [
        Holiday(date=jdatetime.date(year, month, day).togregorian(), name=name)
        for month, day, name in FIXED_JALALI_HOLIDAYS
    ]
    known = set(Holiday.objects.filter(date__in=[r.date for r in rows]).values_list("date", flat=True))
    fresh = [r for r in rows if r.date not in known]
    Holiday.objects.bulk_create(fresh)
    return len(fresh)


def year_bounds(year: int, *, jalali: bool) -> tuple[dt.date, dt.date]:
    """The first and last day of a Jalali year (Persian pages) or a Gregorian one."""
    import jdatetime

    if jalali:
        first = jdatetime.date(year, 1, 1).togregorian()
        return first, jdatetime.date(year + 1, 1, 1).togregorian() - dt.timedelta(days=1)
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def holidays_between(first: dt.date, last: dt.date):
    return Holiday.objects.filter(date__range=(first, last)).order_by("date")


def _holiday_values(holiday: Holiday) -> dict[str, Any]:
    return {"date": holiday.date.isoformat(), "name": holiday.name, "share": holiday.share}


@transaction.atomic
def save_holiday(*, actor, holiday: Holiday | None = None, values: dict[str, Any]) -> Holiday:
    """Add a holiday or change one (its date, name, or the share of the day worked); audited."""
    require_working_days_admin(actor)
    creating = holiday is None
    holiday = holiday or Holiday()
    before = {} if creating else _holiday_values(holiday)
    errors = []
    day = values.get("date", holiday.date if not creating else None)
    if not isinstance(day, dt.date):
        errors.append({"field": "date", "message": _("This field is required.")})
    else:
        try:
            check_in_range(day)
        except DateOutOfRange as exc:
            errors.append({"field": "date", "message": str(exc)})
        else:
            if Holiday.objects.exclude(pk=holiday.pk).filter(date=day).exists():
                errors.append({"field": "date", "message": _("There is already a holiday on this date.")})
    name = clean_display_text(values.get("name", holiday.name))[:120]
    if not name:
        errors.append({"field": "name", "message": _("Give the holiday a name.")})
    share = str(values.get("share", holiday.share or DayShare.OFF))
    if share not in DayShare.values:
        errors.append({"field": "share", "message": _("Choose a full day, a half day or a day off.")})
    if errors or not isinstance(day, dt.date):
        raise ValidationFailed(errors)
    holiday.date, holiday.name, holiday.share = day, name, share
    changes = diff(before, _holiday_values(holiday))
    return save_audited(holiday, actor=actor, before=before, creating=creating, changes=changes)


@transaction.atomic
def delete_holiday(*, actor, holiday: Holiday) -> None:
    """Remove a holiday: its day counts as its weekday again. The audit row keeps what it was."""
    require_working_days_admin(actor)
    write_audit(
        instance=holiday,
        actor=actor,
        action=AuditAction.DELETE,
        changes={k: [v, None] for k, v in _holiday_values(holiday).items()},
    )
    holiday.delete()


@transaction.atomic
def add_official_holidays(*, actor, first: dt.date, last: dt.date) -> int:
    """Add Iran's fixed-date official holidays that fall from ``first`` to ``last`` (a Jalali or a Gregorian
    year); a date already stored keeps its name and share. Audited; returns how many were added.

    Only the fixed ones: the religious holidays move with the lunar calendar and come from each year's list.
    """
    import jdatetime

    require_working_days_admin(actor)
    years = range(
        jdatetime.date.fromgregorian(date=first).year, jdatetime.date.fromgregorian(date=last).year + 1
    )
    wanted = {}
    for year in years:
        for month, day, name in FIXED_JALALI_HOLIDAYS:
            date = jdatetime.date(year, month, day).togregorian()
            if first <= date <= last:
                wanted[date] = name
    known = set(Holiday.objects.filter(date__in=list(wanted)).values_list("date", flat=True))
    added = 0
    for date, name in sorted(wanted.items()):
        if date in known:
            continue
        holiday = Holiday.objects.create(date=date, name=name, share=DayShare.OFF)
        write_audit(instance=holiday, actor=actor, action=AuditAction.CREATE, changes=_change_of_new(holiday))
        added += 1
    return added


def _change_of_new(holiday: Holiday) -> dict[str, list[Any]]:
    return {k: [None, v] for k, v in _holiday_values(holiday).items()}
