"""The customer portal's pages, ``/portal/``: asking for a sign-in link, using it, and — signed in — the
customer's tickets (open, read, answer), their quotes and invoices with their PDFs, and the way to the help centre.

No page reads ``request.user``: a staff session opens nothing here, and the pages are drawn as for an anonymous
visitor (no staff menu) whoever else is signed in in the browser. Every record is looked up through
``selectors``, which start from the signed-in contact, so another customer's id is simply not found (404).
"""

import functools

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peyvand.billing import pdf, services_quotes
from peyvand.billing.views_pdf import _download
from peyvand.core.clientip import client_address
from peyvand.core.errors import PeyvandError
from peyvand.portal import selectors, services
from peyvand.service.models import TicketStatus
from peyvand.service.views_help import chosen_language


def _errors(exc: PeyvandError) -> dict[str, str]:
    return {str(e.get("field") or "form"): str(e["message"]) for e in exc.errors} or {
        "form": str(exc.message)
    }


def _render(request, template: str, context: dict | None = None, *, status: int = 200):
    """The page as the customer sees it: without the staff menu even when a staff user is signed in too."""
    context = {
        "user": AnonymousUser(),
        "portal_link": getattr(request, "portal_link", None),
        **(context or {}),
    }
    context["language"] = "en" if (translation.get_language() or "fa").startswith("en") else "fa"
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


def portal_page(view):
    """The signed-in customer's pages: their link (``request.portal_link``) from the portal cookie, else back to
    the sign-in form."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        link = services.session_link(request.COOKIES.get(services.COOKIE))
        if link is None:
            response = HttpResponseRedirect(reverse("portal:sign-in"))
            response.delete_cookie(services.COOKIE)
            return response
        request.portal_link = link
        return view(request, *args, **kwargs)

    return chosen_language(never_cache(csrf_protect(wrapper)))


# ── signing in and out ──────────────────────────────────────────────────────────────────────────────────────────


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
@chosen_language
def sign_in_view(request):
    """The e-mail form; after a POST the same answer whether or not the address is a customer's."""
    if services.session_link(request.COOKIES.get(services.COOKIE)) is not None:
        return HttpResponseRedirect(reverse("portal:home"))
    if request.method == "GET":
        return _render(request, "portal/sign_in.html")
    try:
        services.request_link(email=request.POST.get("email"), client=client_address(request))
    except PeyvandError as exc:
        return _render(
            request,
            "portal/sign_in.html",
            {"errors": _errors(exc), "typed": request.POST.get("email", "")[:254]},
            status=exc.status if exc.status == 429 else 422,
        )
    return _render(request, "portal/sent.html", {"minutes": services.LINK_MINUTES})


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
@chosen_language
def link_view(request, token: str):
    """GET shows a button, POST uses the link: a mail scanner that opens the link does not use it up."""
    state = services.use_link(token) if request.method == "POST" else services.check_link(token)
    if state.problem:
        return _render(request, "portal/link_problem.html", {"problem": state.problem}, status=410)
    if request.method == "GET":
        return _render(request, "portal/link.html", {"token": token})
    assert state.link is not None
    response = HttpResponseRedirect(reverse("portal:home"))
    response.set_cookie(
        services.COOKIE,
        services.session_value(state.link),
        max_age=services.SESSION_HOURS * 3600,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


@require_POST
@portal_page
def sign_out_view(request):
    services.sign_out(request.portal_link)
    response = HttpResponseRedirect(reverse("portal:sign-in"))
    response.delete_cookie(services.COOKIE)
    return response


# ── the customer's records ──────────────────────────────────────────────────────────────────────────────────────


@require_GET
@portal_page
def home_view(request):
    contact = request.portal_link.contact
    quotes = list(selectors.quotes(contact).select_related("company", "contact"))
    for quote in quotes:
        quote.public_url = reverse("quote-public", args=[services_quotes.public_token(quote)])
    return _render(
        request,
        "portal/home.html",
        {
            "contact": contact,
            "tickets": selectors.tickets(contact)[:200],
            "quotes": quotes[:100],
            "invoices": selectors.invoices(contact)[:100],
        },
    )


@require_http_methods(["GET", "POST"])
@portal_page
def new_ticket_view(request):
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            ticket = services.open_ticket(
                link=request.portal_link,
                values={
                    "subject": request.POST.get("subject"),
                    "description": request.POST.get("description"),
                },
                language=translation.get_language() or "fa",
            )
        except PeyvandError as exc:
            errors = _errors(exc)
        else:
            return HttpResponseRedirect(reverse("portal:ticket", args=[ticket.pk]))
    return _render(
        request,
        "portal/new_ticket.html",
        {"errors": errors, "typed": request.POST if errors else {}},
        status=422 if errors else 200,
    )


@require_http_methods(["GET", "POST"])
@portal_page
def ticket_view(request, pk: int):
    """A ticket and its public conversation; POST is the customer's answer."""
    ticket = selectors.ticket(request.portal_link.contact, pk)
    if ticket is None:
        raise Http404
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            services.reply(link=request.portal_link, ticket=ticket, body=request.POST.get("body"))
        except PeyvandError as exc:
            errors = _errors(exc)
            status = 409 if exc.status == 409 else 422
        else:
            return HttpResponseRedirect(reverse("portal:ticket", args=[ticket.pk]) + "#reply")
    return _render(
        request,
        "portal/ticket.html",
        {
            "ticket": ticket,
            "conversation": selectors.conversation(ticket),
            "closed": ticket.status == TicketStatus.CLOSED,
            "merged_into": selectors.ticket(request.portal_link.contact, ticket.merged_into_id or 0),
            "errors": errors,
            "typed": request.POST.get("body", "") if errors else "",
        },
        status=status,
    )


@require_GET
@portal_page
def quote_pdf_view(request, pk: int):
    return _pdf(selectors.quote(request.portal_link.contact, pk))


@require_GET
@portal_page
def invoice_pdf_view(request, pk: int):
    return _pdf(selectors.invoice(request.portal_link.contact, pk))


def _pdf(document):
    if document is None:
        raise Http404
    language = translation.get_language()
    return _download(
        pdf.document_pdf(document, language=language),
        pdf.file_name(document, language=language),
        "application/pdf",
    )
