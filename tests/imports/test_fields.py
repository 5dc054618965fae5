"""Import cells (peyvand/imports/fields.py): a date outside the business range is a cell error by row and column,
in either calendar and however the spreadsheet wrote it, and nothing of the file is written."""

import pytest

from peyvand.contacts.models import Contact
from peyvand.imports.services import create_run, execute
from peyvand.sales.models import Deal

pytestmark = pytest.mark.django_db

RANGE_MESSAGE = "Enter a date between 1900-01-01 and 2100-12-31."


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize("dry_run", [True, False])
def test_a_birthday_or_close_date_out_of_range_is_a_cell_error_and_nothing_is_written(
    rep_a, pipeline, dry_run
):
    contacts = csv_bytes(
        "نام خانوادگی,تاریخ تولد",
        "Rezaei,1370/05/12",
        "Karimi,0001-01-01",
        "Ahmadi,9999-12-31 00:00:00",
        "Sadeghi,0001/01/01",
        "Nazari,1899-12-31T00:00:00",
    )
    run = execute(
        run=create_run(actor=rep_a, kind="contacts", file_name="c.csv", content=contacts), dry_run=dry_run
    )
    assert [(e["row"], e["column"], e["message"]) for e in run.errors] == [
        (row, "تاریخ تولد", RANGE_MESSAGE) for row in (3, 4, 5, 6)
    ]
    assert Contact.objects.filter(last_name__in=["Karimi", "Ahmadi", "Sadeghi", "Nazari"]).count() == 0

    deals = csv_bytes("title,expected close date", "Fleet,2101-01-01", "Trucks,2100-12-31")
    run = execute(
        run=create_run(actor=rep_a, kind="deals", file_name="d.csv", content=deals), dry_run=dry_run
    )
    assert [(e["row"], e["column"], e["message"]) for e in run.errors] == [
        (2, "expected close date", RANGE_MESSAGE)
    ]
    assert not Deal.objects.filter(title="Fleet").exists()
