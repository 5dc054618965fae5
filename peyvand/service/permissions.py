"""Action rights of the service desk; services call them, views and the API only translate a refusal."""

SETTINGS_FORBIDDEN = "service.settings_forbidden"


def can_manage_service(user) -> bool:
    """SLA policies, ticket categories and the desk's other settings: administrators only."""
    return bool(user and user.is_authenticated and user.is_active and user.is_admin)
