"""Action rights of contacts: reviewing duplicates and starting the whole-database scan.

Merging and undoing a merge need no role: every record involved must be one the user may see (``get_visible``),
which is a question of visibility, not a right here.
"""

DUPLICATES_SCAN_FORBIDDEN = "duplicates.scan_forbidden"


def can_review_duplicates(user) -> bool:
    """The duplicates page (the scan's groups and recent merges) is for managers and administrators."""
    return bool(user and user.is_authenticated and (user.is_admin or user.is_manager))


def can_start_duplicate_scan(user) -> bool:
    """A scan reads the whole database; managers and administrators start one."""
    return bool(user and user.is_authenticated and user.is_active and (user.is_admin or user.is_manager))


def can_create_contacts(user) -> bool:
    """Every active member of staff adds people (owned by themselves unless they may choose an owner). The one
    place the rule lives: the new-contact form and the header's "+ New" menu ask it."""
    return bool(user and user.is_authenticated and user.is_active)
