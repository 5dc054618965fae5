"""API of contracts and warranties beside their generic routes (``/contracts/...``, ``/warranties/...``): covered
items, work logged against a contract, service plans, and a ticket's coverage. Every contract, warranty and
ticket is fetched through the caller's visibility (another team's: 404)."""

from ninja import Query, Router, Status

from peyvand.core.rest import responses
from peyvand.service import selectors_contracts, services_contracts
from peyvand.service.models_contracts import ContractItem, ServicePlan
from peyvand.service.schemas_contracts import (
    ContractItemIn,
    ContractItemOut,
    ContractItemRefIn,
    CoverageOut,
    PlanIn,
    PlanOut,
    UsageIn,
    UsageOut,
)

contracts_router = Router()
warranties_router = Router()


def _contracts():
    from peyvand.service.resources_contracts import CONTRACTS

    return CONTRACTS


def _warranties():
    from peyvand.service.resources_contracts import WARRANTIES

    return WARRANTIES


def _ticket(request, pk: int):
    from peyvand.service.resources_tickets import TICKETS

    return TICKETS.get(request, pk)


@contracts_router.get(
    "/coverage",
    response=responses({200: CoverageOut}, 404),
    tags=["contracts"],
    operation_id="contracts_coverage",
    summary="A ticket's coverage",
)
def coverage(request, ticket: int = Query(..., ge=1, le=2**63 - 1)):
    """What a ticket you see is covered by today: the customer's active contracts covering its item, with the
    entitlement used and left, and the item's warranty (in, out or none); ``billable`` when neither covers it."""
    cover = selectors_contracts.coverage_for(_ticket(request, ticket))
    return {
        "day": cover.day,
        "contracts": [{"contract": c.contract, "used": c.used, "left": c.left} for c in cover.contracts],
        "warranty": cover.warranty,
        "warranty_state": cover.warranty_state,
        "billable": cover.billable,
        "flags": cover.flags,
        "plans": cover.plans,
    }


@contracts_router.get(
    "/{int:pk}/items",
    response=responses({200: list[ContractItemOut]}, 404),
    tags=["contracts"],
    operation_id="contracts_items",
)
def items(request, pk: int):
    """The products and serial-numbered items the contract covers; none: all the customer's."""
    return list(_contracts().get(request, pk).items.all())


@contracts_router.post(
    "/{int:pk}/items",
    response=responses({201: ContractItemOut}, 403, 404),
    tags=["contracts"],
    operation_id="contracts_item_add",
)
def add_item(request, pk: int, payload: ContractItemIn):
    """Cover a product (any unit of it) or one serial number."""
    item = services_contracts.add_contract_item(
        actor=request.user,
        contract=_contracts().get(request, pk),
        product=payload.product,
        serial_number=payload.serial_number,
    )
    return Status(201, item)


@contracts_router.post(
    "/{int:pk}/items/remove",
    response=responses({200: list[ContractItemOut]}, 403, 404),
    tags=["contracts"],
    operation_id="contracts_item_remove",
)
def remove_item(request, pk: int, payload: ContractItemRefIn):
    """Stop covering one item; answers the items left."""
    contract = _contracts().get(request, pk)
    if not ContractItem.objects.filter(contract=contract, pk=payload.item).exists():
        from django.http import Http404

        raise Http404
    services_contracts.remove_contract_item(actor=request.user, contract=contract, item_id=payload.item)
    return list(contract.items.all())


@contracts_router.post(
    "/{int:pk}/usage",
    response=responses({201: UsageOut}, 403, 404),
    tags=["contracts"],
    operation_id="contracts_usage",
)
def log_usage(request, pk: int, payload: UsageIn):
    """Log hours or a visit done on a ticket (one you see, which the contract covers) against the contract."""
    ticket = _ticket(request, payload.ticket)
    # The contract need not be one the caller may open: it must cover the ticket (else: refused naming it).
    covering = {c.pk: c for c in selectors_contracts.covering_contracts(ticket)}
    usage = services_contracts.log_contract_work(
        actor=request.user,
        ticket=ticket,
        contract=covering.get(pk) or _contracts().get(request, pk),
        amount=payload.amount,
        note=payload.note,
    )
    return Status(201, usage)


@contracts_router.get(
    "/{int:pk}/plans",
    response=responses({200: list[PlanOut]}, 404),
    tags=["contracts"],
    operation_id="contracts_plans",
)
def contract_plans(request, pk: int):
    return list(ServicePlan.objects.filter(contract=_contracts().get(request, pk)))


@contracts_router.post(
    "/{int:pk}/plans",
    response=responses({201: PlanOut}, 403, 404),
    tags=["contracts"],
    operation_id="contracts_plan_add",
)
def add_contract_plan(request, pk: int, payload: PlanIn):
    """Periodic service of the contract: a service order opened ahead of each due date, reminders before it."""
    plan = services_contracts.create_service_plan(
        actor=request.user, contract=_contracts().get(request, pk), **payload.dict()
    )
    return Status(201, plan)


@warranties_router.get(
    "/{int:pk}/plans",
    response=responses({200: list[PlanOut]}, 404),
    tags=["warranties"],
    operation_id="warranties_plans",
)
def warranty_plans(request, pk: int):
    return list(ServicePlan.objects.filter(warranty=_warranties().get(request, pk)))


@warranties_router.post(
    "/{int:pk}/plans",
    response=responses({201: PlanOut}, 403, 404),
    tags=["warranties"],
    operation_id="warranties_plan_add",
)
def add_warranty_plan(request, pk: int, payload: PlanIn):
    """Periodic service of the item."""
    plan = services_contracts.create_service_plan(
        actor=request.user, warranty=_warranties().get(request, pk), **payload.dict()
    )
    return Status(201, plan)
