"""File pages: upload to a record's page, download, delete. Thin: the services and selectors hold the rules.

Without JavaScript each form posts and comes back to the record's page; with htmx the record page's side
column is swapped in place (the form selects it from the page the redirect leads to), and a refusal replaces
only the panel, with the message beside the field.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from peyvand.core.errors import NotFound, PeyvandError
from peyvand.core.links import linked_record, record_url
from peyvand.files import selectors, services
from peyvand.files.downloads import file_response


def _back(record_type: str, record_id) -> HttpResponseRedirect:
    return HttpResponseRedirect(record_url(record_type, record_id) or "/", status=303)


@login_required
@require_POST
def upload_view(request, record_type: str, record_id: int):
    try:
        record = linked_record(request.user, record_type, record_id, attachable=True)
    except PeyvandError:
        raise Http404 from None
    try:
        services.attach_file(
            actor=request.user, record_type=record_type, record_id=record_id, upload=request.FILES.get("file")
        )
    except NotFound:
        raise Http404 from None
    except PeyvandError as exc:
        if request.htmx:
            response = render(
                request, "files/_panel.html", {"record": record, "file_error": exc.message}, status=200
            )
            response["HX-Retarget"] = "#files-panel"
            response["HX-Reswap"] = "outerHTML"
            response["HX-Reselect"] = "#files-panel"
            return response
        messages.error(request, exc.message)
    return _back(record_type, record.pk)


@login_required
@require_GET
def download_view(request, pk: int):
    try:
        attachment = selectors.attachment_for(request.user, pk)
    except PeyvandError:
        raise Http404 from None
    return file_response(attachment)


@login_required
@require_POST
def delete_view(request, pk: int):
    try:
        attachment = selectors.attachment_for(request.user, pk)
    except PeyvandError:
        raise Http404 from None
    try:
        services.delete_attachment(actor=request.user, attachment=attachment)
    except NotFound:
        raise Http404 from None
    except PeyvandError as exc:
        messages.error(request, exc.message)
    return _back(attachment.record_type, attachment.record_id)
