"""What a product costs a customer on a day (billing/pricing.py): which lists apply, their order, quantity breaks,
dates, channel and tier, and the tax percent of a day."""

import datetime as dt
from decimal import Decimal

import pytest

from peyvand.billing import pricing
from peyvand.billing.models import (
    BillingProfile,
    CustomerTier,
    PriceList,
    PriceListItem,
    Product,
    TaxClass,
    TaxRate,
)
from peyvand.contacts.models import Company, Contact

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 6, 1)


@pytest.fixture
def paper(admin):
    return Product.objects.create(code="P", name="Paper", price=Decimal("1000"), owner=admin, team=admin.team)


def price_list(name, *, items=(), **fields):
    made = PriceList.objects.create(name=name, **fields)
    return made, [
        PriceListItem.objects.create(price_list=made, product=product, min_quantity=q, price=p)
        for product, q, p in items
    ]


ANYONE = pricing.Customer()


def price(product, customer=ANYONE, quantity="1", day=DAY, currency="IRR"):
    return pricing.unit_price(
        product, customer=customer, quantity=Decimal(quantity), day=day, currency=currency
    )


def test_a_product_on_no_list_costs_its_default_price(paper):
    assert price(paper) == (Decimal("1000"), None)


def test_the_highest_priority_list_that_has_the_product_wins(paper):
    low, _ = price_list("Low", items=[(paper, 1, 900)], priority=1)
    high, _ = price_list("High", items=[(paper, 1, 950)], priority=5)
    price_list("Empty", priority=10)  # applies, but has no price for the product
    assert price(paper) == (Decimal("950"), high)


def test_the_customers_own_list_comes_before_any_priority(paper):
    own, _ = price_list("Own", items=[(paper, 1, 990)], priority=0)
    price_list("Better", items=[(paper, 1, 500)], priority=100)
    assert price(paper, pricing.Customer(price_list=own)) == (Decimal("990"), own)


def test_the_largest_quantity_break_not_above_the_quantity_applies(paper):
    made, _ = price_list("Breaks", items=[(paper, 1, 100), (paper, 10, 90), (paper, 100, 80)])
    assert price(paper, quantity="9.5")[0] == Decimal("100")
    assert price(paper, quantity="10")[0] == Decimal("90")
    assert price(paper, quantity="250")[0] == Decimal("80")


def test_a_quantity_below_the_first_break_costs_the_default_price(paper):
    price_list("From ten", items=[(paper, 10, 90)])
    assert price(paper, quantity="3") == (Decimal("1000"), None)


def test_a_list_applies_only_on_its_days_both_ends_included(paper):
    spring, _ = price_list(
        "Spring", items=[(paper, 1, 700)], valid_from=dt.date(2025, 3, 21), valid_until=dt.date(2025, 6, 1)
    )
    assert price(paper, day=dt.date(2025, 3, 21))[1] == spring
    assert price(paper, day=dt.date(2025, 6, 1))[1] == spring
    assert price(paper, day=dt.date(2025, 6, 2))[1] is None
    assert price(paper, day=dt.date(2025, 3, 20))[1] is None


def test_inactive_lists_and_lists_of_another_currency_do_not_apply(paper):
    price_list("Off", items=[(paper, 1, 1)], active=False)
    price_list("Dollars", items=[(paper, 1, 2)], currency="USD")
    assert price(paper) == (Decimal("1000"), None)


def test_a_channel_list_applies_to_customers_from_that_channel_only(paper):
    web, _ = price_list("Web", items=[(paper, 1, 850)], channel="website")
    assert price(paper, pricing.Customer(channel="website"))[1] == web
    assert price(paper, pricing.Customer(channel="referral"))[1] is None


def test_a_tier_list_applies_to_that_tier_only_and_before_a_general_list_of_equal_priority(paper):
    vip = CustomerTier.objects.create(name="VIP", discount_percent=Decimal("5"))
    general, _ = price_list("General", items=[(paper, 1, 900)])
    vips, _ = price_list("VIPs", items=[(paper, 1, 800)], tier=vip)
    assert price(paper, pricing.Customer(tier=vip))[1] == vips
    assert price(paper)[1] == general
    assert pricing.tier_discount(pricing.Customer(tier=vip)) == Decimal("5")
    assert pricing.tier_discount(pricing.Customer()) == Decimal("0")


def test_a_customer_is_read_from_its_company_profile_and_its_contacts_channel(admin, paper):
    vip = CustomerTier.objects.create(name="VIP")
    company = Company.objects.create(name="Arya", owner=admin, team=admin.team)
    contact = Contact.objects.create(first_name="Sara", source="website", owner=admin, team=admin.team)
    own, _ = price_list("Arya's", items=[(paper, 1, 10)])
    BillingProfile.objects.create(company=company, tier=vip, price_list=own, tax_exempt=True)
    customer = pricing.customer_of(company=company, contact=contact)
    assert customer == pricing.Customer(tier=vip, channel="website", price_list=own, tax_exempt=True)
    assert pricing.customer_of(contact=contact) == pricing.Customer(channel="website")


def test_the_tax_percent_sums_the_levies_valid_on_the_day(admin):
    standard = TaxClass.objects.create(code="standard", name="Standard")
    TaxRate.objects.create(
        tax_class=standard,
        name="VAT",
        percent=Decimal("9"),
        valid_from=dt.date(2020, 1, 1),
        valid_until=dt.date(2025, 3, 20),
    )
    TaxRate.objects.create(
        tax_class=standard, name="VAT", percent=Decimal("10"), valid_from=dt.date(2025, 3, 21)
    )
    TaxRate.objects.create(
        tax_class=standard, name="Municipal", percent=Decimal("0.5"), valid_from=dt.date(2025, 1, 1)
    )
    product = Product(code="X", name="X", tax_class=standard)
    assert pricing.tax_percent(product, day=dt.date(2025, 3, 20)) == Decimal("9.5")
    assert pricing.tax_percent(product, day=dt.date(2025, 3, 21)) == Decimal("10.5")
    assert pricing.tax_percent(product, day=dt.date(2019, 12, 31)) == Decimal("0")


def test_nothing_is_taxed_for_an_exempt_class_an_exempt_customer_or_a_line_without_a_product():
    exempt = TaxClass.objects.create(code="exempt", name="Exempt", exempt=True)
    TaxRate.objects.create(
        tax_class=exempt, name="VAT", percent=Decimal("10"), valid_from=dt.date(2020, 1, 1)
    )
    standard = TaxClass.objects.create(code="standard", name="Standard")
    TaxRate.objects.create(
        tax_class=standard, name="VAT", percent=Decimal("10"), valid_from=dt.date(2020, 1, 1)
    )
    assert pricing.tax_percent(Product(code="E", name="E", tax_class=exempt), day=DAY) == 0
    assert pricing.tax_percent(Product(code="S", name="S", tax_class=standard), day=DAY, exempt=True) == 0
    assert pricing.tax_percent(None, day=DAY) == 0
    assert pricing.tax_percent(Product(code="N", name="N"), day=DAY) == 0


def test_the_list_chosen_for_a_customer_applies_whatever_tier_or_channel_it_names(paper):
    wholesale = CustomerTier.objects.create(name="Wholesale")
    chosen, _ = price_list("Chosen", items=[(paper, 1, 600)], tier=wholesale, channel="website")
    assert price(paper, pricing.Customer(price_list=chosen, channel="referral")) == (Decimal("600"), chosen)
    assert price(paper, pricing.Customer(channel="referral")) == (Decimal("1000"), None)


def test_the_list_chosen_for_a_customer_still_keeps_its_days(paper):
    chosen, _ = price_list("Ended", items=[(paper, 1, 600)], valid_until=dt.date(2025, 1, 1))
    assert price(paper, pricing.Customer(price_list=chosen)) == (Decimal("1000"), None)
