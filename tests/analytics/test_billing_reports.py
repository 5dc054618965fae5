"""The billing reports over HTTP (API, report pages, exports), each limited to what the viewer may see; the "by
product" segment on reports and the deals list; the dashboards' revenue from invoices when the settings say so."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peyvand.accounts.models import Role, Team, User
from peyvand.billing import documents
from peyvand.billing.models import (
    BillingSettings,
    ChequeStatus,
    DealLine,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    PaymentAllocation,
    Product,
    ProductCategory,
)
from peyvand.contacts.models import Company
from peyvand.sales.models import Deal, DealStatus
from tests.factories import make_pipeline

pytestmark = pytest.mark.django_db

BILLING_REPORTS = [
    "revenue-by-product",
    "best-sellers",
    "cross-sell",
    "discount-given",
    "payments-by-month",
    "receivables-ageing",
    "days-to-pay",
    "payments-customer-value",
]
PERIOD = {"start": "2026-01-01", "end": "2026-06-30"}


class World:
    pass


def _invoice(
    owner, company, product_prices, *, issue, due, kind=InvoiceKind.INVOICE, credits=None, deal=None
):
    lines = [
        InvoiceLine(
            position=i,
            product=p,
            description=p.name,
            quantity=Decimal(q),
            unit_price=p.price,
            tax_percent=Decimal(10),
            discount_percent=Decimal(d),
        )
        for i, (p, q, d) in enumerate(product_prices)
    ]
    invoice = Invoice(
        kind=kind,
        status=InvoiceStatus.ISSUED,
        issue_date=issue,
        due_date=due,
        company=company,
        credits=credits,
        deal=deal,
        owner=owner,
        team=owner.team,
    )
    documents.apply_totals(invoice, documents.price_lines(lines, currency="IRR"))
    invoice.balance = invoice.total
    invoice.save()
    for line in lines:
        line.invoice = invoice
    InvoiceLine.objects.bulk_create(lines)
    return invoice


@pytest.fixture
def world():
    w = World()
    team_a, team_b = Team.objects.create(name="A"), Team.objects.create(name="B")
    w.manager = User.objects.create(username="manager_a", role=Role.SALES_MANAGER, team=team_a)
    w.rep = User.objects.create(username="rep_a", role=Role.SALES_REP, team=team_a)
    w.rep2 = User.objects.create(username="rep_a2", role=Role.SALES_REP, team=team_a)
    w.foreign = User.objects.create(username="rep_b", role=Role.SALES_REP, team=team_b)
    category = ProductCategory.objects.create(name="Routers")
    w.router = Product.objects.create(
        code="R1", name="Router", category=category, price=Decimal(1_000_000), owner=w.manager
    )
    w.cable = Product.objects.create(code="C1", name="Cable", price=Decimal(50_000), owner=w.manager)
    w.category = category
    w.acme = Company.objects.create(name="Acme", owner=w.rep, team=team_a)
    w.other = Company.objects.create(name="Zenith", owner=w.rep2, team=team_a)
    pipeline = make_pipeline()
    closed = timezone.make_aware(dt.datetime(2026, 2, 10, 12))
    w.deal = Deal.objects.create(
        title="Network",
        pipeline=pipeline,
        stage=pipeline.stages.get(kind="won"),
        status=DealStatus.WON,
        closed_at=closed,
        stage_entered_at=closed,
        company=w.acme,
        owner=w.rep,
        team=team_a,
    )
    w.plain_deal = Deal.objects.create(
        title="Consulting",
        pipeline=pipeline,
        stage=pipeline.stages.get(kind="won"),
        status=DealStatus.WON,
        closed_at=closed,
        stage_entered_at=closed,
        amount=Decimal(7_000_000),
        company=w.other,
        owner=w.rep2,
        team=team_a,
    )
    lines = [
        DealLine(
            deal=w.deal,
            position=0,
            product=w.router,
            description="Router",
            quantity=Decimal(2),
            unit_price=w.router.price,
        )
    ]
    documents.price_lines(lines, currency="IRR")
    DealLine.objects.bulk_create(lines)
    # The rep's invoice (router and cable), partly paid by a cheque; the other rep's, unpaid and overdue.
    w.invoice = _invoice(
        w.rep,
        w.acme,
        [(w.router, "2", "10"), (w.cable, "4", "0")],
        issue=dt.date(2026, 2, 15),
        due=dt.date(2026, 3, 15),
        deal=w.deal,
    )
    w.overdue = _invoice(
        w.rep2, w.other, [(w.cable, "10", "0")], issue=dt.date(2026, 1, 5), due=dt.date(2026, 1, 20)
    )
    payment = Payment.objects.create(
        company=w.acme,
        amount=Decimal(1_000_000),
        method="cheque",
        received_on=dt.date(2026, 3, 1),
        cheque_due_date=dt.date(2026, 3, 10),
        cheque_status=ChequeStatus.CLEARED,
        allocated=Decimal(1_000_000),
        owner=w.rep,
        team=team_a,
    )
    PaymentAllocation.objects.create(payment=payment, invoice=w.invoice, amount=Decimal(1_000_000))
    return w


def _api(api_for, user, metric, **params):
    response = api_for(user).get(f"/reports/{metric}", **PERIOD, **params)
    assert response.status_code == 200, response.content
    return response.json()["data"]


def test_revenue_by_product_counts_the_managers_team_the_reps_own_and_nothing_of_another_team(world, api_for):
    manager = {r["name"]: r["revenue"] for r in _api(api_for, world.manager, "revenue-by-product")["rows"]}
    # Router: 2 × 1,000,000 less 10 %; cable: 4 × 50,000 on one invoice and 10 × 50,000 on the other.
    assert manager == {"Router": 1_800_000, "Cable": 700_000}
    rep = {r["name"]: r["revenue"] for r in _api(api_for, world.rep, "revenue-by-product")["rows"]}
    assert rep == {"Router": 1_800_000, "Cable": 200_000}
    assert _api(api_for, world.foreign, "revenue-by-product")["rows"] == []
    by_category = _api(api_for, world.manager, "revenue-by-product", by="category")["rows"]
    assert {r["name"]: r["revenue"] for r in by_category} == {"Routers": 1_800_000, "Not set": 700_000}


def test_a_credit_note_takes_its_lines_off_the_revenue(world, api_for):
    _invoice(
        world.rep,
        world.acme,
        [(world.cable, "4", "0")],
        issue=dt.date(2026, 3, 1),
        due=None,
        kind=InvoiceKind.CREDIT_NOTE,
        credits=world.invoice,
    )
    rows = _api(api_for, world.rep, "revenue-by-product")["rows"]
    assert {r["name"]: r["revenue"] for r in rows} == {"Router": 1_800_000, "Cable": 0}


def test_revenue_from_deals_reads_the_won_deals_lines(world, api_for):
    rows = _api(api_for, world.manager, "revenue-by-product", source="deals")["rows"]
    assert [(r["name"], r["revenue"], r["documents"]) for r in rows] == [("Router", 2_000_000, 1)]


def test_receivables_ageing_puts_each_customers_debt_in_its_bucket(world, api_for):
    data = _api(api_for, world.manager, "receivables-ageing", as_of="2026-03-31")
    rows = {r["name"]: r for r in data["rows"]}
    acme_total = world.invoice.total - 1_000_000
    assert rows["Acme"]["days_1_30"] == acme_total and rows["Acme"]["current"] == 0
    assert rows["Zenith"]["days_61_90"] == world.overdue.total
    rep_rows = _api(api_for, world.rep, "receivables-ageing", as_of="2026-03-31")["rows"]
    assert [r["name"] for r in rep_rows] == ["Acme"]
    assert _api(api_for, world.foreign, "receivables-ageing", as_of="2026-03-31")["rows"] == []
    # before the cheque was received, the whole invoice was owed and not yet due
    early = {r["name"]: r for r in _api(api_for, world.rep, "receivables-ageing", as_of="2026-02-20")["rows"]}
    assert early["Acme"]["current"] == world.invoice.total


def test_payments_count_on_a_cheques_due_date_in_the_readers_months(world, api_for):
    data = _api(api_for, world.manager, "payments-by-month")
    assert data["total"] == {"amount": 1_000_000, "payments": 1}
    assert data["calendar"] == "gregorian"  # the API speaks English unless asked otherwise
    march = next(r for r in data["rows"] if r["month"] == "2026-03-01")
    assert march["amount"] == 1_000_000
    assert _api(api_for, world.foreign, "payments-by-month")["total"]["amount"] == 0


def test_products_bought_together_and_best_sellers(world, api_for):
    pairs = _api(api_for, world.manager, "cross-sell")
    assert pairs["documents"] == 2
    assert [(r["a_name"], r["b_name"], r["together"], r["share"]) for r in pairs["rows"]] == [
        ("Router", "Cable", 1, 50.0)
    ]
    best = _api(api_for, world.manager, "best-sellers")["rows"]
    assert [(r["rank"], r["name"], r["quantity"]) for r in best] == [(1, "Cable", 14), (2, "Router", 2)]
    best = _api(api_for, world.manager, "best-sellers", rank="revenue")["rows"]
    assert [r["name"] for r in best] == ["Router", "Cable"]


def test_discount_given_per_rep(world, api_for):
    rows = _api(api_for, world.manager, "discount-given", by="rep")["rows"]
    assert {r["name"]: r["discount"] for r in rows} == {"rep_a": 200_000, "rep_a2": 0}


def test_the_product_segment_narrows_reports_and_the_deals_list(world, api_for):
    outcome = _api(api_for, world.manager, "outcomes", product=world.router.pk)["rows"][0]
    assert outcome["won"] == 1 and outcome["revenue"] == world.deal.amount
    outcome = _api(api_for, world.manager, "outcomes", category=world.category.pk)["rows"][0]
    assert outcome["won"] == 1
    # the deals list (API and page) takes the same filter
    listed = api_for(world.manager).get("/deals", product=world.router.pk).json()
    assert [d["id"] for d in listed["items"]] == [world.deal.pk]
    client = Client()
    client.force_login(world.manager)
    page = client.get(reverse("deals:list"), {"product": world.router.pk})
    assert page.status_code == 200
    assert "Network" in page.content.decode() and "Consulting" not in page.content.decode()
    # invoices follow the deals in scope: only the router deal's invoice is left
    rows = _api(api_for, world.manager, "revenue-by-product", product=world.router.pk)["rows"]
    assert [r["name"] for r in rows] == ["Router"]


def test_the_deals_list_page_offers_the_product_and_category_filters_and_filters_by_them(world):
    Product.objects.create(
        code="X1", name="Retired modem", price=Decimal(1), active=False, owner=world.manager
    )
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.manager)
    body = client.get(reverse("deals:list")).content.decode()
    assert '<select name="product" aria-label="کالا">' in body  # the manager's pages are in Persian
    assert f'<option value="{world.router.pk}" >Router</option>' in body
    assert f'<option value="{world.cable.pk}" >Cable</option>' in body
    assert "Retired modem" not in body  # only active products are offered
    assert '<select name="category" aria-label="گروه کالا">' in body
    assert f'<option value="{world.category.pk}" >Routers</option>' in body
    # choosing one keeps it selected, and the list holds only the deals with it on their lines
    for param, value in (("product", world.router.pk), ("category", world.category.pk)):
        body = client.get(reverse("deals:list"), {param: value}).content.decode()
        assert f'<option value="{value}" selected>' in body
        assert "Network" in body and "Consulting" not in body
    body = client.get(reverse("deals:list"), {"product": world.cable.pk}).content.decode()
    assert "Network" not in body and "Consulting" not in body


@pytest.mark.parametrize("metric", BILLING_REPORTS)
@pytest.mark.parametrize("language", ["fa", "en"])
def test_each_billing_report_has_its_page_and_exports(world, metric, language):
    client = Client(headers={"accept-language": language})
    client.force_login(world.manager)
    page = client.get(reverse("report", args=[metric]), PERIOD)
    assert page.status_code == 200
    assert f'lang="{language}"' in page.content.decode()
    export = client.get(reverse("report-export", args=[metric]), {**PERIOD, "format": "csv"})
    assert export.status_code == 200
    foreign = Client(headers={"accept-language": language})
    foreign.force_login(world.foreign)
    assert foreign.get(reverse("report", args=[metric]), PERIOD).status_code == 200
    body = b"".join(
        foreign.get(reverse("report-export", args=[metric]), {**PERIOD, "format": "csv"})
    ).decode()
    assert "Acme" not in body and "Zenith" not in body and "Router" not in body


def test_the_reports_page_lists_the_billing_reports(world):
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.rep)
    body = client.get(reverse("reports")).content.decode()
    for metric in BILLING_REPORTS:
        assert reverse("report", args=[metric]) in body


def test_dashboard_revenue_follows_the_billing_setting(world):
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.manager)
    period = {"start": "2026-01-01", "end": "2026-06-30"}
    from_deals = client.get(reverse("dashboard"), period).context["outcome"]["revenue"]
    assert from_deals == world.deal.amount + world.plain_deal.amount
    settings = BillingSettings.current()
    settings.revenue_source = "invoices"
    settings.save()
    context = client.get(reverse("dashboard"), period).context
    assert context["outcome"]["revenue"] == world.invoice.net + world.overdue.net
    assert {r["group"]: r["revenue"] for r in context["by_rep"]} == {
        world.rep.pk: world.invoice.net,
        world.rep2.pk: world.overdue.net,
    }
