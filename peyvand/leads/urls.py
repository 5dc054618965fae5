"""Leads pages outside the generic screen: the embeddable public form and the scoring insights."""

from django.urls import path

from peyvand.leads import views

urlpatterns = [
    path("f/<str:key>/", views.public_form_view, name="public_form"),
    path("leads/scoring/<int:pk>/", views.scoring_insights_view, name="scoring_insights"),
    path(
        "leads/scoring/<int:pk>/rules/<int:rule_id>/accept/",
        views.accept_suggestion_view,
        name="scoring_accept",
    ),
    path("leads/scoring/<int:pk>/rescore/", views.rescore_view, name="scoring_rescore"),
]
