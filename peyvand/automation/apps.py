from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AutomationConfig(AppConfig):
    name = "peyvand.automation"
    verbose_name = _("Automation")

    def ready(self):
        from peyvand.automation import receivers

        receivers.connect()
