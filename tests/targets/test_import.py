"""Targets from CSV and XLSX: every bad cell reported by row and column, and nothing written while any is bad."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from peyvand.core.errors import PeyvandError
from peyvand.targets.importing import import_targets, read_target_file
from peyvand.targets.models import Target
from peyvand.targets.services import set_target

pytestmark = pytest.mark.django_db


def csv_file(text: str, name="targets.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def run(actor, text, dry_run=False):
    headers, rows = read_target_file(csv_file(text))
    return import_targets(actor=actor, headers=headers, rows=rows, dry_run=dry_run)


GOOD = """rep,team,year,month,quarter,amount,deals
rep_a,,1405,1,,5000000000,3
rep_a2,,1405,آذر,,4000000000,2
,Tehran,1405,,2,20000000000,10
"""

BAD = """rep,team,year,month,quarter,amount,deals
rep_a,,1405,1,,5000000000,3
rep_b,,1405,2,,5000000000,3
rep_a,,1405,13,,0,-1
,Tehran,1405,,2,20000000000,10
rep_a,,1405,1,,6000000000,3
"""


def test_a_good_file_writes_every_target_of_the_business_calendar(manager_a, team_a, rep_a, rep_a2):
    report = run(manager_a, GOOD)

    assert report.ok and (report.created, report.replaced) == (3, 0)
    azar = Target.objects.get(user=rep_a2)
    assert (azar.calendar, azar.period_kind, azar.year, azar.number) == ("jalali", "month", 1405, 9)
    spring = Target.objects.get(team=team_a)
    assert (spring.period_kind, spring.number, spring.amount, spring.deals_won) == (
        "quarter",
        2,
        Decimal("20000000000"),
        10,
    )


def test_the_dry_run_reports_each_bad_cell_by_row_and_column_and_writes_nothing(
    manager_a, rep_a, rep_b, team_a
):
    report = run(manager_a, BAD, dry_run=True)

    assert {(e["row"], e["column"]) for e in report.errors} == {
        (3, "rep"),  # another team's rep
        (4, "month"),
        (4, "amount"),
        (4, "deals"),
        (6, "month"),  # row 2 already sets rep_a's Farvardin
    }
    assert not Target.objects.exists()


def test_a_write_with_any_bad_row_writes_nothing_not_even_the_good_rows(manager_a, rep_a, rep_b, team_a):
    report = run(manager_a, BAD)

    assert not report.ok and report.written == 0
    assert not Target.objects.exists()


def test_a_file_replaces_the_targets_already_set_for_the_same_periods(manager_a, rep_a, rep_a2, team_a):
    set_target(
        actor=manager_a, user=rep_a.pk, kind="month", year=1405, number=1, amount="1", calendar="jalali"
    )

    report = run(manager_a, GOOD)

    assert (report.created, report.replaced) == (2, 1)
    assert Target.objects.get(user=rep_a).amount == Decimal("5000000000")


def test_persian_headers_and_digits_are_read(manager_a, rep_a):
    report = run(manager_a, "نماینده,سال,ماه,مبلغ,تعداد معامله\nrep_a,۱۴۰۵,اسفند,۷٬۰۰۰٬۰۰۰,۲\n")

    assert report.ok, report.errors
    target = Target.objects.get()
    assert (target.number, target.amount, target.deals_won) == (12, Decimal("7000000"), 2)


def test_an_xlsx_file_is_read_like_a_csv(manager_a, rep_a):
    book = openpyxl.Workbook()
    book.active.append(["rep", "year", "quarter", "amount", "deals"])
    book.active.append(["rep_a", 1405, 3, 9000000000, 5])
    content = io.BytesIO()
    book.save(content)
    upload = SimpleUploadedFile("targets.xlsx", content.getvalue())

    headers, rows = read_target_file(upload)
    report = import_targets(actor=manager_a, headers=headers, rows=rows, dry_run=False)

    assert report.ok and Target.objects.get().period_kind == "quarter"


def test_a_file_without_the_needed_columns_is_refused_as_a_whole(manager_a):
    with pytest.raises(PeyvandError) as refused:
        run(manager_a, "name,amount\nx,1\n")

    assert refused.value.field == "file"
    assert "year" in str(refused.value.message)


def test_a_rep_may_not_import_targets(rep_a):
    with pytest.raises(PeyvandError) as refused:
        run(rep_a, GOOD)

    assert refused.value.status == 403


def test_the_import_page_checks_then_writes_the_checked_rows(manager_a, rep_a, rep_a2, team_a):
    client = Client()
    client.force_login(manager_a)
    client.cookies["django_language"] = "en"

    checked = client.post("/targets/import/", {"file": csv_file(GOOD)})
    assert checked.status_code == 200
    assert "3 rows are ready to write" in checked.content.decode()
    assert not Target.objects.exists()

    written = client.post("/targets/import/", {"payload": checked.context["payload"]})

    assert written.status_code == 302
    assert Target.objects.count() == 3


def test_the_import_page_lists_the_bad_cells(manager_a, rep_a, rep_b, team_a):
    client = Client()
    client.force_login(manager_a)
    client.cookies["django_language"] = "en"

    page = client.post("/targets/import/", {"file": csv_file(BAD)})

    body = page.content.decode()
    assert "5 bad cells; nothing was written" in body
    assert "Enter a month number from 1 to 12" in body
    assert "payload" not in page.context or not page.context.get("payload")
    assert not Target.objects.exists()


def test_the_import_page_is_not_found_for_a_rep(rep_a):
    client = Client()
    client.force_login(rep_a)

    assert client.get("/targets/import/").status_code == 404


@pytest.mark.parametrize("header", ["مبلغ (تومان)", "amount (toman)"])
def test_a_column_whose_header_says_toman_is_read_in_toman_and_stored_in_rial(manager_a, rep_a, header):
    report = run(manager_a, f'rep,year,month,{header},deals\nrep_a,1405,1,"۵۰۰٬۰۰۰٬۰۰۰",3\n')

    assert report.ok, report.errors
    assert Target.objects.get(user=rep_a).amount == Decimal("5000000000")


def test_a_column_whose_header_says_rial_is_read_as_it_is(manager_a, rep_a):
    report = run(manager_a, "rep,year,month,مبلغ (ریال),deals\nrep_a,1405,1,5000000000,3\n")

    assert report.ok, report.errors
    assert Target.objects.get(user=rep_a).amount == Decimal("5000000000")
