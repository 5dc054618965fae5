from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "peyvand.service"
    label = "service"
    verbose_name = _("Service desk")

    def ready(self):
        from peyvand.core import events, inbound_mail
        from peyvand.service import (
            bulk,
            mail,
            resources,
            resources_calendar,
            resources_sla,
            services_contracts,
        )

        resources.register()
        bulk.register()
        resources_sla.register_settings()
        resources_calendar.register()
        # customers' mail to a support address, and their answers to tickets, open and thread tickets
        inbound_mail.register_route(mail.ROUTE)
        # an issued invoice's serial-numbered lines get their warranties
        events.invoice_issued.connect(services_contracts.on_invoice_issued, dispatch_uid="service.warranties")
