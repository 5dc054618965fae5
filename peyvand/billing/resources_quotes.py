"""Billing's quotes as the rest of Peyvand sees them: the "quote" record type (API, pages, export, automation,
search, timeline), the deal's product-lines section and the deal form's note that its amount follows them."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from peyvand.billing import selectors_quotes, services_quotes
from peyvand.billing.models import Quote, QuoteStatus
from peyvand.billing.schemas_quotes import QuoteIn, QuoteOut, QuotePatch
from peyvand.core import registry
from peyvand.core.registry import FieldSpec as F
from peyvand.core.rest import Resource
from peyvand.web.filters import choices_filter, owner_filter
from peyvand.web.forms import RecordForm
from peyvand.web.screens import Screen

QUOTES = Resource(
    name="quotes",
    model=Quote,
    visible=selectors_quotes.quotes_visible_to,
    list_spec=selectors_quotes.QUOTE_LIST,
    create=services_quotes.create_quote,
    update_service=services_quotes.update_quote,
    schema_in=QuoteIn,
    schema_patch=QuotePatch,
    schema_out=QuoteOut,
)


class QuoteForm(RecordForm):
    model = Quote
    field_names = ("deal", "discount_percent", "valid_until", "terms", "accept_stage", "owner")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from peyvand.sales.models import Stage
        from peyvand.sales.selectors import pipelines_visible_to

        if self.instance is not None:
            # a quote stays with its deal; the acceptance stage is one of the deal's pipeline
            del self.fields["deal"]
            stages = Stage.objects.filter(pipeline_id=getattr(self.instance.deal, "pipeline_id", None))
        else:
            stages = Stage.objects.filter(pipeline__in=pipelines_visible_to(self.user))
        self.fields["accept_stage"].queryset = stages.select_related("pipeline").order_by("pipeline", "order")
        self.fields["accept_stage"].label_from_instance = lambda s: f"{s.pipeline.name} › {s.name}"
        self.fields["valid_until"].required = False
        self.fields["discount_percent"].required = False


def _detail(user, quote):
    from peyvand.billing import lines, permissions, services_invoices
    from peyvand.billing.models import BillingSettings, Invoice

    billing = BillingSettings.current()
    share = services_quotes.discount_share(quote)
    return {
        "quote_lines": selectors_quotes.quote_lines(quote),
        "versions": selectors_quotes.versions_of(user, quote),
        "share": share,
        "editable": quote.status in services_quotes.EDITABLE and not quote.deleted_at,
        "answerable": services_quotes.check_answerable(quote),
        "can_approve": quote.status == QuoteStatus.PENDING_APPROVAL
        and permissions.can_approve_discount(user, quote, billing, share),
        "needs_approval": services_quotes.needs_approval(quote, billing),
        "public_url": services_quotes.public_url(quote)
        if quote.status not in (QuoteStatus.SUPERSEDED,)
        else "",
        "recipient": services_quotes.recipient_of(quote),
        # invoice_from_quote lets whoever sees the quote draft its invoice (issuing it is a manager's)
        "invoiceable": quote.status in services_invoices.INVOICEABLE_QUOTES and not quote.deleted_at,
        "invoices": list(Invoice.objects.visible_to(user).filter(quote=quote).order_by("id")),
        "quote_products": list(lines.products_to_offer()) if quote.status in services_quotes.EDITABLE else [],
    }


QUOTE_SCREEN = Screen(
    resource=QUOTES,
    form_class=QuoteForm,
    columns=("number", "version_number", "status", "company", "total", "valid_until", "owner"),
    extra_fields=("number", "version_number", "status", "company", "contact", "issue_date", "total"),
    filters=(owner_filter(), choices_filter("status", _("Status"), QuoteStatus.choices)),
    detail_extra=_detail,
    initial_from_request=("deal",),
)

QUOTE_FIELDS = (
    F("number", editable=False, searchable=True, automation=True),
    F("version_number", editable=False, automation=True),
    F("status", editable=False, automation=True),
    F("deal", editable=False),
    F("company", editable=False),
    F("contact", editable=False),
    F("currency", editable=False),
    F("issue_date", editable=False, automation=True),
    F("valid_until", automation=True, settable=True),
    F("discount_percent", automation=True),
    F("terms"),
    F("accept_stage", exportable=False),
    F("gross", editable=False, money=True),
    F("discount", editable=False, money=True, automation=True),
    F("net", editable=False, money=True),
    F("tax", editable=False, money=True),
    F("total", editable=False, money=True, automation=True),
    F("sent_at", editable=False, automation=True),
    F("responded_at", editable=False),
    F("responder_name", editable=False),
    F("responder_address", editable=False, exportable=False, audited=False),
    F("change_request", editable=False),
    F("approved_by", editable=False),
    F("owner"),
    F("team", editable=False, exportable=False),
)


def _parties(quote: Quote) -> list:
    """Whom work on a quote is for: its deal, contact and company."""
    return [record for record in (quote.deal, quote.contact, quote.company) if record is not None]


def register() -> None:
    from peyvand.billing import lines, views_quotes
    from peyvand.billing.api_quotes import quotes_router

    registry.register(
        registry.RecordType(
            name="quote",
            plural="quotes",
            model=Quote,
            resource=QUOTES,
            screen=QUOTE_SCREEN,
            fields=QUOTE_FIELDS,
            concerns=_parties,
            api_router=quotes_router,
            ui_urls=(
                path("<int:pk>/lines/", views_quotes.quote_lines_view, name="lines"),
                path("<int:pk>/action/<str:action>/", views_quotes.quote_action_view, name="action"),
                path("<int:pk>/invoice/", views_quotes.quote_invoice_view, name="invoice"),
            ),
        )
    )
    registry.register_record_section("billing/deal_lines/_section.html")
    registry.register_field_note(lines.amount_note)
