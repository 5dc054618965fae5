"""Dashboard, sales-floor board and report pages. The figures are the reports'; these parse, render and export."""

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peyvand.analytics.charts import bars, format_value
from peyvand.analytics.dashboard import dashboard, filter_choices
from peyvand.analytics.links import row_links
from peyvand.analytics.registry import REPORTS
from peyvand.analytics.selectors import OPTION_PARAMS, run_report
from peyvand.core import periods
from peyvand.core.errors import PeyvandError
from peyvand.core.pdf import render_pdf
from peyvand.imports.exporting import csv_chunks, escape_formula, xlsx_bytes

SEGMENT_LABELS = {
    "rep": gettext_lazy("Rep"),
    "team": gettext_lazy("Team"),
    "region": gettext_lazy("Region"),
    "pipeline": gettext_lazy("Pipeline"),
    "channel": gettext_lazy("Channel"),
    "audience": gettext_lazy("Audience"),
    "customer": gettext_lazy("New or current customer"),
    "month": gettext_lazy("Month"),
    "day": gettext_lazy("Day"),
    "rep-day": gettext_lazy("Rep and day"),
    "product": gettext_lazy("Product"),
    "category": gettext_lazy("Product category"),
    "priority": gettext_lazy("Priority"),
}
RECENT_MONTHS = 12
RECENT_QUARTERS = 4


def period_options(today) -> list[tuple[str, str]]:
    """The recent months and quarters of the business calendar, as "kind:year:number" with their names."""
    calendar = periods.business_calendar()
    options = []
    for kind, count in ((periods.MONTH, RECENT_MONTHS), (periods.QUARTER, RECENT_QUARTERS)):
        period = periods.period_containing(calendar, kind, today)
        for _i in range(count):
            options.append((f"{kind}:{period.year}:{period.number}", period.label()))
            period = periods.period_containing(calendar, kind, period.start - dt.timedelta(days=1))
    return options


def _params(request) -> dict[str, Any]:
    """The query as the reports read it; ``period=month:1405:9`` from the page's select becomes its parts."""
    params = {k: v for k, v in request.GET.dict().items() if v != ""}
    for name in ("a_reps", "b_reps"):  # a multiple select sends each rep on its own
        if len(request.GET.getlist(name)) > 1:
            params[name] = ",".join(v for v in request.GET.getlist(name) if v)
    chosen = params.pop("period", "")
    if chosen and not (params.get("start") or params.get("end")):
        kind, _sep, rest = chosen.partition(":")
        year, _sep, number = rest.partition(":")
        params.update(period_kind=kind, year=year, number=number)
    return params


def _filter_context(request, params, *, products: bool = False) -> dict[str, Any]:
    today = timezone.localdate()
    chosen = request.GET.get("period") or ""
    if not chosen and not (params.get("start") or params.get("end")):
        current = periods.period_containing(periods.business_calendar(), periods.MONTH, today)
        chosen = f"month:{current.year}:{current.number}"
    return {
        "choices": filter_choices(request.user, products=products),
        "period_options": period_options(today),
        "chosen_period": chosen,
        "params": request.GET,
    }


@login_required
def dashboard_view(request):
    params = _params(request)
    errors: list[dict[str, Any]] = []
    try:
        data = dashboard(request.user, params)
    except PeyvandError as exc:
        errors = exc.errors
        data = dashboard(request.user, {})
    context = {**data, **_filter_context(request, params), "errors": errors}
    template = "analytics/_dashboard_body.html" if request.htmx else "analytics/dashboard.html"
    return render(request, template, context)


@login_required
def sales_board_view(request):
    """Big numbers and a bar per rep for a screen on the sales floor; the page refreshes itself."""
    params = _params(request)
    params.pop("start", None), params.pop("end", None)
    data = run_report(request.user, "plan-completion", params | {"as_of": timezone.localdate()})["data"]
    reps = [r for r in data["rows"] if r["kind"] == "rep"]
    scale = max([float(r["plan"]) for r in reps] + [float(r["actual"]) for r in reps] + [0])
    for row in reps:
        row["plan_width"] = round(float(row["plan"]) / scale * 100, 1) if scale else 0
        row["actual_width"] = round(float(row["actual"]) / scale * 100, 1) if scale else 0
    reps.sort(key=lambda r: -r["actual"])
    context = {"data": data, "reps": reps, "total": data["total"], "now": timezone.localtime()}
    template = "analytics/_board_body.html" if request.htmx else "analytics/board.html"
    return render(request, template, context)


@login_required
def reports_view(request):
    reports = sorted(REPORTS.values(), key=lambda r: str(r.title))
    return render(request, "analytics/reports.html", {"reports": reports})


def _table(report_data: dict[str, Any]) -> tuple[list[dict], list[list[str]]]:
    columns = report_data.get("columns", [])
    rows = [
        [format_value(c["kind"], row.get(c["key"])) for c in columns] for row in report_data.get("rows", [])
    ]
    return columns, rows


@login_required
def report_view(request, metric: str):
    if metric not in REPORTS:
        raise Http404
    report = REPORTS[metric]
    params = _params(request)
    errors: list[dict[str, Any]] = []
    try:
        result = run_report(request.user, metric, params)
    except PeyvandError as exc:
        errors = exc.errors
        result = run_report(request.user, metric, {})
    columns, rows = _table(result["data"])
    # The first money column (else the first count) is drawn as bars beside the table.
    chart_key = next((c["key"] for c in columns if c["kind"] == "money"), None) or next(
        (c["key"] for c in columns if c["kind"] == "number"), None
    )
    widths = bars(result["data"].get("rows", []), chart_key) if chart_key else []
    links = row_links(metric, result)
    # A zero opens nothing worth seeing, so it is not a link.
    cells = [
        [
            (value, link.get(c["key"]) if raw.get(c["key"]) != 0 else None)
            for value, c in zip(row, columns, strict=True)
        ]
        for row, raw, link in zip(
            rows, result["data"].get("rows", []), links or [{}] * len(rows), strict=True
        )
    ]
    context = {
        "report": report,
        "result": result,
        "columns": columns,
        "rows": list(zip(cells, widths or [None] * len(rows), strict=False)),
        "chart_column": next((c for c in columns if c["key"] == chart_key), None),
        "options": [name for name in OPTION_PARAMS if name in report.options],
        "segments": [(value, SEGMENT_LABELS[value]) for value in report.options.get("by", ())],
        "export_query": request.GET.urlencode(),
        "errors": errors,
        **_filter_context(request, params, products=True),
    }
    return render(request, "analytics/report.html", context)


@login_required
def report_export_view(request, metric: str):
    """A report's table as CSV, XLSX (formula-looking cells escaped) or PDF; what the user may see only."""
    if metric not in REPORTS:
        raise Http404
    params = _params(request)
    fmt = params.pop("format", "csv")
    try:
        result = run_report(request.user, metric, params)
    except PeyvandError as exc:
        return HttpResponse(str(exc.message), status=400, content_type="text/plain; charset=utf-8")
    columns, rows = _table(result["data"])
    name = f"{metric}-{result['filters']['start']}-{result['filters']['end']}"
    if fmt == "pdf":
        return _pdf_response(request, REPORTS[metric], result, columns, rows, name)
    lines = [
        [escape_formula(str(c["label"])) for c in columns],
        *[[escape_formula(v) for v in row] for row in rows],
    ]
    if fmt == "xlsx":
        response = HttpResponse(
            xlsx_bytes(iter(lines)),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    if fmt != "csv":
        return HttpResponse(
            _("Choose csv, xlsx or pdf."), status=400, content_type="text/plain; charset=utf-8"
        )
    response = StreamingHttpResponse(csv_chunks(iter(lines)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


FILTER_LABELS = {
    "team": gettext_lazy("Team"),
    "rep": gettext_lazy("Rep"),
    "pipeline": gettext_lazy("Pipeline"),
    "region": gettext_lazy("Region"),
    "channel": gettext_lazy("Channel"),
    "audience": gettext_lazy("Audience"),
    "customer": gettext_lazy("Customers"),
    "product": gettext_lazy("Product"),
    "category": gettext_lazy("Product category"),
    "by": gettext_lazy("Break down by"),
}


def _pdf_response(request, report, result, columns, rows, name: str) -> HttpResponse:
    filters = [
        (FILTER_LABELS[key], SEGMENT_LABELS.get(value, value) if key == "by" else value)
        for key, value in result["filters"].items()
        if key in FILTER_LABELS and value
    ]
    context = {
        "report": report,
        "start": dt.date.fromisoformat(result["filters"]["start"]),
        "end": dt.date.fromisoformat(result["filters"]["end"]),
        "filters": filters,
        "columns": columns,
        "rows": rows,
        "message": result["data"].get("message", ""),
        "printed": timezone.now(),
        "user": request.user,
    }
    response = HttpResponse(
        render_pdf("analytics/report_pdf.html", context, request), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response
