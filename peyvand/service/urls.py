"""The service desk's pages beside its record types' own (which the registry mounts under /tickets/)."""

from django.urls import path

from peyvand.service import views_tickets
from peyvand.service.urls_calendar import job_patterns

app_name = "service"

urlpatterns = [
    path("", views_tickets.service_home_view, name="home"),
    *job_patterns,
]
