from django.urls import path

from peyvand.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.upload_view, name="upload"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/check/", views.check_view, name="check"),
    path("<int:pk>/start/", views.start_view, name="start"),
]
