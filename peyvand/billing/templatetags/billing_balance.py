"""The customer's balance on a company's or a contact's page (a record section, core/registry.py)."""

from django import template

from peyvand.billing.selectors_invoices import OPEN, customer_invoices
from peyvand.billing.services_payments import customer_balance

register = template.Library()


@register.simple_tag
def balance_of(user, record):
    """``{"balance": …, "open": n}`` for a company or a contact, else None (the section shows nothing)."""
    if getattr(record, "_meta", None) is None or record._meta.label not in (
        "contacts.Company",
        "contacts.Contact",
    ):
        return None
    invoices = customer_invoices(user, record)
    if not invoices.exists() and not customer_balance(record):
        return None
    return {"balance": customer_balance(record), "open": invoices.filter(status__in=OPEN).count()}
