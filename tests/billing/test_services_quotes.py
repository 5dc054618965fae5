"""Quotes (billing/services_quotes.py): from a deal, numbered, revised, approved, sent, accepted."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from peyvand.billing import documents, services_quotes
from peyvand.billing.models import BillingSettings, QuoteStatus
from peyvand.core import events
from peyvand.core.audit import audit_for
from peyvand.core.errors import PeyvandError
from peyvand.notifications.models import Notification
from peyvand.sales.models import Stage
from tests.billing.quote_factories import deal_with_lines, make_quote, sent_quote

pytestmark = pytest.mark.django_db


def test_a_quote_from_a_deal_copies_its_lines_customer_and_currency_and_is_numbered(rep_a, pipeline):
    settings = BillingSettings.current()
    settings.quote_terms = "Paid within 30 days."
    settings.save()
    deal = deal_with_lines(rep_a, quantity="2", discount="5")
    first = services_quotes.create_quote_from_deal(actor=rep_a, deal=deal)
    second = services_quotes.create_quote_from_deal(actor=rep_a, deal=deal)
    year = documents.fiscal_year(timezone.localdate())
    assert first.number == f"Q{year}-0001" and second.number == f"Q{year}-0002"
    assert (first.company, first.contact, first.currency) == (deal.company, deal.contact, deal.currency)
    assert first.lines.count() == 1 and first.net == deal.amount == Decimal("19000000")
    assert first.tax == Decimal("1900000") and first.total == Decimal("20900000")
    assert first.valid_until == timezone.localdate() + dt.timedelta(days=settings.quote_valid_days)
    assert first.terms == "Paid within 30 days." and first.status == QuoteStatus.DRAFT


def test_a_deal_without_lines_makes_no_quote(rep_a, pipeline):
    from tests.billing.quote_factories import make_deal

    with pytest.raises(PeyvandError) as refused:
        services_quotes.create_quote_from_deal(actor=rep_a, deal=make_deal(rep_a))
    assert refused.value.code == "quote.no_lines"


def test_a_document_discount_is_spread_over_the_lines_and_reprices_the_totals(rep_a, pipeline):
    quote = make_quote(rep_a)
    quote = services_quotes.update_quote(
        actor=rep_a, quote=quote, version=quote.version, values={"discount_percent": "10"}
    )
    assert quote.net == Decimal("18000000") and quote.discount == Decimal("2000000")
    assert services_quotes.discount_share(quote) == Decimal("10.00")


def test_revising_makes_a_new_version_and_keeps_the_earlier_read_only(rep_a, pipeline):
    quote = sent_quote(rep_a)
    revision = services_quotes.revise_quote(actor=rep_a, quote=quote)
    quote.refresh_from_db()
    assert (revision.number, revision.version_number, revision.previous) == (quote.number, 2, quote)
    assert quote.status == QuoteStatus.SUPERSEDED and revision.status == QuoteStatus.DRAFT
    assert revision.lines.count() == 1 and revision.total == quote.total
    with pytest.raises(PeyvandError) as refused:
        services_quotes.update_quote(actor=rep_a, quote=quote, version=quote.version, values={"terms": "x"})
    assert refused.value.code == services_quotes.NOT_EDITABLE
    with pytest.raises(PeyvandError):
        services_quotes.revise_quote(actor=rep_a, quote=quote)


def test_a_discount_above_the_reps_ceiling_waits_for_a_manager_who_is_notified(
    rep_a, manager_a, admin, pipeline
):
    quote = make_quote(rep_a, discount="15")  # the rep's ceiling is 10 %
    quote = services_quotes.send_quote(actor=rep_a, quote=quote)
    assert quote.status == QuoteStatus.PENDING_APPROVAL and quote.sent_at is None and not mail.outbox
    notified = set(
        Notification.objects.filter(kind="quote_approval").values_list("recipient__username", flat=True)
    )
    assert notified == {"manager_a", "admin"}
    assert any(e.changes.get("status") == ["draft", "pending_approval"] for e in audit_for(quote))
    with pytest.raises(PeyvandError) as refused:
        services_quotes.approve_quote(actor=rep_a, quote=quote)
    assert refused.value.status == 403
    quote = services_quotes.approve_quote(actor=manager_a, quote=quote)
    assert quote.status == QuoteStatus.APPROVED and quote.approved_by == manager_a
    quote = services_quotes.send_quote(actor=rep_a, quote=quote)
    assert quote.status == QuoteStatus.SENT and len(mail.outbox) == 1


def test_a_manager_of_another_team_cannot_approve(rep_a, rep_b, pipeline):
    from peyvand.accounts.models import Role
    from tests.factories import UserFactory

    manager_b = UserFactory(username="manager_b", role=Role.SALES_MANAGER, team=rep_b.team)
    quote = services_quotes.mark_quote_ready(actor=rep_a, quote=make_quote(rep_a, discount="15"))
    with pytest.raises(PeyvandError) as refused:
        services_quotes.approve_quote(actor=manager_b, quote=quote)
    assert refused.value.code == "quote.approval_forbidden"


def test_a_discount_within_the_ceiling_is_ready_at_once(rep_a, pipeline):
    quote = services_quotes.mark_quote_ready(actor=rep_a, quote=make_quote(rep_a, discount="5"))
    assert quote.status == QuoteStatus.APPROVED and quote.approved_by is None


def test_sending_e_mails_the_contact_the_signed_link(rep_a, pipeline):
    quote = sent_quote(rep_a)
    assert quote.status == QuoteStatus.SENT and quote.sent_at is not None
    message = mail.outbox[0]
    assert message.to == ["buyer@example.com"] and quote.number in message.subject
    # the token is timestamped (to the second) and the PDF takes a moment: read it back rather than remake it
    token = re.search(r"/q/([^/\s]+)/", message.body).group(1)
    assert services_quotes.quote_for_token(token) == quote


def test_the_e_mail_carries_the_quotes_pdf_which_stays_among_the_quotes_files(
    rep_a, pipeline, settings, tmp_path
):
    from peyvand.files.models import Attachment
    from peyvand.messaging.models import Outbox

    settings.MEDIA_ROOT = tmp_path
    quote = sent_quote(rep_a)
    ((name, content, mimetype),) = mail.outbox[0].attachments
    assert mimetype == "application/pdf" and content.startswith(b"%PDF") and quote.number in name
    stored = Attachment.objects.get(record_type="quote", record_id=quote.pk)
    assert stored.name == name and stored.file.read() == content
    outbox = Outbox.objects.get(record_type="quote", record_id=quote.pk)
    assert outbox.attachments == [{"name": name, "content_type": "application/pdf", "path": stored.file.name}]


def test_a_quote_whose_contact_has_no_e_mail_is_not_sent(rep_a, pipeline):
    from peyvand.billing import lines
    from peyvand.sales.services import update_deal
    from tests.billing.quote_factories import make_deal, make_product

    deal = make_deal(rep_a, email="")
    deal = update_deal(actor=rep_a, deal=deal, version=deal.version, values={"company": None})
    deal = lines.set_deal_lines(
        actor=rep_a, deal=deal, rows=[{"product": make_product(rep_a).pk, "quantity": "1"}]
    )
    quote = services_quotes.create_quote_from_deal(actor=rep_a, deal=deal)
    with pytest.raises(PeyvandError) as refused:
        services_quotes.send_quote(actor=rep_a, quote=quote)
    assert refused.value.code == services_quotes.NO_EMAIL and not mail.outbox
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.DRAFT


def test_accepting_records_the_name_time_and_address_moves_the_deal_and_tells_the_owner(
    rep_a, pipeline, django_capture_on_commit_callbacks
):
    quote = make_quote(rep_a)
    stage = Stage.objects.get(pipeline=pipeline, name="Proposal")
    quote = services_quotes.update_quote(
        actor=rep_a, quote=quote, version=quote.version, values={"accept_stage": stage.pk}
    )
    quote = services_quotes.send_quote(actor=rep_a, quote=quote)
    received = []

    def heard(sender, quote, actor, **kwargs):
        received.append((quote.pk, actor))

    events.quote_accepted.connect(heard)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            quote = services_quotes.accept_quote(
                actor=None, quote=quote, name="Kian Shirazi", address="5.6.7.8"
            )
    finally:
        events.quote_accepted.disconnect(heard)
    assert quote.status == QuoteStatus.ACCEPTED and quote.responder_name == "Kian Shirazi"
    assert quote.responder_address == "5.6.7.8" and quote.responded_at is not None
    quote.deal.refresh_from_db()
    assert quote.deal.stage == stage
    assert (quote.pk, None) in received
    assert Notification.objects.filter(recipient=rep_a, kind="quote_accepted").exists()


def test_acceptance_stands_when_the_stage_refuses_the_move_and_the_owner_is_told(rep_a, pipeline):
    first = Stage.objects.get(pipeline=pipeline, name="Lead in")
    first.required_fields = ["expected_close_date"]
    first.save()
    quote = make_quote(rep_a)
    target = Stage.objects.get(pipeline=pipeline, name="Proposal")
    quote = services_quotes.update_quote(
        actor=rep_a, quote=quote, version=quote.version, values={"accept_stage": target.pk}
    )
    quote = services_quotes.send_quote(actor=rep_a, quote=quote)
    quote = services_quotes.accept_quote(actor=None, quote=quote, name="Kian", address=None)
    quote.deal.refresh_from_db()
    assert quote.status == QuoteStatus.ACCEPTED and quote.deal.stage == first
    note = Notification.objects.get(recipient=rep_a, kind="quote_accepted")
    assert "could not move" in note.title


def test_asking_for_changes_keeps_the_text_and_tells_the_owner(rep_a, pipeline):
    quote = services_quotes.request_quote_changes(
        actor=None, quote=sent_quote(rep_a), text="Twelve printers, please.", name="Kian"
    )
    assert (
        quote.status == QuoteStatus.CHANGES_REQUESTED and quote.change_request == "Twelve printers, please."
    )
    assert Notification.objects.filter(recipient=rep_a, kind="quote_changes").exists()


def test_a_draft_or_an_expired_quote_cannot_be_answered(rep_a, pipeline):
    draft = make_quote(rep_a)
    with pytest.raises(PeyvandError) as refused:
        services_quotes.accept_quote(actor=None, quote=draft, name="Kian", address=None)
    assert refused.value.code == services_quotes.WRONG_STATUS
    quote = sent_quote(rep_a)
    type(quote).objects.filter(pk=quote.pk).update(valid_until=timezone.localdate() - dt.timedelta(days=1))
    quote.refresh_from_db()
    with pytest.raises(PeyvandError) as refused:
        services_quotes.accept_quote(actor=None, quote=quote, name="Kian", address=None)
    assert refused.value.code == services_quotes.EXPIRED


def test_a_superseded_revisions_token_no_longer_finds_an_open_quote(rep_a, pipeline):
    quote = sent_quote(rep_a)
    token = services_quotes.public_token(quote)
    assert services_quotes.quote_for_token(token) == quote
    assert services_quotes.quote_for_token(token[:-2] + "xx") is None
    revision = services_quotes.revise_quote(actor=rep_a, quote=quote)
    assert services_quotes.quote_for_token(token).status == QuoteStatus.SUPERSEDED
    assert services_quotes.public_token(revision) != token
