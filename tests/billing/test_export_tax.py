"""Issued invoices for the taxpayer system (سامانه مودیان): its field names, one row per line, Rial amounts,
millisecond times, and only for those who issue invoices and only what they may see."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peyvand.billing import export_tax
from peyvand.billing.models import Invoice, InvoiceKind, InvoiceStatus
from peyvand.core.errors import PeyvandError
from tests.billing.test_pdf import ISSUED, make_invoice

pytestmark = pytest.mark.django_db

PERIOD = {"start": "1404/01/01", "end": "1404/01/31"}


def _rows(user, start=ISSUED, end=ISSUED):
    rows = list(export_tax.tax_rows(export_tax.invoices_for_tax(user=user, start=start, end=end)))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_each_line_of_an_issued_invoice_is_a_row_with_the_header_repeated(manager_a):
    invoice = make_invoice(manager_a)
    # an issued invoice refuses changes through save(); the row is set up directly
    Invoice.objects.filter(pk=invoice.pk).update(
        fiscal_year=1404, sequence=12, issued_at=timezone.make_aware(dt.datetime(2025, 3, 21, 9, 30))
    )
    invoice.refresh_from_db()

    first, second = _rows(manager_a)

    assert first["inno"] == second["inno"] == "0410000012"
    assert first["indatim"] == int(invoice.issued_at.timestamp() * 1000)
    assert (first["inty"], first["inp"], first["ins"], first["tob"]) == (1, 1, 1, 2)
    assert (first["tins"], first["tinb"], first["bid"]) == ("411122223333", "499988887777", "14001234567")
    # header totals in Rial: 110,000,000 gross before discount, 10,000,000 discount, 10% tax
    assert (first["tprdis"], first["tdis"], first["tadis"], first["tvam"], first["tbill"]) == (
        110_000_000,
        10_000_000,
        100_000_000,
        10_000_000,
        110_000_000,
    )
    assert (first["setm"], first["cap"], first["insp"]) == (2, 0, 110_000_000)  # nothing paid yet: on credit
    assert (first["sstid"], first["sstt"], first["am"], first["mu"]) == ("P-100", "چاپگر لیزری", "2", "عدد")
    assert (first["fee"], first["prdis"], first["dis"], first["adis"]) == (
        50_000_000,
        100_000_000,
        10_000_000,
        90_000_000,
    )
    assert (first["vra"], first["vam"], first["tsstam"]) == ("10", 9_000_000, 99_000_000)
    assert first["issue_date_jalali"] == "1404/01/01" and first["number"] == "INV-1404-1"
    assert first["taxid"] == "" and first["irtaxid"] == ""


def test_a_credit_note_is_a_return_from_sale_naming_the_invoice_it_credits(manager_a):
    invoice = make_invoice(manager_a)
    make_invoice(manager_a, kind=InvoiceKind.CREDIT_NOTE, credits=invoice, number="CN-1404-1")

    notes = [row for row in _rows(manager_a) if row["number"] == "CN-1404-1"]

    assert notes and all(row["ins"] == 4 and row["credits_number"] == "INV-1404-1" for row in notes)


def test_a_paid_invoice_is_settled_in_cash_and_a_part_paid_one_in_both(manager_a):
    invoice = make_invoice(manager_a)
    Invoice.objects.filter(pk=invoice.pk).update(paid=invoice.total)
    assert {(r["setm"], r["cap"], r["insp"]) for r in _rows(manager_a)} == {(1, 110_000_000, 0)}

    Invoice.objects.filter(pk=invoice.pk).update(paid=10_000_000)
    assert {(r["setm"], r["cap"], r["insp"]) for r in _rows(manager_a)} == {(3, 10_000_000, 100_000_000)}


def test_drafts_other_days_and_other_teams_invoices_are_left_out(manager_a, rep_b):
    make_invoice(manager_a, status=InvoiceStatus.DRAFT)
    make_invoice(rep_b, number="INV-1404-2")
    make_invoice(manager_a, number="INV-1404-3")

    assert {row["number"] for row in _rows(manager_a)} == {"INV-1404-3"}
    assert _rows(manager_a, start=ISSUED + dt.timedelta(days=1), end=ISSUED + dt.timedelta(days=9)) == []


def test_a_rep_may_not_export_invoices_for_the_tax_system(rep_a):
    with pytest.raises(PeyvandError) as refused:
        export_tax.invoices_for_tax(user=rep_a, start=ISSUED, end=ISSUED)
    assert refused.value.status == 403


def test_a_description_that_looks_like_a_formula_is_written_as_text(manager_a):
    invoice = make_invoice(manager_a)
    invoice.lines.filter(position=2).update(description="=HYPERLINK(1)")

    content = export_tax.csv_bytes(
        export_tax.tax_rows(export_tax.invoices_for_tax(user=manager_a, start=ISSUED, end=ISSUED))
    )

    assert "'=HYPERLINK(1)" in content.decode("utf-8-sig")


# --- the page ---------------------------------------------------------------------------------------------------


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_manager_downloads_the_period_as_csv_with_the_systems_columns(manager_a):
    make_invoice(manager_a)

    response = _signed_in(manager_a).get(reverse("billing:tax-export"), {**PERIOD, "format": "csv"})

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="moadian-2025-03-21-2025-04-20.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["taxid", "indatim", "indati2m", "inty", "inno"]
    assert rows[0] == list(export_tax.COLUMNS) and len(rows) == 3
    assert rows[1][rows[0].index("tbill")] == "110000000"


def test_the_xlsx_keeps_amounts_as_numbers_and_codes_as_text(manager_a):
    make_invoice(manager_a)

    response = _signed_in(manager_a).get(reverse("billing:tax-export"), {**PERIOD, "format": "xlsx"})

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    first = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert first["tbill"] == 110_000_000 and first["tins"] == "411122223333"


def test_the_page_shows_its_form_and_names_a_mistyped_date(manager_a):
    client = _signed_in(manager_a)
    assert client.get(reverse("billing:tax-export")).status_code == 200

    response = client.get(reverse("billing:tax-export"), {"start": "not a day", "end": "1404/01/31"})

    assert response.status_code == 422
    assert 'id="start-error"' in response.content.decode()


def test_a_rep_is_refused_and_an_anonymous_visitor_sent_to_sign_in(rep_a):
    assert _signed_in(rep_a).get(reverse("billing:tax-export"), PERIOD).status_code == 403
    response = Client().get(reverse("billing:tax-export"))
    assert response.status_code == 302 and "/login" in response["Location"]
