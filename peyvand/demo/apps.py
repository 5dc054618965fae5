from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    # An app only so that ``peyvand demo`` is found as a management command; it has no models.
    name = "peyvand.demo"
    label = "demo"
    verbose_name = _("Demo data")
