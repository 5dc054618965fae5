from django.urls import include, path

from peyvand.automation import views

patterns = [
    path("", views.list_view, name="list"),
    path("new/", views.form_view, name="create"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/edit/", views.form_view, name="edit"),
    path("<int:pk>/switch/", views.toggle_view, name="toggle"),
    path("<int:pk>/delete/", views.delete_view, name="delete"),
]

urlpatterns = [path("automation/", include((patterns, "automation"), namespace="automation"))]
