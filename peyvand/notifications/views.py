from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from peyvand.core.errors import ValidationFailed
from peyvand.core.listing import paginate
from peyvand.notifications.services import mark_read, notifications_of


@login_required
def notifications_view(request):
    try:
        page = paginate(notifications_of(request.user), request.GET.get("page"), None)
    except ValidationFailed:
        page = paginate(notifications_of(request.user))
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def open_view(request, pk: int):
    """Mark the notification read and follow its link (only a link inside Peyvand)."""
    note = notifications_of(request.user).filter(pk=pk).first()
    if note is None:
        raise Http404
    mark_read(user=request.user, ids=[pk])
    target = note.url if url_has_allowed_host_and_scheme(note.url, allowed_hosts=None) else ""
    return HttpResponseRedirect(target or reverse("notifications"))


@login_required
@require_POST
def read_all_view(request):
    mark_read(user=request.user)
    return HttpResponseRedirect(reverse("notifications"))
