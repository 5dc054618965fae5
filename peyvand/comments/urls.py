from django.urls import path

from peyvand.comments import views

app_name = "comments"
urlpatterns = [
    path("records/<str:record_type>/<int:record_id>/comments/", views.add_view, name="add"),
    path("comments/<int:pk>/edit/", views.edit_view, name="edit"),
    path("comments/<int:pk>/delete/", views.delete_view, name="delete"),
]
