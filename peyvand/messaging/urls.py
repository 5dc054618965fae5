"""The outbox pages, and the public tracking and unsubscribe endpoints (signed tokens, no sign-in)."""

from django.urls import path

from peyvand.messaging import views

urlpatterns = [
    path("outbox/", views.outbox_view, name="outbox"),
    path("outbox/retry/", views.retry_view, name="outbox-retry-many"),
    path("outbox/<int:pk>/", views.message_view, name="outbox-message"),
    path("outbox/<int:pk>/retry/", views.retry_view, name="outbox-retry"),
    path("settings/messaging/", views.settings_view, name="messaging-settings"),
    path("consent/<int:contact_id>/", views.consent_view, name="contact-consent"),
    path("t/o/<str:token>.gif", views.open_view, name="track-open"),
    path("t/c/<str:token>/", views.click_view, name="track-click"),
    path("unsubscribe/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
]
