from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "peyvand.messaging"
    verbose_name = _("Messaging")

    def ready(self):
        from peyvand.core import registry
        from peyvand.core.settings_sections import SettingsSection, register_section
        from peyvand.messaging.services_compose import can_manage_templates

        # users' notification e-mails (reminders, mentions) leave through the outbox too: kept, retried, visible
        registry.register_mail_transport(_send_notification)
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


def _send_notification(*, to: str, subject: str, body: str, source: str) -> None:
    from peyvand.messaging.services import send

    send(channel="email", to=to, subject=subject, body=body, source=source[:100])
