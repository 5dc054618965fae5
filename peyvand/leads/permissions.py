"""Action rights of leads: scoring models, assignment rules, posting inbound e-mail, and who has leads assigned by
rules."""

SCORING_FORBIDDEN = "scoring.forbidden"
ASSIGNMENT_FORBIDDEN = "assignment.forbidden"
INTAKE_FORBIDDEN = "intake.forbidden"


def can_manage_scoring(user) -> bool:
    """Scoring models are administrators' configuration: reading their insights, accepting a suggestion and
    re-scoring are theirs alone (to anyone else a model does not exist)."""
    return bool(user and user.is_authenticated and user.is_admin)


def can_post_email(user) -> bool:
    """Inbound mail becomes leads for the whole company: an administrator's or integration's token posts it."""
    return bool(user and user.is_authenticated and user.is_admin)


def can_assign_by_rules(user) -> bool:
    """A lead an administrator or integration creates without an owner goes through the assignment rules; a rep
    or manager typing a lead keeps it."""
    return bool(user and user.is_admin)


def can_change_assignment(user) -> bool:
    """The assignment rules route every team's leads, so they are company-wide configuration: administrators
    only, as the rules themselves apply only to leads an administrator or integration creates."""
    return bool(user and user.is_authenticated and user.is_admin)


def can_change_scoring(user) -> bool:
    """Editing scoring models and their rules: the same people who manage scoring (administrators)."""
    return can_manage_scoring(user)


WEB_FORMS_FORBIDDEN = "web_form.forbidden"


def can_manage_web_forms(user) -> bool:
    """The public lead forms speak for the whole company on its websites (who gets the leads, which pipeline
    they open deals in): administrators define them."""
    return bool(user and user.is_authenticated and user.is_admin)
