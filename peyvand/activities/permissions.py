"""Action rights of activities: whose calendar a user may open besides their own.

Which people exactly is ``selectors.calendar_owners`` (a manager's team, anyone for an administrator).
"""


def can_open_others_calendars(user) -> bool:
    """Administrators and managers (a support manager too: they dispatch their team's technicians) pick a
    colleague's calendar; everyone else sees their own."""
    return bool(
        user
        and user.is_authenticated
        and (user.is_admin or user.is_manager or getattr(user, "is_support_manager", False))
    )


def can_create_activities(user) -> bool:
    """Every active member of staff logs calls, meetings and tasks (on the records they may see, which the service
    checks through the record link). The header's "+ New" menu and the new-activity form ask this."""
    return bool(user and user.is_authenticated and user.is_active)
