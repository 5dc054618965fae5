"""The demo's billing (peyvand/demo/billing.py): a catalogue, product lines on deals, quotes, invoices and payments,
all made through billing's services, so every figure is consistent with the others."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core import mail
from django.db.models import Sum

from peyvand.billing import lines, pricing, services_catalog
from peyvand.billing.models import (
    BillingSettings,
    ChequeStatus,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Payment,
    PaymentMethod,
    PriceList,
    Product,
    Quote,
    QuoteStatus,
    TaxClass,
)
from peyvand.core.models import AuditEntry
from peyvand.demo.billing import company_national_id
from peyvand.messaging.models import Outbox, OutboxStatus
from peyvand.sales.models import Deal, DealStatus
from tests.demo.test_business import run_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    return run_demo("--seed", "7")


def test_the_demo_prints_what_billing_it_made(demo):
    assert f"Billing: {Product.objects.count()} products" in demo
    assert f"{Invoice.objects.count()} invoices, {Payment.objects.count()} payments." in demo


def test_the_seller_has_well_formed_legal_details(demo):
    seller = BillingSettings.current()
    # the services' own validators accept them: the national id's check digit, the postal code's form
    assert services_catalog.national_id(seller.seller_national_id) == seller.seller_national_id
    assert len(seller.seller_national_id) == 11
    assert services_catalog.postal_code(seller.seller_postal_code) == seller.seller_postal_code
    assert seller.seller_economic_code and seller.seller_registration_number
    assert seller.seller_address.startswith("تهران")


def test_the_check_digit_follows_the_registrys_rule():
    assert company_national_id("1010101010") == "10101010103"
    assert services_catalog.national_id(company_national_id("1086123450"))


def test_the_catalogue_has_products_tax_rates_of_the_law_and_a_vip_price_list(demo):
    products = list(Product.objects.select_related("category", "tax_class"))
    assert 12 <= len(products) <= 20
    assert all(p.name and p.name_en and p.category and p.tax_class and p.price > 0 for p in products)
    assert 3 <= len({p.category_id for p in products}) <= 4
    licence = Product.objects.get(code="CRM-USR")
    assert licence.tax_class.code == "vat"
    assert pricing.tax_percent(licence, day=dt.date(2024, 3, 19)) == Decimal(9)
    assert pricing.tax_percent(licence, day=dt.date(2024, 3, 20)) == Decimal(10)
    assert TaxClass.objects.filter(exempt=True).exists()
    assert Product.objects.filter(tax_class__exempt=True).exists()
    vip = PriceList.objects.get(tier__isnull=False)
    crm_prices = sorted(vip.items.values_list("min_quantity", "price"))
    assert len(crm_prices) >= 3 and any(quantity > 1 for quantity, _price in crm_prices)


def test_deals_with_lines_have_the_lines_net_total_as_their_amount(demo):
    lined = Deal.objects.filter(lines__isnull=False).distinct()
    assert lined.filter(status=DealStatus.OPEN).exists() and lined.filter(status=DealStatus.WON).exists()
    for deal in lined:
        assert deal.amount == lines.totals_of(lines.deal_lines(deal), currency=deal.currency).net


def test_quotes_are_in_several_states_and_no_email_left_for_a_made_up_customer(demo):
    states = set(Quote.objects.values_list("status", flat=True))
    assert {QuoteStatus.DRAFT, QuoteStatus.SENT, QuoteStatus.ACCEPTED} <= states
    sent = Quote.objects.exclude(status__in=[QuoteStatus.DRAFT, QuoteStatus.APPROVED])
    assert Outbox.objects.filter(record_type="quote").count() == sent.count()
    assert set(Outbox.objects.values_list("status", flat=True)) == {OutboxStatus.QUEUED}
    assert mail.outbox == []


def test_issued_invoices_are_numbered_without_gaps_and_their_balances_add_up(demo):
    invoices = list(Invoice.objects.filter(kind=InvoiceKind.INVOICE).exclude(status=InvoiceStatus.DRAFT))
    assert len(invoices) >= 3
    by_year = defaultdict(list)
    for invoice in invoices:
        paid = invoice.allocations.aggregate(s=Sum("amount"))["s"] or Decimal(0)
        assert invoice.paid == paid
        assert invoice.balance == invoice.total - invoice.paid - invoice.credited
        assert invoice.deal is not None and invoice.lines.exists() and invoice.seller["national_id"]
        assert AuditEntry.objects.filter(object_id=invoice.pk, changes__number__1=invoice.number).exists()
        by_year[invoice.fiscal_year].append(invoice)
    for year_invoices in by_year.values():
        year_invoices.sort(key=lambda i: i.sequence)
        assert [i.sequence for i in year_invoices] == list(range(1, len(year_invoices) + 1))
        # numbers rise with the dates, as they would have had the invoices been issued on their days
        assert [i.issue_date for i in year_invoices] == sorted(i.issue_date for i in year_invoices)


def test_payments_by_cheque_and_transfer_pay_some_invoices_fully_some_partly_and_leave_some_overdue(demo):
    methods = set(Payment.objects.values_list("method", flat=True))
    assert {PaymentMethod.CHEQUE, PaymentMethod.TRANSFER} <= methods
    cheques = Payment.objects.filter(method=PaymentMethod.CHEQUE)
    assert all(c.cheque_number and c.cheque_bank and c.cheque_due_date for c in cheques)
    assert all(
        c.cheque_status
        == (ChequeStatus.CLEARED if c.cheque_due_date <= dt.date.today() else ChequeStatus.PENDING)
        for c in cheques
    )
    assert all(p.allocated == p.amount for p in Payment.objects.all())
    assert all(p.received_on <= dt.date.today() for p in Payment.objects.all())
    issued = Invoice.objects.filter(kind=InvoiceKind.INVOICE)
    assert issued.filter(status=InvoiceStatus.PAID, balance=0).exists()
    assert issued.filter(paid__gt=0, balance__gt=0).exists()
    overdue = issued.filter(status=InvoiceStatus.OVERDUE)
    assert overdue.exists() and all(i.due_date < dt.date.today() and i.balance > 0 for i in overdue)
    assert overdue.count() < issued.count() / 2
