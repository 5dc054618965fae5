"""The service dashboard's page: thin, the figures are the reports' (``service_dashboard``)."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from peyvand.analytics.service_dashboard import (
    can_see_service_dashboard,
    service_dashboard,
    service_filter_choices,
)
from peyvand.analytics.views import _filter_context, _params
from peyvand.core.errors import PeyvandError


@login_required
def service_dashboard_view(request):
    if not can_see_service_dashboard(request.user):
        raise PermissionDenied
    params = _params(request)
    errors: list[dict[str, Any]] = []
    try:
        data = service_dashboard(request.user, params)
    except PeyvandError as exc:
        errors = exc.errors
        data = service_dashboard(request.user, {})
    context = {
        **data,
        **_filter_context(request, params),
        "choices": service_filter_choices(request.user),
        "errors": errors,
    }
    return render(request, "analytics/service_dashboard.html", context)
