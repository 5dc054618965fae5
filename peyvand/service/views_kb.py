"""The knowledge base's staff pages: the article screen (the generic list, record page and form of the registry),
its publish/archive buttons, restoring a revision, and the settings page of article categories. Thin: parse, call
``services_kb`` / ``selectors_kb``, render; the services decide who may."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from peyvand.core.errors import PeyvandError
from peyvand.service import permissions_kb, selectors_kb, services_kb
from peyvand.service.models import (
    Article,
    ArticleAudience,
    ArticleCategory,
    ArticleStatus,
)
from peyvand.web.filters import choices_filter
from peyvand.web.forms import RecordForm, add_service_errors
from peyvand.web.screens import FilterChoice, Screen


class ArticleForm(RecordForm):
    model = Article
    field_names = ("title", "body", "kind", "audience", "language", "category")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # the text is written in the article's language, whichever the page's is
        self.fields["title"].widget.attrs["dir"] = "auto"
        self.fields["body"].widget = forms.Textarea(attrs={"rows": 14, "dir": "auto", "maxlength": 100_000})
        self.fields["body"].help_text = gettext_lazy("Plain text; line breaks are kept.")
        self.fields["category"].queryset = ArticleCategory.objects.all()
        self.fields["category"].required = False
        # the model's label is shared with the product catalogue's ("گروه کالا" in Persian)
        self.fields["category"].label = pgettext_lazy("knowledge base", "Category")


class ArticleScreen(Screen):
    @property
    def detail_fields(self) -> tuple[str, ...]:
        # the text has a section of its own (with its line breaks and direction), not a line among the fields
        return tuple(name for name in super().detail_fields if name != "body")


def _categories(user):
    return [(c.pk, c.name) for c in ArticleCategory.objects.all()]


def _detail(user, article):
    can_write = permissions_kb.can_write_articles(user)
    live = article.deleted_at is None
    return {
        "revisions": list(selectors_kb.revisions_of(article)),
        "can_write": can_write and live,
        "can_publish": can_write and live and article.status != ArticleStatus.PUBLISHED,
        "can_archive": can_write and live and article.status != ArticleStatus.ARCHIVED,
        "on_help_centre": article.audience == ArticleAudience.PUBLIC
        and article.status == ArticleStatus.PUBLISHED
        and live,
        "text_dir": "rtl" if article.language == "fa" else "ltr",
    }


def article_screen() -> Screen:
    from peyvand.service.resources_kb import ARTICLES

    return ArticleScreen(
        resource=ARTICLES,
        form_class=ArticleForm,
        columns=("title", "status", "audience", "language", "category", "helpful_yes", "owner"),
        extra_fields=("status", "helpful_yes", "helpful_no", "owner"),
        filters=(
            choices_filter("status", gettext_lazy("Status"), ArticleStatus.choices),
            choices_filter("audience", gettext_lazy("Audience"), ArticleAudience.choices),
            choices_filter(
                "language",
                gettext_lazy("Language"),
                [("fa", gettext_lazy("Persian")), ("en", gettext_lazy("English"))],
            ),
            FilterChoice("category", pgettext_lazy("knowledge base", "Category"), _categories),
        ),
        detail_extra=_detail,
        can_create=lambda user: permissions_kb.can_write_articles(user),
    )


def _errors(exc: PeyvandError) -> list[str]:
    return [str(e["message"]) for e in exc.errors or []] or [str(exc.message)]


ACTIONS = {
    "publish": (services_kb.publish_article, gettext_lazy("Published.")),
    "archive": (services_kb.archive_article, gettext_lazy("Archived.")),
}


def _article(request, pk: int) -> Article:
    from peyvand.service.resources_kb import ARTICLES

    return ARTICLES.get(request, pk)


@login_required
@require_POST
def article_action_view(request, pk: int, action: str):
    """The record page's "Publish" and "Archive" buttons."""
    article = _article(request, pk)
    if action not in ACTIONS:
        raise Http404
    service, done = ACTIONS[action]
    try:
        service(actor=request.user, article=article)
    except PeyvandError as exc:
        for error in _errors(exc):
            messages.error(request, error)
    else:
        messages.success(request, str(done))
    return HttpResponseRedirect(reverse("articles:detail", args=[pk]))


@login_required
@require_POST
def restore_revision_view(request, pk: int, number: int):
    """Bring back an earlier text from the record page's list of revisions."""
    article = _article(request, pk)
    try:
        services_kb.restore_revision(actor=request.user, article=article, number=number)
    except PeyvandError as exc:
        for error in _errors(exc):
            messages.error(request, error)
    else:
        messages.success(request, _("Revision %(n)s restored.") % {"n": number})
    return HttpResponseRedirect(reverse("articles:detail", args=[pk]))


# ── settings: article categories ────────────────────────────────────────────────────────────────────────────────


class CategoryForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=80)
    position = forms.IntegerField(
        label=gettext_lazy("Position"), min_value=0, max_value=10_000, required=False, initial=0
    )


def _settings_only(user) -> None:
    if not permissions_kb.can_manage_kb(user):
        raise PermissionDenied


@login_required
def categories_view(request):
    """The categories with how many articles each holds, and a form to add one."""
    _settings_only(request.user)
    form = CategoryForm(request.POST if request.method == "POST" else None, auto_id="id_new_%s")
    if request.method == "POST" and form.is_valid():
        try:
            services_kb.save_article_category(actor=request.user, values=form.cleaned_data)
        except PeyvandError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(reverse("kb:categories"))
    return render(
        request,
        "service/settings/kb_categories.html",
        {"categories": selectors_kb.categories(), "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def category_view(request, pk: int):
    """Rename or move one category."""
    _settings_only(request.user)
    category = get_object_or_404(ArticleCategory, pk=pk)
    form = CategoryForm(
        request.POST if request.method == "POST" else None,
        initial={"name": category.name, "position": category.position},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services_kb.save_article_category(actor=request.user, category=category, values=form.cleaned_data)
        except PeyvandError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(reverse("kb:categories"))
    return render(
        request,
        "service/settings/kb_category.html",
        {"category": category, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def category_delete_view(request, pk: int):
    _settings_only(request.user)
    services_kb.delete_article_category(
        actor=request.user, category=get_object_or_404(ArticleCategory, pk=pk)
    )
    messages.success(request, _("Deleted."))
    return HttpResponseRedirect(reverse("kb:categories"))
