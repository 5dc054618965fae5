"""The sales app's record type, the deal, as the rest of Peyvand sees it (see ``contacts/resources.py``)."""

from django.urls import path

from peyvand.core import importing as headers
from peyvand.core import registry
from peyvand.core.importing import Column, ImportSpec
from peyvand.core.registry import FieldSpec as F
from peyvand.core.rest import Resource
from peyvand.sales import importing, selectors, services
from peyvand.sales.models import Deal
from peyvand.sales.schemas import DealIn, DealOut, DealPatch

DEALS = Resource(
    name="deals",
    model=Deal,
    visible=selectors.deals_visible_to,
    list_spec=selectors.DEAL_LIST,
    create=services.create_deal,
    update_service=services.update_deal,
    schema_in=DealIn,
    schema_patch=DealPatch,
    schema_out=DealOut,
)

DEAL_FIELDS = (
    F("title", importable=True, automation=True, settable=True, searchable=True),
    F("amount", importable=True, automation=True, settable=True, money=True),
    F("currency", importable=True, automation=True),
    F("expected_close_date", importable=True, automation=True, settable=True),
    F("pipeline", importable=True, automation=True),
    F("stage", importable=True, automation=True, settable=True),
    F("company", importable=True),
    F("owner", importable=True),
    F("contact", exportable=False),
    F("lost_reason", exportable=False, automation=True, settable=True),
    # set by losing the deal (services.lose_deal), never edited as a field
    F("lost_because", editable=False, exportable=False),
    F("tags", automation=True),
    F("status", editable=False, exportable=False, automation=True),
    F("custom", editable=False, exportable=False),
    F("team", editable=False, exportable=False),
)

# The spreadsheet import's columns (core/importing.py), in the order of the importable fields above; a deal has
# no phone or e-mail, so no row is taken for a stored deal.
DEAL_IMPORT = ImportSpec(
    columns=(
        Column(
            "title", ("عنوان", "عنوان معامله", "معامله", "title", "deal", "deal name", "name"), required=True
        ),
        Column("amount", ("مبلغ", "ارزش", "amount", "value", "price"), read="amount"),
        Column("currency", ("ارز", "واحد پول", "currency")),
        Column(
            "expected_close_date",
            ("تاریخ بستن", "تاریخ پیش بینی بستن", "expected close date", "close date"),
            read="date",
        ),
        Column("pipeline", headers.PIPELINE, read="reference"),
        Column("stage", ("مرحله", "stage"), read="reference"),
        Column("company", headers.COMPANY, read="record"),
        Column("owner", headers.OWNER, read="reference"),
    ),
    check=importing.check_deal,
    after_insert=importing.first_stage_history,
)


def _parties(deal: Deal) -> list:
    """Whom work on a deal is for: its contact and its company."""
    return [record for record in (deal.contact, deal.company) if record is not None]


def register() -> None:
    from peyvand.sales.api import deals_router
    from peyvand.sales.views import DEAL_SCREEN, move_view
    from peyvand.sales.views_outcomes import lose_view, win_view

    registry.register(
        registry.RecordType(
            name="deal",
            plural="deals",
            model=Deal,
            resource=DEALS,
            screen=DEAL_SCREEN,
            fields=DEAL_FIELDS,
            custom_fields=True,
            tagged=True,
            concerns=_parties,
            api_router=deals_router,
            ui_urls=(
                path("<int:pk>/move/", move_view, name="move"),
                path("<int:pk>/win/", win_view, name="win"),
                path("<int:pk>/lose/", lose_view, name="lose"),
            ),
            extra={"import": DEAL_IMPORT},
        )
    )
