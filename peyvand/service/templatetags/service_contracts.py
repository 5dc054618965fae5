"""A ticket's coverage (the panel on the ticket page) and a customer's contracts and warranties (a record section
of contact and company pages)."""

from django import template

from peyvand.service import permissions_contracts
from peyvand.service.models_contracts import ServiceContract, Warranty
from peyvand.service.selectors_contracts import coverage_for, customer_contracts, customer_warranties

register = template.Library()


@register.simple_tag
def ticket_coverage(user, ticket):
    """The ticket's coverage today, and whether the user may log work against its contracts."""
    if getattr(ticket, "_meta", None) is None or ticket._meta.label != "service.Ticket" or ticket.deleted_at:
        return None
    coverage = coverage_for(ticket)
    visible = set(
        ServiceContract.objects.visible_to(user)
        .filter(pk__in=[c.contract.pk for c in coverage.contracts])
        .values_list("pk", flat=True)
    )
    for cover in coverage.contracts:
        cover.visible = cover.contract.pk in visible
    if coverage.warranty is not None:
        coverage.warranty.visible = Warranty.objects.visible_to(user).filter(pk=coverage.warranty.pk).exists()
    coverage.can_log = permissions_contracts.can_log_contract_work(user)
    return coverage


@register.simple_tag
def customer_coverage(user, record):
    """Up to 20 contracts and 20 warranties of the contact or company, each marked ``visible`` when the user may
    open it: who sees the customer sees what they are covered by (sales before a renewal call)."""
    if getattr(record, "_meta", None) is None or record._meta.label not in (
        "contacts.Company",
        "contacts.Contact",
    ):
        return None
    contracts = list(customer_contracts(record)[:20])
    warranties = list(customer_warranties(record)[:20])
    if not contracts and not warranties:
        return None
    seen_contracts = set(
        ServiceContract.objects.visible_to(user)
        .filter(pk__in=[c.pk for c in contracts])
        .values_list("pk", flat=True)
    )
    seen_warranties = set(
        Warranty.objects.visible_to(user)
        .filter(pk__in=[w.pk for w in warranties])
        .values_list("pk", flat=True)
    )
    for contract in contracts:
        contract.visible = contract.pk in seen_contracts
    for warranty in warranties:
        warranty.visible = warranty.pk in seen_warranties
    from django.utils import timezone

    today = timezone.localdate()
    for warranty in warranties:
        warranty.in_force = warranty.covers(today)
    return {"contracts": contracts, "warranties": warranties}


@register.filter
def quantity(value):
    """Hours or visits as people write them, in the page's digits: 7.5, 10 (not 7.50, 10.00)."""
    from decimal import Decimal

    from peyvand.core.jalali import persian_digits, uses_jalali

    if value is None or value == "":
        return ""
    text = f"{Decimal(value).normalize():f}"
    return persian_digits(text.replace(".", "\u066b")) if uses_jalali() else text
