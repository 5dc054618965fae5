"""Leads pages outside the generic screen: the embeddable public form, the scoring insights and the web forms'
settings."""

from django.urls import path

from peyvand.leads import views, views_webforms

urlpatterns = [
    path("f/<str:key>/", views.public_form_view, name="public_form"),
    path("leads/scoring/<int:pk>/", views.scoring_insights_view, name="scoring_insights"),
    path(
        "leads/scoring/<int:pk>/rules/<int:rule_id>/accept/",
        views.accept_suggestion_view,
        name="scoring_accept",
    ),
    path("leads/scoring/<int:pk>/rescore/", views.rescore_view, name="scoring_rescore"),
    # --- web forms (settings, administrators) ---
    path("settings/web-forms/", views_webforms.web_forms_view, name="leads-web-forms"),
    path("settings/web-forms/new/", views_webforms.web_form_edit_view, name="leads-web-form-create"),
    path("settings/web-forms/<int:pk>/", views_webforms.web_form_edit_view, name="leads-web-form-edit"),
    path(
        "settings/web-forms/<int:pk>/active/",
        views_webforms.web_form_active_view,
        name="leads-web-form-active",
    ),
]
