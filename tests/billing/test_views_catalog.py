"""The catalogue's pages through HTTP: settings pages of the catalogue, price lists with quantity breaks and their
files, the billing settings and a customer's billing profile section."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from peyvand.billing.models import BillingProfile, BillingSettings, PriceList, PriceListItem, Product
from peyvand.contacts.models import Company

pytestmark = pytest.mark.django_db


def signed_in(user, language="en"):
    client = Client()
    client.cookies["django_language"] = (
        language  # the interface's language is the cookie's, Persian without it
    )
    client.force_login(user)
    return client


@pytest.fixture
def paper(admin):
    return Product.objects.create(code="P-1", name="کاغذ", price=1000, owner=admin, team=admin.team)


@pytest.mark.parametrize("language", ["fa", "en"])
def test_the_catalogue_pages_open_for_a_manager(manager_a, paper, language):
    client = signed_in(manager_a, language)
    for url in (
        "/settings/billing/catalog/",
        "/settings/billing/price-lists/",
        "/settings/billing/price-lists/new/",
        "/products/",
        f"/products/{paper.pk}/",
        "/products/new/",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get("/settings/billing/").status_code == 403


def test_a_rep_sees_products_but_no_catalogue_settings(rep_a, paper):
    client = signed_in(rep_a)
    assert client.get("/products/").status_code == 200
    assert client.get("/products/new/").status_code == 403
    assert client.get("/settings/billing/price-lists/").status_code == 403
    price_list = PriceList.objects.create(name="Retail")
    for url in (
        f"/settings/billing/price-lists/{price_list.pk}/",
        f"/settings/billing/price-lists/{price_list.pk}/import/",
    ):
        assert client.post(url, {"name": "Taken over", "rows": "0"}).status_code == 403
    assert PriceList.objects.get().name == "Retail"


def test_a_rep_reads_a_product_page_without_being_offered_to_change_it(rep_a, manager_a, paper):
    edit, delete = f"/products/{paper.pk}/edit/", f"/products/{paper.pk}/delete/"
    page = signed_in(rep_a).get(f"/products/{paper.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "کاغذ" in html
    assert edit not in html and delete not in html and f"/products/{paper.pk}/fields/" not in html
    assert signed_in(rep_a).get(f"/products/{paper.pk}/fields/price/").status_code == 404
    managed = signed_in(manager_a).get(f"/products/{paper.pk}/").content.decode()
    assert edit in managed and delete in managed and f"/products/{paper.pk}/fields/price/" in managed


def test_a_price_list_is_saved_with_a_quantity_break_typed_in_toman_and_persian_digits(manager_a, paper):
    client = signed_in(manager_a, "fa")
    answer = client.post(
        "/settings/billing/price-lists/new/",
        {
            "name": "عمده",
            "currency": "IRR",
            "priority": "0",
            "active": "on",
            "rows": "2",
            "product-0": "P-1",
            "min_quantity-0": "1",
            "price-0": "۹۰",
            "product-1": "P-1",
            "min_quantity-1": "۱۰",
            "price-1": "80",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:3000]
    items = PriceListItem.objects.order_by("min_quantity")
    assert [(int(i.min_quantity), int(i.price)) for i in items] == [
        (1, 900),
        (10, 800),
    ]  # Toman typed, Rial stored


def test_a_wrong_row_is_marked_and_nothing_is_saved(manager_a, paper):
    answer = signed_in(manager_a).post(
        "/settings/billing/price-lists/new/",
        {"name": "Bad", "currency": "IRR", "priority": "0", "rows": "1", "product-0": "NOPE", "price-0": "1"},
    )
    assert answer.status_code == 400 and "No product has this code." in answer.content.decode()
    assert not PriceList.objects.exists()


def test_a_price_list_round_trips_through_xlsx_and_a_bad_file_names_row_and_column(manager_a, paper):
    client = signed_in(manager_a)
    price_list = PriceList.objects.create(name="Retail")
    PriceListItem.objects.create(price_list=price_list, product=paper, min_quantity=5, price=700)
    exported = client.get(f"/settings/billing/price-lists/{price_list.pk}/export/?format=xlsx")
    rows = list(load_workbook(io.BytesIO(exported.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "P-1" and rows[1][3] == 700
    PriceListItem.objects.all().delete()
    upload = SimpleUploadedFile("prices.xlsx", exported.content)
    assert (
        client.post(f"/settings/billing/price-lists/{price_list.pk}/import/", {"file": upload}).status_code
        == 302
    )
    assert PriceListItem.objects.get().price == 700
    bad = "کد,از تعداد,قیمت (تومان)\nP-1,1,50\nP-9,1,60\nP-1,x,1\n".encode()
    answer = client.post(
        f"/settings/billing/price-lists/{price_list.pk}/import/", {"file": SimpleUploadedFile("p.csv", bad)}
    )
    text = answer.content.decode()
    assert answer.status_code == 400 and "row 3: کد" in text and "row 4: از تعداد" in text
    assert PriceListItem.objects.get().price == 700  # nothing written


def test_an_administrator_saves_the_billing_settings_and_a_wrong_postal_code_is_named(admin):
    client = signed_in(admin)
    form = {
        "seller_name": "Peyvand Co.",
        "seller_postal_code": "123",
        "fiscal_calendar": "jalali",
        "revenue_source": "invoices",
        "payment_terms_days": "30",
        "quote_valid_days": "14",
        "rep_discount_ceiling": "10",
        "manager_discount_ceiling": "25",
        "remind_days_before_due": "3",
        "remind_days_after_due": "7",
        "brand_colour": "#0f766e",
        "invoice_prefix": "INV",
        "credit_note_prefix": "CN",
        "quote_prefix": "Q",
    }
    answer = client.post("/settings/billing/", form)
    assert answer.status_code == 400 and "Enter a postal code of 10 digits." in answer.content.decode()
    assert client.post("/settings/billing/", {**form, "seller_postal_code": "۱۹۶۶۷۳۴۱۱۱"}).status_code == 302
    assert BillingSettings.current().seller_postal_code == "1966734111"
    assert BillingSettings.current().revenue_source == "invoices"


def test_a_companys_page_shows_its_billing_profile_and_a_foreign_rep_cannot_open_it(rep_a, rep_b):
    company = Company.objects.create(name="Arya", owner=rep_a, team=rep_a.team)
    client = signed_in(rep_a)
    assert "billing-profile" in client.get(f"/companies/{company.pk}/").content.decode()
    answer = client.post(
        f"/billing/profile/company/{company.pk}/", {"legal_name": "Arya Co.", "national_id": "0499370899"}
    )
    assert answer.status_code == 302
    assert BillingProfile.objects.get(company=company).national_id == "0499370899"
    assert "Arya Co." in client.get(f"/companies/{company.pk}/").content.decode()
    assert signed_in(rep_b).get(f"/billing/profile/company/{company.pk}/").status_code == 404
