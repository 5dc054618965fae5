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
        register_webform_settings()


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
            order=30,
        )
    )
