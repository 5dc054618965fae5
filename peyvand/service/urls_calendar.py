"""Pages of the service calendar: jobs and a resource's feed under /service/, resources in the settings."""

from django.urls import path

from peyvand.service import views_calendar as views

# mounted in the service namespace (service/urls.py)
job_patterns = [
    path("jobs/new/", views.job_new_view, name="job-new"),
    path("jobs/<int:pk>/", views.job_view, name="job"),
    path("jobs/<int:pk>/edit/", views.job_edit_view, name="job-edit"),
    path("resources/feed/<str:token>.ics", views.resource_feed_view, name="resource-feed"),
]

urlpatterns = [
    path("settings/service/resources/", views.resources_view, name="service-resources"),
    path("settings/service/resources/new/", views.resource_view, name="service-resource-add"),
    path("settings/service/resources/<int:pk>/", views.resource_view, name="service-resource"),
    path(
        "settings/service/resources/<int:pk>/feed/",
        views.resource_feed_rotate_view,
        name="service-resource-feed-rotate",
    ),
]
