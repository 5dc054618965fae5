"""The customer's survey page (public, by its token)."""

from django.urls import path

from peyvand.service import views_surveys

urlpatterns = [
    path("survey/<str:token>/", views_surveys.survey_view, name="survey-public"),
]
