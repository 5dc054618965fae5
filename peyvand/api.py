"""The REST API, assembled from each app's router: /api/v1/, OpenAPI at /api/v1/openapi.json."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from ninja import NinjaAPI, Router

from peyvand.accounts.apiauth import API_AUTH, BearerAuth
from peyvand.analytics.api import router as reports_router
from peyvand.analytics.records_api import key_accounts_router, spend_router, surveys_router
from peyvand.automation.api import router as automation_router
from peyvand.billing.api_catalog import price_lists_router, tax_router
from peyvand.billing.api_quotes import deal_lines_router
from peyvand.comments.api import router as comments_router
from peyvand.contacts.duplicates_api import router as duplicates_router
from peyvand.core import registry
from peyvand.core.api import router as jobs_router
from peyvand.core.api import search_router
from peyvand.core.errors import api_error_response
from peyvand.core.rest import add_crud_routes, install_error_handlers
from peyvand.files.api import router as files_router
from peyvand.imports.api import exports_router, imports_router
from peyvand.leads.api import intake_router, scoring_router
from peyvand.notifications.api import router as notifications_router
from peyvand.sales.api import lost_reasons_router, pipelines_router
from peyvand.service.api_calendar import jobs_router as field_jobs_router
from peyvand.service.api_calendar import resources_router as service_resources_router
from peyvand.targets.api import router as targets_router


def docs_for_users(view):
    """The API's documentation is for the people who use it: a signed-in session or a valid token, unless
    PEYVAND_API_DOCS_PUBLIC opens it. Refused, the document answers the API's JSON 401; the page sends people
    to sign in."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if settings.PEYVAND_API_DOCS_PUBLIC or request.user.is_authenticated or BearerAuth()(request):
            return view(request, *args, **kwargs)
        if request.resolver_match and request.resolver_match.url_name == "openapi-json":
            return api_error_response(401)
        return redirect_to_login(request.get_full_path())

    return guarded


api = NinjaAPI(
    title="Peyvand API",
    version="1",
    description="Persian-first CRM. Authenticate with `Authorization: Bearer <token>` (`peyvand token USER`).",
    auth=API_AUTH,
    urls_namespace="api",
    docs_decorator=docs_for_users,
)
install_error_handlers(api)


def record_router(record_type: registry.RecordType) -> Router:
    """A record type's routes: the generic ones of its resource, and its own (moves, conversions) beside them."""
    router = Router()
    add_crud_routes(router, record_type.resource)
    if record_type.api_router is not None:
        router.add_router("", record_type.api_router)
    return router


# Every registered record type with a resource, at /<plural>; the registry is whole once the apps are ready.
for record_type in registry.record_types():
    if record_type.resource is not None:
        api.add_router(f"/{record_type.plural}", record_router(record_type))

# A deal's product lines and "make a quote" (billing, an app above sales, so not in sales' own deal router).
api.add_router("/deals", deal_lines_router)
api.add_router("/pipelines", pipelines_router)
api.add_router("/field-jobs", field_jobs_router)
api.add_router("/service-resources", service_resources_router)
api.add_router("/lost-reasons", lost_reasons_router)
api.add_router("/price-lists", price_lists_router)
api.add_router("/tax", tax_router)
api.add_router("/jobs", jobs_router)
api.add_router("/search", search_router)
api.add_router("/duplicates", duplicates_router)
api.add_router("/imports", imports_router)
api.add_router("/exports", exports_router)
api.add_router("/intake", intake_router)
api.add_router("/scoring-models", scoring_router)
api.add_router("/notifications", notifications_router)
api.add_router("/automation", automation_router)
api.add_router("/targets", targets_router)
api.add_router("/reports", reports_router)
api.add_router("/spend", spend_router)
api.add_router("/survey-responses", surveys_router)
api.add_router("/key-accounts", key_accounts_router)
# Files and comments on any record: /records/{record_type}/{record_id}/files|comments, /files/{pk}, /comments/{pk}
api.add_router("", files_router)
api.add_router("", comments_router)

# Every resource the generic routes serve, for tests and tools that walk them all.
RESOURCES = tuple(t.resource for t in registry.record_types() if t.resource is not None)
