"""Writes of the knowledge base: articles (over ``core.records``, so ownership, the version check, the audit trail
and the record events are the generic ones), their revisions, the readers' "was this helpful?" and the article
categories (settings rows, audited with ``core.audit.save_audited``).

An article's body is plain text whose line breaks are kept (the pages show it with ``linebreaksbr``), not HTML:
agents write answers, not layouts, the same text goes to the API, the public help centre and the search text
unchanged, and there is nothing to sanitise or to get wrong when it is shown on a page no one signed in to.
"""

from collections.abc import MutableMapping
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from peyvand.core.audit import diff, plain_value, save_audited, write_audit
from peyvand.core.errors import PeyvandError
from peyvand.core.models import AuditAction
from peyvand.core.records import (
    create_record,
    delete_record,
    field_error,
    lock_for_update,
    update_record,
)
from peyvand.core.text import clean_display_text, to_ascii_digits
from peyvand.service import permissions_kb
from peyvand.service.models import (
    Article,
    ArticleAudience,
    ArticleCategory,
    ArticleRevision,
    ArticleStatus,
)

TITLE_MAX = 200
BODY_MAX = 100_000  # characters: a long how-to fits; a pasted log file does not
CATEGORY_NAME_MAX = 80
# The session key that remembers which articles this visitor has already answered "was this helpful?" for.
FEEDBACK_SESSION_KEY = "kb_feedback"
FEEDBACK_REMEMBERED = 500  # the most article ids one session keeps (the oldest are forgotten)


# ── rights ──────────────────────────────────────────────────────────────────────────────────────────────────────


def require_writer(actor) -> None:
    if not permissions_kb.can_write_articles(actor):
        raise PeyvandError(
            permissions_kb.ARTICLE_WRITE_FORBIDDEN,
            _("Only support staff, managers and administrators write knowledge-base articles."),
            status=403,
        )


def require_kb_settings(actor) -> None:
    if not permissions_kb.can_manage_kb(actor):
        raise PeyvandError(
            permissions_kb.KB_SETTINGS_FORBIDDEN,
            _("Only administrators change the knowledge base's categories."),
            status=403,
        )


def can_delete_article(user, article=None) -> bool:
    """The generic delete of every record asks this (``extra["can_delete"]``): the knowledge base's writers."""
    return permissions_kb.can_write_articles(user)


# ── articles ────────────────────────────────────────────────────────────────────────────────────────────────────


def _category(value: Any) -> ArticleCategory | None:
    if value in (None, ""):
        return None
    if isinstance(value, ArticleCategory):
        return value
    try:
        return ArticleCategory.objects.get(pk=int(to_ascii_digits(str(value))))
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise field_error("category", _("No such record, or you may not use it.")) from None


def _body(value: Any) -> str:
    # Line breaks are the body's only structure: one kind of them, and no trailing blank lines.
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise field_error("body", _("This field is required."))
    if len(text) > BODY_MAX:
        raise field_error("body", _("Write at most %(n)s characters.") % {"n": BODY_MAX})
    return text


def _article_values(values: dict[str, Any]) -> dict[str, Any]:
    values = dict(values)
    if "title" in values:
        title = clean_display_text(str(values["title"] or ""))
        if not title:
            raise field_error("title", _("This field is required."))
        if len(title) > TITLE_MAX:
            raise field_error("title", _("Write at most %(n)s characters.") % {"n": TITLE_MAX})
        values["title"] = title
    if "body" in values:
        values["body"] = _body(values["body"])
    if "category" in values:
        values["category"] = _category(values["category"])
    for name in ("helpful_yes", "helpful_no", "search_text"):
        values.pop(name, None)  # counted by readers and derived, never typed
    return values


@transaction.atomic
def create_article(*, actor, values: dict[str, Any]) -> Article:
    """A new article, a draft unless the values say otherwise; its author owns it."""
    require_writer(actor)
    values = _article_values(values)
    values.setdefault("status", ArticleStatus.DRAFT)
    return create_record(Article, actor=actor, values=values)


@transaction.atomic
def update_article(
    *, actor, article: Article, version: int | None, values: dict[str, Any], note: str = ""
) -> Article:
    """Change an article; when its title or text changes, the text it had is kept as the next revision."""
    require_writer(actor)
    values = _article_values(values)
    locked = lock_for_update(article, version)
    if ("title" in values and values["title"] != locked.title) or (
        "body" in values and values["body"] != locked.body
    ):
        last = ArticleRevision.objects.filter(article=locked).aggregate(n=Max("number"))["n"] or 0
        ArticleRevision.objects.create(
            article=locked, number=last + 1, title=locked.title, body=locked.body, author=actor
        )
    return update_record(locked, actor=actor, version=version, values=values, note=note)


def _set_status(*, actor, article: Article, status: str, version: int | None) -> Article:
    require_writer(actor)
    current = Article.objects.get(pk=article.pk) if version is None else article
    return update_record(
        current,
        actor=actor,
        version=current.version if version is None else version,
        values={"status": status},
    )


@transaction.atomic
def publish_article(*, actor, article: Article, version: int | None = None) -> Article:
    """Published: staff see it as current and, when its audience is public, customers find it on /help/."""
    return _set_status(actor=actor, article=article, status=ArticleStatus.PUBLISHED, version=version)


@transaction.atomic
def archive_article(*, actor, article: Article, version: int | None = None) -> Article:
    """Archived: kept with its history, no longer offered to customers or suggested for tickets."""
    return _set_status(actor=actor, article=article, status=ArticleStatus.ARCHIVED, version=version)


@transaction.atomic
def delete_article(*, actor, article: Article, version: int | None = None) -> Article:
    """Soft delete, as every record (``core.records.delete_record`` asks ``can_delete_article``)."""
    require_writer(actor)
    return delete_record(article, actor=actor, version=version)


@transaction.atomic
def restore_revision(*, actor, article: Article, number: int, version: int | None = None) -> Article:
    """Bring back the title and text of revision ``number``; the text replaced is kept as a new revision, so a
    restore is undone the same way."""
    require_writer(actor)
    try:
        revision = article.revisions.get(number=number)
    except ArticleRevision.DoesNotExist:
        raise PeyvandError(
            "article.no_such_revision", _("This article has no such revision."), status=404
        ) from None
    current = Article.objects.get(pk=article.pk)
    return update_article(
        actor=actor,
        article=current,
        version=current.version if version is None else version,
        values={"title": revision.title, "body": revision.body},
        note=_("Revision %(n)s restored") % {"n": number},
    )


# ── readers' feedback ───────────────────────────────────────────────────────────────────────────────────────────


def record_feedback(*, article: Article, helpful: bool) -> None:
    """Count one "was this helpful?" answer of a reader, public and without sign-in: one UPDATE adding one in the
    database (``F()``), so answers at the same moment are all counted. Only public, published articles take
    answers. Once per visitor is ``feedback_once``'s, which the public page calls."""
    if article.audience != ArticleAudience.PUBLIC or article.status != ArticleStatus.PUBLISHED:
        raise PeyvandError(
            "article.not_public", _("This article is not published for customers."), status=404
        )
    column = "helpful_yes" if helpful else "helpful_no"
    Article.objects.filter(pk=article.pk).update(**{column: F(column) + 1})


def feedback_once(*, session: MutableMapping[str, Any], article: Article, helpful: bool) -> bool:
    """Count a visitor's answer once per article: the ids answered are kept in their session (a signed cookie
    or a row, as the site's session engine says), so answering again, or changing one's mind, counts nothing.
    A visitor who clears their cookies may answer again; that is the price of asking no one to sign in.
    Returns whether it was counted."""
    answered = [int(x) for x in session.get(FEEDBACK_SESSION_KEY, []) if str(x).isdigit()]
    if article.pk in answered:
        return False
    record_feedback(article=article, helpful=helpful)
    session[FEEDBACK_SESSION_KEY] = [*answered, article.pk][-FEEDBACK_REMEMBERED:]
    return True


def already_answered(session: MutableMapping[str, Any], article: Article) -> bool:
    return article.pk in [int(x) for x in session.get(FEEDBACK_SESSION_KEY, []) if str(x).isdigit()]


# ── categories (settings) ───────────────────────────────────────────────────────────────────────────────────────


def _row_values(instance: ArticleCategory) -> dict[str, Any]:
    return {
        f.name: plain_value(f, getattr(instance, f.attname))
        for f in instance._meta.concrete_fields
        if not f.primary_key
    }


@transaction.atomic
def save_article_category(
    *, actor, category: ArticleCategory | None = None, values: dict[str, Any]
) -> ArticleCategory:
    require_kb_settings(actor)
    category = category or ArticleCategory()
    before = _row_values(category) if category.pk else {}
    name = clean_display_text(str(values.get("name") or ""))
    if not name:
        raise field_error("name", _("This field is required."))
    if len(name) > CATEGORY_NAME_MAX:
        raise field_error("name", _("Write at most %(n)s characters.") % {"n": CATEGORY_NAME_MAX})
    if ArticleCategory.objects.exclude(pk=category.pk).filter(name=name).exists():
        raise field_error("name", _("Another category already has this name."))
    position = values.get("position")
    if position in (None, ""):
        position = category.position or 0
    try:
        position = int(to_ascii_digits(str(position)))
    except ValueError:
        raise field_error("position", _("Enter a whole number.")) from None
    if not 0 <= position <= 10_000:
        raise field_error("position", _("Enter a number from 0 to 10000."))
    category.name, category.position = name, position
    return save_audited(
        category,
        actor=actor,
        before=before,
        creating=category.pk is None,
        changes=diff(before, _row_values(category)),
    )


@transaction.atomic
def delete_article_category(*, actor, category: ArticleCategory) -> None:
    """Its articles stay, without a category (the foreign key is SET NULL); the deletion is in the audit trail."""
    require_kb_settings(actor)
    write_audit(instance=category, actor=actor, action=AuditAction.DELETE, changes=_row_values(category))
    category.delete()
