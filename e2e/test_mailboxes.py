"""Mailboxes in Chromium, in Persian and English, at 1440 px and 390 px: a rep reaches "My mailboxes" from the
settings hub, connects a mailbox on a real Dovecot, reads its mail at once, and finds the customer's e-mail on the
contact's timeline and on its own page with the thread. The password is never in a page."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import fits, signed_in
from e2e.test_billing_catalog import whole
from peyvand.contacts.services import create_contact
from peyvand.messaging.models import Mailbox, MailMessage
from tests.messaging.dovecot import start_or_skip

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PASSWORD = "e2e-mailbox-secret"
ACCOUNTS = {"en": "rep-en@example.com", "fa": "rep-fa@example.com"}  # an empty INBOX for each language
WORDS = {
    "fa": {"hub": "صندوق‌های پستی من", "name": "صندوق من", "kept": "پیام‌های تازهٔ نگه‌داشته: ۱"},
    "en": {"hub": "My mailboxes", "name": "My mail", "kept": "New messages kept: 1"},
}
MESSAGE = (
    "From: Ali Rezaei <ali@customer.example>\r\nTo: {account}\r\nSubject: Price list\r\n"
    "Message-ID: <e2e-{language}@customer.example>\r\nDate: Mon, 7 Dec 2026 10:00:00 +0000\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n\r\nPlease send the price list.\r\n"
)


@pytest.fixture(scope="module")
def dovecot():
    server = start_or_skip({address: PASSWORD for address in ACCOUNTS.values()})
    yield server
    server.stop()


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_rep_connects_a_mailbox_reads_it_and_finds_the_mail_on_the_contact(
    browser, live_server, rep_a, dovecot, settings, language
):
    settings.PEYVAND_OUTBOUND_ALLOW_HOSTS = ["127.0.0.1"]
    words, account = WORDS[language], ACCOUNTS[language]
    contact = create_contact(
        actor=rep_a, values={"first_name": "Ali", "last_name": "Rezaei", "emails": ["ali@customer.example"]}
    )
    with dovecot.client(account) as client:
        client.append(MESSAGE.format(language=language, account=account).encode(), "INBOX")

    page = signed_in(browser, live_server, rep_a, language)
    page.goto("/settings/")
    page.get_by_role("link", name=words["hub"]).click()
    page.wait_for_url("**/settings/mailboxes/")
    whole(page, language)
    fits(page, f"mailboxes-empty-{language}")

    page.locator("main .page-head a.primary").click()
    page.wait_for_url("**/settings/mailboxes/new/")
    page.fill("#id_name", words["name"])
    page.fill("#id_email_address", account)
    page.fill("#id_imap_host", "127.0.0.1")
    page.fill("#id_imap_port", str(dovecot.port))
    page.select_option("#id_imap_security", "none")
    page.fill("#id_imap_password", PASSWORD)
    whole(page, language)
    fits(page, f"mailbox-form-{language}")
    page.locator("form.card button.primary").click()
    page.wait_for_url("**/settings/mailboxes/*/")
    mailbox = Mailbox.objects.get()
    assert mailbox.imap_password == PASSWORD and PASSWORD not in page.content()

    page.locator("main .page-head form", has=page.locator("button")).nth(1).locator("button").click()
    expect(page.locator("body")).to_contain_text(words["kept"])
    assert MailMessage.objects.get().subject == "Price list"
    whole(page, language)
    fits(page, f"mailbox-{language}")

    page.goto(f"/contacts/{contact.pk}/")
    page.locator("a.mail-link").click()
    page.wait_for_url("**/mail/*/")
    expect(page.locator("main")).to_contain_text("Please send the price list.")
    whole(page, language)
    fits(page, f"mail-message-{language}")

    page.goto("/settings/mailboxes/")
    expect(page.locator("table.mailboxes")).to_contain_text(words["name"])
    whole(page, language)
    fits(page, f"mailboxes-{language}")
    assert PASSWORD not in page.content()
