from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "peyvand.messaging"
    verbose_name = _("Messaging")

    def ready(self):
        from peyvand.messaging.views_mailboxes import register

        register()
