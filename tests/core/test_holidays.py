"""Holidays imported from a file (all rows or none) and the working-day calendar they feed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from peyvand.core.errors import ValidationFailed
from peyvand.core.holidays import import_holidays
from peyvand.core.models import AuditEntry, DayShare, Holiday, WorkingWeek
from peyvand.core.workdays import is_day_off, working_days

pytestmark = pytest.mark.django_db

GOOD = "تاریخ,مناسبت,سهم کار\n۱۴۰۵/۰۱/۰۱,نوروز,0\n1405/01/12,روز جمهوری اسلامی,\n2026-11-26,نیم‌روز شرکت,0.5\n".encode()


def test_a_good_file_stores_each_holiday_in_jalali_or_gregorian(admin):
    report = import_holidays(actor=admin, content=GOOD, filename="holidays.csv")
    assert (report.created, report.updated) == (3, 0)
    assert dict(Holiday.objects.values_list("date", "share")) == {
        dt.date(2026, 3, 21): DayShare.OFF,
        dt.date(2026, 4, 1): DayShare.OFF,
        dt.date(2026, 11, 26): DayShare.HALF,
    }
    assert AuditEntry.objects.filter(action="create").count() == 3


def test_importing_the_same_file_again_changes_nothing_and_a_changed_name_is_updated(admin):
    import_holidays(actor=admin, content=GOOD, filename="holidays.csv")
    again = import_holidays(actor=admin, content=GOOD, filename="holidays.csv")
    assert (again.created, again.updated) == (0, 0)
    renamed = GOOD.replace("نوروز".encode(), "عید نوروز".encode())
    assert import_holidays(actor=admin, content=renamed, filename="holidays.csv").updated == 1
    assert Holiday.objects.get(date=dt.date(2026, 3, 21)).name == "عید نوروز"


def test_a_bad_row_refuses_the_whole_file_naming_row_and_column(admin):
    bad = GOOD + "1405/13/40,اشتباه,0\n2026-05-01,,2\n".encode()
    with pytest.raises(ValidationFailed) as refused:
        import_holidays(actor=admin, content=bad, filename="holidays.csv")
    problems = {(e["row"], e["column"]) for e in refused.value.errors}
    assert problems == {(5, "date"), (6, "name"), (6, "share")}
    assert not Holiday.objects.exists()


def test_a_file_without_a_date_column_is_refused(admin):
    with pytest.raises(ValidationFailed) as refused:
        import_holidays(actor=admin, content=b"when,name\n2026-01-01,x\n", filename="h.csv")
    assert refused.value.errors[0]["field"] == "date"


def test_working_days_count_fridays_off_holidays_and_half_days():
    # Esfand 1404 ends 2026-03-20; 1–20 March 2026 hold three Fridays (6, 13, 20).
    assert working_days(dt.date(2026, 3, 1), dt.date(2026, 3, 20)) == Decimal(17)
    Holiday.objects.create(date=dt.date(2026, 3, 19), name="Oil nationalisation day")
    Holiday.objects.create(date=dt.date(2026, 3, 18), name="Half day", share=DayShare.HALF)
    assert working_days(dt.date(2026, 3, 1), dt.date(2026, 3, 20)) == Decimal("15.5")
    assert is_day_off(dt.date(2026, 3, 19)) and is_day_off(dt.date(2026, 3, 20))
    assert not is_day_off(dt.date(2026, 3, 18))
    WorkingWeek.objects.create(thursday=DayShare.OFF)
    # Thursdays 5 and 12 March go; the 19th was a holiday already.
    assert working_days(dt.date(2026, 3, 1), dt.date(2026, 3, 20)) == Decimal("13.5")


def test_the_admin_imports_a_file_and_lists_problems_without_storing_anything(admin, tmp_path):
    client = Client()
    client.force_login(admin)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"date,name\nnot a date,x\n")
    with bad.open("rb") as handle:
        page = client.post("/admin/core/holiday/import/", {"file": handle})
    assert page.status_code == 200 and "row 2, date" in page.content.decode()
    good = tmp_path / "good.csv"
    good.write_bytes(GOOD)
    with good.open("rb") as handle:
        done = client.post("/admin/core/holiday/import/", {"file": handle})
    assert done.status_code == 302 and Holiday.objects.count() == 3


def test_the_command_checks_a_file_with_dry_run_and_then_imports_it(tmp_path, capsys):
    path = tmp_path / "h.csv"
    path.write_bytes(GOOD)
    call_command("holidays", str(path), "--dry-run")
    assert not Holiday.objects.exists()
    call_command("holidays", str(path))
    assert Holiday.objects.count() == 3
    path.write_bytes(b"date,name\n2026-02-30,x\n")
    with pytest.raises(CommandError):
        call_command("holidays", str(path))
