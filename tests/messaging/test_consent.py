"""Consent: an unsubscribe through the link in a received e-mail's header stops the next send of its topic, a
bounce or complaint stops every send, and a contact's page marks addresses opted out and back in."""

import re

import pytest
from django.test import Client

from peyvand.contacts.services import create_contact
from peyvand.core.errors import NotFound, PeyvandError
from peyvand.messaging import consent
from peyvand.messaging.models import Outbox
from peyvand.messaging.models_consent import Suppression
from peyvand.messaging.services import send
from tests.messaging.test_outbox_retries import smtp  # noqa: F401 (a real SMTP server, aiosmtpd)

pytestmark = pytest.mark.django_db


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_a_one_click_unsubscribe_from_the_received_header_stops_the_next_send_of_that_topic(smtp):  # noqa: F811
    send(channel="email", to="Sara@Example.com", subject="News 1", body="Hi", topic="newsletters")
    (received,) = smtp.messages
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = re.fullmatch(r"<(.+)>", received["List-Unsubscribe"]).group(1)

    answer = Client().post(
        _path(link), {"List-Unsubscribe": "One-Click"}
    )  # as a mail program does (RFC 8058)
    assert (answer.status_code, answer.content) == (200, b"")
    row = Suppression.objects.get()
    assert (row.channel, row.address, row.topic, row.reason) == (
        "email",
        "sara@example.com",
        "newsletters",
        "unsubscribed",
    )

    second = send(channel="email", to="sara@example.com", subject="News 2", body="Hi", topic="newsletters")
    assert second.status == "suppressed"
    assert len(smtp.messages) == 1  # nothing more reached the server
    other = send(channel="email", to="sara@example.com", subject="Offer", body="Hi", topic="marketing")
    receipt = send(channel="email", to="sara@example.com", subject="Your receipt", body="Hi")
    assert (other.status, receipt.status) == ("sent", "sent")  # another topic, and a transactional message
    first = Outbox.objects.get(subject="News 1")
    assert [e.kind for e in first.events.all()] == ["unsubscribed"]


def test_the_unsubscribe_page_asks_before_it_unsubscribes(smtp):  # noqa: F811
    message = send(channel="email", to="sara@example.com", subject="News", body="Hi", topic="marketing")
    path = _path(consent.unsubscribe_url(message))
    page = Client().get(path)
    assert page.status_code == 200
    assert b'id="confirm-unsubscribe"' in page.content
    assert not Suppression.objects.exists()  # a link scanner's GET unsubscribes nobody
    done = Client().post(path)
    assert b'id="unsubscribed"' in done.content
    assert Suppression.objects.get().topic == "marketing"
    Client().post(path)  # twice is harmless
    assert Suppression.objects.count() == 1


@pytest.mark.parametrize("token", ["nonsense", "eyJjIjoiZW1haWwifQ:1abc:forged"])
def test_a_changed_or_made_up_unsubscribe_link_is_not_found(token):
    assert Client().get(f"/unsubscribe/{token}/").status_code == 404
    assert Client().post(f"/unsubscribe/{token}/").status_code == 404
    assert not Suppression.objects.exists()


def test_a_bounced_address_gets_no_message_on_any_topic_nor_a_transactional_one(mailoutbox):
    consent.suppress(channel="email", address="Dead@Example.com", reason="bounced", source="test")
    message = send(channel="email", to="dead@example.com", subject="Receipt", body="Hi")
    assert (message.status, mailoutbox) == ("suppressed", [])
    assert "Bounced" in message.error


def test_an_sms_opt_out_matches_the_number_however_it_is_written(db):
    consent.suppress(channel="sms", address="0912 345 6789", topic="marketing", reason="unsubscribed")
    assert send(channel="sms", to="+989123456789", body="Sale", topic="marketing").status == "suppressed"
    assert send(channel="sms", to="+989123456789", body="Your code").status == "queued"


def test_a_later_bounce_replaces_an_opt_out_so_it_stops_every_topic(db):
    consent.suppress(channel="email", address="a@example.com", reason="unsubscribed")
    consent.suppress(channel="email", address="a@example.com", reason="bounced")
    assert Suppression.objects.get().reason == "bounced"


def test_an_unknown_topic_is_refused(db):
    with pytest.raises(PeyvandError) as refused:
        send(channel="email", to="a@example.com", body="x", topic="gossip")
    assert refused.value.code == "messaging.topic"
    assert not Outbox.objects.exists()


def test_who_may_see_a_contact_marks_its_address_opted_out_and_back_in_on_its_page(rep_a, rep_b, mailoutbox):
    contact = create_contact(
        actor=rep_a,
        values={"last_name": "Karimi", "emails": ["karimi@example.com"], "phones": ["09123456789"]},
    )
    browser = Client()
    browser.force_login(rep_a)
    page = browser.get(f"/contacts/{contact.pk}/")
    assert b'id="consent"' in page.content
    assert b'data-consent="out-email-marketing"' in page.content

    answer = browser.post(
        f"/consent/{contact.pk}/",
        {"action": "opt_out", "channel": "email", "address": "karimi@example.com", "topic": "marketing"},
    )
    assert answer.status_code == 302
    assert (
        send(channel="email", to="karimi@example.com", body="Sale", topic="marketing").status == "suppressed"
    )
    assert b'data-consent="in-email-marketing"' in browser.get(f"/contacts/{contact.pk}/").content

    browser.post(
        f"/consent/{contact.pk}/",
        {"action": "opt_in", "channel": "email", "address": "karimi@example.com", "topic": "marketing"},
    )
    assert send(channel="email", to="karimi@example.com", body="Sale", topic="marketing").status == "sent"

    stranger = Client()
    stranger.force_login(rep_b)
    refused = stranger.post(
        f"/consent/{contact.pk}/",
        {"action": "opt_out", "channel": "sms", "address": "+989123456789", "topic": ""},
    )
    assert refused.status_code == 404
    wrong = browser.post(
        f"/consent/{contact.pk}/",
        {"action": "opt_out", "channel": "email", "address": "x@example.com", "topic": ""},
    )
    assert wrong.status_code == 400
    assert Suppression.objects.count() == 0


def test_opting_out_is_written_to_the_contacts_history(rep_a):
    from peyvand.core.audit import audit_for

    contact = create_contact(actor=rep_a, values={"last_name": "Karimi", "emails": ["karimi@example.com"]})
    consent.opt_out(actor=rep_a, contact_id=contact.pk, channel="email", address="KARIMI@example.com")
    assert audit_for(contact).first().note == "Opted out"
    with pytest.raises(NotFound):
        consent.opt_out(
            actor=rep_a, contact_id=contact.pk + 1000, channel="email", address="karimi@example.com"
        )
