"""Reads of the knowledge base: the staff's articles (every active member of staff reads every article), the public
help centre's (public and published only), search in Persian-normalised text and the articles suggested for a
ticket.

Search reads ``search_text``, the normalised title then body that ``core.records`` keeps (the type's searchable
fields), so Arabic ي/ك, Persian or Arabic-Indic digits and ZWNJ typed either way find the same words. The title
comes first in it, which is how a match in the title is told from one in the body without a second column.
"""

import re
from typing import Literal

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Length, Substr
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from peyvand.core.listing import Filter, ListSpec, as_int, search_terms
from peyvand.core.text import normalize_text
from peyvand.service.models import (
    Article,
    ArticleAudience,
    ArticleCategory,
    ArticleRevision,
    ArticleStatus,
)

ARTICLE_LIST = ListSpec(
    entity="article",
    ordering=("title", "status", "language", "helpful_yes", "created_at", "updated_at"),
    default_ordering="title",
    filters={
        "status": Filter("status", label=_("Status")),
        "audience": Filter("audience", label=_("Audience")),
        "kind": Filter("kind", label=_("Kind")),
        "language": Filter("language", label=_("Language")),
        "category": Filter("category_id", as_int, pgettext_lazy("knowledge base", "Category")),
        "owner": Filter("owner_id", as_int, _("Owner")),
        "team": Filter("team_id", as_int, _("Team")),
    },
)

LanguageChoice = Literal["fa", "en"]
MAX_TERMS = 8  # words of one search looked for (as the lists' search)
SUGGEST_WORDS = 10  # words of a ticket matched against articles
MIN_WORD = 3  # shorter words (و, به, از, in, on) say nothing about a subject
_WORD = re.compile(r"\w+")

# Words common to any ticket, in both languages, already normalised (ی, ک): matching on them would suggest every
# article.
STOP_WORDS = frozenset(
    normalize_text(w)
    for w in (
        # Persian
        "این آن که برای با است هست نیست های هایی ها می نمی شد شده شود نشد نمی‌شود کند کنم کنید کرد کردم کردیم "
        "باید بود بودم دارم داریم دارد ندارم ندارد هم یک چه چرا چطور چگونه کجا وقتی اگر ولی اما تا روی زیر "
        "سلام لطفا لطفاً ممنون متشکرم باتشکر مرسی خیلی همه من ما شما آنها ایشان خود بعد قبل الان امروز دیروز "
        "مشکل سوال سؤال درخواست پیگیری"
        # English
        " the and for with not you your are was were this that have has had can cannot cant can't from but how "
        "what when why where who which please thanks thank hello dear there their they them our out get got "
        "does did doesn't don't dont into just any all also about after before again still some would could "
        "should will been being here problem issue question request help"
    ).split()
)


def articles_visible_to(user) -> QuerySet[Article]:
    """Every article not deleted, for every active member of staff: the knowledge base is the whole staff's."""
    return Article.objects.visible_to(user).select_related("category", "owner")


def public_articles() -> QuerySet[Article]:
    """What customers read on /help/: public and published, not deleted."""
    return Article.objects.public().select_related("category")


def public_article(pk: int) -> Article | None:
    return public_articles().filter(pk=pk).first()


def help_articles(*, language: str, category: int | None = None, limit: int = 50) -> list[Article]:
    """The help centre's list: the visitor's language first, then the others, most found helpful first."""
    queryset = public_articles()
    if category is not None:
        queryset = queryset.filter(category_id=category)
    return list(
        queryset.annotate(
            in_language=Case(
                When(language=language, then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        ).order_by("-in_language", "-helpful_yes", "title", "id")[:limit]
    )


def help_categories() -> list[ArticleCategory]:
    """Categories with at least one public published article, each with how many."""
    return list(
        ArticleCategory.objects.annotate(
            public_count=Count(
                "articles",
                filter=Q(
                    articles__audience=ArticleAudience.PUBLIC,
                    articles__status=ArticleStatus.PUBLISHED,
                    articles__deleted_at__isnull=True,
                ),
            )
        )
        .filter(public_count__gt=0)
        .order_by("position", "name", "id")
    )


def categories() -> QuerySet[ArticleCategory]:
    """Every category with how many articles (not deleted) it holds, for the settings page."""
    return ArticleCategory.objects.annotate(
        article_count=Count("articles", filter=Q(articles__deleted_at__isnull=True))
    ).order_by("position", "name", "id")


def revisions_of(article: Article) -> QuerySet[ArticleRevision]:
    """The article's earlier texts, newest first."""
    return article.revisions.select_related("author").order_by("-number")


def _searched(queryset: QuerySet[Article], terms: list[str]) -> QuerySet[Article]:
    for term in terms:
        queryset = queryset.filter(search_text__contains=term)
    # The title's part of the search text: it comes first and is (nearly always) as long as the title itself.
    title_hits = sum(
        (
            Case(
                When(search_head__contains=term, then=Value(1)), default=Value(0), output_field=IntegerField()
            )
            for term in terms
        ),
        Value(0),
    )
    return queryset.annotate(search_head=Substr("search_text", 1, Length("title"))).annotate(
        title_hits=title_hits
    )


def search_articles(
    query: str, *, public_only: bool, language: str | None = None, limit: int = 20
) -> list[Article]:
    """Articles holding every word of ``query`` (normalised), those with more of the words in their title first,
    then those in ``language`` (when given; the others still follow), then the most found helpful. With
    ``public_only`` only public published articles (the help centre); otherwise every article staff read.
    One query."""
    terms = search_terms(query or "")[:MAX_TERMS]
    if not terms:
        return []
    base = public_articles() if public_only else Article.objects.select_related("category", "owner")
    queryset = _searched(base, terms)
    order = ["-title_hits"]
    if language:
        queryset = queryset.annotate(
            in_language=Case(
                When(language=language, then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        )
        order.append("-in_language")
    return list(queryset.order_by(*order, "-helpful_yes", "title", "id")[: max(1, min(int(limit), 100))])


def ticket_words(text: str) -> list[str]:
    """The words of a ticket's subject and description worth matching: normalised, without stop words and very
    short words, each once, in the order written (the subject's first), at most ``SUGGEST_WORDS``."""
    words: list[str] = []
    for word in _WORD.findall(normalize_text(text or "")):
        if len(word) < MIN_WORD or word in STOP_WORDS or word.isdigit() or word in words:
            continue
        words.append(word)
        if len(words) == SUGGEST_WORDS:
            break
    return words


def suggest_articles(text: str, *, limit: int = 5) -> list[Article]:
    """Published articles (for an agent: internal ones too) for a ticket's subject and description, ranked by how
    many of its words they hold, then by how many of them are in the title, then most found helpful. One query,
    whatever the number of words."""
    words = ticket_words(text)
    if not words:
        return []
    matches = Q()
    for word in words:
        matches |= Q(search_text__contains=word)
    hits = sum(
        (
            Case(When(search_text__contains=w, then=Value(1)), default=Value(0), output_field=IntegerField())
            for w in words
        ),
        Value(0),
    )
    title_hits = sum(
        (
            Case(When(search_head__contains=w, then=Value(1)), default=Value(0), output_field=IntegerField())
            for w in words
        ),
        Value(0),
    )
    return list(
        Article.objects.filter(matches, status=ArticleStatus.PUBLISHED)
        .select_related("category")
        .annotate(search_head=Substr("search_text", 1, Length("title")))
        .annotate(hits=hits, title_hits=title_hits)
        .order_by("-hits", "-title_hits", "-helpful_yes", "title", "id")[: max(1, min(int(limit), 20))]
    )
