from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "peyvand.service"
    label = "service"
    verbose_name = _("Service desk")

    def ready(self):
        from peyvand.service import resources, resources_sla

        resources.register()
        resources_sla.register_settings()
