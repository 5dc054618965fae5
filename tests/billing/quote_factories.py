"""Products, deals with lines and quotes for the tests of quotes and deal lines: real rows made through the
services (products directly: their screens are another part of billing)."""

import datetime as dt
import itertools
from decimal import Decimal

from peyvand.billing import lines, services_quotes
from peyvand.billing.models import Product, TaxClass, TaxRate
from peyvand.contacts.services import create_company, create_contact
from peyvand.sales.services import create_deal

SERIAL = itertools.count(1)


def make_product(owner, *, name="Laser printer", price="10000000", code=None, tax=Decimal("10"), **extra):
    tax_class = None
    if tax is not None:
        tax_class, created = TaxClass.objects.get_or_create(code=f"vat{tax}", defaults={"name": f"VAT {tax}"})
        if created:
            TaxRate.objects.create(
                tax_class=tax_class, name="VAT", percent=tax, valid_from=dt.date(2020, 1, 1)
            )
    return Product.objects.create(
        code=code or f"P-{next(SERIAL)}",
        name=name,
        price=Decimal(price),
        unit="pcs",
        tax_class=tax_class,
        owner=owner,
        team=owner.team,
        **extra,
    )


def make_deal(owner, *, with_contact=True, email="buyer@example.com"):
    values = {"title": f"Printers {next(SERIAL)}", "amount": "1000"}
    if with_contact:
        contact = create_contact(
            actor=owner,
            values={"first_name": "Kian", "last_name": "Shirazi", "emails": [email] if email else []},
            allow_duplicate=True,
        )
        company = create_company(
            actor=owner, values={"name": f"Kian Trading {next(SERIAL)}"}, allow_duplicate=True
        )
        values.update(contact=contact.pk, company=company.pk)
    return create_deal(actor=owner, values=values)


def deal_with_lines(owner, *, quantity="2", discount="0", product=None):
    deal = make_deal(owner)
    product = product or make_product(owner)
    return lines.set_deal_lines(
        actor=owner,
        deal=deal,
        rows=[{"product": product.pk, "quantity": quantity, "discount_percent": discount}],
    )


def make_quote(owner, **kwargs):
    deal = deal_with_lines(owner, **kwargs)
    return services_quotes.create_quote_from_deal(actor=owner, deal=deal)


def sent_quote(owner, **kwargs):
    quote = make_quote(owner, **kwargs)
    return services_quotes.send_quote(actor=owner, quote=quote)
