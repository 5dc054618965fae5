"""Action rights of accounts: API tokens, the two-factor rule for administrators and managing people.

The roles themselves (``User.is_admin``, ``User.is_manager``) are properties of the user model.
"""

from django.conf import settings

TOKEN_READ_ONLY = "token.read_only"
TWO_FACTOR_REQUIRED = "two_factor.required"
PEOPLE_FORBIDDEN = "people.forbidden"
LAST_ADMIN = "people.last_admin"
NOT_YOURSELF = "people.not_yourself"
TEAM_NOT_EMPTY = "team.not_empty"

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def can_write_with_token(api_token, method: str) -> bool:
    """A read-only token may only read."""
    return method in SAFE_METHODS or not api_token.read_only


def must_use_two_factor(user) -> bool:
    """Administrators must sign in with a second factor when the site says so."""
    return bool(settings.PEYVAND_2FA_REQUIRED_FOR_ADMINS and user.is_admin)


def can_open_settings(user) -> bool:
    """The in-app settings are linked for whoever may open one of their sections; operators (staff) also
    reach Django's admin from there."""
    from peyvand.core.settings_sections import any_for

    return bool(user and user.is_authenticated and (any_for(user) or user.is_staff))


def can_manage_people(user) -> bool:
    """Who works here, in which team and with which role decides what everyone may see and do, so only an
    administrator adds, changes or deactivates users and teams."""
    return bool(user and user.is_authenticated and user.is_active and user.is_admin)
