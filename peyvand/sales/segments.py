"""The standard segments of a deal, as database expressions, shared by the deals list and the reports.

A deal's **region** is its company's, else its contact's; its **channel** is its lead's source, else its contact's;
its **audience** is its lead's, else its contact's. A deal is a **current customer's** when its company (else its
contact) had already won a deal closed before this one was created; otherwise it is a **new** customer's.
"""

from typing import Any

from django.db.models import Case, Exists, F, IntegerField, Max, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, NullIf

from peyvand.core.listing import as_int
from peyvand.sales.models import Deal, DealStatus, Stage, StageHistory, StageKind

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


# Beyond any stage's order: a won deal reached every open stage of its pipeline.
_WON_REACH = 1_000_000


def reach() -> Case:
    """How far a deal got: the order of the furthest open stage its stage history shows it entered (a deal may
    skip a step), beyond every stage when it is won, -1 when it never entered an open stage. A deal
    **reached** a stage when its reach is at least that stage's order (the funnel and the ``reached`` filter)."""
    furthest = (
        StageHistory.objects.filter(deal_id=OuterRef("pk"), to_stage__kind=StageKind.OPEN)
        .order_by()
        .values("deal_id")
        .annotate(top=Max("to_stage__order"))
        .values("top")
    )
    return Case(
        When(status=DealStatus.WON, then=Value(_WON_REACH)),
        default=Coalesce(Subquery(furthest, output_field=IntegerField()), -1),
        output_field=IntegerField(),
    )


def stage_order(raw: str) -> int:
    """A list filter's ``reached`` value: a stage id, read as that stage's order."""
    order = Stage.objects.filter(pk=as_int(raw), kind=StageKind.OPEN).values_list("order", flat=True)
    if not order:
        raise ValueError(raw)
    return order[0]


def stage_name(raw: str) -> str:
    stage = Stage.objects.filter(pk=as_int(raw)).first()
    return stage.name if stage else raw


def is_current_customer(raw: str) -> bool:
    """A list filter's ``customer`` value: "current" or "new"."""
    word = raw.strip().lower()
    if word not in (CUSTOMER_NEW, CUSTOMER_CURRENT):
        raise ValueError(raw)
    return word == CUSTOMER_CURRENT
