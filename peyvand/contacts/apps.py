from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "peyvand.contacts"
    label = "contacts"
    verbose_name = _("Contacts")

    def ready(self):
        from peyvand.contacts import resources

        resources.register()
