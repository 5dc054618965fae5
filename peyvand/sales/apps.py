from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "peyvand.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self):
        from peyvand.core import registry
        from peyvand.sales import bulk, resources
        from peyvand.sales.timeline import stage_move_items

        resources.register()
        bulk.register()
        registry.register_timeline_source(stage_move_items)
        register_settings()


def register_settings() -> None:
    from peyvand.core.settings_sections import SettingsSection, register_section
    from peyvand.sales import permissions

    register_section(
        SettingsSection(
            key="pipelines",
            title=_("Pipelines and stages"),
            description=_("The stages deals move through, their scripts, exit criteria and stuck limits."),
            url_name="sales-pipelines",
            allowed=permissions.can_change_pipelines,
            group="sales",
            order=10,
        )
    )
    register_section(
        SettingsSection(
            key="lost-reasons",
            title=_("Lost reasons"),
            description=_("The reasons people choose from when they mark a deal lost."),
            url_name="sales-lost-reasons",
            allowed=permissions.can_change_lost_reasons,
            group="sales",
            order=20,
        )
    )
