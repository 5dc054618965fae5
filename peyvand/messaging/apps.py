from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "peyvand.messaging"
    verbose_name = _("Messaging")

    def ready(self):
        from peyvand.core import registry
        from peyvand.core.settings_sections import SettingsSection, register_section
        from peyvand.messaging.permissions_sms import can_manage_sms
        from peyvand.messaging.timeline import inbound_sms_items, sms_outbox_items

        registry.register_timeline_source(sms_outbox_items)
        registry.register_timeline_source(inbound_sms_items)
        register_section(
            SettingsSection(
                key="sms",
                title=_("SMS gateway"),
                description=_("The gateway text messages are sent through, its sender line and its key."),
                url_name="sms-settings",
                allowed=can_manage_sms,
                group="integrations",
                order=20,
            )
        )
