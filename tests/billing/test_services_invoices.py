import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction

from peyvand.billing import parties, services_invoices
from peyvand.billing.models import (
    BillingProfile,
    BillingSettings,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    NumberSequence,
    Quote,
    QuoteLine,
    QuoteStatus,
)
from peyvand.core import events
from peyvand.core.errors import PeyvandError, ValidationFailed
from peyvand.core.models import AuditEntry
from tests.billing.helpers_invoices import company, draft, issued, rial

pytestmark = pytest.mark.django_db


def test_a_draft_invoice_prices_its_lines_and_has_no_number(rep_a):
    invoice = draft(rep_a, company(rep_a), discount_percent="10")
    assert invoice.status == InvoiceStatus.DRAFT and invoice.number == "" and invoice.sequence is None
    # 2 × 5,000,000 = 10,000,000, less 10% = 9,000,000, plus 10% tax = 9,900,000
    assert (invoice.gross, invoice.net, invoice.tax, invoice.total) == (
        rial(10_000_000),
        rial(9_000_000),
        rial(900_000),
        rial(9_900_000),
    )
    assert invoice.balance == invoice.total
    assert invoice.lines.count() == 1


def test_a_bad_line_is_named_by_its_row_and_field_and_nothing_is_written(rep_a):
    customer = company(rep_a)
    with pytest.raises(ValidationFailed) as refused:
        draft(
            rep_a,
            customer,
            lines=[{"description": "ok", "unit_price": "1"}, {"description": "", "quantity": "-1"}],
        )
    fields = {e["field"] for e in refused.value.errors}
    assert fields == {"lines.1.description", "lines.1.quantity"}
    assert not Invoice.objects.exists()


def test_an_invoice_needs_a_customer(rep_a):
    with pytest.raises(ValidationFailed) as refused:
        services_invoices.create_invoice(
            actor=rep_a, values={"lines": [{"description": "x", "unit_price": "1"}]}
        )
    assert refused.value.errors[0]["field"] == "company"


def test_a_rep_cannot_draft_for_another_teams_company(rep_a, rep_b):
    with pytest.raises(ValidationFailed) as refused:
        draft(rep_a, company(rep_b))
    assert refused.value.errors[0]["field"] == "company"


def test_a_draft_can_change_its_lines_and_dates(rep_a):
    invoice = draft(rep_a, company(rep_a))
    changed = services_invoices.update_invoice(
        actor=rep_a,
        invoice=invoice,
        version=invoice.version,
        values={"due_date": dt.date(2026, 6, 1), "lines": [{"description": "Support", "unit_price": "300"}]},
    )
    assert changed.total == rial(300) and changed.due_date == dt.date(2026, 6, 1)
    assert [line.description for line in changed.lines.all()] == ["Support"]


def test_issuing_numbers_the_invoice_in_its_jalali_fiscal_year_and_snapshots_both_parties(manager_a):
    settings = BillingSettings.current()
    settings.seller_name = "Peyvand Co"
    settings.seller_economic_code = "411111111111"
    settings.save()
    customer = company(manager_a)
    BillingProfile.objects.create(
        company=customer, legal_name="Parsian Trading PJS", national_id="10101010101", payment_terms_days=45
    )
    invoice = services_invoices.issue_invoice(
        actor=manager_a, invoice=draft(manager_a, customer), issue_date=dt.date(2026, 4, 1)
    )
    # 1 April 2026 is 12 Farvardin 1405
    assert invoice.number == "INV-1405-00001" and invoice.fiscal_year == 1405 and invoice.sequence == 1
    assert invoice.status == InvoiceStatus.ISSUED and invoice.balance == invoice.total
    assert invoice.due_date == dt.date(2026, 5, 16)
    assert invoice.seller["economic_code"] == "411111111111"
    assert invoice.buyer["name"] == "Parsian Trading PJS" and invoice.buyer["national_id"] == "10101010101"
    # the shape the PDF and the tax export read back (parties.py), so what was stored is what prints
    assert invoice.seller == parties.seller_party(settings)
    assert invoice.buyer == parties.buyer_party(customer)
    assert parties.from_snapshot(invoice.buyer) == invoice.buyer
    second = issued(manager_a, customer, issue_date=dt.date(2026, 4, 2))
    assert second.number == "INV-1405-00002"


def test_an_invoice_issued_before_nowruz_counts_in_the_previous_year_and_terms_come_from_settings(manager_a):
    invoice = issued(manager_a, company(manager_a), issue_date=dt.date(2026, 3, 19))
    assert invoice.number == "INV-1404-00001"
    assert invoice.due_date == dt.date(2026, 4, 18)


def test_a_gregorian_fiscal_year_and_another_prefix_number_by_the_calendar_year(manager_a):
    settings = BillingSettings.current()
    settings.fiscal_calendar, settings.invoice_prefix = "gregorian", "F"
    settings.save()
    assert issued(manager_a, company(manager_a), issue_date=dt.date(2026, 3, 19)).number == "F-2026-00001"


def test_a_rep_may_draft_but_not_issue(rep_a):
    invoice = draft(rep_a, company(rep_a))
    with pytest.raises(PeyvandError) as refused:
        services_invoices.issue_invoice(actor=rep_a, invoice=invoice)
    assert refused.value.status == 403 and refused.value.code == "invoice.issue_forbidden"


def test_issuing_emits_invoice_issued_after_commit(manager_a, django_capture_on_commit_callbacks):
    heard = []
    events.invoice_issued.connect(
        handler := lambda sender, invoice, actor, **kw: heard.append(invoice.number)
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            issued(manager_a, company(manager_a))
    finally:
        events.invoice_issued.disconnect(handler)
    assert heard == ["INV-1405-00001"]


def test_an_issued_invoice_refuses_every_change_and_deletion(manager_a):
    from peyvand.core.records import delete_record

    invoice = issued(manager_a, company(manager_a))
    with pytest.raises(PeyvandError) as refused:
        services_invoices.update_invoice(
            actor=manager_a, invoice=invoice, version=invoice.version, values={"note": "x"}
        )
    assert refused.value.code == "invoice.immutable" and refused.value.status == 409
    with pytest.raises(PeyvandError):
        delete_record(invoice, actor=manager_a)
    invoice.refresh_from_db()
    invoice.terms = "changed behind the service's back"
    with pytest.raises(PeyvandError):
        invoice.save()
    with pytest.raises(PeyvandError):
        services_invoices.issue_invoice(actor=manager_a, invoice=invoice)
    invoice.refresh_from_db()
    assert invoice.deleted_at is None and invoice.terms == "" and invoice.number == "INV-1405-00001"


def test_an_invoice_from_a_quote_copies_its_customer_deal_discount_and_lines(rep_a):
    customer = company(rep_a)
    quote = Quote.objects.create(
        owner=rep_a,
        team=rep_a.team,
        company=customer,
        number="Q-1405-00003",
        issue_date=dt.date(2026, 4, 1),
        valid_until=dt.date(2026, 4, 15),
        status=QuoteStatus.ACCEPTED,
        discount_percent=Decimal("5"),
        terms="Delivery in a week",
    )
    QuoteLine.objects.create(
        quote=quote, description="Router", quantity=3, unit_price=2_000_000, tax_percent=10
    )
    invoice = services_invoices.invoice_from_quote(actor=rep_a, quote=quote)
    assert invoice.company == customer and invoice.quote == quote and invoice.terms == "Delivery in a week"
    assert invoice.discount_percent == Decimal("5")
    # 6,000,000 less 5% = 5,700,000, plus 10% = 6,270,000
    assert invoice.total == rial(6_270_000)
    assert [(line.description, line.quantity) for line in invoice.lines.all()] == [
        ("Router", Decimal("3.000"))
    ]
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.INVOICED
    with pytest.raises(PeyvandError) as refused:
        services_invoices.invoice_from_quote(actor=rep_a, quote=quote)
    assert refused.value.code == "quote.not_invoiceable"


@pytest.mark.parametrize(
    "status,invoiceable",
    [
        (QuoteStatus.DRAFT, False),
        (QuoteStatus.PENDING_APPROVAL, False),
        (QuoteStatus.CHANGES_REQUESTED, False),
        (QuoteStatus.DECLINED, False),
        (QuoteStatus.SUPERSEDED, False),
        (QuoteStatus.APPROVED, True),
        (QuoteStatus.SENT, True),
        (QuoteStatus.ACCEPTED, True),
    ],
)
def test_only_an_accepted_approved_or_sent_quote_becomes_an_invoice(rep_a, status, invoiceable):
    quote = Quote.objects.create(
        owner=rep_a,
        team=rep_a.team,
        company=company(rep_a),
        number="Q-1405-00004",
        issue_date=dt.date(2026, 4, 1),
        valid_until=dt.date(2026, 4, 15),
        status=status,
    )
    if invoiceable:
        assert services_invoices.invoice_from_quote(actor=rep_a, quote=quote).quote == quote
        return
    with pytest.raises(PeyvandError) as refused:
        services_invoices.invoice_from_quote(actor=rep_a, quote=quote)
    assert refused.value.code == "quote.not_invoiceable" and refused.value.status == 409
    assert not Invoice.objects.exists()
    quote.refresh_from_db()
    assert quote.status == status


def test_a_partial_credit_note_has_its_own_sequence_and_lowers_the_balance(manager_a):
    invoice = issued(manager_a, company(manager_a), amount="1000")
    line = invoice.lines.get()
    # half of the one unit is given back
    credit = services_invoices.credit_invoice(
        actor=manager_a, invoice=invoice, lines=[{"line": line.pk, "quantity": "0.5"}]
    )
    assert credit.kind == InvoiceKind.CREDIT_NOTE and credit.credits == invoice
    assert credit.number.startswith("CN-") and credit.number.endswith("-00001") and credit.total == rial(500)
    invoice.refresh_from_db()
    assert (invoice.credited, invoice.balance, invoice.status) == (rial(500), rial(500), InvoiceStatus.ISSUED)


def test_a_full_credit_note_cancels_the_invoice(manager_a):
    invoice = issued(manager_a, company(manager_a))
    services_invoices.credit_invoice(actor=manager_a, invoice=invoice, full=True)
    invoice.refresh_from_db()
    assert (
        invoice.status == InvoiceStatus.CANCELLED
        and invoice.balance == 0
        and invoice.credited == invoice.total
    )
    with pytest.raises(PeyvandError) as refused:
        services_invoices.credit_invoice(actor=manager_a, invoice=invoice, full=True)
    assert refused.value.code == "invoice.not_creditable"


def test_a_credit_note_cannot_give_back_more_than_is_owed(manager_a):
    invoice = issued(manager_a, company(manager_a), amount="1000")
    line = invoice.lines.get()
    with pytest.raises(ValidationFailed) as refused:
        services_invoices.credit_invoice(
            actor=manager_a, invoice=invoice, lines=[{"line": line.pk, "quantity": "2"}]
        )
    assert refused.value.errors[0]["field"] == "lines.0.quantity"
    assert not Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE).exists()


def test_a_rolled_back_issue_gives_its_number_back(manager_a):
    customer = company(manager_a)
    first = draft(manager_a, customer)
    try:
        with transaction.atomic():
            services_invoices.issue_invoice(actor=manager_a, invoice=first, issue_date=dt.date(2026, 4, 1))
            raise RuntimeError("the issue fails after the number was taken")
    except RuntimeError:
        pass
    first.refresh_from_db()
    assert first.status == InvoiceStatus.DRAFT and first.number == ""
    again = services_invoices.issue_invoice(actor=manager_a, invoice=first, issue_date=dt.date(2026, 4, 1))
    assert again.number == "INV-1405-00001"
    assert NumberSequence.objects.get(kind="invoice", fiscal_year=1405).last == 1


def test_issuing_writes_the_audit_trail(manager_a):
    invoice = issued(manager_a, company(manager_a))
    assert AuditEntry.objects.filter(object_id=invoice.pk, changes__number__1="INV-1405-00001").exists()


@pytest.mark.django_db(transaction=True)
def test_twenty_invoices_issued_at_once_take_numbers_one_to_twenty_without_a_gap_or_a_repeat(
    team_a, manager_a
):
    """Each thread has its own database connection and transaction; SQLite serialises every write, so this runs
    on PostgreSQL only (the CI runs the suite on both)."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite cannot run concurrent write transactions; this test runs on PostgreSQL")
    customer = company(manager_a)
    drafts = [draft(manager_a, customer) for _ in range(20)]
    start = threading.Barrier(20)
    errors = []

    def issue(invoice) -> None:
        try:
            start.wait()
            services_invoices.issue_invoice(actor=manager_a, invoice=invoice, issue_date=dt.date(2026, 4, 1))
        except Exception as exc:  # reported below; a thread's exception would otherwise vanish
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(invoice,)) for invoice in drafts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    sequences = sorted(Invoice.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, 21))
    numbers = set(Invoice.objects.values_list("number", flat=True))
    assert numbers == {f"INV-1405-{n:05d}" for n in range(1, 21)}
    assert NumberSequence.objects.get(kind="invoice", fiscal_year=1405).last == 20


# ── The stored PDF ──────────────────────────────────────────────────────────────────────────────────────────────


def _pdf_files(record):
    from peyvand.files.models import Attachment

    return list(
        Attachment.objects.filter(record_type="invoice", record_id=record.pk).values_list(
            "name", "content_type"
        )
    )


def test_issuing_an_invoice_and_a_credit_note_stores_each_pdf_among_its_files_once(
    manager_a, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    settings.LANGUAGE_CODE = "en"
    with django_capture_on_commit_callbacks(execute=True):
        invoice = issued(manager_a, company(manager_a))
    assert _pdf_files(invoice) == [(f"Invoice {invoice.number}.pdf", "application/pdf")]
    with django_capture_on_commit_callbacks(execute=True):
        note = services_invoices.credit_invoice(actor=manager_a, invoice=invoice, full=True)
    assert _pdf_files(note) == [(f"Credit note {note.number}.pdf", "application/pdf")]
    # a repeated job finds the file there and stores nothing more
    from peyvand.billing.tasks import attach_issued_pdf

    attach_issued_pdf.enqueue(invoice_id=invoice.pk, actor_id=manager_a.pk)
    assert len(_pdf_files(invoice)) == 1


def test_a_pdf_that_cannot_be_stored_does_not_undo_the_issue(
    manager_a, tmp_path, settings, django_capture_on_commit_callbacks
):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocked
    draft_invoice = draft(manager_a, company(manager_a))
    with django_capture_on_commit_callbacks(execute=True):
        invoice = services_invoices.issue_invoice(actor=manager_a, invoice=draft_invoice)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED and invoice.number
    assert _pdf_files(invoice) == []
