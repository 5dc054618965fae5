"""Sending through a mailbox: over a real SMTP server (aiosmtpd, which checks the mailbox's credentials), the
copy in the mailbox's Sent folder on the real Dovecot, the message on the customer's thread and record; the
customer's answer (In-Reply-To our Message-ID), read back by the sync, lands on the same thread."""

import email
import email.policy
import logging
import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from peyvand.contacts.services import create_contact
from peyvand.core.errors import PeyvandError
from peyvand.core.models import AuditEntry
from peyvand.messaging import mailboxes
from peyvand.messaging.models import MailLink, MailMessage, Outbox
from peyvand.messaging.services_mailboxes import send_through_mailbox
from peyvand.sales.services import create_deal
from tests.messaging.test_mailbox_sync import append, make_mailbox, raw

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self):
        self.messages = []
        self.logins = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            (envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=email.policy.default))
        )
        return "250 OK"


@pytest.fixture
def smtp(imap_account):
    """An SMTP server that accepts only the mailbox's own user name and password."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and (
                auth_data.login.decode(),
                auth_data.password.decode(),
            )
            == imap_account
        )
        inbox.logins.append(ok)
        return AuthResult(success=ok, handled=False)

    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, authenticator=authenticate, auth_require_tls=False
    )
    controller.start()
    inbox.port = port
    yield inbox
    controller.stop()


@pytest.fixture
def mailbox(dovecot, imap_account, rep_a, smtp):
    return make_mailbox(
        imap_account,
        owner=rep_a,
        port=dovecot.port,
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        smtp_security="none",
    )


@pytest.fixture
def customer(rep_a, pipeline):
    contact = create_contact(
        actor=rep_a, values={"first_name": "Ali", "last_name": "Rezaei", "emails": ["ali@customer.example"]}
    )
    deal = create_deal(
        actor=rep_a, values={"title": "Printers", "contact": contact.pk, "pipeline": pipeline.pk}
    )
    return contact, deal


def test_a_reply_goes_out_over_smtp_lands_in_sent_and_the_customers_answer_joins_the_thread(
    dovecot, imap_account, rep_a, smtp, mailbox, customer
):
    contact, deal = customer
    append(dovecot, imap_account, raw(message_id="<ask@customer.example>"))
    mailboxes.sync_mailbox(mailbox)
    question = MailMessage.objects.get()

    outbox = send_through_mailbox(
        actor=rep_a,
        mailbox=mailbox,
        to="ali@customer.example",
        subject="Re: Price list",
        body="Here is the price list.",
        reply_to=question,
    )
    assert outbox.status == "sent" and outbox.account_id == mailbox.pk
    assert smtp.logins == [True]
    ((recipients, sent),) = smtp.messages
    assert recipients == ["ali@customer.example"]
    assert sent["In-Reply-To"] == "<ask@customer.example>"
    assert sent["From"].addresses[0].addr_spec == imap_account[0]
    our_id = sent["Message-ID"]

    with dovecot.client(imap_account[0]) as client:
        client.folder.set("Sent")
        (copy,) = list(client.fetch(mark_seen=False))
        assert copy.headers["message-id"] == (our_id,)

    reply = MailMessage.objects.get(message_id=our_id)
    assert (reply.direction, reply.thread_id) == ("out", question.thread_id)
    assert {("contact", contact.pk), ("deal", deal.pk)} <= set(
        MailLink.objects.filter(message=reply).values_list("record_type", "record_id")
    )

    # The customer answers our reply; the sync reads it (and the Sent copy, already kept) onto the same thread.
    append(
        dovecot,
        imap_account,
        raw(
            message_id="<answer@customer.example>",
            subject="Re: Re: Price list",
            in_reply_to=our_id,
            references=f"<ask@customer.example> {our_id}",
            body="Thanks, we take ten.",
        ),
    )
    result = mailboxes.sync_mailbox(mailbox)
    assert result.stored == 1
    answer = MailMessage.objects.get(message_id="<answer@customer.example>")
    assert answer.thread_id == question.thread_id
    assert MailMessage.objects.filter(thread_id=question.thread_id).count() == 3
    assert MailMessage.objects.count() == 3


def test_sending_needs_the_right_password_and_keeps_it_out_of_the_error(
    dovecot, imap_account, rep_a, smtp, mailbox, caplog
):
    mailbox.smtp_password = "not-the-password-xyz"
    mailbox.save()
    with caplog.at_level(logging.DEBUG), pytest.raises(PeyvandError) as refused:
        send_through_mailbox(
            actor=rep_a, mailbox=mailbox, to="ali@customer.example", subject="Hi", body="Hello"
        )
    outbox = Outbox.objects.get()
    assert outbox.status == "failed" and smtp.messages == []
    for text in (str(refused.value.message), outbox.error, caplog.text):
        assert "not-the-password-xyz" not in text and imap_account[1] not in text
    assert not MailMessage.objects.exists()


def test_only_the_mailboxs_people_send_through_it(rep_a2, mailbox):
    with pytest.raises(PeyvandError) as refused:
        send_through_mailbox(
            actor=rep_a2, mailbox=mailbox, to="ali@customer.example", subject="Hi", body="Hello"
        )
    assert refused.value.status == 403
    assert not Outbox.objects.exists()


def test_a_bad_recipient_is_named_and_nothing_is_sent(rep_a, smtp, mailbox):
    with pytest.raises(PeyvandError) as refused:
        send_through_mailbox(actor=rep_a, mailbox=mailbox, to="not an address", subject="Hi", body="Hello")
    assert refused.value.errors[0]["field"] == "to"
    assert smtp.messages == [] and not Outbox.objects.exists()


def test_the_audit_of_a_send_names_the_message_and_never_the_password(rep_a, smtp, mailbox, imap_account):
    send_through_mailbox(actor=rep_a, mailbox=mailbox, to="ali@customer.example", subject="Hi", body="Hello")
    entries = AuditEntry.objects.filter(object_id=mailbox.pk, content_type__model="mailbox")
    assert any(e.note.startswith("sent <") for e in entries)
    assert all(imap_account[1] not in f"{e.changes} {e.note}" for e in entries)


def test_a_rep_replies_from_the_record_page_through_their_mailbox_and_the_reply_threads(
    client, dovecot, imap_account, rep_a, smtp, mailbox, customer
):
    contact, _deal = customer
    append(dovecot, imap_account, raw(message_id="<ask2@customer.example>", subject="Price list"))
    mailboxes.sync_mailbox(mailbox)
    question = MailMessage.objects.get()
    client.force_login(rep_a)
    compose = f"/messages/new/contact/{contact.pk}/email/"
    page = client.get(compose, {"reply": question.pk}).content.decode()
    # the reply starts from the question: its mailbox, its sender, "Re:" and the quoted text
    assert f'<option value="{mailbox.pk}" selected' in page
    assert 'value="ali@customer.example"' in page and 'value="Re: Price list"' in page
    assert f'name="reply_to" value="{question.pk}"' in page
    answer = client.post(
        compose,
        {
            "mailbox": mailbox.pk,
            "reply_to": question.pk,
            "to": "ali@customer.example",
            "subject": "Re: Price list",
            "body": "لیست قیمت پیوست است.",
        },
    )
    assert answer.status_code == 302
    ((recipients, sent),) = smtp.messages
    assert sent["In-Reply-To"] == "<ask2@customer.example>" and recipients == ["ali@customer.example"]
    reply = MailMessage.objects.get(direction="out")
    assert reply.thread_id == question.thread_id
    assert Outbox.objects.get().record_id == contact.pk


def test_a_rep_cannot_send_from_a_mailbox_that_is_not_theirs(client, rep_a2, mailbox):
    contact = create_contact(
        actor=rep_a2, values={"first_name": "Ali", "last_name": "Karimi", "emails": ["ali@customer.example"]}
    )
    client.force_login(rep_a2)
    answer = client.post(
        f"/messages/new/contact/{contact.pk}/email/",
        {"mailbox": mailbox.pk, "to": "ali@customer.example", "subject": "Hi", "body": "Hello"},
    )
    assert answer.status_code == 400 and not Outbox.objects.exists()
    assert (
        "You may not send from this mailbox" in answer.content.decode()
        or "mailbox" in answer.content.decode()
    )
