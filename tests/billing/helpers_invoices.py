"""Rows the invoice and payment tests start from: a customer, a draft invoice, an issued one."""

import datetime as dt
from decimal import Decimal

from peyvand.billing import services_invoices
from peyvand.contacts.models import Company


def company(owner, name="Parsian Trading") -> Company:
    return Company.objects.create(name=name, owner=owner, team=owner.team)


def draft(actor, customer, *, lines=None, **values):
    rows = lines or [
        {"description": "Consulting", "quantity": "2", "unit_price": "5000000", "tax_percent": "10"}
    ]
    return services_invoices.create_invoice(
        actor=actor, values={"company": customer.pk, "lines": rows, **values}
    )


def issued(actor, customer, *, amount="1000000", issue_date=dt.date(2026, 4, 1), **values):
    invoice = draft(actor, customer, lines=[{"description": "Licence", "unit_price": amount}], **values)
    return services_invoices.issue_invoice(actor=actor, invoice=invoice, issue_date=issue_date)


def rial(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))
