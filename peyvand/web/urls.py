"""The UI shell's own pages. Each record type's pages are mounted by the project (peyvand/urls.py) from the
registry, with the generic views of ``web.views``."""

from django.urls import path

from peyvand.web import views

urlpatterns = [
    path("jobs/<int:pk>/", views.job_view, name="job"),
    path("search/", views.search_view, name="search"),
    path("settings/", views.settings_view, name="settings"),
]
