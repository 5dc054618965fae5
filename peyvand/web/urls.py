"""The UI shell's own pages. Each record type's pages are mounted by the project (peyvand/urls.py) from the
registry, with the generic views of ``web.views``."""

from django.urls import path

from peyvand.web import views, views_settings

urlpatterns = [
    path("jobs/<int:pk>/", views.job_view, name="job"),
    path("search/", views.search_view, name="search"),
    path("settings/", views.settings_view, name="settings"),
    path("settings/working-days/", views_settings.working_days_view, name="settings-working-days"),
    path("settings/working-days/holidays/", views_settings.holiday_add_view, name="settings-holiday-add"),
    path(
        "settings/working-days/holidays/<int:pk>/",
        views_settings.holiday_edit_view,
        name="settings-holiday-edit",
    ),
    path(
        "settings/working-days/holidays/<int:pk>/delete/",
        views_settings.holiday_delete_view,
        name="settings-holiday-delete",
    ),
    path(
        "settings/working-days/official/",
        views_settings.official_holidays_view,
        name="settings-holidays-official",
    ),
    path(
        "settings/working-days/import/", views_settings.holidays_import_view, name="settings-holidays-import"
    ),
    path("settings/custom-fields/", views_settings.custom_fields_view, name="settings-custom-fields"),
    path(
        "settings/custom-fields/<int:pk>/",
        views_settings.custom_field_edit_view,
        name="settings-custom-field-edit",
    ),
    path(
        "settings/custom-fields/<int:pk>/delete/",
        views_settings.custom_field_delete_view,
        name="settings-custom-field-delete",
    ),
]
