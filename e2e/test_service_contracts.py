"""Contracts and coverage in Chromium: a rep's contract page (entitlement, a covered serial number added, a
service plan saved), and an agent's ticket showing the customer's coverage (the contract with its entitlement
left, the item out of warranty) and logging work against the contract; an uncovered item flagged billable. In
Persian and English, at 1440 px and 390 px."""

import datetime as dt

import jdatetime
import pytest
from playwright.sync_api import expect

from e2e.conftest import fits, signed_in
from peyvand.accounts.models import Role
from peyvand.contacts.services import create_company
from peyvand.service.models_contracts import ContractItem, ContractUsage, ServicePlan, Warranty
from peyvand.service.services_contracts import create_contract
from peyvand.service.services_tickets import create_ticket
from tests.billing.quote_factories import make_product
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
LEFT = {"en": "7.5 Hours left", "fa": "۷٫۵ ساعت باقی‌مانده"}
OUT = {"en": "Out of warranty", "fa": "خارج از گارانتی"}
BILLABLE = {"en": "Billable work", "fa": "کار قابل صورت‌حساب"}
SAVED = {"en": "The service plan is saved.", "fa": "برنامهٔ سرویس ذخیره شد."}


def _world(team_a, admin):
    rep = UserFactory(username="rep", role=Role.SALES_REP, team=team_a)
    agent = UserFactory(username="agent", role=Role.SUPPORT_AGENT, team=team_a)
    company = create_company(
        actor=rep, values={"name": "بازرگانی پارسیان", "emails": ["buy@parsian.example"]}
    )
    today = dt.date.today()
    contract = create_contract(
        actor=rep,
        values={
            "title": "نگهداری چاپگرها",
            "company": company.pk,
            "start_date": today - dt.timedelta(days=60),
            "end_date": today + dt.timedelta(days=300),
            "status": "active",
            "entitlement_unit": "hours",
            "entitlement": "10",
            "value": "500000000",
        },
    )
    printer = make_product(admin, name="چاپگر لیزری", tracks_serials=True, warranty_months=12)
    Warranty.objects.create(
        owner=rep,
        team=team_a,
        product=printer,
        serial_number="LP-2041",
        company=company,
        start_date=today - dt.timedelta(days=400),
        end_date=today - dt.timedelta(days=35),
    )
    return rep, agent, company, contract, printer


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_rep_keeps_a_contract_page(browser, live_server, team_a, admin, language):
    rep, agent, company, contract, printer = _world(team_a, admin)
    page = signed_in(browser, live_server, rep, language)
    page.goto(f"/contracts/{contract.pk}/")
    expect(page.locator("h1")).to_contain_text("نگهداری چاپگرها")
    expect(page.locator("#contract-entitlement")).to_be_visible()
    page.click("#contract-items summary")
    page.fill("#item-serial", "LP-2041")
    page.click("#contract-items form.stack button[type=submit]")
    expect(page.locator("#contract-items li").first).to_contain_text("LP-2041")
    page.click("#service-plans summary")
    page.fill("#plan-subject", "سرویس فصلی")
    page.fill("#plan-every", "3")
    due = dt.date.today() + dt.timedelta(days=40)
    typed = (
        jdatetime.date.fromgregorian(date=due).strftime("%Y/%m/%d") if language == "fa" else due.isoformat()
    )
    page.fill("#plan-due", typed)
    page.keyboard.press("Escape")
    page.click("#service-plans form.stack button[type=submit]")
    expect(page.locator(".messages")).to_contain_text(SAVED[language])
    expect(page.locator("#service-plans li").first).to_contain_text("سرویس فصلی")
    fits(page, f"contract-{language}")
    assert ContractItem.objects.get().serial_number == "LP-2041"
    assert ServicePlan.objects.get().next_due == due


@pytest.mark.parametrize("language", ["en", "fa"])
def test_an_agent_sees_the_coverage_on_a_ticket_and_logs_work(browser, live_server, team_a, admin, language):
    rep, agent, company, contract, printer = _world(team_a, admin)
    covered = create_ticket(
        actor=agent,
        values={
            "subject": "چاپگر گیر می‌کند",
            "company": company.pk,
            "product": printer.pk,
            "serial_number": "LP-2041",
        },
    )
    page = signed_in(browser, live_server, agent, language)
    page.goto(f"/tickets/{covered.pk}/")
    coverage = page.locator("#coverage")
    expect(coverage.locator("#coverage-warranty")).to_contain_text(OUT[language])
    expect(coverage.locator("#coverage-covered")).to_be_visible()
    coverage.locator(".log-work summary").click()
    page.fill(f"#usage-amount-{contract.pk}", "2.5")
    coverage.locator(".log-work button[type=submit]").click()
    expect(page.locator("#coverage .entitlement-left")).to_have_text(LEFT[language])
    fits(page, f"ticket-coverage-{language}")
    assert ContractUsage.objects.get().amount == 2.5

    stranger = create_company(actor=agent, values={"name": "Kian Co"})
    uncovered = create_ticket(
        actor=agent, values={"subject": "No sound", "company": stranger.pk, "serial_number": "X-1"}
    )
    page.goto(f"/tickets/{uncovered.pk}/")
    expect(page.locator("#coverage-billable")).to_have_text(BILLABLE[language])
    expect(page.locator("#coverage .coverage-flags li")).to_have_count(2)
    fits(page, f"ticket-uncovered-{language}")
