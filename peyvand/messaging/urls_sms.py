"""The SMS gateway's settings page and its public webhooks."""

from django.urls import path

from peyvand.messaging import views_sms as views

urlpatterns = [
    path("settings/sms/", views.settings_view, name="sms-settings"),
    path("settings/sms/webhook-token/", views.token_view, name="sms-token"),
    path("settings/sms/test/", views.test_view, name="sms-test"),
    path(
        "sms/webhook/<int:gateway_id>/<str:token>/delivery/",
        views.delivery_webhook_view,
        name="sms-webhook-delivery",
    ),
    path(
        "sms/webhook/<int:gateway_id>/<str:token>/inbound/",
        views.inbound_webhook_view,
        name="sms-webhook-inbound",
    ),
]
