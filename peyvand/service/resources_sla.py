"""The service desk's SLA settings section, registered from ``ServiceConfig.ready()``."""

from django.utils.translation import gettext_lazy as _


def register_settings() -> None:
    from peyvand.core.settings_sections import SettingsSection, register_section
    from peyvand.service import permissions

    register_section(
        SettingsSection(
            key="service-sla",
            title=_("SLA policies"),
            description=_("Response and resolution targets in working hours, and ticket categories."),
            url_name="service-sla-settings",
            allowed=permissions.can_manage_service,
            group="service",
            order=10,
        )
    )
