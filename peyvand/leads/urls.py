"""Leads pages outside the generic screen: the embeddable public form, the scoring insights, and the settings of
assignment rules, scoring models and web forms."""

from django.urls import path

from peyvand.leads import views, views_settings, views_webforms

urlpatterns = [
    path("f/<str:key>/", views.public_form_view, name="public_form"),
    path("leads/scoring/<int:pk>/", views.scoring_insights_view, name="scoring_insights"),
    path(
        "leads/scoring/<int:pk>/rules/<int:rule_id>/accept/",
        views.accept_suggestion_view,
        name="scoring_accept",
    ),
    path("leads/scoring/<int:pk>/rescore/", views.rescore_view, name="scoring_rescore"),
    path("settings/assignment/", views_settings.assignment_rules_view, name="leads-assignment"),
    path(
        "settings/assignment/new/",
        views_settings.assignment_rule_create_view,
        name="leads-assignment-create",
    ),
    path(
        "settings/assignment/<int:pk>/",
        views_settings.assignment_rule_edit_view,
        name="leads-assignment-edit",
    ),
    path(
        "settings/assignment/<int:pk>/move/",
        views_settings.assignment_rule_move_view,
        name="leads-assignment-move",
    ),
    path(
        "settings/assignment/<int:pk>/delete/",
        views_settings.assignment_rule_delete_view,
        name="leads-assignment-delete",
    ),
    path("settings/scoring/", views_settings.scoring_models_view, name="leads-scoring"),
    path("settings/scoring/new/", views_settings.scoring_model_create_view, name="leads-scoring-create"),
    path("settings/scoring/<int:pk>/", views_settings.scoring_model_edit_view, name="leads-scoring-edit"),
    path(
        "settings/scoring/<int:pk>/rules/",
        views_settings.scoring_rule_add_view,
        name="leads-scoring-rule-add",
    ),
    path(
        "settings/scoring/<int:pk>/rules/<int:rule_id>/",
        views_settings.scoring_rule_edit_view,
        name="leads-scoring-rule-edit",
    ),
    path(
        "settings/scoring/<int:pk>/rules/<int:rule_id>/delete/",
        views_settings.scoring_rule_delete_view,
        name="leads-scoring-rule-delete",
    ),
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
