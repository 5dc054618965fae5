"""The quote's pages beyond the generic ones (its lines, its actions) and the deal's product-lines section.

Thin: parse, call the same services as the API, render; htmx gets the section back, a plain form the page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peyvand.billing import lines, selectors_quotes, services_invoices, services_quotes
from peyvand.billing.models import QuoteStatus
from peyvand.billing.resources_quotes import QUOTES
from peyvand.core.clientip import client_address
from peyvand.core.errors import PeyvandError
from peyvand.sales.resources import DEALS


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _change(post):
    """The row change a lines form asks for: add a product, change or remove the n-th line."""
    op, index = post.get("op"), _int(post.get("index"), -1)

    def change(rows):
        if op == "add":
            rows.append(
                {
                    "product": _int(post.get("product")),
                    "quantity": post.get("quantity") or "1",
                    # left empty: the customer's tier discount
                    "discount_percent": post.get("discount_percent", ""),
                }
            )
        elif op == "change" and 0 <= index < len(rows):
            rows[index] = {
                **rows[index],
                "quantity": post.get("quantity") or rows[index]["quantity"],
                "discount_percent": post.get("discount_percent") or "0",
            }
        elif op == "remove" and 0 <= index < len(rows):
            rows.pop(index)
        return rows

    return change


def _errors(exc: PeyvandError) -> list[str]:
    return [str(e["message"]) for e in exc.errors] or [str(exc.message)]


def deal_lines_context(request, deal, errors=()) -> dict:
    deal_lines = lines.deal_lines(deal)
    return {
        "deal": deal,
        "deal_lines": deal_lines,
        "totals": lines.totals_of(deal_lines, currency=deal.currency),
        "products": list(lines.products_to_offer()),
        "quotes": list(selectors_quotes.quotes_of_deal(request.user, deal)[:20]),
        "line_errors": list(errors),
    }


@login_required
@require_http_methods(["GET", "POST"])
def deal_lines_view(request, pk: int):
    """The deal's product lines: GET the section; POST add a product, change a line's quantity or discount, or
    remove it (the whole deal is priced again and its amount follows)."""
    deal = DEALS.get(request, pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            deal = lines.change_deal_lines(actor=request.user, deal=deal, change=_change(request.POST))
        except PeyvandError as exc:
            errors = _errors(exc)
        if not request.htmx:
            for error in errors:
                messages.error(request, error)
            return HttpResponseRedirect(reverse("deals:detail", args=[pk]) + "#deal-lines")
        if not errors:
            # the deal's amount on the same page follows the lines: the whole page is read again
            return HttpResponse(status=204, headers={"HX-Refresh": "true"})
        deal = DEALS.get(request, pk)
    context = {"record": deal, "section": deal_lines_context(request, deal, errors)}
    return render(request, "billing/deal_lines/_lines.html", context)


@login_required
@require_GET
def product_choices_view(request):
    """Active products whose code or name holds ``q``, as the options of the lines' product list."""
    products = lines.products_to_offer(request.GET.get("q", "")[:100], limit=50)
    return render(request, "billing/deal_lines/_product_options.html", {"products": products})


@login_required
@require_POST
def deal_quote_view(request, pk: int):
    """Make a quote of the deal in one click and open it."""
    deal = DEALS.get(request, pk)
    try:
        quote = services_quotes.create_quote_from_deal(actor=request.user, deal=deal)
    except PeyvandError as exc:
        for error in _errors(exc):
            messages.error(request, error)
        return HttpResponseRedirect(reverse("deals:detail", args=[pk]) + "#deal-lines")
    messages.success(request, _("Quote %(number)s is made; check it and send it.") % {"number": quote})
    return HttpResponseRedirect(reverse("quotes:detail", args=[quote.pk]))


@login_required
@require_POST
def quote_lines_view(request, pk: int):
    """Change a draft's lines (add, change, remove), as the deal's section does."""
    quote = QUOTES.get(request, pk)
    rows = [
        {
            "product": line.product_id,
            "quantity": line.quantity,
            "discount_percent": line.discount_percent,
            "description": line.description,
        }
        for line in selectors_quotes.quote_lines(quote)
    ]
    try:
        services_quotes.set_quote_lines(actor=request.user, quote=quote, rows=_change(request.POST)(rows))
    except PeyvandError as exc:
        for error in _errors(exc):
            messages.error(request, error)
    return HttpResponseRedirect(reverse("quotes:detail", args=[pk]) + "#quote-lines")


ACTIONS = {
    "ready": lambda request, quote: services_quotes.mark_quote_ready(actor=request.user, quote=quote),
    "approve": lambda request, quote: services_quotes.approve_quote(actor=request.user, quote=quote),
    "send": lambda request, quote: services_quotes.send_quote(actor=request.user, quote=quote),
    "revise": lambda request, quote: services_quotes.revise_quote(actor=request.user, quote=quote),
    "accept": lambda request, quote: services_quotes.accept_quote(
        actor=request.user, quote=quote, name=request.POST.get("name", ""), address=client_address(request)
    ),
    "request-changes": lambda request, quote: services_quotes.request_quote_changes(
        actor=request.user,
        quote=quote,
        text=request.POST.get("text", ""),
        name=request.POST.get("name", ""),
        address=client_address(request),
    ),
}


def _done_message(action: str, quote) -> str:
    if quote.status == QuoteStatus.PENDING_APPROVAL:
        return _("The discount is above what the owner may give alone: a manager is asked to approve it.")
    return {
        "ready": _("Ready to send."),
        "approve": _("Approved; it may be sent."),
        "send": _("Sent to the customer."),
        "revise": _("A new version is made; the earlier one is kept, read-only."),
        "accept": _("The acceptance is recorded."),
        "request-changes": _("The change request is recorded."),
    }[action]


@login_required
@require_POST
def quote_action_view(request, pk: int, action: str):
    """One of the quote's buttons: mark ready, approve, send, revise, or record the customer's answer."""
    quote = QUOTES.get(request, pk)
    if action not in ACTIONS:
        raise Http404
    try:
        result = ACTIONS[action](request, quote)
    except PeyvandError as exc:
        for error in _errors(exc):
            messages.error(request, error)
        return HttpResponseRedirect(reverse("quotes:detail", args=[pk]))
    messages.success(request, _done_message(action, result))
    return HttpResponseRedirect(reverse("quotes:detail", args=[result.pk]))


@login_required
@require_POST
def quote_invoice_view(request, pk: int):
    """Turn the quote into a draft invoice in one click and open the invoice (the service says which quotes may)."""
    quote = QUOTES.get(request, pk)
    try:
        invoice = services_invoices.invoice_from_quote(actor=request.user, quote=quote)
    except PeyvandError as exc:
        for error in _errors(exc):
            messages.error(request, error)
        return HttpResponseRedirect(reverse("quotes:detail", args=[pk]))
    messages.success(request, _("A draft invoice is made from the quote; check it and issue it."))
    return HttpResponseRedirect(reverse("invoices:detail", args=[invoice.pk]))
