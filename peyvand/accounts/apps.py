from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "peyvand.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from peyvand.accounts import receivers, signin  # noqa: F401  (signal receivers)
        from peyvand.core.settings_sections import SettingsSection, register_section

        register_section(
            SettingsSection(
                key="api-tokens",
                title=_("API tokens"),
                description=_(
                    "Keys for programs that use the API on your behalf; create, limit and revoke them."
                ),
                url_name="security",
                allowed=lambda user: user.is_admin,
                group="integrations",
                order=10,
            )
        )
