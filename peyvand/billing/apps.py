from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "peyvand.billing"
    label = "billing"
    verbose_name = _("Billing")

    def ready(self):
        from peyvand.billing import resources
        from peyvand.sales.models import Deal

        resources.register()
        # A deal's timeline names the change of its product lines (``lines.set_deal_lines`` audits "products"),
        # which is no field of the deal: its label comes from the model's column labels.
        Deal.column_labels = {**getattr(Deal, "column_labels", {}), "products": _("products")}
