"""The printed quote, invoice and credit note: text extracted from the real PDF, the HTML it is made from, the
record's files and the download page's rights."""

import datetime as dt
import io
from decimal import Decimal

import pypdf
import pytest
from django.test import Client
from django.urls import reverse

from peyvand.billing import pdf
from peyvand.billing.documents import apply_totals, price_lines
from peyvand.billing.models import (
    BillingProfile,
    BillingSettings,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Product,
    Quote,
    QuoteLine,
)
from peyvand.contacts.models import Company

pytestmark = pytest.mark.django_db

ISSUED = dt.date(2025, 3, 21)  # 1 Farvardin 1404


def _seller():
    billing = BillingSettings.current()
    billing.seller_name = "شرکت پیوند نوین"
    billing.seller_economic_code = "411122223333"
    billing.seller_national_id = "10101234567"
    billing.seller_postal_code = "1234567890"
    billing.seller_address = "تهران، خیابان آزادی، پلاک ۱۰"
    billing.brand_colour = "#1d4ed8"
    billing.footer = "www.peyvand.example — 021-88888888"
    billing.save()
    return billing


def _company(owner, name="بازرگانی کیان"):
    company = Company.objects.create(name=name, owner=owner, team=owner.team)
    BillingProfile.objects.create(
        company=company, legal_name=name, economic_code="499988887777", national_id="14001234567"
    )
    return company


def _lines(model, **parent):
    product = Product.objects.get_or_create(
        code="P-100", defaults={"name": "چاپگر لیزری", "owner": next(iter(parent.values())).owner}
    )[0]
    return [
        model(
            position=1,
            product=product,
            description="چاپگر لیزری",
            quantity=Decimal("2"),
            unit="عدد",
            unit_price=Decimal("50000000"),
            discount_percent=Decimal("10"),
            tax_percent=Decimal("10"),
            **parent,
        ),
        model(
            position=2,
            description="نصب و راه‌اندازی",
            quantity=Decimal("1"),
            unit_price=Decimal("10000000"),
            tax_percent=Decimal("10"),
            **parent,
        ),
    ]


def make_invoice(
    owner, *, kind=InvoiceKind.INVOICE, credits=None, status=InvoiceStatus.ISSUED, number="INV-1404-1"
):
    _seller()
    company = credits.company if credits else _company(owner)
    invoice = Invoice.objects.create(
        owner=owner,
        team=owner.team,
        company=company,
        kind=kind,
        credits=credits,
        status=InvoiceStatus.DRAFT,  # issued below, once its lines are in (an issued invoice refuses changes)
        number=number if status != InvoiceStatus.DRAFT else "",
        issue_date=ISSUED if status != InvoiceStatus.DRAFT else None,
        due_date=ISSUED + dt.timedelta(days=30),
    )
    if status != InvoiceStatus.DRAFT:
        invoice.seller = pdf.parties.seller_party()
        invoice.buyer = pdf.parties.buyer_party(company)
    lines = _lines(InvoiceLine, invoice=invoice)
    apply_totals(invoice, price_lines(lines, currency=invoice.currency))
    InvoiceLine.objects.bulk_create(lines)
    invoice.save()
    if status != InvoiceStatus.DRAFT:
        Invoice.objects.filter(pk=invoice.pk).update(status=status)
        invoice.status = status
    return invoice


def make_quote(owner, *, version=1):
    _seller()
    quote = Quote.objects.create(
        owner=owner,
        team=owner.team,
        company=_company(owner),
        number="Q-1404-7",
        version_number=version,
        issue_date=ISSUED,
        valid_until=ISSUED + dt.timedelta(days=14),
        terms="پیش‌پرداخت ۳۰ درصد",
    )
    lines = _lines(QuoteLine, quote=quote)
    apply_totals(quote, price_lines(lines, currency=quote.currency))
    QuoteLine.objects.bulk_create(lines)
    quote.save()
    return quote


def printed(phrase: str, text: str) -> bool:
    """Whether the PDF's text holds ``phrase``. pypdf writes a right-to-left line out from its right end, so a
    run of digits inside a Persian line comes out backwards («۱۰/۱۰/۴۰۴۱» for ۱۴۰۴/۰۱/۰۱); either order is the
    same printed figure (the page itself is checked by eye, see the report)."""
    return phrase in text or phrase[::-1] in text


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_totals_of_the_seeded_invoice_are_what_the_tests_expect(rep_a):
    invoice = make_invoice(rep_a)
    # 2 × 50,000,000 − 10% = 90,000,000 + 10,000,000 = 100,000,000 net; 10% tax; 110,000,000 Rial
    assert (invoice.net, invoice.tax, invoice.total) == (
        Decimal("100000000"),
        Decimal("10000000"),
        Decimal("110000000"),
    )


def test_a_persian_invoice_prints_its_number_jalali_dates_the_sellers_economic_code_and_the_total_in_words(
    rep_a,
):
    text = pdf_text(pdf.document_pdf(make_invoice(rep_a), language="fa"))

    assert "صورتحساب فروش کالا و خدمات" in text
    assert "INV-1404-1" in text
    # issue and due dates, Jalali in Persian digits
    assert printed("۱۴۰۴/۰۱/۰۱", text) and printed("۱۴۰۴/۰۱/۳۱", text)
    assert printed("۴۱۱۱۲۲۲۲۳۳۳۳", text)  # the seller's economic code
    assert "یازده میلیون تومان" in text  # 110,000,000 Rial
    assert "۱ / ۱" in text  # page numbers in Persian digits


def test_an_english_invoice_prints_gregorian_dates_and_english_words(rep_a):
    text = pdf_text(pdf.document_pdf(make_invoice(rep_a), language="en"))

    assert "Sales invoice of goods and services" in text
    assert "2025-03-21" in text and "411122223333" in text
    assert "eleven million Tomans" in text
    assert "۱۴۰۴" not in text


def test_a_credit_note_is_titled_as_a_return_and_names_the_invoice_it_credits(rep_a):
    invoice = make_invoice(rep_a)
    note = make_invoice(rep_a, kind=InvoiceKind.CREDIT_NOTE, credits=invoice, number="CN-1404-1")

    persian = pdf_text(pdf.document_pdf(note, language="fa"))
    english = pdf_text(pdf.document_pdf(note, language="en"))

    assert "اعلامیه برگشت از فروش" in persian and "INV-1404-1" in persian and "CN-1404-1" in persian
    assert "Credit note" in english and "INV-1404-1" in english


def test_a_quote_prints_its_revision_valid_until_and_terms(rep_a):
    quote = make_quote(rep_a, version=2)
    text = pdf_text(pdf.document_pdf(quote, language="fa"))

    assert "پیشفاکتور" in text.replace("\u200c", "")  # the extractor drops the zero-width non-joiner
    assert "Q-1404-7" in text and printed("۱۴۰۴/۰۱/۱۵", text)  # valid for 14 days
    assert "یازده میلیون تومان" in text
    english = pdf_text(pdf.document_pdf(quote, language="en"))
    assert "Quote" in english and "revision 2" in english and "Valid until" in english


def test_an_issued_invoice_prints_the_seller_it_was_issued_by_not_todays_settings(rep_a):
    invoice = make_invoice(rep_a)
    billing = BillingSettings.current()
    billing.seller_economic_code = "999999999999"
    billing.save()

    text = pdf_text(pdf.document_pdf(invoice, language="en"))

    assert "411122223333" in text and "999999999999" not in text


def test_a_draft_reads_todays_details_and_says_it_is_not_yet_an_invoice(rep_a):
    draft = make_invoice(rep_a, status=InvoiceStatus.DRAFT)
    html = pdf.document_html(draft, language="en")

    assert "Draft: not a valid invoice until it is issued" in html
    assert "499988887777" in html  # the buyer's economic code from its billing profile


def test_the_pages_run_right_to_left_in_persian_and_left_to_right_in_english(rep_a):
    invoice = make_invoice(rep_a)

    assert 'dir="rtl"' in pdf.document_html(invoice, language="fa")
    assert 'dir="ltr"' in pdf.document_html(invoice, language="en")


def test_the_administrators_brand_colour_logo_and_footer_are_printed(rep_a, tmp_path, settings):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    invoice = make_invoice(rep_a)
    billing = BillingSettings.current()
    png = bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
    billing.logo.save("logo.png", ContentFile(png))

    html = pdf.document_html(invoice, language="fa")

    assert "--brand: #1d4ed8" in html
    assert 'src="data:image/png;base64,' in html
    assert "www.peyvand.example" in pdf_text(pdf.document_pdf(invoice, language="fa"))


def test_a_colour_that_is_not_a_colour_never_reaches_the_style_sheet(rep_a):
    invoice = make_invoice(rep_a)
    billing = BillingSettings.current()
    billing.brand_colour = "red;}"
    billing.save()

    assert "--brand: #0f766e" in pdf.document_html(invoice, language="en")


def test_the_file_name_is_the_kind_and_number_and_keeps_the_zero_width_non_joiner(rep_a):
    quote = make_quote(rep_a, version=2)

    assert pdf.file_name(quote, language="fa") == "پیش\u200cفاکتور Q-1404-7-2.pdf"
    assert pdf.file_name(make_invoice(rep_a, number="INV/1404/1"), language="en") == "Invoice INV-1404-1.pdf"


# --- the download page ------------------------------------------------------------------------------------------


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_owner_downloads_the_pdf_under_its_number(rep_a):
    invoice = make_invoice(rep_a)
    response = _signed_in(rep_a).get(
        reverse("billing:document-pdf", args=["invoice", invoice.pk]), {"language": "en"}
    )

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="Invoice INV-1404-1.pdf"' in response["Content-Disposition"]
    assert "eleven million Tomans" in pdf_text(response.content)


def test_a_persian_file_name_is_sent_encoded(rep_a):
    quote = make_quote(rep_a)
    response = _signed_in(rep_a).get(
        reverse("billing:document-pdf", args=["quote", quote.pk]), {"language": "fa"}
    )

    assert response.status_code == 200
    assert "filename*=utf-8''%D9%BE%DB%8C%D8%B4%E2%80%8C" in response["Content-Disposition"]


def test_another_teams_rep_and_an_unknown_kind_are_not_found(rep_a, rep_b):
    invoice = make_invoice(rep_a)

    assert (
        _signed_in(rep_b).get(reverse("billing:document-pdf", args=["invoice", invoice.pk])).status_code
        == 404
    )
    assert (
        _signed_in(rep_a).get(reverse("billing:document-pdf", args=["payment", invoice.pk])).status_code
        == 404
    )
    assert _signed_in(rep_a).get(f"/billing/invoice/{2**64}/pdf/").status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(rep_a):
    invoice = make_invoice(rep_a)
    response = Client().get(reverse("billing:document-pdf", args=["invoice", invoice.pk]))

    assert response.status_code == 302 and "/login" in response["Location"]


# --- attached to the record -------------------------------------------------------------------------------------


@pytest.fixture
def invoice_type():
    """Invoices as a record type files can go on (registered here until billing registers its own)."""
    from peyvand.core import registry

    if registry.for_model(Invoice) is not None:
        yield registry.for_model(Invoice)
        return
    kind = registry.register(registry.RecordType(name="invoice", plural="invoices", model=Invoice))
    yield kind
    registry.unregister("invoice")


def test_the_pdf_is_stored_among_the_records_files(rep_a, invoice_type, tmp_path, settings):
    from peyvand.core.models import AuditEntry
    from peyvand.files.models import Attachment

    settings.MEDIA_ROOT = tmp_path
    invoice = make_invoice(rep_a)

    attachment = pdf.attach_pdf(invoice, actor=rep_a)

    stored = Attachment.objects.get(pk=attachment.pk)
    assert (stored.record_type, stored.record_id) == (invoice_type.name, invoice.pk)
    assert stored.name == "Invoice INV-1404-1.pdf" and stored.content_type == "application/pdf"
    assert "eleven million Tomans" in pdf_text(stored.file.read())
    assert AuditEntry.objects.filter(object_id=str(invoice.pk)).exists() or AuditEntry.objects.exists()


def test_someone_who_cannot_see_the_record_cannot_attach_its_pdf(
    rep_a, rep_b, invoice_type, tmp_path, settings
):
    from peyvand.core.errors import NotFound
    from peyvand.files.models import Attachment

    settings.MEDIA_ROOT = tmp_path
    invoice = make_invoice(rep_a)

    with pytest.raises(NotFound):
        pdf.attach_pdf(invoice, actor=rep_b)
    assert not Attachment.objects.exists()
