from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "peyvand.messaging"
    verbose_name = _("Messaging")

    def ready(self):
        from peyvand.core import inbound_mail, registry
        from peyvand.core.settings_sections import SettingsSection, register_section
        from peyvand.messaging import (
            deliverability,
            permissions,
            permissions_mailboxes,
            selectors_mailboxes,
            timeline_outbox,
        )
        from peyvand.messaging.permissions_sms import can_manage_sms
        from peyvand.messaging.services_compose import can_manage_templates
        from peyvand.messaging.timeline import inbound_sms_items, sms_outbox_items

        # the mail of connected mailboxes on the timelines of the records it concerns
        registry.register_timeline_source(selectors_mailboxes.mail_items)
        # users' notification e-mails (reminders, mentions) leave through the outbox too: kept, retried, visible
        registry.register_mail_transport(_send_notification)
        # "+ E-mail" and "+ SMS" on the page of every record whose customer has an address
        registry.register_timeline_actions("messaging/compose/_timeline_actions.html")
        # the messages sent about a record, with their opens and clicks, on the record's timeline
        registry.register_timeline_source(timeline_outbox.outbox_items)
        registry.register_timeline_source(sms_outbox_items)
        registry.register_timeline_source(inbound_sms_items)
        # a contact's consent per address, channel and topic, on its page
        registry.register_record_section("messaging/consent_section.html")
        # mail servers' bounce and complaint reports arriving by the inbound endpoints mark the address
        inbound_mail.register_route(deliverability.ROUTE, first=True)
        register_section(
            SettingsSection(
                key="mailboxes",
                title=_("My mailboxes"),
                description=_(
                    "Connect your e-mail over IMAP so that each customer's mail sits on their record; "
                    "administrators connect shared addresses such as sales@."
                ),
                url_name="messaging-mailboxes",
                allowed=permissions_mailboxes.can_open_mailboxes,
                group="messages",
                order=5,
            )
        )
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
        register_section(
            SettingsSection(
                key="messaging",
                title=_("Outgoing messages"),
                description=_("Open and click tracking of e-mail."),
                url_name="messaging-settings",
                allowed=permissions.can_change_tracking,
                group="messages",
                order=20,
            )
        )
        register_section(
            SettingsSection(
                key="sms",
                title=_("SMS gateway"),
                description=_("The gateway text messages are sent through, its sender line and its key."),
                url_name="sms-settings",
                allowed=can_manage_sms,
                group="messages",
                order=30,
            )
        )


def _send_notification(*, to: str, subject: str, body: str, source: str) -> None:
    from peyvand.messaging.services import send

    send(channel="email", to=to, subject=subject, body=body, source=source[:100])
