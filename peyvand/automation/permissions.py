"""Action rights of automation: who manages rules, and what a rule may act on besides what its creator sees."""

AUTOMATION_FORBIDDEN = "automation.forbidden"


def can_manage_rules(user) -> bool:
    """Administrators manage every rule; managers their team's (``rules_visible_to``); nobody else any."""
    return bool(user and user.is_authenticated and user.is_active and (user.is_admin or user.is_manager))


def can_manage_every_rule(user) -> bool:
    return bool(can_manage_rules(user) and user.is_admin)


def can_manage_rule(user, rule) -> bool:
    """This rule: any for an administrator; a manager's team's (or, without a team, their own)."""
    if not can_manage_rules(user):
        return False
    if can_manage_every_rule(user):
        return True
    return rule.team_id == user.team_id if user.team_id else rule.created_by_id == user.pk


def can_act_on_unowned_records(user) -> bool:
    """Records that belong to no one (no ``visible_to``) are acted on only by an active administrator's rules."""
    return bool(user and user.is_active and user.is_admin)
