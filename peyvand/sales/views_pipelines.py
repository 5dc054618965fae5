"""Settings pages for sales processes: pipelines and their stages, each stage's probability, kind, maximum days,
script, checklist and exit criteria.

Administrators only, as the pipeline service says. The form posts every stage with its items; the view turns it
into the list ``save_pipeline`` takes (the same as the API's), and puts the service's errors back on the inputs.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from peyvand.accounts.models import Team
from peyvand.core.errors import PeyvandError
from peyvand.core.text import to_ascii_digits
from peyvand.sales import exit_criteria, permissions, selectors
from peyvand.sales.models import Pipeline, StageKind
from peyvand.sales.services import save_pipeline

BLANK_ITEMS = 2  # empty checklist rows offered under each stage
MAX_FORM_STAGES = 60
MAX_FORM_ITEMS = 60


def _admin_only(user) -> None:
    if not permissions.can_change_pipelines(user):
        raise PermissionDenied


@login_required
def pipeline_list_view(request):
    _admin_only(request.user)
    return render(
        request, "sales/pipeline_list.html", {"pipelines": list(selectors.pipelines_visible_to(request.user))}
    )


def _rows_from(pipeline: Pipeline | None) -> list[dict[str, Any]]:
    rows = []
    for stage in pipeline.stages.all() if pipeline else []:
        rows.append(
            {
                "id": stage.pk,
                "name": stage.name,
                "position": stage.order + 1,
                "probability": stage.probability,
                "kind": stage.kind,
                "max_days": stage.max_days or "",
                "script": stage.script,
                "required_fields": list(stage.required_fields or []),
                "delete": False,
                "items": [
                    {"id": i.pk, "text": i.text, "required": i.required} for i in stage.active_checklist()
                ],
            }
        )
    return rows


def _int_or_text(value: str) -> Any:
    """A number typed in any digits, or the text itself so the service can say what is wrong with it."""
    text = to_ascii_digits((value or "").strip())
    try:
        return int(text)
    except ValueError:
        return text or None


def _rows_from_post(post) -> list[dict[str, Any]]:
    rows = []
    try:
        count = min(int(post.get("stage_count", "0")), MAX_FORM_STAGES)
    except ValueError:
        count = 0
    for i in range(count):
        p = f"s{i}-"
        try:
            item_count = min(int(post.get(p + "item_count", "0")), MAX_FORM_ITEMS)
        except ValueError:
            item_count = 0
        items = []
        for j in range(item_count):
            q = f"{p}i{j}-"
            items.append(
                {
                    "id": _int_or_text(post.get(q + "id", "")),
                    "text": post.get(q + "text", ""),
                    "required": post.get(q + "required") == "on",
                }
            )
        rows.append(
            {
                "id": _int_or_text(post.get(p + "id", "")),
                "name": post.get(p + "name", ""),
                "position": _int_or_text(post.get(p + "position", "")),
                "probability": _int_or_text(post.get(p + "probability", "")),
                "kind": post.get(p + "kind", StageKind.OPEN),
                "max_days": _int_or_text(post.get(p + "max_days", "")),
                "script": post.get(p + "script", ""),
                "required_fields": post.getlist(p + "required_fields"),
                "delete": post.get(p + "delete") == "on",
                "items": items,
            }
        )
    return rows


def _stages_for_service(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[int]]:
    """The stages to keep, in the order of their positions, and for each the index of its row in the form."""
    kept = [(i, row) for i, row in enumerate(rows) if (row["name"] or "").strip() and not row["delete"]]

    def place(pair):
        # A new stage given an existing stage's position goes before it, as "insert at position N" reads.
        index, row = pair
        position = row["position"] if isinstance(row["position"], int) else 10**6
        return (position, isinstance(row["id"], int), index)

    kept.sort(key=place)
    stages = []
    for _i, row in kept:
        stages.append(
            {
                **({"id": row["id"]} if isinstance(row["id"], int) else {}),
                "name": row["name"],
                "probability": row["probability"] if row["probability"] is not None else 10,
                "kind": row["kind"],
                "max_days": row["max_days"],
                "script": row["script"],
                "required_fields": row["required_fields"],
                "checklist": [
                    {
                        **({"id": item["id"]} if isinstance(item["id"], int) else {}),
                        "text": item["text"],
                        "required": item["required"],
                    }
                    for item in row["items"]
                    if (item["text"] or "").strip()
                ],
            }
        )
    return stages, [i for i, _row in kept]


def _place_errors(exc: PeyvandError, rows, row_of_stage: list[int]) -> list[str]:
    """Put each of the service's errors on its stage's row; return those that belong to the whole form."""
    general = []
    for error in exc.errors or [{"field": None, "message": exc.message}]:
        field = error.get("field") or ""
        parts = field.split(".")
        if (
            parts[0] == "stages"
            and len(parts) >= 2
            and parts[1].isdigit()
            and int(parts[1]) < len(row_of_stage)
        ):
            row = rows[row_of_stage[int(parts[1])]]
            row.setdefault("errors", []).append(str(error["message"]))
        else:
            general.append(str(error["message"]))
    return general


@login_required
def pipeline_edit_view(request, pk: int | None = None):
    _admin_only(request.user)
    pipeline = None
    if pk is not None:
        pipeline = selectors.pipelines_visible_to(request.user).filter(pk=pk).first()
        if pipeline is None:
            raise Http404
    general_errors: list[str] = []
    values = {
        "name": pipeline.name if pipeline else "",
        "team": pipeline.team_id if pipeline else None,
        "is_default": pipeline.is_default if pipeline else False,
        "order": pipeline.order if pipeline else 0,
    }
    rows = _rows_from(pipeline)
    if request.method == "POST":
        rows = _rows_from_post(request.POST)
        values = {
            "name": request.POST.get("name", ""),
            "team": _int_or_text(request.POST.get("team", "")),
            "is_default": request.POST.get("is_default") == "on",
            "order": _int_or_text(request.POST.get("order", "")) or 0,
        }
        stages, row_of_stage = _stages_for_service(rows)
        try:
            if not isinstance(values["order"], int) or not 0 <= values["order"] <= 10000:
                raise PeyvandError(
                    "validation", _("Enter a whole number from 0 to 10000."), field="order", status=422
                )
            saved = save_pipeline(actor=request.user, pipeline=pipeline, values={**values, "stages": stages})
        except PeyvandError as exc:
            general_errors = _place_errors(exc, rows, row_of_stage)
        else:
            messages.success(request, _("Pipeline saved."))
            return HttpResponseRedirect(reverse("sales-pipeline-edit", args=[saved.pk]))
    rows = [r for r in rows if (r["name"] or "").strip() or isinstance(r["id"], int)]
    rows.append(
        {
            "id": "",
            "name": "",
            "position": len(rows) + 1,
            "probability": 10,
            "kind": StageKind.OPEN,
            "max_days": "",
            "script": "",
            "required_fields": [],
            "delete": False,
            "items": [],
            "new": True,
        }
    )
    for row in rows:
        filled = [item for item in row["items"] if (item["text"] or "").strip()]
        row["items"] = [*filled, *({"id": "", "text": "", "required": False} for _ in range(BLANK_ITEMS))]
    return render(
        request,
        "sales/pipeline_form.html",
        {
            "pipeline": pipeline,
            "values": values,
            "rows": rows,
            "teams": Team.objects.order_by("name"),
            "kinds": StageKind.choices,
            "field_options": exit_criteria.field_options(),
            "general_errors": general_errors,
        },
    )
