"""Deal lines (billing/lines.py): priced for the customer, the deal's amount follows them, through sales' service."""

from decimal import Decimal

import pytest

from peyvand.billing import lines
from peyvand.billing.models import BillingProfile, CustomerTier, DealLine, PriceList, PriceListItem
from peyvand.core.audit import audit_for
from peyvand.core.errors import ValidationFailed
from peyvand.sales.views import DealForm
from tests.billing.quote_factories import make_deal, make_product

pytestmark = pytest.mark.django_db


def test_a_deal_with_lines_takes_their_net_total_as_its_amount(rep_a, pipeline):
    deal = make_deal(rep_a)
    printer = make_product(rep_a, price="10000000")
    toner = make_product(rep_a, name="Toner", price="1500000", tax=None)
    deal = lines.set_deal_lines(
        actor=rep_a,
        deal=deal,
        rows=[
            {"product": printer.pk, "quantity": "2", "discount_percent": "10"},
            {"product": toner.pk, "quantity": "3"},
        ],
    )
    stored = lines.deal_lines(deal)
    assert [line.net for line in stored] == [Decimal("18000000"), Decimal("4500000")]
    assert stored[0].tax == Decimal("1800000") and stored[1].tax == 0
    assert deal.amount == Decimal("22500000")
    # the change went through sales' update_deal: the deal's audit trail names the amount and the lines
    changed = [entry.changes for entry in audit_for(deal)]
    assert any("amount" in c for c in changed) and any("products" in c for c in changed)


def test_a_price_list_with_a_quantity_break_prices_the_line(rep_a, pipeline):
    deal = make_deal(rep_a)
    printer = make_product(rep_a, price="10000000", tax=None)
    price_list = PriceList.objects.create(name="Spring")
    PriceListItem.objects.create(
        price_list=price_list, product=printer, min_quantity=5, price=Decimal("9000000")
    )
    deal = lines.set_deal_lines(actor=rep_a, deal=deal, rows=[{"product": printer.pk, "quantity": "5"}])
    assert lines.deal_lines(deal)[0].unit_price == Decimal("9000000")
    assert deal.amount == Decimal("45000000")


def test_a_vip_customer_gets_its_tiers_discount_unless_the_line_names_one(rep_a, pipeline):
    deal = make_deal(rep_a)
    vip = CustomerTier.objects.create(name="VIP", discount_percent=Decimal("5"))
    BillingProfile.objects.create(company=deal.company, tier=vip)
    printer = make_product(rep_a, price="10000000", tax=None)
    deal = lines.set_deal_lines(
        actor=rep_a,
        deal=deal,
        rows=[{"product": printer.pk, "quantity": "1"}, {"product": printer.pk, "discount_percent": "0"}],
    )
    assert [line.discount_percent for line in lines.deal_lines(deal)] == [Decimal("5"), Decimal("0")]
    assert deal.amount == Decimal("9500000") + Decimal("10000000")


def test_bad_lines_are_refused_naming_the_row_and_nothing_is_written(rep_a, pipeline):
    deal = make_deal(rep_a)
    printer = make_product(rep_a)
    retired = make_product(rep_a, active=False)
    with pytest.raises(ValidationFailed) as refused:
        lines.set_deal_lines(
            actor=rep_a,
            deal=deal,
            rows=[
                {"product": printer.pk, "quantity": "0"},
                {"product": retired.pk, "quantity": "1"},
                {"product": printer.pk, "quantity": "1", "discount_percent": "120"},
            ],
        )
    fields = {e["field"] for e in refused.value.errors}
    assert fields == {"lines.0.quantity", "lines.1.product", "lines.2.discount_percent"}
    assert not DealLine.objects.filter(deal=deal).exists()
    deal.refresh_from_db()
    assert deal.amount == Decimal("1000")


def test_removing_every_line_keeps_the_last_amount(rep_a, pipeline):
    deal = make_deal(rep_a)
    printer = make_product(rep_a, price="500")
    deal = lines.set_deal_lines(actor=rep_a, deal=deal, rows=[{"product": printer.pk, "quantity": "4"}])
    deal = lines.change_deal_lines(actor=rep_a, deal=deal, change=lambda rows: rows[1:])
    assert lines.deal_lines(deal) == [] and deal.amount == Decimal("2000")


def test_the_deal_form_says_the_amount_follows_the_lines(rep_a, pipeline):
    deal = make_deal(rep_a)
    assert "product lines" not in str(DealForm(user=rep_a, instance=deal).fields["amount"].help_text)
    deal = lines.set_deal_lines(
        actor=rep_a, deal=deal, rows=[{"product": make_product(rep_a).pk, "quantity": "1"}]
    )
    assert "follows their net total" in str(DealForm(user=rep_a, instance=deal).fields["amount"].help_text)


def test_the_deal_page_shows_its_products_and_the_change_on_its_timeline(rep_a, pipeline):
    from django.test import Client

    deal = make_deal(rep_a)
    deal = lines.set_deal_lines(
        actor=rep_a, deal=deal, rows=[{"product": make_product(rep_a, code="LP-7").pk}]
    )
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(rep_a)
    page = client.get(f"/deals/{deal.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="deal-lines"' in html and "LP-7" in html and "products" in html.lower()
