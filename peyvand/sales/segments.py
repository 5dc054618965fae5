"""The standard segments of a deal, as database expressions, shared by the deals list and the reports.

A deal's **region** is its company's, else its contact's; its **channel** is its lead's source, else its contact's;
its **audience** is its lead's, else its contact's. A deal is a **current customer's** when its company (else its
contact) had already won a deal closed before this one was created; otherwise it is a **new** customer's.
"""

from typing import Any

from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce, NullIf

from peyvand.sales.models import Deal, DealStatus

CUSTOMER_NEW, CUSTOMER_CURRENT = "new", "current"


def _blank_to_null(path: str):
    return NullIf(F(path), Value(""))


def segment_expressions() -> dict[str, Any]:
    """Each segment that is a value of the deal or its relations, as an expression over a deal."""
    return {
        "rep": F("owner_id"),
        "team": F("team_id"),
        "region": Coalesce(_blank_to_null("company__region"), _blank_to_null("contact__region")),
        "pipeline": F("pipeline_id"),
        "channel": Coalesce(_blank_to_null("lead__source"), _blank_to_null("contact__source")),
        "audience": Coalesce(_blank_to_null("lead__audience"), _blank_to_null("contact__audience")),
    }


def earlier_win() -> Q:
    """Whether the deal's customer (its company, else its contact) was already a customer when the deal began:
    it had won a deal closed before this deal was created. A deal with a company is its company's, so its
    contact's own earlier purchases (without a company) do not count for it."""
    won_before = Deal.objects.filter(status=DealStatus.WON, closed_at__lt=OuterRef("created_at")).exclude(
        pk=OuterRef("pk")
    )
    same_company = won_before.filter(company_id=OuterRef("company_id"))
    same_contact = won_before.filter(company__isnull=True, contact_id=OuterRef("contact_id"))
    return Exists(same_company) | (Q(company__isnull=True) & Exists(same_contact))


def is_current_customer(raw: str) -> bool:
    """A list filter's ``customer`` value: "current" or "new"."""
    word = raw.strip().lower()
    if word not in (CUSTOMER_NEW, CUSTOMER_CURRENT):
        raise ValueError(raw)
    return word == CUSTOMER_CURRENT
