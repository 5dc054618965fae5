"""Imports and exports over the API: upload a file (dry run or import), read a run's report, export a list."""

from typing import Literal

from django.http import Http404, HttpResponse, StreamingHttpResponse
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from peyvand.core.rest import responses
from peyvand.imports import exporting, services
from peyvand.imports.fields import kinds
from peyvand.imports.reading import check_size, max_upload
from peyvand.imports.schemas import ImportRunOut

imports_router = Router()
exports_router = Router()

# Every registered record type that declares its spreadsheet columns (the registry is whole when the API is
# assembled).
Kind = Literal[tuple(kinds())]
# Every registered record type with exportable fields (the registry is whole when the API is assembled).
ExportKind = Literal[tuple(t.plural for t in exporting.exportable_types())]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@imports_router.post(
    "",
    response=responses({202: ImportRunOut}, 413),
    tags=["imports"],
    operation_id="imports_create",
    summary="Upload a CSV or XLSX file: queue its check (dry run) or its import",
)
def create_import(
    request,
    file: File[UploadedFile],
    kind: Form[Kind],
    dry_run: Form[bool] = True,
    owner: Form[str | None] = None,
    on_duplicate: Form[Literal["skip", "update"]] = "skip",
):
    """The file is stored and the answer comes at once (202): the file is read by a background job
    (``job_id``; read the run or ``/jobs/{id}`` for its progress). With ``dry_run`` (the default) the job
    checks every row (status ``checking``, then ``checked``) and reports every bad cell by row and column;
    nothing is written. Without it the job imports the file (status ``running``, then ``done``). A file
    over a limit (rows, columns, unpacked size) ends ``refused``, its report naming the limit.
    ``on_duplicate=update`` makes a row sharing a phone or e-mail with a stored record the caller may change
    update that record instead of being skipped."""
    if file.size and file.size > max_upload():
        check_size(file.size)  # refused before it is read, naming the limit
    run = services.create_run(
        actor=request.user,
        kind=kind,
        file_name=file.name or "",
        content=file.read(),
        owner=owner or None,
        on_duplicate=on_duplicate,
    )
    run = (
        services.start_check(run=run, actor=request.user)
        if dry_run
        else services.start_import(run=run, actor=request.user)
    )
    run.refresh_from_db()
    return Status(202, run)


@imports_router.get(
    "/{int:pk}",
    response=responses({200: ImportRunOut}, 404),
    tags=["imports"],
    operation_id="imports_read",
    summary="An import's status, counts, failed cells and duplicates",
)
def read_import(request, pk: int):
    run = services.runs_visible_to(request.user).filter(pk=pk).first()
    if run is None:
        raise Http404
    return run


@exports_router.get(
    "/{resource}",
    response=responses({200: None}, 404),
    tags=["exports"],
    operation_id="exports_read",
    summary="Export a filtered list as CSV or XLSX",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file",
                "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
)
def export_list(
    request, resource: ExportKind, format: Query[Literal["csv", "xlsx"]] = "csv", ordering: str | None = None
):
    """Takes the list's own filters, search and ordering as query parameters; only records the caller may
    see are exported."""
    params = request.GET.dict()
    rows = exporting.rows_for_export(user=request.user, kind=resource, params=params)
    if format == "xlsx":
        response = HttpResponse(exporting.xlsx_bytes(rows), content_type=XLSX_TYPE)
    else:
        response = StreamingHttpResponse(exporting.csv_chunks(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{resource}.{format}"'
    return response
