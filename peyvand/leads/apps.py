from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadsConfig(AppConfig):
    name = "peyvand.leads"
    label = "leads"
    verbose_name = _("Leads")

    def ready(self):
        from peyvand.leads import (
            receivers,  # noqa: F401  (signal receivers)
            resources,
        )

        resources.register()
        from django.utils.translation import gettext_lazy

        from peyvand.accounts.models import SYSTEM_USERS
        from peyvand.leads.intake import INTAKE_USERNAME

        SYSTEM_USERS[INTAKE_USERNAME] = gettext_lazy("Web forms and e-mail intake")
        register_settings()
        register_webform_settings()


def register_settings() -> None:
    from peyvand.core.settings_sections import SettingsSection, register_section
    from peyvand.leads import permissions

    register_section(
        SettingsSection(
            key="lead-assignment",
            title=_("Lead assignment rules"),
            description=_("Who gets each new lead: rules tried in order, the first that matches wins."),
            url_name="leads-assignment",
            allowed=permissions.can_change_assignment,
            group="leads",
            order=20,
        )
    )
    register_section(
        SettingsSection(
            key="lead-scoring",
            title=_("Lead scoring"),
            description=_(
                "Scoring models per pipeline: the rules that give a lead points, and when it is warm, hot or qualified."
            ),
            url_name="leads-scoring",
            allowed=permissions.can_change_scoring,
            group="leads",
            order=30,
        )
    )


def register_webform_settings() -> None:
    from peyvand.core.settings_sections import SettingsSection, register_section
    from peyvand.leads import permissions

    register_section(
        SettingsSection(
            key="web-forms",
            title=_("Web forms"),
            description=_(
                "The lead forms on your websites: what they ask, where the leads go, the code to embed."
            ),
            url_name="leads-web-forms",
            allowed=permissions.can_manage_web_forms,
            group="leads",
            order=10,
        )
    )
