from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from peyvand.api import api
from peyvand.core import registry
from peyvand.imports.views import export_view
from peyvand.web import views as screens


def screen_urls(record_type: registry.RecordType):
    """A record type's pages under /<plural>/ (namespace <plural>): the generic list, record page, form, delete
    and restore of its screen, and its own pages (``ui_urls``) beside them."""
    screen = record_type.screen
    patterns = [
        path("", screens.list_view, {"screen": screen}, name="list"),
        path("new/", screens.form_view, {"screen": screen}, name="create"),
        path("<int:pk>/", screens.detail_view, {"screen": screen}, name="detail"),
        path("<int:pk>/edit/", screens.form_view, {"screen": screen}, name="edit"),
        path("<int:pk>/delete/", screens.delete_view, {"screen": screen}, name="delete"),
        path("<int:pk>/restore/", screens.restore_view, {"screen": screen}, name="restore"),
        path("<int:pk>/fields/<str:name>/", screens.inline_field_view, {"screen": screen}, name="field"),
        path("bulk/", screens.bulk_view, {"screen": screen}, name="bulk"),
        path("views/", screens.save_view_view, {"screen": screen}, name="views"),
        path("views/<int:view_id>/delete/", screens.delete_view_view, {"screen": screen}, name="view-delete"),
        *record_type.ui_urls,
    ]
    return include((patterns, record_type.plural), namespace=record_type.plural)


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
    path("", include("peyvand.billing.urls_catalog")),
    path("", include("peyvand.billing.urls_quotes")),
    path("", include("peyvand.service.urls_sla")),
    path("", include("peyvand.service.urls_calendar")),
    path("", include("peyvand.service.urls_kb")),
    path("", include("peyvand.service.urls_surveys")),
    path("", include("peyvand.messaging.urls_compose")),
    path("", include("peyvand.files.urls")),
    path("", include("peyvand.messaging.urls_mailboxes")),
    path("", include("peyvand.comments.urls")),
    path("", include("peyvand.messaging.urls_sms")),
    path("", include("peyvand.contacts.urls")),
    path("", include("peyvand.messaging.urls")),
    path("", include("peyvand.web.urls")),
    path("imports/", include("peyvand.imports.urls")),
    path("billing/", include("peyvand.billing.urls")),
    path("service/", include("peyvand.service.urls")),
    path("portal/", include("peyvand.portal.urls")),
    path("exports/<str:kind>/", export_view, name="export"),
    # Every registered record type with a screen; the registry is whole once the apps are ready.
    *(path(f"{t.plural}/", screen_urls(t)) for t in registry.record_types() if t.screen is not None),
]
