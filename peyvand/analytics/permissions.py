"""Action rights of analytics: entering spend and setting a key account's potential.

Reports need no right: each counts only what the viewer may see (decision 0007).
"""

SPEND_FORBIDDEN = "spend.forbidden"
KEY_ACCOUNT_FORBIDDEN = "key_account.forbidden"


def can_write_spend(user, team_id: int | None) -> bool:
    """An administrator for any team or the whole company (no team); a manager for their own team only."""
    if not (user and user.is_active):
        return False
    return user.is_admin or bool(user.is_manager and user.team_id and team_id == user.team_id)


def can_set_potential(user, company) -> bool:
    """A company's key-account figures: its owner, a manager of its team, or an administrator."""
    if not (user and user.is_active):
        return False
    if user.is_admin or company.owner_id == user.pk:
        return True
    return bool(user.is_manager and user.team_id and company.team_id == user.team_id)
