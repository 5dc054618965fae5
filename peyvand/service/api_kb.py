"""API of the knowledge base beside an article's generic routes (``/articles/...``): publish, archive, its
revisions and restoring one, and the search ranked for the help desk."""

from ninja import Query, Router

from peyvand.core.rest import responses
from peyvand.service import selectors_kb, services_kb
from peyvand.service.schemas_kb import ArticleHitOut, ArticleOut, ArticleRevisionOut

articles_router = Router()

MAX_QUERY = 200


def _articles():
    from peyvand.service.resources_kb import ARTICLES

    return ARTICLES


@articles_router.get(
    "/search",
    response=responses({200: list[ArticleHitOut]}),
    tags=["articles"],
    operation_id="articles_search",
    summary="Search the knowledge base",
)
def search(
    request,
    q: str = Query(..., max_length=MAX_QUERY),
    public_only: bool = False,
    language: selectors_kb.LanguageChoice | None = None,
    limit: int = Query(20, ge=1, le=100),
):
    """Articles holding every word of ``q`` (Persian-normalised: ی/ي, ک/ك, digits and ZWNJ either way), those
    with the words in their title first, then those in ``language``; ``public_only`` keeps what customers see
    (public and published)."""
    return selectors_kb.search_articles(q, public_only=public_only, language=language, limit=limit)


def _action(name: str, summary: str):
    return articles_router.post(
        f"/{{int:pk}}/{name}",
        response=responses({200: ArticleOut}, 404, 409),
        tags=["articles"],
        operation_id=f"articles_{name}",
        summary=summary,
    )


@_action("publish", "Publish")
def publish(request, pk: int):
    """Published: current for staff and, when its audience is public, on the help centre."""
    article = services_kb.publish_article(actor=request.user, article=_articles().get(request, pk))
    return _articles().get(request, article.pk)


@_action("archive", "Archive")
def archive(request, pk: int):
    """Archived: kept with its history, off the help centre and the ticket suggestions."""
    article = services_kb.archive_article(actor=request.user, article=_articles().get(request, pk))
    return _articles().get(request, article.pk)


@articles_router.get(
    "/{int:pk}/revisions",
    response=responses({200: list[ArticleRevisionOut]}, 404),
    tags=["articles"],
    operation_id="articles_revisions",
)
def revisions(request, pk: int):
    """The article's earlier titles and texts, newest first."""
    return selectors_kb.revisions_of(_articles().get(request, pk))


@articles_router.post(
    "/{int:pk}/revisions/{int:number}/restore",
    response=responses({200: ArticleOut}, 404, 409),
    tags=["articles"],
    operation_id="articles_restore_revision",
)
def restore_revision(request, pk: int, number: int):
    """Bring back revision ``number``'s title and text; the text replaced becomes the newest revision."""
    article = services_kb.restore_revision(
        actor=request.user, article=_articles().get(request, pk), number=number
    )
    return _articles().get(request, article.pk)
