"""Products through the spreadsheet import (peyvand/imports reading the product's ImportSpec in
billing/resources_catalog.py): Persian headers in CSV and XLSX, prices typed in Toman stored in Rial, categories
found or added, and a bad price or a taken code reported by row and column as a contact's import reports them."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from peyvand.billing.models import Product, ProductCategory, TaxClass
from peyvand.imports.models import ImportRun
from peyvand.imports.services import create_run, execute

pytestmark = pytest.mark.django_db

HEADERS = ["کد کالا", "نام کالا", "واحد", "گروه", "قیمت (تومان)", "گروه مالیاتی", "خدمت", "فعال"]
ROWS = [
    ["P-1", "کاغذ A4", "بسته", "لوازم اداری", "۱۲۵٬۰۰۰", "standard", "خیر", "بله"],
    ["P-2", "نصب و راه‌اندازی", "ساعت", "", "900000", "", "بله", ""],
    ["P-3", "خودکار", "عدد", "لوازم اداری", "دوازده", "", "", ""],
    ["P-1", "کاغذ A3", "بسته", "", "1000", "", "", ""],
    ["OLD-1", "قدیمی", "", "", "1000", "", "", ""],
]


@pytest.fixture
def catalogue(admin):
    TaxClass.objects.create(code="standard", name="استاندارد")
    Product.objects.create(code="OLD-1", name="Old", owner=admin, team=admin.team)


def csv_file(rows=ROWS) -> bytes:
    return "\n".join(",".join(f'"{cell}"' for cell in row) for row in [HEADERS, *rows]).encode()


def xlsx_file(rows=ROWS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [HEADERS, *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run_import(actor, content: bytes, name: str):
    run = create_run(actor=actor, kind="products", file_name=name, content=content)
    return execute(run=run)


@pytest.mark.parametrize("file_name,content", [("products.csv", csv_file), ("products.xlsx", xlsx_file)])
def test_products_with_persian_headers_import_and_bad_rows_are_named_by_row_and_column(
    manager_a, catalogue, file_name, content
):
    run = run_import(manager_a, content(), file_name)
    assert (run.created, run.failed, run.status) == (2, 3, "done"), run.errors
    paper = Product.objects.get(code="P-1")
    assert (paper.name, paper.unit, paper.price) == ("کاغذ A4", "بسته", Decimal("1250000"))  # Toman → Rial
    assert (paper.category.name, paper.tax_class.code, paper.is_service, paper.active) == (
        "لوازم اداری",
        "standard",
        False,
        True,
    )
    assert (paper.owner, paper.team) == (manager_a, manager_a.team)
    service = Product.objects.get(code="P-2")
    assert (service.is_service, service.active, service.price, service.category) == (
        True,
        True,
        Decimal("9000000"),
        None,
    )
    assert ProductCategory.objects.count() == 1
    errors = {(e["row"], e["column"], e["message"]) for e in run.errors}
    taken = "Another product already has this code."
    assert errors == {
        (4, "قیمت (تومان)", "Not a number."),
        (5, "کد کالا", taken),  # taken higher up the file
        (6, "کد کالا", taken),  # taken in the catalogue
    }
    assert not Product.objects.filter(code="P-3").exists()


def test_a_rep_imports_no_products_and_each_row_says_why(rep_a, catalogue):
    run = run_import(rep_a, csv_file(ROWS[:2]), "products.csv")
    assert (run.created, run.failed) == (0, 2)
    assert (
        not Product.objects.filter(code__in=["P-1", "P-2"]).exists() and not ProductCategory.objects.exists()
    )
    assert {e["message"] for e in run.errors} == {
        "Only sales managers and administrators change the catalogue."
    }


def test_the_import_pages_map_the_persian_headers_and_import_the_products(
    manager_a, catalogue, django_capture_on_commit_callbacks
):
    client = Client()
    client.cookies["django_language"] = "fa"
    client.force_login(manager_a)
    upload = SimpleUploadedFile("products.xlsx", xlsx_file())
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/imports/", {"kind": "products", "file": upload}).status_code == 302
    run = ImportRun.objects.get()
    assert run.status == "checked" and (run.created, run.failed) == (2, 3)  # the dry run: nothing written yet
    assert run.mapping == {
        "کد کالا": "code",
        "نام کالا": "name",
        "واحد": "unit",
        "گروه": "category",
        "قیمت (تومان)": "price",
        "گروه مالیاتی": "tax_class",
        "خدمت": "is_service",
        "فعال": "active",
    }
    assert not Product.objects.filter(code="P-1").exists()
    page = client.get(f"/imports/{run.pk}/").content.decode()
    assert "کالای دیگری همین کد را دارد." in page  # the row's error, in Persian
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/imports/{run.pk}/start/")
    run.refresh_from_db()
    assert run.status == "done" and set(Product.objects.values_list("code", flat=True)) == {
        "OLD-1",
        "P-1",
        "P-2",
    }
