"""The knowledge base as the rest of Peyvand sees it: the "article" record type (API, list and record pages,
export, search, automation, timeline) with its own routes and pages, and the settings section of its categories."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from peyvand.core import registry
from peyvand.core.registry import FieldSpec as F
from peyvand.core.rest import Resource
from peyvand.service import permissions_kb, selectors_kb, services_kb
from peyvand.service.models import Article
from peyvand.service.schemas_kb import ArticleIn, ArticleOut, ArticlePatch

ARTICLES = Resource(
    name="articles",
    model=Article,
    visible=selectors_kb.articles_visible_to,
    list_spec=selectors_kb.ARTICLE_LIST,
    create=services_kb.create_article,
    update_service=services_kb.update_article,
    schema_in=ArticleIn,
    schema_patch=ArticlePatch,
    schema_out=ArticleOut,
)

# title before body: the search text is built in this order, and search ranks a match in its head (the title)
# first (selectors_kb)
ARTICLE_FIELDS = (
    F("title", searchable=True, automation=True),
    F("body", searchable=True),
    F("kind", automation=True, settable=True),
    F("audience", automation=True, settable=True),
    F("status", editable=False, automation=True),
    F("language", automation=True),
    F("category", automation=True),
    F("helpful_yes", editable=False, audited=False),
    F("helpful_no", editable=False, audited=False),
    F("owner"),
    F("team", editable=False, exportable=False),
)


def register() -> None:
    from peyvand.service import views_kb
    from peyvand.service.api_kb import articles_router

    registry.register(
        registry.RecordType(
            name="article",
            plural="articles",
            model=Article,
            resource=ARTICLES,
            screen=views_kb.article_screen(),
            fields=ARTICLE_FIELDS,
            api_router=articles_router,
            ui_urls=(
                path("<int:pk>/action/<str:action>/", views_kb.article_action_view, name="action"),
                path(
                    "<int:pk>/revisions/<int:number>/restore/",
                    views_kb.restore_revision_view,
                    name="restore-revision",
                ),
            ),
            extra={"can_delete": services_kb.can_delete_article},
        )
    )
    register_settings()


def register_settings() -> None:
    from peyvand.core.settings_sections import SettingsSection, register_section

    register_section(
        SettingsSection(
            key="kb-categories",
            title=_("Knowledge base categories"),
            description=_("The categories articles are filed under, in the help centre's order."),
            url_name="kb:categories",
            allowed=permissions_kb.can_manage_kb,
            group="data",
            order=60,
        )
    )
