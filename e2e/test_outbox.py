"""The outbox in Chromium, in Persian and English, at 1440 px and 390 px: a user finds a failed message among
the ones they sent, reads what happened to it and retries it; a recipient unsubscribes from the link in an e-mail;
a contact's page shows and changes each address's consent."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import fits, new_page, signed_in
from peyvand.contacts.services import create_contact
from peyvand.messaging import consent
from peyvand.messaging.models import Outbox
from peyvand.messaging.models_consent import Suppression
from peyvand.messaging.services import record_event, send

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
STATUS = {"en": {"failed": "Failed", "queued": "Queued"}, "fa": {"failed": "ناموفق", "queued": "در صف"}}


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_user_finds_a_failed_message_reads_its_events_and_retries_it(browser, live_server, rep_a, language):
    contact = create_contact(
        actor=rep_a, values={"first_name": "سارا", "last_name": "کریمی", "emails": ["sara@example.com"]}
    )
    sent = send(
        channel="email",
        to="sara@example.com",
        subject="پیشنهاد ویژهٔ پاییز",
        body="سلام",
        html_body="<p>سلام <a href='https://shop.example.com/'>فروشگاه</a></p>",
        record_type="contact",
        record_id=contact.pk,
        created_by=rep_a,
    )
    record_event(
        message=sent,
        kind="opened",
        user_agent="Mozilla/5.0 (via ggpht.com GoogleImageProxy)",
        detail={"proxy": "gmail"},
    )
    record_event(message=sent, kind="clicked", url="https://shop.example.com/")
    failed = Outbox.objects.create(
        channel="sms",
        to="+989123456789",
        body="یادآوری قرار فردا ساعت ۱۰",
        status="failed",
        error="ConnectionError: gateway down",
        created_by=rep_a,
    )

    page = signed_in(browser, live_server, rep_a, language)
    page.goto("/outbox/")
    expect(page.locator("#outbox tbody tr")).to_have_count(2)
    fits(page, f"outbox-{language}")
    page.select_option("select[name=status]", "failed")
    page.click("#outbox-filters button[type=submit]")
    expect(page.locator("#outbox tbody tr")).to_have_count(1)
    expect(page.locator(f"tr[data-message='{failed.pk}']")).to_contain_text(STATUS[language]["failed"])

    page.goto(f"/outbox/{sent.pk}/")
    expect(page.locator("#proxy-warning")).to_be_visible()
    expect(page.locator("#message-events")).to_contain_text("https://shop.example.com/")
    fits(page, f"outbox-message-{language}")

    page.goto(f"/outbox/{failed.pk}/")
    fits(page, f"outbox-failed-{language}")
    page.click("#retry")
    expect(page.locator("#message-status")).to_have_text(STATUS[language]["queued"])
    failed.refresh_from_db()
    assert failed.status == "queued"


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_recipient_unsubscribes_from_the_link_and_a_contacts_page_shows_it(
    browser, live_server, rep_a, language
):
    contact = create_contact(actor=rep_a, values={"last_name": "Karimi", "emails": ["karimi@example.com"]})
    message = send(channel="email", to="karimi@example.com", subject="News", body="Hi", topic="newsletters")
    link = consent.unsubscribe_url(message).split("://", 1)[1].split("/", 1)[1]

    public = new_page(browser, live_server)
    public.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    public.goto("/" + link)
    fits(public, f"unsubscribe-{language}")
    public.click("#confirm-unsubscribe")
    expect(public.locator("#unsubscribed")).to_be_visible()
    assert Suppression.objects.get().topic == "newsletters"

    page = signed_in(browser, live_server, rep_a, language)
    page.goto(f"/contacts/{contact.pk}/")
    expect(page.locator("#consent")).to_be_visible()
    expect(page.locator("[data-consent='in-email-newsletters']")).to_be_visible()
    fits(page, f"contact-consent-{language}")
    page.click("[data-consent='out-email-marketing']")
    expect(page.locator("[data-consent='in-email-marketing']")).to_be_visible()
    assert set(Suppression.objects.values_list("topic", flat=True)) == {"newsletters", "marketing"}
