"""The mailbox sync against a real Dovecot: messages are put in over IMAP APPEND (not through our sync), then
the sync reads them, threads them, links them to the records their addresses name, and never keeps one twice."""

import logging

import pytest
from django.db import connection

from peyvand.contacts.services import create_company, create_contact
from peyvand.leads.models import Lead
from peyvand.messaging import mailboxes
from peyvand.messaging.models import Mailbox, MailboxFolder, MailLink, MailMessage
from peyvand.sales.models import DealStatus
from peyvand.sales.services import create_deal

pytestmark = pytest.mark.django_db


def raw(
    *,
    sender="ali@customer.example",
    to="sales@example.com",
    subject="Price list",
    message_id="<m1@customer.example>",
    body="Please send the price list.",
    in_reply_to="",
    references="",
    extra="",
) -> bytes:
    headers = [
        f"From: Ali Rezaei <{sender}>",
        f"To: {to}",
        f"Subject: {subject}",
        "Date: Mon, 7 Dec 2026 10:00:00 +0000",
    ]
    if message_id:
        headers.append(f"Message-ID: {message_id}")
    if in_reply_to:
        headers.append(f"In-Reply-To: {in_reply_to}")
    if references:
        headers.append(f"References: {references}")
    headers.append("Content-Type: text/plain; charset=utf-8")
    return ("\r\n".join(headers) + extra + "\r\n\r\n" + body + "\r\n").encode()


def make_mailbox(account, *, owner, port, folders=("INBOX", "Sent"), **extra) -> Mailbox:
    address, password = account
    return Mailbox.objects.create(
        name="Sales",
        email_address=address,
        owner=owner,
        imap_host="127.0.0.1",
        imap_port=port,
        imap_security="none",
        imap_user=address,
        imap_password=password,
        folders=list(folders),
        **extra,
    )


def append(dovecot, account, *messages, folder="INBOX"):
    with dovecot.client(account[0]) as client:
        for message in messages:
            client.append(message, folder)


@pytest.fixture
def customer(rep_a, pipeline):
    company = create_company(
        actor=rep_a, values={"name": "Rezaei Trading", "emails": ["info@rezaei.example"]}
    )
    contact = create_contact(
        actor=rep_a,
        values={
            "first_name": "Ali",
            "last_name": "Rezaei",
            "emails": ["Ali@Customer.example"],
            "company": company.pk,
        },
    )
    open_deal = create_deal(
        actor=rep_a, values={"title": "Printers", "contact": contact.pk, "pipeline": pipeline.pk}
    )
    closed = create_deal(
        actor=rep_a, values={"title": "Old order", "contact": contact.pk, "pipeline": pipeline.pk}
    )
    type(closed).objects.filter(pk=closed.pk).update(status=DealStatus.WON)
    return contact, company, open_deal, closed


def links_of(message) -> set[tuple[str, int]]:
    return set(MailLink.objects.filter(message=message).values_list("record_type", "record_id"))


def test_mail_arrives_and_is_linked_to_the_contact_its_company_and_its_open_deal(
    dovecot, imap_account, rep_a, customer
):
    contact, company, open_deal, closed = customer
    append(dovecot, imap_account, raw())
    mailbox = make_mailbox(imap_account, owner=rep_a, port=dovecot.port)
    result = mailboxes.sync_mailbox(mailbox)
    assert result.stored == 1
    message = MailMessage.objects.get()
    assert (message.from_address, message.subject, message.direction) == (
        "ali@customer.example",
        "Price list",
        "in",
    )
    assert message.body == "Please send the price list."
    assert message.to == ["sales@example.com"]
    assert links_of(message) == {("contact", contact.pk), ("company", company.pk), ("deal", open_deal.pk)}
    assert ("deal", closed.pk) not in links_of(message)


def test_the_sync_leaves_the_message_unread_on_the_server(dovecot, imap_account, rep_a):
    append(dovecot, imap_account, raw())
    mailboxes.sync_mailbox(make_mailbox(imap_account, owner=rep_a, port=dovecot.port))
    with dovecot.client(imap_account[0]) as client:
        assert client.folder.status("INBOX")["UNSEEN"] == 1


def test_a_second_run_and_a_restart_that_lost_its_place_store_nothing_twice(dovecot, imap_account, rep_a):
    append(dovecot, imap_account, raw(message_id="<a@x>"), raw(message_id="<b@x>"))
    mailbox = make_mailbox(imap_account, owner=rep_a, port=dovecot.port)
    assert mailboxes.sync_mailbox(mailbox, batch_size=1).stored == 2
    assert mailboxes.sync_mailbox(mailbox).stored == 0
    # A job killed after storing a batch but before anything else: its place is the batch's last UID at most;
    # even read from the start, the folder's messages are known by Message-ID.
    MailboxFolder.objects.filter(mailbox=mailbox).update(last_uid=0)
    append(dovecot, imap_account, raw(message_id="<c@x>"))
    assert mailboxes.sync_mailbox(mailbox).stored == 1
    assert sorted(MailMessage.objects.values_list("message_id", flat=True)) == ["<a@x>", "<b@x>", "<c@x>"]
    assert MailboxFolder.objects.get(mailbox=mailbox, name="INBOX").last_uid == 3


def test_a_new_uidvalidity_reads_the_folder_again_without_duplicates(dovecot, imap_account, rep_a):
    mailbox = make_mailbox(imap_account, owner=rep_a, port=dovecot.port, folders=("Projects",))
    with dovecot.client(imap_account[0]) as client:
        client.folder.create("Projects")
        client.append(raw(message_id="<p1@x>"), "Projects")
        client.append(raw(message_id="<p2@x>"), "Projects")
    mailboxes.sync_mailbox(mailbox)
    before = MailboxFolder.objects.get(mailbox=mailbox, name="Projects").uidvalidity
    with dovecot.client(imap_account[0]) as client:
        client.folder.delete("Projects")
        client.folder.create("Projects")
        for message_id in ("<p1@x>", "<p2@x>", "<p3@x>"):
            client.append(raw(message_id=message_id), "Projects")
    result = mailboxes.sync_mailbox(mailbox)
    state = MailboxFolder.objects.get(mailbox=mailbox, name="Projects")
    assert state.uidvalidity != before
    assert (result.fetched, result.stored) == (3, 1)
    assert MailMessage.objects.filter(mailbox=mailbox).count() == 3


def test_a_message_without_a_message_id_is_known_again_by_its_content(dovecot, imap_account, rep_a):
    append(dovecot, imap_account, raw(message_id=""))
    mailbox = make_mailbox(imap_account, owner=rep_a, port=dovecot.port)
    mailboxes.sync_mailbox(mailbox)
    MailboxFolder.objects.filter(mailbox=mailbox).update(uidvalidity=1)
    mailboxes.sync_mailbox(mailbox)
    (message,) = MailMessage.objects.all()
    assert message.message_id.startswith("sha256:")


def test_an_answer_joins_the_thread_of_the_message_it_answers(dovecot, imap_account, rep_a):
    mailbox = make_mailbox(imap_account, owner=rep_a, port=dovecot.port)
    append(dovecot, imap_account, raw(message_id="<q@x>"))
    mailboxes.sync_mailbox(mailbox)
    append(
        dovecot,
        imap_account,
        raw(message_id="<r@x>", subject="Re: Price list", in_reply_to="<q@x>", references="<q@x>"),
        raw(message_id="<s@x>", subject="Something else"),
    )
    mailboxes.sync_mailbox(mailbox)
    first, answer, other = (MailMessage.objects.get(message_id=i) for i in ("<q@x>", "<r@x>", "<s@x>"))
    assert answer.thread_id == first.thread_id
    assert other.thread_id != first.thread_id


def test_mail_from_the_mailboxs_own_address_is_outgoing(dovecot, imap_account, rep_a, customer):
    contact = customer[0]
    append(dovecot, imap_account, raw(sender=imap_account[0], to="ali@customer.example"), folder="Sent")
    mailbox = make_mailbox(imap_account, owner=rep_a, port=dovecot.port)
    mailboxes.sync_mailbox(mailbox)
    message = MailMessage.objects.get()
    assert (message.direction, message.folder) == ("out", "Sent")
    assert ("contact", contact.pk) in links_of(message)


def test_an_unknown_sender_becomes_a_lead_only_when_the_mailbox_says_so(dovecot, imap_account, rep_a):
    append(dovecot, imap_account, raw(sender="new@stranger.example", message_id="<n1@x>"))
    mailbox = make_mailbox(imap_account, owner=rep_a, port=dovecot.port)
    mailboxes.sync_mailbox(mailbox)
    assert Lead.objects.count() == 0
    assert links_of(MailMessage.objects.get()) == set()

    mailbox.leads_from_unknown = True
    mailbox.save()
    append(dovecot, imap_account, raw(sender="other@stranger.example", message_id="<n2@x>"))
    mailboxes.sync_mailbox(mailbox)
    lead = Lead.objects.get()
    assert (lead.email, lead.owner) == ("other@stranger.example", rep_a)
    assert links_of(MailMessage.objects.get(message_id="<n2@x>")) == {("lead", lead.pk)}


def test_attachments_are_kept_with_the_message(dovecot, imap_account, rep_a):
    message = (
        b"From: ali@customer.example\r\nTo: sales@example.com\r\nSubject: Files\r\nMessage-ID: <f@x>\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n"
        b'--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename="quote.pdf"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n"
    )
    append(dovecot, imap_account, message)
    mailboxes.sync_mailbox(make_mailbox(imap_account, owner=rep_a, port=dovecot.port))
    (item,) = MailMessage.objects.get().attachments
    assert (item["name"], item["content_type"], item["size"]) == ("quote.pdf", "application/pdf", 9)
    from django.core.files.storage import default_storage

    with default_storage.open(item["path"], "rb") as stored:
        assert stored.read() == b"%PDF-1.4\n"


def test_a_failing_mailbox_keeps_its_error_without_the_password_and_waits_while_others_go_on(
    dovecot, imap_account, rep_a, caplog, settings
):
    address, password = imap_account
    broken = make_mailbox((address, "wrong-" + password), owner=rep_a, port=dovecot.port)
    working = make_mailbox(imap_account, owner=rep_a, port=dovecot.port)
    append(dovecot, imap_account, raw())
    with caplog.at_level(logging.DEBUG):
        outcome = mailboxes.sync_due()
    broken.refresh_from_db()
    assert outcome[broken.pk] is None and outcome[working.pk].stored == 1
    assert broken.last_error and "wrong-" not in broken.last_error and password not in broken.last_error
    assert broken.failures == 1 and broken.next_sync_at is not None
    assert password not in caplog.text
    # Not due again until its back-off has passed.
    assert broken.pk not in mailboxes.sync_due()


def test_a_private_address_is_refused_unless_allowed(dovecot, imap_account, rep_a, settings):
    settings.PEYVAND_OUTBOUND_ALLOW_HOSTS = []
    mailbox = make_mailbox(imap_account, owner=rep_a, port=dovecot.port)
    with pytest.raises(mailboxes.MailboxError, match="Private or local"):
        mailboxes.sync_mailbox(mailbox)


def test_the_password_is_stored_encrypted(dovecot, imap_account, rep_a):
    mailbox = make_mailbox(imap_account, owner=rep_a, port=dovecot.port)
    with connection.cursor() as cursor:
        cursor.execute("SELECT imap_password FROM messaging_mailbox WHERE id = %s", [mailbox.pk])
        (stored,) = cursor.fetchone()
    assert stored.startswith("fernet:") and imap_account[1] not in stored
    assert Mailbox.objects.get(pk=mailbox.pk).imap_password == imap_account[1]


def test_mail_to_a_support_address_read_from_a_shared_mailbox_opens_a_ticket(
    dovecot, imap_account, admin, team_a, django_capture_on_commit_callbacks
):
    from peyvand.service.models import SupportAddress, Ticket

    SupportAddress.objects.create(address="support@example.com", team=team_a)
    mailbox = make_mailbox(imap_account, owner=None, port=dovecot.port, shared=True)
    append(
        dovecot, imap_account, raw(to="support@example.com", subject="Printer is broken", message_id="<t1@x>")
    )
    with django_capture_on_commit_callbacks(execute=True):
        mailboxes.sync_mailbox(mailbox)
    ticket = Ticket.objects.get()
    assert ticket.subject == "Printer is broken"
    assert MailMessage.objects.get().subject == "Printer is broken"
    # Read again after a lost place: still one ticket.
    MailboxFolder.objects.filter(mailbox=mailbox).update(last_uid=0, uidvalidity=1)
    with django_capture_on_commit_callbacks(execute=True):
        mailboxes.sync_mailbox(mailbox)
    assert Ticket.objects.count() == 1


def test_every_new_message_is_announced_once_after_its_batch_commits(
    dovecot, imap_account, rep_a, django_capture_on_commit_callbacks
):
    from peyvand.core.events import mail_synced

    heard = []

    def receiver(sender, message, mailbox, links, **kwargs):
        heard.append(message.message_id)

    mail_synced.connect(receiver)
    try:
        append(dovecot, imap_account, raw(message_id="<e1@x>"), raw(message_id="<e2@x>"))
        mailbox = make_mailbox(imap_account, owner=rep_a, port=dovecot.port)
        with django_capture_on_commit_callbacks(execute=True):
            mailboxes.sync_mailbox(mailbox)
            mailboxes.sync_mailbox(mailbox)
    finally:
        mail_synced.disconnect(receiver)
    assert heard == ["<e1@x>", "<e2@x>"]


def test_idle_wakes_up_when_a_message_arrives(dovecot, imap_account, rep_a):
    import threading
    import time

    mailbox = make_mailbox(imap_account, owner=rep_a, port=dovecot.port)
    outcome = {}

    def wait():
        started = time.monotonic()
        outcome["new"] = mailboxes.wait_for_new_mail(mailbox, timeout=20)
        outcome["took"] = time.monotonic() - started

    waiter = threading.Thread(target=wait)
    waiter.start()
    time.sleep(1)
    append(dovecot, imap_account, raw(message_id="<idle@x>"))
    waiter.join(30)
    assert outcome["new"] is True and outcome["took"] < 15


def test_the_mailboxes_command_reads_every_due_mailbox(dovecot, imap_account, rep_a):
    from io import StringIO

    from django.core.management import call_command

    make_mailbox(imap_account, owner=rep_a, port=dovecot.port)
    append(dovecot, imap_account, raw(message_id="<cmd@x>"))
    out = StringIO()
    call_command("mailboxes", stdout=out)
    assert "1" in out.getvalue()
    assert MailMessage.objects.get().message_id == "<cmd@x>"
