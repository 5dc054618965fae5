"""Import pages: upload, fix the column mapping, dry-run report, start, progress and report; and export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peyvand.core import registry
from peyvand.core.errors import PeyvandError
from peyvand.imports import exporting, services
from peyvand.imports import fields as F
from peyvand.imports.api import XLSX_TYPE
from peyvand.imports.models import ImportStatus, OnDuplicate
from peyvand.imports.reading import check_size, max_upload


def _run(request, pk: int):
    run = services.runs_visible_to(request.user).filter(pk=pk).first()
    if run is None:
        raise Http404
    return run


@login_required
def upload_view(request):
    error = None
    kinds = [(t.plural, capfirst(t.label_plural)) for t in F.import_types()]
    kind = request.POST.get("kind") or request.GET.get("kind") or kinds[0][0]
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise PeyvandError("import.bad_file", _("Choose a file."), field="file", status=422)
            if upload.size > max_upload():
                check_size(upload.size)  # refused before it is read, naming the limit
            run = services.create_run(
                actor=request.user, kind=kind, file_name=upload.name, content=upload.read()
            )
            # the file is read and checked by the background job; its page shows the progress
            services.start_check(run=run, actor=request.user)
            return HttpResponseRedirect(reverse("imports:detail", args=[run.pk]))
        except PeyvandError as exc:
            error = exc
    return render(request, "imports/upload.html", {"kinds": kinds, "kind": kind, "error": error})


def _editable(run) -> bool:
    return run.has_file and run.status in (ImportStatus.UPLOADED, ImportStatus.CHECKED)


def _detail_context(run) -> dict:
    fields = [(c.name, F.column_label(run.kind, c.name), c.required) for c in F.columns_of(run.kind)]
    # the headers the job read, in the file's order; the page itself never reads the file (runs from before
    # the job read headers keep them as the mapping's keys)
    headers = run.headers or list(run.mapping)
    return {
        "run": run,
        "fields": fields,
        "mapping": [(h, run.mapping.get(h, "")) for h in headers],
        "unmatched": [h for h in headers if not run.mapping.get(h)],
        "missing": [F.column_label(run.kind, n) for n in services.missing_required(run)],
        "editable": _editable(run),
        "resumable": run.has_file and run.status in (ImportStatus.INTERRUPTED, ImportStatus.FAILED),
        "running": run.status in (ImportStatus.RUNNING, ImportStatus.CHECKING),
        "on_duplicate_choices": OnDuplicate.choices,
        # rows can meet a stored record by phone or e-mail only in a type that checks for duplicates
        "matches_stored": _matches_stored(run.kind),
    }


def _matches_stored(kind: str) -> bool:
    record_type = registry.by_plural(kind)
    return bool(record_type and record_type.extra.get("duplicates"))


@login_required
def detail_view(request, pk: int):
    run = _run(request, pk)
    if (
        request.htmx
        and request.GET.get("was") == ImportStatus.CHECKING
        and run.status != ImportStatus.CHECKING
    ):
        # the check is over: the whole page changes (the mapping form, the start button), not only the report
        response = HttpResponse()
        response["HX-Refresh"] = "true"
        return response
    template = "imports/_report.html" if request.htmx else "imports/detail.html"
    return render(request, template, _detail_context(run))


@login_required
@require_POST
def check_view(request, pk: int):
    """Save the column mapping the person chose, then queue the dry run."""
    run = _run(request, pk)
    if not _editable(run) or not run.headers:
        messages.error(request, _("This file is being checked or was refused; it cannot be imported now."))
        return HttpResponseRedirect(reverse("imports:detail", args=[run.pk]))
    headers = services.headers_of(run)
    mapping = {h: request.POST.get(f"col_{i}", "") for i, h in enumerate(headers)}
    try:
        services.set_mapping(run=run, mapping=mapping)
        if "on_duplicate" in request.POST:
            services.set_on_duplicate(run=run, on_duplicate=request.POST["on_duplicate"])
        services.start_check(run=run, actor=request.user)
    except PeyvandError as exc:
        for error in exc.errors or [{"field": None, "message": exc.message}]:
            messages.error(request, f"{error['field'] or ''} {error['message']}".strip())
    return HttpResponseRedirect(reverse("imports:detail", args=[run.pk]))


@login_required
@require_POST
def start_view(request, pk: int):
    run = _run(request, pk)
    try:
        services.start_import(run=run, actor=request.user)
    except PeyvandError as exc:
        messages.error(request, str(exc.message))
    return HttpResponseRedirect(reverse("imports:detail", args=[run.pk]))


@login_required
def export_view(request, kind: str):
    """The list page's rows (its filters, search and ordering), every page of them, as CSV or XLSX; or, posted
    from the list's bulk bar, only the ticked rows (``ids``), which the user must still be able to see."""
    if kind not in {t.plural for t in exporting.exportable_types()}:
        raise Http404
    data = request.POST if request.method == "POST" else request.GET
    fmt = "xlsx" if data.get("format") == "xlsx" else "csv"
    try:
        if request.method == "POST":
            # the list's sorting, and "deleted only" for an administrator, as the list showed the rows
            params = {k: request.POST[k] for k in ("ordering", "deleted") if request.POST.get(k)}
            rows = exporting.rows_for_export(
                user=request.user, kind=kind, params=params, ids=request.POST.getlist("ids")
            )
        else:
            rows = exporting.rows_for_export(user=request.user, kind=kind, params=request.GET.dict())
    except PeyvandError as exc:
        if request.method == "POST":
            for error in exc.errors or [{"message": exc.message}]:
                messages.error(request, str(error["message"]))
            return _back_to_list(request, kind)
        return HttpResponse(str(exc.message), status=exc.status, content_type="text/plain; charset=utf-8")
    if fmt == "xlsx":
        response = HttpResponse(exporting.xlsx_bytes(rows), content_type=XLSX_TYPE)
    else:
        response = StreamingHttpResponse(exporting.csv_chunks(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}.{fmt}"'
    return response


def _back_to_list(request, kind: str) -> HttpResponseRedirect:
    """To the list the bulk bar was sent from (``next``, this site only), else the plain list."""
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or reverse(f"{kind}:list")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse(f"{kind}:list")
    return HttpResponseRedirect(target)
