from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "peyvand.service"
    label = "service"
    verbose_name = _("Service desk")

    def ready(self):
        from peyvand.core import inbound_mail
        from peyvand.service import bulk, mail, resources, resources_calendar, resources_sla

        resources.register()
        bulk.register()
        resources_sla.register_settings()
        resources_calendar.register()
        # customers' mail to a support address, and their answers to tickets, open and thread tickets
        inbound_mail.register_route(mail.ROUTE)
