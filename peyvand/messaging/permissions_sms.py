"""Who may configure the SMS gateway: an administrator, since its key spends the company's credit."""


def can_manage_sms(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and getattr(user, "is_admin", False))
