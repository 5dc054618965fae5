from django.urls import path

from peyvand.activities import views

urlpatterns = [
    path("", views.home, name="home"),
    path("calendar/", views.calendar_view, name="calendar"),
    path("calendar/move/<int:pk>/", views.calendar_move_view, name="calendar-move"),
    path("calendar/feed/rotate/", views.calendar_feed_rotate_view, name="calendar-feed-rotate"),
    path("calendar/feed/<str:token>.ics", views.calendar_feed_view, name="calendar-feed"),
]
