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
