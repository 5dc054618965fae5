"""Action rights of activities: whose calendar a user may open besides their own.

Which people exactly is ``selectors.calendar_owners`` (a manager's team, anyone for an administrator).
"""


def can_open_others_calendars(user) -> bool:
    """Administrators and managers pick a colleague's calendar; everyone else sees their own."""
    return bool(user and user.is_authenticated and (user.is_admin or user.is_manager))
