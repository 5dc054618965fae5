from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AutomationConfig(AppConfig):
    name = "peyvand.automation"
    verbose_name = _("Automation")

    def ready(self):
        from peyvand.automation import receivers

        receivers.connect()

        from peyvand.automation import permissions
        from peyvand.core.settings_sections import SettingsSection, register_section

        register_section(
            SettingsSection(
                key="automation",
                title=_("Automation rules"),
                description=_("What happens by itself when a record is created, changes or waits too long."),
                url_name="automation:list",
                allowed=permissions.can_manage_rules,
                group="sales",
                order=30,
            )
        )
