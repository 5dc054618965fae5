"""Automation rules over the API: administrators and managers (a manager's rules are their team's)."""

from django.conf import settings
from django.http import Http404
from ninja import Query, Router, Status

from peyvand.automation import catalog, services
from peyvand.automation.schemas import CatalogOut, RuleIn, RuleList, RuleOut, RulePatch, RunList
from peyvand.core.listing import MAX_PAGE, paginate
from peyvand.core.rest import responses

router = Router(tags=["automation"])


def _rule(request, pk: int):
    services.require_rule_manager(request.user)
    rule = services.rules_visible_to(request.user).filter(pk=pk).first()
    if rule is None:
        raise Http404
    return rule


PAGE = Query(1, ge=1, le=MAX_PAGE)
PAGE_SIZE = Query(settings.PEYVAND_PAGE_SIZE, ge=1, le=settings.PEYVAND_MAX_PAGE_SIZE)


@router.get(
    "/rules",
    response=responses({200: RuleList}),
    operation_id="automation_rules_list",
    summary="List automation rules",
)
def list_rules(request, page: int = PAGE, page_size: int = PAGE_SIZE, enabled: bool | None = None):
    services.require_rule_manager(request.user)
    rules = services.rules_visible_to(request.user)
    if enabled is not None:
        rules = rules.filter(enabled=enabled)
    page_obj = paginate(rules, page, page_size)
    return {"items": page_obj.items, "count": page_obj.count}


@router.post(
    "/rules",
    response=responses({201: RuleOut}),
    operation_id="automation_rules_create",
    summary="Create an automation rule",
)
def create_rule(request, payload: RuleIn):
    """``trigger``: created, updated, stage_changed, deal_won, deal_lost, activity_completed, lead_assigned,
    ticket_created, ticket_sla_warning, ticket_sla_breached, no_activity (``params.days``), email_not_opened
    (``params.days``: a tracked e-mail about a contact, deal or lead not opened that long), date_reached
    (``params.field``, ``params.offset_days``).
    ``conditions``: ``[{"field", "op", "value"}]``; ``actions``: ``[{"type", ...}]``; what each may hold is listed
    by ``GET /automation/catalog``."""
    rule = services.create_rule(actor=request.user, values=payload.model_dump())
    return Status(201, rule)


@router.get(
    "/rules/{int:pk}",
    response=responses({200: RuleOut}, 404),
    operation_id="automation_rules_read",
    summary="Read an automation rule",
)
def read_rule(request, pk: int):
    return _rule(request, pk)


@router.patch(
    "/rules/{int:pk}",
    response=responses({200: RuleOut}, 404, 409),
    operation_id="automation_rules_update",
    summary="Change an automation rule (send its version)",
)
def update_rule(request, pk: int, payload: RulePatch):
    values = payload.model_dump(exclude_unset=True)
    version = values.pop("version", None)
    values = {k: v for k, v in values.items() if v is not None or k == "record_type"}
    return services.update_rule(actor=request.user, rule=_rule(request, pk), version=version, values=values)


@router.delete(
    "/rules/{int:pk}",
    response=responses({204: None}, 404),
    operation_id="automation_rules_delete",
    summary="Delete an automation rule and its run log",
)
def delete_rule(request, pk: int):
    services.delete_rule(actor=request.user, rule=_rule(request, pk))
    return Status(204, None)


@router.get(
    "/rules/{int:pk}/runs",
    response=responses({200: RunList}, 404),
    operation_id="automation_rules_runs",
    summary="The run log of an automation rule, newest first",
)
def list_runs(request, pk: int, page: int = PAGE, page_size: int = PAGE_SIZE, status: str | None = None):
    runs = _rule(request, pk).runs.all()
    if status:
        runs = runs.filter(status=status[:10])
    page_obj = paginate(runs, page, page_size)
    return {"items": page_obj.items, "count": page_obj.count}


@router.get(
    "/catalog",
    response=responses({200: CatalogOut}),
    operation_id="automation_catalog",
    summary="What rules may be made of: triggers, fields per record type, comparisons, actions",
)
def read_catalog(request):
    services.require_rule_manager(request.user)
    record_types = sorted({t for spec in catalog.TRIGGERS.values() for t in spec.record_types})
    return {
        "triggers": [
            {"name": spec.name, "label": str(spec.label), "record_types": list(spec.record_types)}
            for spec in catalog.TRIGGERS.values()
        ],
        "fields": {
            record_type: [
                {
                    "name": spec.name,
                    "label": str(spec.label),
                    "kind": spec.kind,
                    "writable": spec.writable,
                    "operators": sorted(catalog.OPERATORS_FOR_KIND[spec.kind]),
                }
                for spec in catalog.fields_of(record_type).values()
            ]
            for record_type in record_types
        },
        "operators": {name: str(label) for name, label in catalog.OPERATORS.items()},
        "actions": {name: str(label) for name, label in catalog.ACTIONS.items()},
    }
