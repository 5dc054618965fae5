"""Action rights every record type shares: restoring a deleted record, seeing the deleted, choosing an owner.

Who may *see* a record is a queryset (``visible_to``), not a right here; these say what a user may *do*. Services
call them and raise with the codes below; pages and the API only translate a refusal (or hide a button).
"""

RESTORE_FORBIDDEN = "record.restore_forbidden"


def can_restore(user, record=None) -> bool:
    """Only an administrator brings a deleted record back (a deleted record is out of everyone else's sight)."""
    return bool(user and user.is_authenticated and user.is_admin)


def can_see_deleted(user) -> bool:
    """The "deleted only" filter of lists and exports, and the page of a deleted record, are administrators'."""
    return bool(user and user.is_authenticated and user.is_admin)


def can_choose_owner(user) -> bool:
    """Whether a form offers an owner field at all: an administrator or a manager (of sales or of a support
    queue) hands records to others.

    Whom they may pick is ``core.records.assignable_users`` (anyone, or their own team).
    """
    return bool(
        user
        and user.is_authenticated
        and (user.is_admin or user.is_manager or getattr(user, "is_support_manager", False))
    )


def can_see_worker_status(user) -> bool:
    """The header's warning that no background worker is running goes to administrators, who can start one."""
    return bool(user and user.is_authenticated and user.is_admin)


CALENDAR_FORBIDDEN = "working_days.forbidden"
CUSTOM_FIELDS_FORBIDDEN = "custom_field.forbidden"


def can_change_working_days(user) -> bool:
    """The working week and the holidays pace every team's plans alike: administrators only."""
    return bool(user and user.is_authenticated and user.is_admin)


def can_change_custom_fields(user) -> bool:
    """Custom fields change the forms, the API and the imports of every team: administrators only."""
    return bool(user and user.is_authenticated and user.is_admin)
