from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig as BaseStaticFilesConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    # apps.py holds two configurations; without this, Django would install core with a bare AppConfig (no ready).
    default = True
    name = "peyvand.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        register_settings()


def register_settings() -> None:
    """The working days and the custom fields are core's models, so core registers their settings pages (served
    by the web app, which hosts screens that span record types)."""
    from peyvand.core import permissions
    from peyvand.core.settings_sections import SettingsSection, register_section

    register_section(
        SettingsSection(
            key="working-days",
            title=_("Working days and holidays"),
            description=_(
                "Which weekdays are worked, in full or half, and the year's holidays; plans pace by them."
            ),
            url_name="settings-working-days",
            allowed=permissions.can_change_working_days,
            group="calendar",
            order=10,
        )
    )
    register_section(
        SettingsSection(
            key="custom-fields",
            title=_("Custom fields"),
            description=_("Fields of your own on companies, contacts, leads and deals."),
            url_name="settings-custom-fields",
            allowed=permissions.can_change_custom_fields,
            group="data",
            order=10,
        )
    )


class StaticFilesConfig(BaseStaticFilesConfig):
    """Django's static files, without the source maps packages ship (5 MB for the API docs' scripts alone):
    browsers load them only while someone debugs those scripts, and compressing them slowed every start."""

    ignore_patterns = [*BaseStaticFilesConfig.ignore_patterns, "*.map"]
