from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "peyvand.messaging"
    verbose_name = _("Messaging")

    def ready(self):
        from peyvand.core import registry
        from peyvand.core.settings_sections import SettingsSection, register_section
        from peyvand.messaging.services_compose import can_manage_templates

        # "+ E-mail" and "+ SMS" on the page of every record whose customer has an address
        registry.register_timeline_actions("messaging/compose/_timeline_actions.html")
        register_section(
            SettingsSection(
                key="message-templates",
                title=_("Message templates"),
                description=_("E-mail and SMS texts with merge fields that people start from on a record."),
                url_name="messaging-templates",
                allowed=can_manage_templates,
                group="messages",
                order=10,
            )
        )
