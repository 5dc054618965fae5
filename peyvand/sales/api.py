from django.conf import settings
from django.http import Http404
from ninja import Query, Router, Status

from peyvand.core.listing import MAX_PAGE, apply_list_params, paginate
from peyvand.core.rest import ordering_choices, responses
from peyvand.sales import selectors, services
from peyvand.sales.models import LostReason, Pipeline
from peyvand.sales.resources import DEALS
from peyvand.sales.schemas import (
    ChecklistCheckIn,
    DealChecklistItemOut,
    DealLoseIn,
    DealMoveIn,
    DealOut,
    DealWinIn,
    LostReasonIn,
    LostReasonList,
    LostReasonOut,
    LostReasonPatch,
    PipelineIn,
    PipelineList,
    PipelineOut,
    PipelinePatch,
    StageHistoryOut,
    StuckDealList,
)

# The generic routes come from the registry (sales/resources.py); these are the deal's own, mounted beside them.
deals_router = Router()


@deals_router.get(
    "/stuck",
    response=responses({200: StuckDealList}),
    tags=["deals"],
    operation_id="deals_stuck",
)
def stuck_deals(
    request,
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(settings.PEYVAND_PAGE_SIZE, ge=1, le=settings.PEYVAND_MAX_PAGE_SIZE),
):
    """Open deals you may see that stayed in their stage longer than its maximum days, the longest overdue
    first, each with ``days_over`` the limit."""
    page_obj = paginate(selectors.stuck_deals_visible_to(request.user), page, page_size)
    return {"items": page_obj.items, "count": page_obj.count}


@deals_router.post(
    "/{int:pk}/move",
    response=responses({200: DealOut}, 404, 409),
    tags=["deals"],
    operation_id="deals_move",
)
def move(request, pk: int, payload: DealMoveIn):
    """Move the deal to another stage of its pipeline; the version must be the one you read."""
    deal = services.move_deal_to_stage(
        actor=request.user,
        deal=DEALS.get(request, pk),
        stage=payload.stage,
        version=payload.version,
        lost_reason=payload.lost_reason,
        override_reason=payload.override_reason,
    )
    return DEALS.get(request, deal.pk)


@deals_router.post(
    "/{int:pk}/win",
    response=responses({200: DealOut}, 404, 409),
    tags=["deals"],
    operation_id="deals_win",
)
def win(request, pk: int, payload: DealWinIn):
    """Mark the deal won: a move to its pipeline's won stage, under the same rules as any move (the exit
    criteria of the stage it leaves); the version must be the one you read."""
    deal = services.win_deal(
        actor=request.user,
        deal=DEALS.get(request, pk),
        version=payload.version,
        override_reason=payload.override_reason,
    )
    return DEALS.get(request, deal.pk)


@deals_router.post(
    "/{int:pk}/lose",
    response=responses({200: DealOut}, 404, 409),
    tags=["deals"],
    operation_id="deals_lose",
)
def lose(request, pk: int, payload: DealLoseIn):
    """Mark the deal lost for a reason of the list (``reason``, an id from /lost-reasons) with an optional
    note; the deal's ``lost_reason`` text reads "reason — note"."""
    deal = services.lose_deal(
        actor=request.user,
        deal=DEALS.get(request, pk),
        version=payload.version,
        reason=payload.reason,
        note=payload.note,
    )
    return DEALS.get(request, deal.pk)


def _checklist(deal) -> list[dict]:
    return [
        {
            "id": item.pk,
            "stage_id": stage.pk,
            "stage": stage.name,
            "text": item.text,
            "required": item.required,
            "done": check is not None,
            "done_at": check.checked_at if check else None,
            "done_by_id": check.checked_by_id if check else None,
        }
        for stage, items in selectors.deal_checklists(deal)
        for item, check in items
    ]


@deals_router.get(
    "/{int:pk}/checklist",
    response=responses({200: list[DealChecklistItemOut]}, 404),
    tags=["deals"],
    operation_id="deals_checklist",
)
def checklist(request, pk: int):
    """The checklist items of the deal's pipeline (the current stage's first) and which are done."""
    return _checklist(DEALS.get(request, pk))


@deals_router.post(
    "/{int:pk}/checklist",
    response=responses({200: list[DealChecklistItemOut]}, 404, 409),
    tags=["deals"],
    operation_id="deals_checklist_check",
)
def check_item(request, pk: int, payload: ChecklistCheckIn):
    """Mark a checklist item done (``done: true``) or not done; each change is written to the audit trail."""
    deal = DEALS.get(request, pk)
    services.set_checklist_item(actor=request.user, deal=deal, item=payload.item, done=payload.done)
    return _checklist(DEALS.get(request, pk))


@deals_router.get(
    "/{int:pk}/stage-history",
    response=responses({200: list[StageHistoryOut]}, 404),
    tags=["deals"],
    operation_id="deals_stage_history",
)
def stage_history(request, pk: int):
    return list(selectors.stage_history(DEALS.get(request, pk)))


pipelines_router = Router()


def _pipeline(request, pk: int) -> Pipeline:
    try:
        return selectors.pipelines_visible_to(request.user).get(pk=pk)
    except Pipeline.DoesNotExist:
        raise Http404 from None


@pipelines_router.get(
    "", response=responses({200: PipelineList}), tags=["pipelines"], operation_id="pipelines_list"
)
def list_pipelines(
    request,
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(settings.PEYVAND_PAGE_SIZE, ge=1, le=settings.PEYVAND_MAX_PAGE_SIZE),
    ordering: ordering_choices(selectors.PIPELINE_LIST) | None = None,
):
    queryset = apply_list_params(
        selectors.pipelines_visible_to(request.user), selectors.PIPELINE_LIST, request.GET.dict()
    )
    page_obj = paginate(queryset, page, page_size)
    return {"items": page_obj.items, "count": page_obj.count}


@pipelines_router.post(
    "",
    response=responses({201: PipelineOut}, 403),
    tags=["pipelines"],
    operation_id="pipelines_create",
)
def create_pipeline(request, payload: PipelineIn):
    pipeline = services.save_pipeline(actor=request.user, values=payload.model_dump())
    return Status(201, _pipeline(request, pipeline.pk))


@pipelines_router.get(
    "/{int:pk}",
    response=responses({200: PipelineOut}, 404),
    tags=["pipelines"],
    operation_id="pipelines_read",
)
def read_pipeline(request, pk: int):
    return _pipeline(request, pk)


@pipelines_router.patch(
    "/{int:pk}",
    response=responses({200: PipelineOut}, 403, 404),
    tags=["pipelines"],
    operation_id="pipelines_update",
)
def update_pipeline(request, pk: int, payload: PipelinePatch):
    pipeline = services.save_pipeline(
        actor=request.user, pipeline=_pipeline(request, pk), values=payload.model_dump(exclude_unset=True)
    )
    return _pipeline(request, pipeline.pk)


@pipelines_router.delete(
    "/{int:pk}",
    response=responses({204: None}, 403, 404, 409),
    tags=["pipelines"],
    operation_id="pipelines_delete",
)
def delete_pipeline(request, pk: int):
    services.delete_pipeline(actor=request.user, pipeline=_pipeline(request, pk))
    return Status(204, None)


lost_reasons_router = Router()


def _lost_reason(pk: int) -> LostReason:
    try:
        return LostReason.objects.get(pk=pk)
    except LostReason.DoesNotExist:
        raise Http404 from None


@lost_reasons_router.get(
    "", response=responses({200: LostReasonList}), tags=["lost reasons"], operation_id="lost_reasons_list"
)
def list_lost_reasons(request, active: bool | None = None):
    """The reasons a deal may be lost for, in the list's order; ``active=true`` for those offered."""
    reasons = selectors.lost_reasons(include_inactive=True)
    if active is not None:
        reasons = reasons.filter(active=active)
    items = list(reasons)
    return {"items": items, "count": len(items)}


@lost_reasons_router.post(
    "",
    response=responses({201: LostReasonOut}, 403),
    tags=["lost reasons"],
    operation_id="lost_reasons_create",
)
def create_lost_reason(request, payload: LostReasonIn):
    """Add a reason to the list (administrators)."""
    return Status(201, services.save_lost_reason(actor=request.user, values=payload.model_dump()))


@lost_reasons_router.get(
    "/{int:pk}",
    response=responses({200: LostReasonOut}, 404),
    tags=["lost reasons"],
    operation_id="lost_reasons_read",
)
def read_lost_reason(request, pk: int):
    return _lost_reason(pk)


@lost_reasons_router.patch(
    "/{int:pk}",
    response=responses({200: LostReasonOut}, 403, 404),
    tags=["lost reasons"],
    operation_id="lost_reasons_update",
)
def update_lost_reason(request, pk: int, payload: LostReasonPatch):
    """Rename a reason, move it in the list, or stop offering it (``active: false``); administrators only."""
    return services.save_lost_reason(
        actor=request.user, reason=_lost_reason(pk), values=payload.model_dump(exclude_unset=True)
    )
