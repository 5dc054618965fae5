from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "peyvand.billing"
    label = "billing"
    verbose_name = _("Billing")

    def ready(self):
        from peyvand.billing import resources

        resources.register()
