"""Action rights of the knowledge base. Reading an article is a queryset (``selectors_kb.articles_visible_to``:
every active member of staff; customers read public published ones on /help/); these say who may change what."""

ARTICLE_WRITE_FORBIDDEN = "article.write_forbidden"
KB_SETTINGS_FORBIDDEN = "article.categories_forbidden"

# The support roles by name: ``support_manager`` is not a role of accounts yet, and naming it here lets it write
# the day it exists without another change.
SUPPORT_ROLES = ("support_agent", "support_manager")


def _staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_write_articles(user, article=None) -> bool:
    """Support agents and managers write the knowledge base, with sales managers and administrators; sales reps
    and marketers read it. ``article`` is accepted so the generic delete (``extra["can_delete"]``) can ask."""
    return _staff(user) and bool(user.is_admin or user.is_manager or user.role in SUPPORT_ROLES)


def can_manage_kb(user) -> bool:
    """The knowledge base's categories are settings: administrators only."""
    return _staff(user) and bool(user.is_admin)
