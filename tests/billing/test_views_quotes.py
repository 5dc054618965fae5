"""The quote's page through the Django test client: its PDF link, "Create invoice" in one click for a quote that
may become an invoice (and nothing for one that may not), another team's quote not found, and its labels and
figures in Persian."""

import pytest
from django.test import Client
from django.urls import reverse

from peyvand.billing import services_quotes
from peyvand.billing.models import Invoice, InvoiceStatus, QuoteStatus
from tests.billing.quote_factories import make_quote

pytestmark = pytest.mark.django_db


def _client(user, language="en"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def test_an_approved_quote_becomes_a_draft_invoice_in_one_click_which_opens(rep_a, pipeline):
    quote = services_quotes.mark_quote_ready(actor=rep_a, quote=make_quote(rep_a))
    client = _client(rep_a)
    page = client.get(reverse("quotes:detail", args=[quote.pk])).content.decode()
    assert 'id="quote-to-invoice"' in page
    assert reverse("billing:document-pdf", args=["quote", quote.pk]) in page

    answer = client.post(reverse("quotes:invoice", args=[quote.pk]))
    invoice = Invoice.objects.get(quote=quote)
    assert answer.status_code == 302 and answer["Location"] == reverse("invoices:detail", args=[invoice.pk])
    assert invoice.status == InvoiceStatus.DRAFT and invoice.total == quote.total and not invoice.number
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.INVOICED
    page = client.get(reverse("quotes:detail", args=[quote.pk])).content.decode()
    assert 'id="quote-to-invoice"' not in page
    assert reverse("invoices:detail", args=[invoice.pk]) in page  # the quote links to its invoice


def test_a_draft_quote_offers_no_invoice_and_a_post_is_refused_with_the_reason(rep_a, pipeline):
    quote = make_quote(rep_a)
    client = _client(rep_a)
    assert (
        'id="quote-to-invoice"' not in client.get(reverse("quotes:detail", args=[quote.pk])).content.decode()
    )
    answer = client.post(reverse("quotes:invoice", args=[quote.pk]), follow=True)
    assert not Invoice.objects.exists()
    assert "Only an accepted quote" in answer.content.decode()


def test_another_teams_quote_cannot_be_invoiced(rep_a, rep_b, pipeline):
    quote = services_quotes.mark_quote_ready(actor=rep_a, quote=make_quote(rep_a))
    assert _client(rep_b).post(reverse("quotes:invoice", args=[quote.pk])).status_code == 404
    assert not Invoice.objects.exists()


def test_the_persian_quote_page_labels_the_discount_in_persian_and_shows_the_percentage_in_persian_digits(
    rep_a, pipeline
):
    quote = make_quote(rep_a)
    page = _client(rep_a, "fa").get(reverse("quotes:detail", args=[quote.pk])).content.decode()
    assert "درصد تخفیف" in page and "Discount" not in page
    assert "0.000" not in page  # the document discount field reads ۰
