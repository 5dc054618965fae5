"""Contract and warranty pages through the Django test client: the contract's entitlement, items and plans; the
coverage on a ticket's page with work logged from it; the customer's contracts and warranties on their page;
another team's records are 404."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from peyvand.contacts.models import Company
from peyvand.service.models_contracts import ContractStatus, ContractUsage, ServicePlan, Warranty
from peyvand.service.services_contracts import create_contract
from peyvand.service.services_tickets import create_ticket
from tests.billing.quote_factories import make_product

pytestmark = pytest.mark.django_db


def _client(user, language="en"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


@pytest.fixture
def company(rep_a):
    return Company.objects.create(name="Parsian Trading", owner=rep_a, team=rep_a.team)


@pytest.fixture
def contract(rep_a, company):
    today = dt.date.today()
    return create_contract(
        actor=rep_a,
        values={
            "title": "Printer care",
            "company": company.pk,
            "start_date": today - dt.timedelta(days=30),
            "end_date": today + dt.timedelta(days=300),
            "status": ContractStatus.ACTIVE,
            "entitlement_unit": "hours",
            "entitlement": "10",
            "value": "50000000",
        },
    )


@pytest.fixture
def warranty(rep_a, company, admin):
    product = make_product(admin, name="Laser printer", tracks_serials=True, warranty_months=12)
    return Warranty.objects.create(
        owner=rep_a,
        team=rep_a.team,
        product=product,
        serial_number="SN-42",
        company=company,
        start_date=dt.date(2024, 1, 1),
        end_date=dt.date(2025, 1, 1),
    )


def test_the_contract_page_shows_its_entitlement_items_and_plans_and_takes_new_ones(rep_a, contract):
    client = _client(rep_a)
    page = client.get(reverse("contracts:detail", args=[contract.pk])).content.decode()
    assert "Printer care" in page and 'id="contract-entitlement"' in page and "10 left" in page
    assert "everything the customer has is covered" in page
    added = client.post(reverse("contracts:items", args=[contract.pk]), {"serial_number": "SN-۹"})
    assert added.status_code == 302
    assert list(contract.items.values_list("serial_number", flat=True)) == ["SN-9"]
    empty = client.post(reverse("contracts:items", args=[contract.pk]), {}, follow=True)
    assert "Name a product, a serial number or both." in empty.content.decode()
    planned = client.post(
        reverse("contracts:plans", args=[contract.pk]),
        {
            "subject": "Yearly check",
            "every_months": "12",
            "next_due": "2027-03-01",
            "create_days_before": "14",
            "remind_days_before": "7",
        },
        follow=True,
    )
    assert "The service plan is saved." in planned.content.decode()
    plan = ServicePlan.objects.get(contract=contract)
    assert plan.next_due == dt.date(2027, 3, 1) and plan.every_months == 12
    bad = client.post(
        reverse("contracts:plans", args=[contract.pk]),
        {
            "subject": "x",
            "every_months": "12",
            "next_due": "2027-03-01",
            "create_days_before": "1",
            "remind_days_before": "7",
        },
        follow=True,
    )
    assert "Remind at most as many days ahead" in bad.content.decode()
    client.post(reverse("contracts:plans", args=[contract.pk]), {"action": "stop", "plan": plan.pk})
    plan.refresh_from_db()
    assert not plan.active


def test_the_contract_is_written_through_its_form_with_the_value_in_toman(rep_a, company, settings):
    settings.PEYVAND_MONEY_DISPLAY = "toman"
    client = _client(rep_a)
    answer = client.post(
        reverse("contracts:create"),
        {
            "title": "Support 1405",
            "company": company.pk,
            "start_date": "2026-03-21",
            "end_date": "2027-03-20",
            "status": "active",
            "entitlement_unit": "visits",
            "entitlement": "4",
            "value": "12,500,000",
            "currency": "IRR",
            "renewal_reminder_days": "30",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:3000]
    from peyvand.service.models_contracts import ServiceContract

    made = ServiceContract.objects.get(title="Support 1405")
    assert made.value == 125_000_000  # stored in Rial
    backwards = client.post(
        reverse("contracts:create"),
        {
            "title": "Backwards",
            "company": company.pk,
            "start_date": "2026-03-21",
            "end_date": "2026-01-01",
            "status": "draft",
            "value": "0",
            "currency": "IRR",
            "renewal_reminder_days": "30",
        },
    )
    assert backwards.status_code == 200
    assert "The end date cannot be before the start date." in backwards.content.decode()


def test_the_ticket_page_shows_coverage_and_an_agent_logs_work_from_it(agent_a, contract, company, warranty):
    ticket = create_ticket(
        actor=agent_a, values={"subject": "Jam", "company": company, "serial_number": "SN-42"}
    )
    client = _client(agent_a)
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert 'id="coverage"' in page and "Out of warranty" in page and "10 Hours left" in page
    assert 'id="coverage-covered"' in page  # the contract covers it though the warranty ended
    logged = client.post(
        reverse("contracts:usage", args=[contract.pk]), {"ticket": ticket.pk, "amount": "2.5"}, follow=True
    )
    assert "The work is logged against the contract." in logged.content.decode()
    assert ContractUsage.objects.get().amount == 2.5
    html = logged.content.decode()
    assert "7.5 Hours left" in html, html[html.find("coverage-contract") :][:600]


def test_an_uncovered_item_is_flagged_billable_on_the_ticket(agent_a, customer):
    ticket = create_ticket(
        actor=agent_a, values={"subject": "Jam", "contact": customer, "serial_number": "X-1"}
    )
    page = _client(agent_a).get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert 'id="coverage-billable"' in page and "No warranty is recorded for this item." in page
    assert "No active service contract covers this customer or item." in page


def test_a_sales_rep_does_not_log_work_against_a_contract(rep_a, contract, company):
    ticket = create_ticket(actor=rep_a, values={"subject": "Jam", "company": company})
    answer = _client(rep_a).post(
        reverse("contracts:usage", args=[contract.pk]), {"ticket": ticket.pk, "amount": "1"}
    )
    assert answer.status_code == 403 and not ContractUsage.objects.exists()


def test_the_customer_page_lists_contracts_and_warranties(rep_a, contract, warranty, company):
    page = _client(rep_a).get(reverse("companies:detail", args=[company.pk])).content.decode()
    assert 'id="customer-coverage"' in page and "Printer care" in page and "SN-42" in page
    assert "warranty ended" in page


def test_the_lists_and_persian_pages(rep_a, contract, warranty):
    client = _client(rep_a, "fa")
    assert "Printer care" in client.get(reverse("contracts:list")).content.decode()
    assert "SN-42" in client.get(reverse("warranties:list")).content.decode()
    page = client.get(reverse("warranties:detail", args=[warranty.pk])).content.decode()
    assert "۱۴۰۳" in page  # 2025-01-01 is 12 Dey 1403


def test_another_teams_contract_and_warranty_are_not_found(rep_b, contract, warranty):
    client = _client(rep_b)
    assert client.get(reverse("contracts:detail", args=[contract.pk])).status_code == 404
    assert client.get(reverse("warranties:detail", args=[warranty.pk])).status_code == 404
    assert (
        client.post(reverse("contracts:items", args=[contract.pk]), {"serial_number": "x"}).status_code == 404
    )
    assert client.post(reverse("warranties:plans", args=[warranty.pk]), {}).status_code == 404
