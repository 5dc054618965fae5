from django.urls import path

from peyvand.targets import views

urlpatterns = [
    path("targets/", views.grid_view, name="targets"),
    path("targets/cell/", views.cell_view, name="targets-cell"),
    path("targets/import/", views.import_view, name="targets-import"),
]
