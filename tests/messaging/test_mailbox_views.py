"""The mailbox pages over HTTP: connecting one (the password never shown again, the host guarded), testing it
and reading it now against the real Dovecot, disconnecting it; and an e-mail's page and timeline entry, whose
body a private "metadata only" mailbox keeps from the record's other viewers."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from peyvand.contacts.services import create_contact
from peyvand.core.models import AuditEntry
from peyvand.messaging import mailboxes
from peyvand.messaging.models import Mailbox, MailMessage
from tests.messaging.test_mailbox_sync import append, make_mailbox, raw

pytestmark = pytest.mark.django_db


def client_for(user, language="en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def form_values(account, port, **extra):
    address, password = account
    return {
        "name": "My mail",
        "email_address": address,
        "imap_host": "127.0.0.1",
        "imap_port": str(port),
        "imap_security": "none",
        "imap_user": address,
        "imap_password": password,
        "smtp_host": "",
        "smtp_port": "25",
        "smtp_security": "none",
        "folders": "INBOX, Sent",
        "privacy": "metadata",
        "active": "on",
        **extra,
    }


def test_a_rep_connects_a_mailbox_whose_password_never_shows_again(dovecot, imap_account, rep_a, caplog):
    client = client_for(rep_a)
    with caplog.at_level(logging.DEBUG):
        answer = client.post(reverse("messaging-mailbox-add"), form_values(imap_account, dovecot.port))
    mailbox = Mailbox.objects.get()
    assert answer.status_code == 302
    assert (mailbox.owner, mailbox.shared, mailbox.folders) == (rep_a, False, ["INBOX", "Sent"])
    page = client.get(reverse("messaging-mailbox", args=[mailbox.pk])).content.decode()
    assert imap_account[1] not in page and "A password is set" in page
    audit = AuditEntry.objects.get(object_id=mailbox.pk, content_type__model="mailbox")
    assert imap_account[1] not in str(audit.changes) and "imap_password" in audit.changes
    assert imap_account[1] not in caplog.text


def test_saving_without_a_password_keeps_the_stored_one(dovecot, imap_account, rep_a):
    client = client_for(rep_a)
    client.post(reverse("messaging-mailbox-add"), form_values(imap_account, dovecot.port))
    mailbox = Mailbox.objects.get()
    answer = client.post(
        reverse("messaging-mailbox", args=[mailbox.pk]),
        form_values(imap_account, dovecot.port, name="Renamed", imap_password=""),
    )
    mailbox.refresh_from_db()
    assert answer.status_code == 302
    assert (mailbox.name, mailbox.imap_password) == ("Renamed", imap_account[1])


def test_a_private_address_is_refused_on_its_field(rep_a, settings):
    settings.PEYVAND_OUTBOUND_ALLOW_HOSTS = []
    answer = client_for(rep_a).post(
        reverse("messaging-mailbox-add"),
        form_values(("me@example.com", "secret-1"), 143, imap_host="10.0.0.5"),
    )
    assert answer.status_code == 400
    assert "Private or local network addresses" in answer.content.decode()
    assert not Mailbox.objects.exists()


def test_a_bad_port_is_named(rep_a, settings):
    answer = client_for(rep_a).post(
        reverse("messaging-mailbox-add"), form_values(("me@example.com", "secret-1"), "70000")
    )
    assert answer.status_code == 400
    assert "A port is a number from 1 to 65535." in answer.content.decode()


def test_testing_and_reading_now_sign_in_to_the_server(dovecot, imap_account, rep_a):
    mailbox = make_mailbox(imap_account, owner=rep_a, port=dovecot.port)
    append(dovecot, imap_account, raw())
    client = client_for(rep_a)
    tested = client.post(reverse("messaging-mailbox-test", args=[mailbox.pk]), follow=True).content.decode()
    assert "Signed in." in tested and "INBOX" in tested
    read = client.post(reverse("messaging-mailbox-sync", args=[mailbox.pk]), follow=True).content.decode()
    assert "New messages kept: 1" in read
    assert MailMessage.objects.count() == 1


def test_a_wrong_password_is_reported_without_itself(dovecot, imap_account, rep_a):
    mailbox = make_mailbox((imap_account[0], "wrong-horse-battery"), owner=rep_a, port=dovecot.port)
    client = client_for(rep_a)
    page = client.post(reverse("messaging-mailbox-sync", args=[mailbox.pk]), follow=True).content.decode()
    assert "The server refused the user name or password." in page
    assert "wrong-horse-battery" not in page


def test_another_persons_mailbox_does_not_exist_for_a_rep(dovecot, imap_account, rep_a, rep_a2):
    mailbox = make_mailbox(imap_account, owner=rep_a, port=dovecot.port)
    client = client_for(rep_a2)
    assert client.get(reverse("messaging-mailbox", args=[mailbox.pk])).status_code == 404
    assert client.post(reverse("messaging-mailbox-delete", args=[mailbox.pk])).status_code == 404
    assert Mailbox.objects.filter(pk=mailbox.pk).exists()


def test_only_an_administrator_connects_a_shared_mailbox(dovecot, imap_account, admin, rep_a, rep_a2):
    assert client_for(rep_a).get(reverse("messaging-mailbox-add") + "?shared=1").status_code == 403
    values = form_values(imap_account, dovecot.port, members=[str(rep_a2.pk)])
    answer = client_for(admin).post(reverse("messaging-mailbox-add") + "?shared=1", values)
    mailbox = Mailbox.objects.get()
    assert answer.status_code == 302
    assert (mailbox.owner, mailbox.shared, list(mailbox.members.all())) == (None, True, [rep_a2])
    assert client_for(rep_a2).get(reverse("messaging-mailbox", args=[mailbox.pk])).status_code == 404


def test_disconnecting_removes_the_mailbox_and_its_mail(dovecot, imap_account, rep_a):
    mailbox = make_mailbox(imap_account, owner=rep_a, port=dovecot.port)
    append(dovecot, imap_account, raw())
    mailboxes.sync_mailbox(mailbox)
    answer = client_for(rep_a).post(reverse("messaging-mailbox-delete", args=[mailbox.pk]))
    assert answer.status_code == 302
    assert not Mailbox.objects.exists() and not MailMessage.objects.exists()


@pytest.fixture
def synced(dovecot, imap_account, rep_a):
    contact = create_contact(
        actor=rep_a, values={"first_name": "Ali", "last_name": "Rezaei", "emails": ["ali@customer.example"]}
    )
    mailbox = make_mailbox(imap_account, owner=rep_a, port=dovecot.port)
    append(dovecot, imap_account, raw(body="The secret discount is 40 percent."))
    mailboxes.sync_mailbox(mailbox)
    return mailbox, contact, MailMessage.objects.get()


def test_the_mail_shows_on_the_contacts_timeline_with_its_body_for_the_owner(synced, rep_a):
    _mailbox, contact, message = synced
    page = client_for(rep_a).get(reverse("contacts:detail", args=[contact.pk])).content.decode()
    assert reverse("messaging-mail-message", args=[message.pk]) in page
    assert "The secret discount is 40 percent." in page


def test_a_metadata_only_mailbox_shows_others_the_subject_but_not_the_body(synced, manager_a):
    _mailbox, contact, message = synced
    client = client_for(manager_a)
    timeline = client.get(reverse("contacts:detail", args=[contact.pk])).content.decode()
    assert "Price list" in timeline and "The secret discount" not in timeline
    page = client.get(reverse("messaging-mail-message", args=[message.pk])).content.decode()
    assert "Price list" in page and "ali@customer.example" in page
    assert "The secret discount" not in page


def test_a_full_mailbox_shows_the_body_to_whoever_sees_the_record(synced, manager_a):
    mailbox, _contact, message = synced
    Mailbox.objects.filter(pk=mailbox.pk).update(privacy="full")
    page = client_for(manager_a).get(reverse("messaging-mail-message", args=[message.pk])).content.decode()
    assert "The secret discount is 40 percent." in page


def test_someone_who_sees_no_linked_record_cannot_open_the_mail(synced, rep_b):
    message = synced[2]
    assert client_for(rep_b).get(reverse("messaging-mail-message", args=[message.pk])).status_code == 404


def test_the_mailboxes_page_is_in_persian_for_a_persian_user(rep_a):
    page = client_for(rep_a, "fa").get(reverse("messaging-mailboxes")).content.decode()
    assert "صندوق‌های پستی من" in page and "وصل کردن صندوق پستی" in page


def test_the_settings_hub_lists_my_mailboxes_for_anyone_signed_in(rep_a):
    page = client_for(rep_a).get(reverse("settings")).content.decode()
    assert reverse("messaging-mailboxes") in page


def test_a_kept_file_downloads_for_those_who_may_read_the_body(dovecot, imap_account, rep_a, manager_a):
    mailbox = make_mailbox(imap_account, owner=rep_a, port=dovecot.port)
    create_contact(
        actor=rep_a, values={"first_name": "Ali", "last_name": "Rezaei", "emails": ["ali@customer.example"]}
    )
    append(
        dovecot,
        imap_account,
        b"From: ali@customer.example\r\nTo: sales@example.com\r\nSubject: Files\r\nMessage-ID: <f@x>\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n"
        b'--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename="quote.pdf"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n",
    )
    mailboxes.sync_mailbox(mailbox)
    message = MailMessage.objects.get()
    url = reverse("messaging-mail-file", args=[message.pk, 0])
    assert url in client_for(rep_a).get(reverse("messaging-mail-message", args=[message.pk])).content.decode()
    download = client_for(rep_a).get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4\n"
    assert download["Content-Disposition"].startswith("attachment")
    assert client_for(manager_a).get(url).status_code == 404  # metadata only for the record's other viewers
    Mailbox.objects.filter(pk=mailbox.pk).update(privacy="full")
    assert client_for(manager_a).get(url).status_code == 200
    assert client_for(rep_a).get(reverse("messaging-mail-file", args=[message.pk, 1])).status_code == 404
