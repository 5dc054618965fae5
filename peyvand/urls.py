from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from peyvand.api import api


@csrf_exempt
def api_not_found(request):
    """Under /api/ even an unknown address answers in the API's own JSON error format."""
    return JsonResponse({"detail": _("Not found."), "code": "not_found", "errors": []}, status=404)


urlpatterns = [
    path("api/v1/", api.urls),
    re_path(r"^api/", api_not_found),
    path("", include("peyvand.accounts.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("peyvand.leads.urls")),
    path("", include("peyvand.notifications.urls")),
    path("", include("peyvand.automation.urls")),
    path("", include("peyvand.targets.urls")),
    path("", include("peyvand.analytics.urls")),
    path("", include("peyvand.activities.urls")),
    path("", include("peyvand.sales.urls")),
    path("", include("peyvand.files.urls")),
    path("", include("peyvand.comments.urls")),
    path("", include("peyvand.web.urls")),
]
