"""Comment forms on a record's page: add, edit (the author), delete. Thin: the services hold the rules.

As with files, a form posts and comes back to the record's page; with htmx the page's side column is swapped
in place, and a refusal replaces only the comment box with the message beside the field.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_POST

from peyvand.comments import selectors, services
from peyvand.core.errors import NotFound, PeyvandError
from peyvand.core.links import linked_record, record_url


def _back(record_type: str, record_id) -> HttpResponseRedirect:
    return HttpResponseRedirect(record_url(record_type, record_id) or "/", status=303)


@login_required
@require_POST
def add_view(request, record_type: str, record_id: int):
    try:
        record = linked_record(request.user, record_type, record_id, attachable=True)
    except PeyvandError:
        raise Http404 from None
    body = request.POST.get("body", "")
    try:
        services.add_comment(actor=request.user, record_type=record_type, record_id=record_id, body=body)
    except NotFound:
        raise Http404 from None
    except PeyvandError as exc:
        if request.htmx:
            response = render(
                request,
                "comments/_panel.html",
                {"record": record, "comment_error": exc.message, "body": body},
            )
            response["HX-Retarget"] = "#comments-panel"
            response["HX-Reswap"] = "outerHTML"
            response["HX-Reselect"] = "#comments-panel"
            return response
        messages.error(request, exc.message)
    return _back(record_type, record.pk)


def _comment(request, pk: int):
    try:
        return selectors.comment_for(request.user, pk)
    except PeyvandError:
        raise Http404 from None


@login_required
@require_POST
def edit_view(request, pk: int):
    comment = _comment(request, pk)
    try:
        services.edit_comment(actor=request.user, comment=comment, body=request.POST.get("body", ""))
    except NotFound:
        raise Http404 from None
    except PeyvandError as exc:
        messages.error(request, exc.message)
    return _back(comment.record_type, comment.record_id)


@login_required
@require_POST
def delete_view(request, pk: int):
    comment = _comment(request, pk)
    try:
        services.delete_comment(actor=request.user, comment=comment)
    except NotFound:
        raise Http404 from None
    except PeyvandError as exc:
        messages.error(request, exc.message)
    return _back(comment.record_type, comment.record_id)
