"""The printed quote, invoice and credit note: one HTML template in the shape of an Iranian invoice, made into a PDF
by ``core.pdf`` (WeasyPrint, Vazirmatn embedded), in Persian (right to left, Jalali dates, Persian digits) or in
English, and branded with the administrator's logo, colour and footer (``BillingSettings``).

Figures are formatted here, not in the template, so the table prints exactly the stored amounts in the display
unit (decision 0019) and the words under the total say the same number.
"""

import base64
import re
from decimal import Decimal
from typing import Any

from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import pgettext

from peyvand.billing import parties
from peyvand.billing.models import BillingSettings, InvoiceKind, InvoiceStatus, Quote
from peyvand.billing.words import amount_in_words
from peyvand.core import jalali, registry
from peyvand.core.money import group_digits, to_display, unit_label
from peyvand.core.pdf import font_faces, render_pdf
from peyvand.files.services import attach_file, clean_name

TEMPLATE = "billing/pdf/document.html"
QUOTE, INVOICE, CREDIT_NOTE = "quote", "invoice", "credit_note"
DEFAULT_COLOUR = "#0f766e"
_COLOUR = re.compile(r"#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?")
# Raster images only: an SVG logo could ask the PDF renderer to fetch other files.
_LOGO_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
}


def document_kind(document) -> str:
    if isinstance(document, Quote):
        return QUOTE
    return CREDIT_NOTE if document.kind == InvoiceKind.CREDIT_NOTE else INVOICE


def pdf_language(document, language: str | None = None) -> str:
    """The language asked for, else the active one, else the site's; always one the site offers. (Customers have
    no language of their own yet; when they do, it comes between the two.)"""
    offered = [code for code, _name in django_settings.LANGUAGES]
    for candidate in (language, translation.get_language(), django_settings.LANGUAGE_CODE):
        code = (candidate or "").split("-")[0].lower()
        if code in offered:
            return code
    return offered[0]


def title_of(kind: str) -> str:
    return {
        QUOTE: pgettext("document pdf", "Quote"),
        INVOICE: pgettext("document pdf", "Sales invoice of goods and services"),
        CREDIT_NOTE: pgettext("document pdf", "Credit note"),
    }[kind]


def _digits(text: str) -> str:
    return jalali.persian_digits(text) if jalali.uses_jalali() else text


def _quantity(value: Decimal) -> str:
    value = Decimal(value)
    text = f"{value:,.0f}" if value == value.to_integral_value() else f"{value.normalize():,f}"
    return _digits(text.replace(",", "\u066c") if jalali.uses_jalali() else text)


def _percent(value: Decimal) -> str:
    value = Decimal(value)
    text = f"{value:.0f}" if value == value.to_integral_value() else f"{value.normalize():f}"
    return f"{_digits(text)}٪" if jalali.uses_jalali() else f"{text}%"


def _amount(value: Decimal | None, currency: str) -> str:
    shown = to_display(value or Decimal(0), currency)
    assert shown is not None
    return group_digits(shown)


def _number(document, kind: str) -> str:
    if kind == QUOTE:
        number = document.number
        if document.version_number > 1:
            revision = pgettext("document pdf", "revision %(n)s") % {
                "n": _digits(str(document.version_number))
            }
            number = f"{number} ({revision})"
        return number
    return document.number or pgettext("document pdf", "Draft")


def _brand_colour(value: str) -> str:
    return value if _COLOUR.fullmatch(value or "") else DEFAULT_COLOUR


def _logo(billing: BillingSettings) -> str:
    """The uploaded logo as a data URI (the PDF never fetches anything), or "" when there is none."""
    if not billing.logo:
        return ""
    mime = _LOGO_TYPES.get(billing.logo.name.rsplit(".", 1)[-1].lower())
    if mime is None:
        return ""
    try:
        with billing.logo.open("rb") as stored:
            data = stored.read()
    except OSError:  # the file is gone from the storage: print without it rather than not at all
        return ""
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def _parties(document, kind: str, billing: BillingSettings) -> tuple[dict, dict]:
    """An issued invoice or credit note prints its snapshots; quotes and drafts today's details."""
    issued = kind != QUOTE and document.status != InvoiceStatus.DRAFT
    seller = (
        parties.from_snapshot(document.seller)
        if issued and document.seller
        else parties.seller_party(billing)
    )
    buyer = (
        parties.from_snapshot(document.buyer)
        if issued and document.buyer
        else parties.buyer_party(document.customer)
    )
    return seller, buyer


def _party_rows(party: dict[str, str]) -> list[tuple[str, str]]:
    labels = {
        "national_id": pgettext("document pdf", "National id"),
        "economic_code": pgettext("document pdf", "Economic code"),
        "registration_number": pgettext("document pdf", "Registration number"),
        "postal_code": pgettext("document pdf", "Postal code"),
        "phone": pgettext("document pdf", "Phone"),
        "address": pgettext("document pdf", "Address"),
    }
    return [
        (label, _digits(party[name]) if name != "address" else party[name]) for name, label in labels.items()
    ]


def document_context(document) -> dict[str, Any]:
    """What the template prints, in the active language."""
    kind = document_kind(document)
    billing = BillingSettings.current()
    currency = document.currency
    seller, buyer = _parties(document, kind, billing)
    lines = list(document.lines.select_related("product").order_by("position", "id"))
    rows = [
        {
            "row": _digits(str(index)),
            "code": line.product.code if line.product else "",
            "description": line.description,
            "quantity": _quantity(line.quantity),
            "unit": line.unit,
            "unit_price": _amount(line.unit_price, currency),
            "discount": _amount(line.discount, currency),
            "net": _amount(line.net, currency),
            "tax_percent": _percent(line.tax_percent),
            "tax": _amount(line.tax, currency),
            "total": _amount(line.total, currency),
        }
        for index, line in enumerate(lines, start=1)
    ]
    terms = document.terms or (billing.quote_terms if kind == QUOTE else billing.invoice_terms)
    credits = document.credits if kind == CREDIT_NOTE else None
    return {
        "kind": kind,
        "title": title_of(kind),
        "number": _number(document, kind),
        "draft": kind != QUOTE and document.status == InvoiceStatus.DRAFT,
        "date": jalali.format_date(document.issue_date),
        "valid_until": jalali.format_date(document.valid_until) if kind == QUOTE else "",
        "due_date": jalali.format_date(document.due_date) if kind == INVOICE else "",
        "credits_number": (credits.number or pgettext("document pdf", "Draft")) if credits else "",
        "credits_date": jalali.format_date(credits.issue_date) if credits else "",
        "seller": seller,
        "buyer": buyer,
        "seller_rows": _party_rows(seller),
        "buyer_rows": _party_rows(buyer),
        "rows": rows,
        "unit": unit_label(currency),
        "totals": [
            (pgettext("document pdf", "Total before discount"), _amount(document.gross, currency)),
            (pgettext("document pdf", "Discount"), _amount(document.discount, currency)),
            (pgettext("document pdf", "Total after discount"), _amount(document.net, currency)),
            (pgettext("document pdf", "Tax and levies"), _amount(document.tax, currency)),
        ],
        "total": _amount(document.total, currency),
        "total_in_words": amount_in_words(
            document.total, currency, language=translation.get_language() or "fa"
        ),
        "terms": terms,
        "brand_colour": _brand_colour(billing.brand_colour),
        "logo": _logo(billing),
        "footer": billing.footer,
        "persian_pages": jalali.uses_jalali(),
    }


def document_html(document, *, language: str | None = None) -> str:
    """The HTML the PDF is made from (what the tests and a print preview read)."""
    with translation.override(pdf_language(document, language)):
        return render_to_string(TEMPLATE, {**document_context(document), "font_faces": font_faces()})


def document_pdf(document, *, language: str | None = None) -> bytes:
    """A quote, an invoice or a credit note as a PDF, in ``language`` (else the active language)."""
    with translation.override(pdf_language(document, language)):
        return render_pdf(TEMPLATE, document_context(document))


def file_name(document, *, language: str | None = None) -> str:
    """«پیش‌فاکتور Q-12.pdf», "Invoice INV-1403-7.pdf": the document's kind and number, nothing a file system or
    a browser would trip on (slashes, quotes, control characters); the zero-width non-joiner is kept."""
    kind = document_kind(document)
    with translation.override(pdf_language(document, language)):
        label = {
            QUOTE: pgettext("document pdf file", "Quote"),
            INVOICE: pgettext("document pdf file", "Invoice"),
            CREDIT_NOTE: pgettext("document pdf file", "Credit note"),
        }[kind]
        number = document.number or pgettext("document pdf", "Draft")
    if kind == QUOTE and document.version_number > 1:
        number = f"{number}-{document.version_number}"
    number = re.sub(r'[\\/:*?"<>|]+', "-", number)
    return clean_name(f"{label} {number}.pdf")


def attach_pdf(document, *, actor):
    """Store the document's PDF among its record's files (``files.services.attach_file``: the actor must see the
    record; the upload is checked and audited there). Returns the new ``files.Attachment``."""
    content = document_pdf(document)
    upload = SimpleUploadedFile(file_name(document), content, content_type="application/pdf")
    return attach_file(
        actor=actor, record_type=registry.type_name(type(document)), record_id=document.pk, upload=upload
    )
