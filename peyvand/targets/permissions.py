"""Action rights of targets: an administrator sets any target; a sales manager their own team's and its reps'.

Who may *read* a target is ``Target.objects.visible_to`` (a rep reads their own).
"""

TARGET_FORBIDDEN = "target.forbidden"


def can_set_targets(user) -> bool:
    """Whether the user sets targets at all (an administrator, or a manager of a team)."""
    return bool(user and user.is_active and (user.is_admin or (user.is_manager and user.team_id)))


def can_set_every_teams_targets(user) -> bool:
    """An administrator sets targets for every team and rep; a manager only for their own team."""
    return bool(user and user.is_active and user.is_admin)


def can_manage_target(user, target) -> bool:
    """Change or delete this target: an administrator's any, a manager's of their own team or its reps."""
    if not can_set_targets(user):
        return False
    if can_set_every_teams_targets(user):
        return True
    if target.team_id:
        team_id: int | None = target.team_id
    else:
        assert target.user is not None  # exactly one of user and team is set (the model's constraint)
        team_id = target.user.team_id
    return team_id == user.team_id


def can_plan_targets(user) -> bool:
    """The targets grid of a team is in the menu of administrators and managers (a rep opening it reads their own
    row)."""
    return bool(user and user.is_authenticated and (user.is_admin or user.is_manager))
