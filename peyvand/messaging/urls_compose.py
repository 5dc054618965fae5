from django.urls import path

from peyvand.messaging import views_compose

urlpatterns = [
    path(
        "messages/new/<str:record_type>/<int:record_id>/<str:channel>/",
        views_compose.compose_view,
        name="messaging-compose",
    ),
    path("settings/message-templates/", views_compose.templates_view, name="messaging-templates"),
    path("settings/message-templates/new/", views_compose.template_edit_view, name="messaging-template-new"),
    path(
        "settings/message-templates/<int:pk>/",
        views_compose.template_edit_view,
        name="messaging-template-edit",
    ),
    path(
        "settings/message-templates/<int:pk>/delete/",
        views_compose.template_delete_view,
        name="messaging-template-delete",
    ),
]
