"""The project's addresses plus two that fail, for the tests of what a crash under /api/ answers."""

from django.urls import path
from ninja import NinjaAPI

from peyvand.core.rest import install_error_handlers
from peyvand.urls import urlpatterns as project_urlpatterns

crash_api = NinjaAPI(urls_namespace="crash-test", docs_url=None, openapi_url=None)
install_error_handlers(crash_api)


@crash_api.get("/crash-in-operation")
def crash_in_operation(request):
    raise RuntimeError("a bug inside an operation")


def crash(request):
    raise RuntimeError("a bug outside the API's operations")


urlpatterns = [
    path("api/v1/crash", crash),
    path("api/v1/", crash_api.urls),
    *project_urlpatterns,
]
