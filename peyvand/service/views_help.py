"""The public help centre, ``/help/``: no sign-in. Customers search the public, published articles (their own
language first), browse them by category, read one and say whether it helped (a form POST with its CSRF token, no
script needed; counted once per visitor by ``services_kb.feedback_once``)."""

import functools

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from peyvand.core import ratelimit
from peyvand.core.clientip import client_address
from peyvand.core.errors import ValidationFailed
from peyvand.core.text import to_ascii_digits
from peyvand.service import selectors_kb, services_kb, services_webform

MAX_QUERY = 200
# Messages one address may send through the contact form per window: a customer needs one or two; a script
# filling the queue is stopped. Counted in Django's cache (shared between processes: docs/deployment.md).
CONTACT_LIMIT = 5
CONTACT_WINDOW = 60 * 60


def chosen_language(view):
    """``?lang=en`` or ``?lang=fa`` shows the page in that language and keeps the choice in the language cookie
    (a visitor has no header with a language switch); without it the page is in the cookie's or Persian."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        chosen = request.GET.get("lang")
        if chosen not in ("fa", "en"):
            return view(request, *args, **kwargs)
        with translation.override(chosen):
            request.LANGUAGE_CODE = chosen
            response = view(request, *args, **kwargs)
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, chosen, samesite="Lax")
        return response

    return wrapper


def _language() -> str:
    return "en" if (translation.get_language() or "fa").startswith("en") else "fa"


def _category(raw: str | None) -> int | None:
    try:
        value = int(to_ascii_digits(raw or ""))
    except ValueError:
        return None
    return value if 0 < value < 2**31 else None


@require_GET
@chosen_language
def help_home_view(request):
    """Search (``?q=``) or browse (``?category=``) the public articles, in the visitor's language first."""
    language = _language()
    query = (request.GET.get("q") or "").strip()[:MAX_QUERY]
    category = _category(request.GET.get("category"))
    categories = selectors_kb.help_categories()
    if query:
        articles = selectors_kb.search_articles(query, public_only=True, language=language, limit=30)
    else:
        articles = selectors_kb.help_articles(language=language, category=category)
    return render(
        request,
        "service/help/home.html",
        {
            "query": query,
            "articles": articles,
            "categories": categories,
            "category": next((c for c in categories if c.pk == category), None),
            "language": language,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@chosen_language
def help_article_view(request, pk: int):
    """One public article; POST ``helpful=yes|no`` answers "Was this helpful?" (once per visitor)."""
    article = selectors_kb.public_article(pk)
    if article is None:
        raise Http404
    if request.method == "POST":
        answer = request.POST.get("helpful")
        if answer not in ("yes", "no"):
            return _page(request, article, error=True, status=422)
        services_kb.feedback_once(session=request.session, article=article, helpful=answer == "yes")
        return HttpResponseRedirect(reverse("help:article", args=[article.pk]) + "#feedback")
    return _page(request, article)


def _page(request, article, *, error: bool = False, status: int = 200):
    return render(
        request,
        "service/help/article.html",
        {
            "article": article,
            "answered": services_kb.already_answered(request.session, article),
            "error": error,
            "text_dir": "rtl" if article.language == "fa" else "ltr",
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@chosen_language
def help_contact_view(request):
    """ "Contact support": a visitor's question becomes a ticket, routed like mail, answered by e-mail. A hidden
    field people never fill (``website``) turns robots away quietly; too many messages from one address get 429."""
    typed = (
        {name: request.POST.get(name, "") for name in services_webform.LIMITS}
        if request.method == "POST"
        else {}
    )
    errors: dict[str, str] = {}
    if request.method == "POST":
        if request.POST.get("website"):
            return render(request, "service/help/contact_sent.html", {"reference": None})
        if not ratelimit.allowed(
            f"peyvand:help-contact:{client_address(request)}", CONTACT_LIMIT, CONTACT_WINDOW
        ):
            return render(request, "service/help/contact.html", {"typed": typed, "limited": True}, status=429)
        try:
            ticket = services_webform.open_from_web_form(values=typed, language=_language())
        except ValidationFailed as exc:
            for item in exc.errors:
                errors.setdefault(str(item["field"]), str(item["message"]))
        else:
            return render(request, "service/help/contact_sent.html", {"reference": ticket.reference})
    return render(
        request,
        "service/help/contact.html",
        {"typed": typed, "errors": errors, "language": _language()},
        status=422 if errors else 200,
    )
