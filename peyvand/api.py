"""The REST API, assembled from each app's router: /api/v1/, OpenAPI at /api/v1/openapi.json."""

from ninja import NinjaAPI

from peyvand.activities.api import ACTIVITIES
from peyvand.activities.api import router as activities_router
from peyvand.analytics.api import router as reports_router
from peyvand.analytics.records_api import key_accounts_router, spend_router, surveys_router
from peyvand.automation.api import router as automation_router
from peyvand.contacts.api import COMPANIES, CONTACTS, companies_router, contacts_router
from peyvand.contacts.duplicates_api import router as duplicates_router
from peyvand.core.api import router as jobs_router
from peyvand.core.rest import API_AUTH, install_error_handlers
from peyvand.imports.api import exports_router, imports_router
from peyvand.leads.api import LEADS, intake_router, scoring_router
from peyvand.leads.api import router as leads_router
from peyvand.notifications.api import router as notifications_router
from peyvand.sales.api import DEALS, deals_router, pipelines_router
from peyvand.targets.api import router as targets_router

api = NinjaAPI(
    title="Peyvand API",
    version="1",
    description="Persian-first CRM. Authenticate with `Authorization: Bearer <token>` (`peyvand token USER`).",
    auth=API_AUTH,
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("/companies", companies_router)
api.add_router("/contacts", contacts_router)
api.add_router("/leads", leads_router)
api.add_router("/pipelines", pipelines_router)
api.add_router("/deals", deals_router)
api.add_router("/activities", activities_router)
api.add_router("/jobs", jobs_router)
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

# Every resource the generic routes serve, for tests and tools that walk them all.
RESOURCES = (COMPANIES, CONTACTS, LEADS, DEALS, ACTIVITIES)
