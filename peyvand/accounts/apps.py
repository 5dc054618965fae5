from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "peyvand.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from peyvand.accounts import permissions, receivers, signin  # noqa: F401  (signal receivers)
        from peyvand.core.settings_sections import SettingsSection, register_section

        register_section(
            SettingsSection(
                key="users",
                title=_("Users"),
                description=_(
                    "Who signs in, with which role and team; add people, reset a password, deactivate."
                ),
                url_name="settings-users",
                allowed=permissions.can_manage_people,
                group="people",
                order=10,
            )
        )
        register_section(
            SettingsSection(
                key="teams",
                title=_("Teams"),
                description=_("The teams people work in and records belong to; make, rename or delete them."),
                url_name="settings-teams",
                allowed=permissions.can_manage_people,
                group="people",
                order=20,
            )
        )

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
