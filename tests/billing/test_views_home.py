"""The billing hub /billing/ and the navigation's "Billing" entry: the figures are what the viewer may see, the
cards for the tax export and the settings only for those allowed, a fixed number of queries, and the entry marked
current on every billing page."""

import datetime as dt
import re

import pytest
from django.test import Client

from peyvand.billing import services_payments
from tests.billing.helpers_invoices import company, issued
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_b(team_b):
    return UserFactory(username="manager_b", role="sales_manager", team=team_b)


def browser_for(user, language="en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def card(html: str, name: str) -> str:
    found = re.search(rf'<li class="card" data-card="{name}">(.*?)</li>', html, re.S)
    return found.group(1) if found else ""


def plain(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()


def test_the_hub_counts_only_the_invoices_the_viewer_may_see(manager_a, manager_b, admin):
    ours = company(manager_a, "Parsian Trading")
    theirs = company(manager_b, "Shiraz Foods")
    # 1,000,000 and 3,000,000 Rial owed by our customer, one long overdue; one paid in full; one of team B
    issued(manager_a, ours, amount="1000000", issue_date=dt.date(2024, 1, 1))
    issued(manager_a, ours, amount="3000000", issue_date=dt.date.today())
    paid = issued(manager_a, ours, amount="500000", issue_date=dt.date.today())
    services_payments.record_payment(
        actor=manager_a,
        values={
            "company": ours.pk,
            "amount": "500000",
            "method": "transfer",
            "received_on": dt.date.today(),
            "allocations": [{"invoice": paid.pk, "amount": "500000"}],
        },
    )
    issued(manager_b, theirs, amount="9000000", issue_date=dt.date(2024, 1, 1))

    html = browser_for(manager_a).get("/billing/").content.decode()
    invoices = plain(card(html, "invoices"))
    # Toman, the display unit: 4,000,000 Rial owed by two invoices
    assert "400,000" in invoices and "2 invoices still owed" in invoices, invoices
    assert "1 invoice past its due date" in plain(card(html, "overdue"))
    assert "1 payment recorded" in plain(card(html, "payments"))

    everything = plain(card(browser_for(admin).get("/billing/").content.decode(), "invoices"))
    assert "1,300,000" in everything and "3 invoices still owed" in everything, everything


def test_the_tax_export_and_settings_cards_show_only_to_those_allowed(admin, manager_a, rep_a):
    rep = browser_for(rep_a).get("/billing/")
    assert rep.status_code == 200
    html = rep.content.decode()
    assert card(html, "quotes") and card(html, "products")
    assert not card(html, "tax-export") and not card(html, "settings")
    manager = browser_for(manager_a).get("/billing/").content.decode()
    assert card(manager, "tax-export") and not card(manager, "settings")
    everything = browser_for(admin).get("/billing/").content.decode()
    assert card(everything, "tax-export") and card(everything, "settings")


def test_the_persian_hub_shows_persian_digits_and_the_section_name(manager_a):
    issued(manager_a, company(manager_a), amount="2000000", issue_date=dt.date.today())
    html = browser_for(manager_a, "fa").get("/billing/").content.decode()
    assert "<h1>مالی</h1>" in html
    assert "۲۰۰٬۰۰۰" in plain(card(html, "invoices"))
    assert "۱ فاکتور تسویه‌نشده" in plain(card(html, "invoices"))


def test_the_hub_makes_the_same_number_of_queries_whatever_the_data(manager_a, django_assert_max_num_queries):
    customer = company(manager_a)
    client = browser_for(manager_a)
    with django_assert_max_num_queries(12) as few:
        assert client.get("/billing/").status_code == 200
    for i in range(8):
        issued(manager_a, customer, amount=str(1_000_000 * (i + 1)), issue_date=dt.date(2025, 1, 1 + i))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/billing/").status_code == 200


@pytest.mark.parametrize(
    "path", ["/billing/", "/quotes/", "/invoices/", "/invoices/overdue/", "/payments/", "/products/"]
)
def test_the_navigation_marks_billing_current_on_every_billing_page(rep_a, path):
    html = browser_for(rep_a).get(path).content.decode()
    current = re.findall(r'<a href="([^"]+)" aria-current="page">', html)
    assert current == ["/billing/"], (path, current)


def test_the_navigation_leaves_billing_unmarked_elsewhere(rep_a):
    html = browser_for(rep_a).get("/deals/").content.decode()
    assert '<a href="/billing/" >' in html
    assert re.findall(r'<a href="([^"]+)" aria-current="page">', html) == ["/deals/"]


def test_signed_out_visitors_are_sent_to_sign_in():
    response = Client().get("/billing/")
    assert response.status_code == 302 and "/login/" in response["Location"]
