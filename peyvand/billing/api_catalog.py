"""API of the catalogue beside the product routes of its record type: price lists with their prices, tax classes
and their rates (read). Thin: parse, call a selector or a service, answer."""

from django.conf import settings
from django.http import Http404
from ninja import Query, Router, Schema, Status
from pydantic import create_model

from peyvand.billing import selectors_catalog, services_catalog
from peyvand.billing.schemas_catalog import (
    PriceListIn,
    PriceListItemOut,
    PriceListItemsIn,
    PriceListOut,
    PriceListPatch,
    TaxClassOut,
    TaxRateOut,
)
from peyvand.core.listing import MAX_ID, MAX_PAGE, apply_list_params, paginate
from peyvand.core.rest import responses

price_lists_router = Router(tags=["price lists"])
tax_router = Router(tags=["tax"])

PriceListList = create_model(
    "PriceListList", __base__=Schema, items=(list[PriceListOut], ...), count=(int, ...)
)


def _price_list(request, pk: int):
    found = (
        selectors_catalog.price_lists_visible_to(request.user).filter(pk=pk).first()
        if 0 < pk < 2**63
        else None
    )
    if found is None:
        raise Http404
    return found


@price_lists_router.get("", response=responses({200: PriceListList}), operation_id="price_lists_list")
def list_price_lists(
    request,
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(settings.PEYVAND_PAGE_SIZE, ge=1, le=settings.PEYVAND_MAX_PAGE_SIZE),
    search: str | None = Query(None, max_length=200),
    active: bool | None = None,
    tier: int | None = Query(None, ge=1, le=MAX_ID),
    currency: str | None = Query(None, max_length=3),
):
    """Every price list, best priority first; filters `active`, `tier`, `currency`, and `search` by name."""
    lists = apply_list_params(
        selectors_catalog.price_lists_visible_to(request.user),
        selectors_catalog.PRICE_LIST_LIST,
        request.GET.dict(),
    )
    found = paginate(lists, page, page_size)
    return {"items": found.items, "count": found.count}


@price_lists_router.post("", response=responses({201: PriceListOut}, 403), operation_id="price_lists_create")
def create_price_list(request, payload: PriceListIn):
    """A new, empty price list (sales managers and administrators)."""
    created = services_catalog.save_price_list(actor=request.user, values=payload.model_dump())
    return Status(201, _price_list(request, created.pk))


@price_lists_router.get(
    "/{int:pk}", response=responses({200: PriceListOut}, 404), operation_id="price_lists_read"
)
def read_price_list(request, pk: int):
    return _price_list(request, pk)


@price_lists_router.patch(
    "/{int:pk}", response=responses({200: PriceListOut}, 403, 404), operation_id="price_lists_update"
)
def update_price_list(request, pk: int, payload: PriceListPatch):
    services_catalog.save_price_list(
        actor=request.user, price_list=_price_list(request, pk), values=payload.model_dump(exclude_unset=True)
    )
    return _price_list(request, pk)


@price_lists_router.get(
    "/{int:pk}/items",
    response=responses({200: list[PriceListItemOut]}, 404),
    operation_id="price_lists_items",
)
def list_price_list_items(request, pk: int):
    """The list's prices, by product code and then from the smallest quantity."""
    return list(selectors_catalog.price_list_items(_price_list(request, pk)))


@price_lists_router.put(
    "/{int:pk}/items",
    response=responses({200: list[PriceListItemOut]}, 403, 404),
    operation_id="price_lists_items_replace",
)
def replace_price_list_items(request, pk: int, payload: PriceListItemsIn):
    """Replace the list's prices; a bad item is refused as `items.<n>.<field>` (from 1) and nothing is saved."""
    price_list = _price_list(request, pk)
    services_catalog.save_price_list_items(
        actor=request.user, price_list=price_list, items=[i.model_dump() for i in payload.items]
    )
    return list(selectors_catalog.price_list_items(price_list))


@tax_router.get("/classes", response=responses({200: list[TaxClassOut]}), operation_id="tax_classes_list")
def list_tax_classes(request):
    return list(selectors_catalog.tax_classes()) if request.user.is_active else []


@tax_router.get("/rates", response=responses({200: list[TaxRateOut]}), operation_id="tax_rates_list")
def list_tax_rates(request, tax_class: int | None = Query(None, ge=1, le=MAX_ID)):
    """Every levy of every tax class with the days it applies; `tax_class` keeps one class's."""
    rates = selectors_catalog.tax_rates()
    if tax_class is not None:
        rates = rates.filter(tax_class_id=tax_class)
    return list(rates) if request.user.is_active else []
