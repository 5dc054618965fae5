from django.urls import path

from peyvand.files import views

app_name = "files"
urlpatterns = [
    path("records/<str:record_type>/<int:record_id>/files/", views.upload_view, name="upload"),
    path("files/<int:pk>/download/", views.download_view, name="download"),
    path("files/<int:pk>/delete/", views.delete_view, name="delete"),
]
