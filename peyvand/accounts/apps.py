from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "peyvand.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from peyvand.accounts import receivers, signin  # noqa: F401  (signal receivers)
