"""Action rights of sales: who changes pipelines and the lost reasons, and who overrides a stage's exit criteria."""

PIPELINE_FORBIDDEN = "pipeline.forbidden"
OVERRIDE_FORBIDDEN = "deal.override_forbidden"
LOST_REASONS_FORBIDDEN = "lost_reason.forbidden"


def can_change_pipelines(user) -> bool:
    """Pipelines and their stages are shared configuration: only an administrator creates, edits or deletes."""
    return bool(user and user.is_authenticated and user.is_admin)


def can_override_exit_criteria(user, deal) -> bool:
    """A sales manager of the deal's team, or an administrator, may move a deal past missing exit criteria."""
    if not (user and user.is_authenticated):
        return False
    if user.is_admin:
        return True
    return bool(user.is_manager and user.team_id and user.team_id == deal.team_id)


def can_change_lost_reasons(user) -> bool:
    """The list of reasons a deal is lost for is shared configuration, like pipelines: administrators only.
    Everyone signed in reads it (they choose from it)."""
    return can_change_pipelines(user)


def can_create_deals(user) -> bool:
    """Every active member of staff opens deals (owned by themselves unless they may choose an owner). The one
    place the rule lives: the new-deal form and the header's "+ New" menu ask it."""
    return bool(user and user.is_authenticated and user.is_active)
