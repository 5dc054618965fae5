"""Open and click tracking: a tracked e-mail goes through a real SMTP server (aiosmtpd); its received HTML's
pixel and link are followed through the app's own endpoints, which record the open and the click."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client

from peyvand.contacts.services import create_contact
from peyvand.core import events
from peyvand.core.timeline import timeline_for
from peyvand.messaging import tracking
from peyvand.messaging.models import Outbox
from peyvand.messaging.models_consent import MessagingSettings
from peyvand.messaging.services import send
from tests.messaging.test_outbox_retries import smtp  # noqa: F401 (a real SMTP server, aiosmtpd)

pytestmark = pytest.mark.django_db

HTML = (
    '<html><body><p>سلام، <a href="https://shop.example.com/offer?a=1&amp;b=2">the offer</a> and '
    '<a href="mailto:sales@example.com">write to us</a>.</p></body></html>'
)
START = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def _html(received) -> str:
    return received.get_body(preferencelist=("html",)).get_content()


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_the_pixel_and_link_of_a_received_email_record_its_open_and_click(smtp):  # noqa: F811
    seen = []

    def keep(sender, **kwargs):
        seen.append((sender.__name__, sorted(k for k in kwargs if k != "signal")))

    events.message_opened.connect(keep, dispatch_uid="test-opened")
    events.message_clicked.connect(keep, dispatch_uid="test-clicked")
    with time_machine.travel(START, tick=False):
        message = send(
            channel="email", to="sara@example.com", subject="Offer", body="See the offer", html_body=HTML
        )
    html = _html(smtp.messages[0])
    assert "https://shop.example.com/offer" not in html  # the link goes through us
    assert 'href="mailto:sales@example.com"' in html  # only web links are tracked
    (pixel,) = re.findall(r'<img src="([^"]+)"', html)
    (link,) = re.findall(r'href="(http[^"]+/t/c/[^"]+)"', html)

    browser = Client(HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux) Thunderbird/128.0")
    with time_machine.travel(START + dt.timedelta(hours=2), tick=False):
        answer = browser.get(_path(pixel.replace("&amp;", "&")))
    assert (answer.status_code, answer["Content-Type"]) == (200, "image/gif")
    with time_machine.travel(START + dt.timedelta(hours=3), tick=False):
        answer = browser.get(_path(link.replace("&amp;", "&")))
    assert (answer.status_code, answer["Location"]) == (302, "https://shop.example.com/offer?a=1&b=2")

    message.refresh_from_db()
    assert message.status == "clicked"
    opened, clicked = message.events.all()
    assert (opened.kind, opened.user_agent, opened.detail) == (
        "opened",
        "Mozilla/5.0 (X11; Linux) Thunderbird/128.0",
        {},
    )
    assert (clicked.kind, clicked.url) == ("clicked", "https://shop.example.com/offer?a=1&b=2")
    events.message_opened.disconnect(dispatch_uid="test-opened")
    events.message_clicked.disconnect(dispatch_uid="test-clicked")


@pytest.mark.parametrize(
    ("user_agent", "after", "proxy"),
    [
        (
            "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)",
            3600,
            "gmail",
        ),
        ("Mozilla/5.0", 3600, "apple"),
        ("YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html", 3600, "yahoo"),
        ("Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15", 2, "early"),
        ("Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15", 3600, ""),
    ],
)
def test_an_open_that_looks_like_a_privacy_proxy_is_flagged_and_the_page_says_opens_are_approximate(
    admin, mailoutbox, user_agent, after, proxy
):
    with time_machine.travel(START, tick=False):
        message = send(channel="email", to="sara@example.com", subject="Offer", body="x", html_body=HTML)
    with time_machine.travel(START + dt.timedelta(seconds=after), tick=False):
        Client(HTTP_USER_AGENT=user_agent).get(_path(tracking.pixel_url(message)))
    event = message.events.get()
    assert event.detail.get("proxy", "") == proxy
    browser = Client()
    browser.cookies["django_language"] = "en"
    browser.force_login(admin)
    page = browser.get(f"/outbox/{message.pk}/").content.decode()
    assert "Opens are approximate" in page
    assert ('id="proxy-warning"' in page) == bool(proxy)


@pytest.mark.parametrize(
    "path",
    ["/t/o/nonsense.gif", "/t/c/nonsense/", "/t/o/MQ:1xakHi:forgedsignature.gif", "/t/c/.eJyrVg:forged:sig/"],
)
def test_a_bad_tracking_token_is_not_found_and_nothing_is_recorded(db, path):
    assert Client().get(path).status_code == 404


def test_a_click_link_cannot_be_changed_to_lead_elsewhere(mailoutbox):
    message = send(channel="email", to="sara@example.com", subject="Offer", body="x", html_body=HTML)
    import base64
    import json

    link = _path(tracking.click_url(message, "https://shop.example.com/"))
    _payload, stamp, signature = link.split("/")[3].split(":")
    evil = base64.urlsafe_b64encode(json.dumps({"m": message.pk, "u": "https://evil.example/"}).encode())
    forged = f"/t/c/{evil.decode().rstrip('=')}:{stamp}:{signature}/"
    assert Client().get(forged).status_code == 404
    assert not message.events.exists()


def test_tracking_is_off_when_the_site_turns_it_off_or_the_sender_asks(admin, mailoutbox):
    untracked = send(channel="email", to="a@example.com", subject="A", body="x", html_body=HTML, track=False)
    browser = Client()
    browser.force_login(admin)
    assert browser.post("/settings/messaging/", {}).status_code == 200  # the box unticked
    assert MessagingSettings.current().tracking_enabled is False
    off = send(channel="email", to="b@example.com", subject="B", body="x", html_body=HTML)
    assert (untracked.tracked, off.tracked) == (False, False)
    for sent in mailoutbox:
        html = sent.alternatives[0][0]
        assert "/t/o/" not in html and 'href="https://shop.example.com/offer?a=1&amp;b=2"' in html
    browser.post("/settings/messaging/", {"tracking_enabled": "on"})
    assert send(channel="email", to="c@example.com", subject="C", body="x", html_body=HTML).tracked is True


def test_only_an_administrator_changes_the_tracking_setting(rep_a):
    browser = Client()
    browser.force_login(rep_a)
    assert browser.post("/settings/messaging/", {}).status_code == 403
    assert MessagingSettings.current().tracking_enabled is True


def test_the_records_timeline_lists_its_messages_with_opens_and_clicks_to_who_may_see_it(
    rep_a, rep_b, mailoutbox
):
    contact = create_contact(actor=rep_a, values={"last_name": "Karimi", "emails": ["k@example.com"]})
    message = send(
        channel="email",
        to="k@example.com",
        subject="Offer",
        body="x",
        html_body=HTML,
        record_type="contact",
        record_id=contact.pk,
    )
    Client().get(_path(tracking.pixel_url(message)))
    (item,) = [i for i in timeline_for(rep_a, contact) if i.kind == "message"]
    assert (item.obj.pk, item.obj.opens, item.obj.clicks) == (message.pk, 1, 0)
    assert [i for i in timeline_for(rep_b, contact) if i.kind == "message"] == []
    browser = Client()
    browser.force_login(rep_a)
    page = browser.get(f"/contacts/{contact.pk}/").content.decode()
    assert f'href="/outbox/{message.pk}/"' in page
    assert Outbox.objects.count() == 1


def test_a_pixel_fetched_over_and_over_keeps_a_bounded_number_of_opens(mailoutbox):
    message = send(channel="email", to="sara@example.com", subject="Offer", body="x", html_body=HTML)
    path = _path(tracking.pixel_url(message))
    browser = Client(HTTP_USER_AGENT="Scanner/1.0")
    for _n in range(tracking.MAX_OPENS + 5):
        assert browser.get(path).status_code == 200
    assert message.events.filter(kind="opened").count() == tracking.MAX_OPENS
