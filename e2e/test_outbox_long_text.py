"""A message made of long unbroken strings (a link, an address, a subject, a server's error, a user agent) still
fits a phone: its page and the outbox list wrap them instead of widening the page, in Persian and English."""

import pytest
from django.utils import timezone

from e2e.conftest import signed_in
from peyvand.messaging.models import Outbox, OutboxEvent

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
WIDE = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.mark.parametrize("language", ["fa", "en"])
def test_a_message_of_long_unbroken_text_fits_a_phone(browser, live_server, admin, language):
    link = "https://example.com/" + "a" * 300
    message = Outbox.objects.create(
        channel="email",
        to="x" * 60 + "@example.com",
        subject="S" * 200,
        body=f"{link} " + "b" * 300,
        html_body="<p>hi</p>",
        status="failed",
        error="SMTPRecipientsRefused: " + "c" * 300,
        source="automation:1",
        backend="peyvand.messaging.backends.EmailBackend",
    )
    OutboxEvent.objects.create(
        message=message, kind="clicked", at=timezone.now(), url=link, user_agent="Mozilla/" + "e" * 200
    )
    page = signed_in(browser, live_server, admin, language)
    page.set_viewport_size({"width": 390, "height": 900})
    for address in (f"/outbox/{message.pk}/", "/outbox/"):
        page.goto(address)
        assert page.evaluate(WIDE), (address, page.evaluate("document.documentElement.scrollWidth"))
    page.context.close()
