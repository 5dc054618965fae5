"""Pages of mailboxes: the settings section "My mailboxes" and one e-mail with its thread."""

from django.urls import path

from peyvand.messaging import views_mailboxes as views

urlpatterns = [
    path("settings/mailboxes/", views.mailboxes_view, name="messaging-mailboxes"),
    path("settings/mailboxes/new/", views.mailbox_view, name="messaging-mailbox-add"),
    path("settings/mailboxes/<int:pk>/", views.mailbox_view, name="messaging-mailbox"),
    path("settings/mailboxes/<int:pk>/test/", views.mailbox_test_view, name="messaging-mailbox-test"),
    path("settings/mailboxes/<int:pk>/sync/", views.mailbox_sync_view, name="messaging-mailbox-sync"),
    path("settings/mailboxes/<int:pk>/delete/", views.mailbox_delete_view, name="messaging-mailbox-delete"),
    path("mail/<int:pk>/", views.message_view, name="messaging-mail-message"),
    path("mail/<int:pk>/files/<int:index>/", views.message_file_view, name="messaging-mail-file"),
]
