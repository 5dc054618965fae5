"""The printed documents and the tax system's export: a quote's, invoice's or credit note's PDF for whoever may
see the record (another team's is not found), and the issued invoices of a period for those who issue them."""

import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from peyvand.billing import export_tax, pdf
from peyvand.billing.models import Invoice, Quote
from peyvand.billing.permissions import can_issue_invoices
from peyvand.core import jalali, registry
from peyvand.core.errors import PeyvandError

MODELS = {"quote": Quote, "invoice": Invoice}
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def visible(model, user):
    """The records of a billing model the user may see: through its registered type when billing has registered
    it (its own selector), else the owner/team rule every record follows."""
    kind = registry.for_model(model)
    return kind.visible(user) if kind is not None else model.objects.visible_to(user)


def _download(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def document_pdf_view(request, kind: str, pk: int):
    """/billing/<quote|invoice>/<id>/pdf/[?language=en]: the document printed in the page's language, or the one
    asked for."""
    model = MODELS.get(kind)
    # an id larger than any key is not found (not a database overflow)
    document = visible(model, request.user).filter(pk=pk).first() if model and 0 < pk < 2**63 else None
    if document is None:
        raise Http404
    offered = {code for code, _name in settings.LANGUAGES}
    language = request.GET.get("language")
    language = language if language in offered else None
    return _download(
        pdf.document_pdf(document, language=language),
        pdf.file_name(document, language=language),
        "application/pdf",
    )


def _day(request, name: str, errors: dict) -> dt.date | None:
    text = request.GET.get(name, "").strip()
    if not text:
        errors[name] = pgettext("tax export", "Give a date.")
        return None
    try:
        return jalali.parse_date(text)[0]
    except ValueError as exc:
        errors[name] = (
            str(exc)
            if isinstance(exc, jalali.DateOutOfRange)
            else pgettext("tax export", "Write a date such as 1404/01/01.")
        )
        return None


@login_required
@require_GET
def tax_export_view(request):
    """/billing/tax-export/: a form for the period; with ?start=&end=&format= the file itself."""
    if not can_issue_invoices(request.user):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if "start" not in request.GET:
        return render(request, "billing/tax_export.html", {"errors": errors, "params": {}})
    start, end = _day(request, "start", errors), _day(request, "end", errors)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS:
        errors["format"] = pgettext("tax export", "Choose CSV or XLSX.")
    if start and end and end < start:
        errors["end"] = _("The end comes before the start.")
    if errors or start is None or end is None:
        return render(
            request, "billing/tax_export.html", {"errors": errors, "params": request.GET}, status=422
        )
    try:
        invoices = export_tax.invoices_for_tax(user=request.user, start=start, end=end)
    except PeyvandError as exc:
        raise PermissionDenied(str(exc.message)) from None
    rows = export_tax.tax_rows(invoices)
    content = export_tax.csv_bytes(rows) if fmt == "csv" else export_tax.xlsx_bytes(rows)
    return _download(content, f"moadian-{start.isoformat()}-{end.isoformat()}.{fmt}", FORMATS[fmt])
