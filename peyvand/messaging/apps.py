from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "peyvand.messaging"
    verbose_name = _("Messaging")

    def ready(self):
        from peyvand.core import inbound_mail, registry
        from peyvand.core.settings_sections import SettingsSection, register_section
        from peyvand.messaging import deliverability, permissions, timeline_outbox

        # the messages sent about a record, with their opens and clicks, on the record's timeline
        registry.register_timeline_source(timeline_outbox.outbox_items)
        # a contact's consent per address, channel and topic, on its page
        registry.register_record_section("messaging/consent_section.html")
        # mail servers' bounce and complaint reports arriving by the inbound endpoints mark the address
        inbound_mail.register_route(deliverability.ROUTE, first=True)
        register_section(
            SettingsSection(
                key="messaging",
                title=_("Outgoing messages"),
                description=_("Open and click tracking of e-mail."),
                url_name="messaging-settings",
                allowed=permissions.can_change_tracking,
                group="integrations",
            )
        )
