"""What a product costs a customer on a day: the price lists that apply, quantity breaks, the tier's standing
discount, and the tax rate of the product's class that day.

Of the active price lists in the document's currency whose tier, channel and days fit (an empty tier, channel or
date fits everything), the customer's own list comes first, then the highest priority; within a list the largest
quantity break not above the quantity wins. A product on no list that fits costs its default price.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum

from peyvand.billing.models import BillingProfile, CustomerTier, PriceList, PriceListItem, Product, TaxRate

ZERO = Decimal("0")


@dataclass(frozen=True)
class Customer:
    """What pricing needs to know of a customer; ``of`` builds it from a company or a contact."""

    tier: CustomerTier | None = None
    channel: str = ""
    price_list: PriceList | None = None
    tax_exempt: bool = False


def customer_of(*, company=None, contact=None) -> Customer:
    """The pricing facts of a document's customer: its billing profile (company first) and its channel."""
    profile = None
    if company is not None:
        profile = BillingProfile.objects.filter(company=company).select_related("tier", "price_list").first()
    elif contact is not None:
        profile = BillingProfile.objects.filter(contact=contact).select_related("tier", "price_list").first()
    channel = getattr(contact, "source", "") or ""
    if profile is None:
        return Customer(channel=channel)
    return Customer(
        tier=profile.tier, channel=channel, price_list=profile.price_list, tax_exempt=profile.tax_exempt
    )


def lists_for(customer: Customer, *, day: dt.date, currency: str) -> list[PriceList]:
    """The price lists that apply to the customer on the day, best first."""
    own = customer.price_list.pk if customer.price_list else None
    # The list chosen for the customer applies whatever its tier and channel say (they choose lists for others);
    # its days, currency and being active still count.
    fits = (
        PriceList.objects.filter(active=True, currency=currency)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .filter(
            (Q(tier__isnull=True) | Q(tier=customer.tier)) & (Q(channel="") | Q(channel=customer.channel))
            | Q(pk=own)
        )
    )
    return sorted(
        fits, key=lambda pl: (pl.pk != own, -pl.priority, pl.tier_id is None, pl.channel == "", pl.pk)
    )


def unit_price(
    product: Product, *, customer: Customer, quantity: Decimal, day: dt.date, currency: str
) -> tuple[Decimal, PriceList | None]:
    """The product's unit price for this customer, quantity and day, and the list it came from (None: default)."""
    for price_list in lists_for(customer, day=day, currency=currency):
        item = (
            PriceListItem.objects.filter(price_list=price_list, product=product, min_quantity__lte=quantity)
            .order_by("-min_quantity")
            .first()
        )
        if item is not None:
            return item.price, price_list
    return product.price, None


def tier_discount(customer: Customer) -> Decimal:
    """The customer's standing discount (%), from their tier."""
    return customer.tier.discount_percent if customer.tier else ZERO


def tax_percent(product: Product | None, *, day: dt.date, exempt: bool = False) -> Decimal:
    """The sum of the levies of the product's tax class valid on the day; nothing for an exempt product or
    customer, or a line without a product or class."""
    tax_class = product.tax_class if product is not None else None
    if exempt or tax_class is None or tax_class.exempt:
        return ZERO
    total = (
        TaxRate.objects.filter(tax_class=tax_class, valid_from__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .aggregate(total=Sum("percent"))["total"]
    )
    return total or ZERO
