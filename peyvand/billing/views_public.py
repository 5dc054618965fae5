"""The customer's page of a quote, ``/q/<token>/``: no sign-in, the signed token is the only credential.

A bad signature, or a token of a quote that no longer exists, is 404; a superseded revision's token answers 410
and shows nothing of it. The page is in the visitor's language (Persian unless they chose English), shows the
quote and, while it may be answered, lets the customer accept it (typing their name) or ask for changes.
"""

from django.http import Http404
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from peyvand.billing import selectors_quotes, services_quotes
from peyvand.billing.models import BillingSettings, QuoteStatus
from peyvand.core import ratelimit
from peyvand.core.clientip import client_address
from peyvand.core.errors import PeyvandError

# Answers (accept, ask for changes) one address may post on one quote per window: a customer needs a few, and a
# flood of change requests would flood the owner's notifications. Counted in Django's cache, which a deployment
# with several web processes points at a shared store (docs/deployment.md).
ANSWER_LIMIT = 5
ANSWER_WINDOW = 60 * 60


def _answer_allowed(quote, address: str) -> bool:
    return ratelimit.allowed(f"peyvand:quote-answers:{quote.pk}:{address}", ANSWER_LIMIT, ANSWER_WINDOW)


def _quote(token: str):
    quote = services_quotes.quote_for_token(token)
    if quote is None or quote.deleted_at is not None:
        raise Http404
    return quote


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def public_quote_view(request, token: str):
    """In the visitor's language (Persian by default); ``?lang=en`` or ``?lang=fa`` chooses."""
    chosen = request.GET.get("lang")
    if chosen in ("fa", "en"):
        with translation.override(chosen):
            return _page(request, token)
    return _page(request, token)


def _page(request, token: str):
    quote = _quote(token)
    if quote.status == QuoteStatus.SUPERSEDED:
        return render(request, "billing/public/superseded.html", status=410)
    errors: dict[str, str] = {}
    done = ""
    status = 200
    if request.method == "POST" and not _answer_allowed(quote, client_address(request) or "unknown"):
        errors = {"form": _("Too many answers from your address; try again in an hour.")}
        status = 429
    elif request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "accept":
                quote = services_quotes.accept_quote(
                    actor=None,
                    quote=quote,
                    name=request.POST.get("name", ""),
                    address=client_address(request),
                )
                done = "accepted"
            elif action == "changes":
                quote = services_quotes.request_quote_changes(
                    actor=None,
                    quote=quote,
                    text=request.POST.get("text", ""),
                    name=request.POST.get("name", ""),
                    address=client_address(request),
                )
                done = "changes"
        except PeyvandError as exc:
            errors = {str(e.get("field") or "form"): str(e["message"]) for e in exc.errors} or {
                "form": str(exc.message)
            }
    if errors and status == 200:
        status = 422
    return render(
        request,
        "billing/public/quote.html",
        {
            "quote": quote,
            "quote_lines": selectors_quotes.quote_lines(quote),
            "seller": BillingSettings.current(),
            "answerable": services_quotes.check_answerable(quote),
            "errors": errors,
            "done": done,
            "typed": request.POST if errors else {},
            "rtl": translation.get_language_bidi(),
        },
        status=status,
    )
