"""Writing to a customer from a record: templates with merge fields, recipients, files, direction, scheduling."""

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from peyvand.contacts.services import create_company, create_contact
from peyvand.core.errors import NotFound, PeyvandError, ValidationFailed
from peyvand.core.models import AuditEntry
from peyvand.files.services import attach_file
from peyvand.messaging.models import Outbox, OutboxStatus
from peyvand.messaging.services_compose import (
    delete_template,
    html_from_text,
    render_template,
    save_template,
    send_from_record,
    suggested_recipients,
    templates_for,
    text_direction,
)
from peyvand.sales.services import create_deal

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(rep_a):
    company = create_company(actor=rep_a, values={"name": "پارس رایانه", "emails": ["info@pars.example"]})
    return create_contact(
        actor=rep_a,
        values={
            "first_name": "سارا",
            "last_name": "احمدی",
            "emails": ["Sara@Example.com", "sara.home@example.com"],
            "phones": ["09121234567"],
            "company": company.pk,
        },
    )


def test_a_template_fills_in_the_records_fields_its_customer_and_the_sender(
    rep_a, manager_a, customer, pipeline
):
    deal = create_deal(
        actor=rep_a, values={"title": "قرارداد پشتیبانی", "amount": 100, "contact": customer.pk}
    )
    template = save_template(
        actor=manager_a,
        values={
            "name": "پیگیری",
            "channel": "email",
            "language": "fa",
            "subject": "درباره {{ record.title }}",
            "body": "{{ contact.first_name }} عزیز، سلام.\n{{ me.name }}",
        },
    )
    subject, body = render_template(actor=rep_a, template=template, record=deal)
    assert subject == "درباره قرارداد پشتیبانی"
    assert body.startswith("سارا عزیز، سلام.")
    assert body.endswith(rep_a.get_full_name() or rep_a.username)


def test_a_template_with_broken_merge_fields_is_refused_naming_the_field(manager_a):
    with pytest.raises(ValidationFailed) as caught:
        save_template(actor=manager_a, values={"name": "x", "channel": "email", "body": "{% if %}"})
    assert [e["field"] for e in caught.value.errors] == ["body"]


def test_only_managers_change_templates_and_every_change_is_audited(rep_a, manager_a):
    with pytest.raises(PeyvandError) as caught:
        save_template(actor=rep_a, values={"name": "x", "channel": "sms", "body": "hi"})
    assert caught.value.status == 403
    template = save_template(actor=manager_a, values={"name": "x", "channel": "sms", "body": "hi"})
    save_template(actor=manager_a, template=template, values={"body": "hello"})
    delete_template(actor=manager_a, template=template)
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "create",
        "update",
        "delete",
    ]


def test_templates_offered_are_those_of_the_channel_and_record_type_in_the_users_language_first(manager_a):
    save_template(actor=manager_a, values={"name": "b-en", "channel": "email", "language": "en", "body": "x"})
    save_template(actor=manager_a, values={"name": "a-fa", "channel": "email", "language": "fa", "body": "x"})
    save_template(
        actor=manager_a, values={"name": "deal", "channel": "email", "record_type": "deal", "body": "x"}
    )
    save_template(actor=manager_a, values={"name": "sms", "channel": "sms", "body": "x"})
    names = [t.name for t in templates_for(manager_a, record_type="contact", channel="email", language="en")]
    assert names == ["b-en", "a-fa"]


def test_recipients_come_from_the_record_then_the_records_it_concerns(rep_a, customer, pipeline):
    deal = create_deal(
        actor=rep_a,
        values={"title": "D", "amount": 1, "contact": customer.pk, "company": customer.company_id},
    )
    assert suggested_recipients(deal, "email") == [
        "sara@example.com",
        "sara.home@example.com",
        "info@pars.example",
    ]
    assert suggested_recipients(customer, "sms") == ["+989121234567"]


def test_each_recipient_gets_a_copy_tied_to_the_record_with_the_records_file(
    rep_a, customer, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    file = attach_file(
        actor=rep_a,
        record_type="contact",
        record_id=customer.pk,
        upload=SimpleUploadedFile("offer.pdf", b"%PDF-1.4 offer", content_type="application/pdf"),
    )
    sent = send_from_record(
        actor=rep_a,
        record_type="contact",
        record_id=customer.pk,
        channel="email",
        to="sara@example.com, ali@example.com",
        subject="پیشنهاد",
        body="سلام سارا\nپیشنهاد پیوست است: https://example.com/offer",
        attachment_ids=[file.pk],
    )
    assert [m.to for m in sent] == ["sara@example.com", "ali@example.com"]
    assert {(m.record_type, m.record_id, m.created_by_id) for m in sent} == {
        ("contact", customer.pk, rep_a.pk)
    }
    assert [m.to for m in mail.outbox] == [["sara@example.com"], ["ali@example.com"]]
    first = mail.outbox[0]
    assert first.attachments[0][0] == "offer.pdf"
    html = first.alternatives[0][0]
    assert 'dir="rtl"' in html
    # the link goes through the tracked redirect, each copy with its own pixel
    assert "/t/c/" in html and "/t/o/" in html and "https://example.com/offer" in first.body


def test_a_record_the_sender_may_not_see_cannot_be_written_to(rep_b, customer):
    with pytest.raises(NotFound):
        send_from_record(
            actor=rep_b,
            record_type="contact",
            record_id=customer.pk,
            channel="sms",
            to="09121234567",
            body="hi",
        )
    assert not Outbox.objects.exists()


def test_a_file_of_another_record_cannot_be_attached(rep_a, customer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    other = create_contact(actor=rep_a, values={"first_name": "Ali", "last_name": "Rezaei"})
    foreign = attach_file(
        actor=rep_a,
        record_type="contact",
        record_id=other.pk,
        upload=SimpleUploadedFile("secret.txt", b"secret", content_type="text/plain"),
    )
    with pytest.raises(ValidationFailed) as caught:
        send_from_record(
            actor=rep_a,
            record_type="contact",
            record_id=customer.pk,
            channel="email",
            to="sara@example.com",
            subject="s",
            body="b",
            attachment_ids=[foreign.pk],
        )
    assert caught.value.errors[0]["field"] == "attachments"
    assert not Outbox.objects.exists() and mail.outbox == []


def test_bad_input_names_every_field_and_sends_nothing(rep_a, customer):
    with pytest.raises(ValidationFailed) as caught:
        send_from_record(
            actor=rep_a,
            record_type="contact",
            record_id=customer.pk,
            channel="email",
            to="not-an-address",
            subject="",
            body="  ",
            send_at=timezone.now() - dt.timedelta(days=1),
        )
    assert {e["field"] for e in caught.value.errors} == {"to", "subject", "body", "send_at"}
    assert not Outbox.objects.exists()


def test_a_message_scheduled_for_later_waits_in_the_outbox(rep_a, customer):
    later = timezone.now() + dt.timedelta(hours=3)
    (message,) = send_from_record(
        actor=rep_a,
        record_type="contact",
        record_id=customer.pk,
        channel="sms",
        to="0912 123 4567",
        body="یادآوری جلسه",
        send_at=later,
    )
    assert (message.to, message.status, message.next_attempt_at) == (
        "+989121234567",
        OutboxStatus.QUEUED,
        later,
    )


def test_the_html_reads_in_the_texts_own_direction():
    assert text_direction("Hello سلام there friend") == "ltr"
    assert text_direction("سلام دوست عزیز, hi") == "rtl"
    html = html_from_text("Dear <Sara>\n\nThanks")
    assert 'dir="ltr"' in html and "&lt;Sara&gt;" in html and html.count('<p dir="auto">') == 2


def test_a_template_is_stored_as_written_and_read_back(manager_a):
    save_template(actor=manager_a, values={"name": "n", "channel": "email", "body": "{{ record.name }}"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM messaging_messagetemplate")
        assert cursor.fetchone()[0] == "{{ record.name }}"
