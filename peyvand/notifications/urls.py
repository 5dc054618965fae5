from django.urls import path

from peyvand.notifications import views

urlpatterns = [
    path("notifications/", views.notifications_view, name="notifications"),
    path("notifications/<int:pk>/open/", views.open_view, name="notification-open"),
    path("notifications/read-all/", views.read_all_view, name="notifications-read-all"),
]
