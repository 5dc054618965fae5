"""API of deal lines (``/deals/{id}/lines``, mounted by peyvand/api.py beside sales' own deal routes, since sales
cannot name billing) and the quote's actions beside its generic routes (``/quotes/...``)."""

from ninja import Router, Status

from peyvand.billing import lines, selectors_quotes, services_quotes
from peyvand.billing.resources_quotes import QUOTES
from peyvand.billing.schemas_quotes import (
    DealLinesOut,
    LinesIn,
    QuoteAcceptIn,
    QuoteChangesIn,
    QuoteLinkOut,
    QuoteOut,
)
from peyvand.core.clientip import client_address
from peyvand.core.rest import responses
from peyvand.sales.resources import DEALS

deal_lines_router = Router()
quotes_router = Router()


def _deal_lines(deal) -> dict:
    deal_lines = lines.deal_lines(deal)
    return {
        "deal_id": deal.pk,
        "version": deal.version,
        "amount": deal.amount,
        "currency": deal.currency,
        "lines": deal_lines,
        "totals": lines.totals_of(deal_lines, currency=deal.currency),
    }


@deal_lines_router.get(
    "/{int:pk}/lines",
    response=responses({200: DealLinesOut}, 404),
    tags=["deals"],
    operation_id="deals_lines",
)
def read_deal_lines(request, pk: int):
    """The deal's product lines and their totals."""
    return _deal_lines(DEALS.get(request, pk))


@deal_lines_router.put(
    "/{int:pk}/lines",
    response=responses({200: DealLinesOut}, 404, 409),
    tags=["deals"],
    operation_id="deals_lines_replace",
)
def replace_deal_lines(request, pk: int, payload: LinesIn):
    """Replace the deal's product lines; each is priced for the deal's customer today (price lists, quantity
    breaks, tax of its class), and the deal's amount becomes their net total."""
    deal = lines.set_deal_lines(
        actor=request.user,
        deal=DEALS.get(request, pk),
        rows=[line.model_dump() for line in payload.lines],
        version=payload.version,
    )
    return _deal_lines(DEALS.get(request, deal.pk))


@deal_lines_router.post(
    "/{int:pk}/quote",
    response=responses({201: QuoteOut}, 404, 409),
    tags=["quotes"],
    operation_id="deals_quote",
)
def quote_from_deal(request, pk: int):
    """Make a draft quote of the deal in one click: its lines, customer and currency, the next number."""
    quote = services_quotes.create_quote_from_deal(actor=request.user, deal=DEALS.get(request, pk))
    return Status(201, QUOTES.get(request, quote.pk))


@quotes_router.put(
    "/{int:pk}/lines",
    response=responses({200: QuoteOut}, 404, 409),
    tags=["quotes"],
    operation_id="quotes_lines",
)
def replace_quote_lines(request, pk: int, payload: LinesIn):
    """Replace a draft's lines (priced for its customer today); an approval asked for or given is void."""
    quote = services_quotes.set_quote_lines(
        actor=request.user,
        quote=QUOTES.get(request, pk),
        rows=[line.model_dump() for line in payload.lines],
        version=payload.version,
    )
    return QUOTES.get(request, quote.pk)


def _action(name: str, summary: str, status: int = 200):
    return quotes_router.post(
        f"/{{int:pk}}/{name}",
        response=responses({status: QuoteOut}, 404, 409),
        tags=["quotes"],
        operation_id=f"quotes_{name.replace('-', '_')}",
        summary=summary,
    )


@_action("revise", "Revise: a new version", 201)
def revise(request, pk: int):
    """A new version of the quote (version + 1, the same number) to change; this one is superseded and its
    public link stops opening."""
    quote = services_quotes.revise_quote(actor=request.user, quote=QUOTES.get(request, pk))
    return Status(201, QUOTES.get(request, quote.pk))


@_action("ready", "Mark ready to send")
def ready(request, pk: int):
    """Approved at once when its discount is within the owner's ceiling; else ``pending_approval`` and the
    team's managers are notified."""
    quote = services_quotes.mark_quote_ready(actor=request.user, quote=QUOTES.get(request, pk))
    return QUOTES.get(request, quote.pk)


@_action("approve", "Approve the discount")
def approve(request, pk: int):
    """A manager of the quote's team (within their own ceiling) or an administrator approves its discount."""
    quote = services_quotes.approve_quote(actor=request.user, quote=QUOTES.get(request, pk))
    return QUOTES.get(request, quote.pk)


@_action("send", "Send by e-mail")
def send(request, pk: int):
    """E-mail the customer's contact the signed link and mark it sent; a discount above the owner's ceiling goes
    to approval first (``pending_approval``, nothing sent)."""
    quote = services_quotes.send_quote(actor=request.user, quote=QUOTES.get(request, pk))
    return QUOTES.get(request, quote.pk)


@_action("accept", "Record the customer's acceptance")
def accept(request, pk: int, payload: QuoteAcceptIn):
    """Record that the customer accepted (by phone, in person): their name, the time and your address."""
    quote = services_quotes.accept_quote(
        actor=request.user, quote=QUOTES.get(request, pk), name=payload.name, address=client_address(request)
    )
    return QUOTES.get(request, quote.pk)


@_action("request-changes", "Record the customer's change request")
def request_changes(request, pk: int, payload: QuoteChangesIn):
    """Record that the customer asked for changes (their text); the owner then revises the quote."""
    quote = services_quotes.request_quote_changes(
        actor=request.user,
        quote=QUOTES.get(request, pk),
        text=payload.text,
        name=payload.name,
        address=client_address(request),
    )
    return QUOTES.get(request, quote.pk)


@quotes_router.get(
    "/{int:pk}/link",
    response=responses({200: QuoteLinkOut}, 404),
    tags=["quotes"],
    operation_id="quotes_link",
)
def link(request, pk: int):
    """The quote's signed public link, for sending it another way."""
    return {"url": services_quotes.public_url(QUOTES.get(request, pk))}


@quotes_router.get(
    "/{int:pk}/versions",
    response=responses({200: list[QuoteOut]}, 404),
    tags=["quotes"],
    operation_id="quotes_versions",
)
def versions(request, pk: int):
    """Every version of the quote's number you may see, newest first."""
    quote = QUOTES.get(request, pk)
    return selectors_quotes.versions_of(request.user, quote)
