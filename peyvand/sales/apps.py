from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "peyvand.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self):
        from peyvand.core import registry
        from peyvand.sales import resources
        from peyvand.sales.timeline import stage_move_items

        resources.register()
        registry.register_timeline_source(stage_move_items)
