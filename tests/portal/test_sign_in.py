"""Signing in to the customer portal by a one-time link, over HTTP: the same answer for any address, the token
kept only hashed, a link that works once and for 15 minutes, the limits on asking, signing out."""

import datetime as dt
import hashlib
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peyvand.messaging.models import Outbox
from peyvand.portal import services
from peyvand.portal.models import PortalLink
from tests.portal.conftest import ask_for_link, link_from_mail, portal_client

pytestmark = pytest.mark.django_db


def _without_csrf(response) -> str:
    """The page's HTML less its CSRF tokens (masked afresh on every page)."""
    return re.sub(
        r'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', r"\1", response.content.decode()
    )


def test_a_known_and_an_unknown_address_get_the_same_answer_and_only_the_known_one_mail(customers):
    known = ask_for_link(Client(), "  ALI@parsian.example ")
    unknown = ask_for_link(Client(), "nobody@example.com")
    assert known.status_code == unknown.status_code == 200
    assert _without_csrf(known) == _without_csrf(unknown)
    assert "If this address belongs to one of our customers" in known.content.decode()
    assert [m.to for m in mail.outbox] == [["ali@parsian.example"]]
    assert PortalLink.objects.get().contact == customers["ali"].contact


def test_the_token_is_stored_only_hashed_and_not_kept_in_the_outbox(customers):
    ask_for_link(Client(), "ali@parsian.example")
    path = link_from_mail("ali@parsian.example")
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 40
    link = PortalLink.objects.get()
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    (row,) = Outbox.objects.filter(source="portal_link")
    assert token not in row.body and "/portal/link/" in row.body
    assert not PortalLink.objects.filter(token_hash__contains=token[:20]).exists()


def test_a_bad_address_is_named_on_the_form(customers):
    page = ask_for_link(Client(), "not an address")
    assert page.status_code == 422
    assert "Enter a valid e-mail address." in page.content.decode()
    assert ask_for_link(Client(), "").status_code == 422
    assert not mail.outbox


def test_the_link_signs_in_once_and_a_second_use_gets_a_clear_page(customers):
    client = Client()
    ask_for_link(client, "ali@parsian.example")
    path = link_from_mail("ali@parsian.example")
    shown = client.get(path + "?lang=en")
    assert shown.status_code == 200 and "Sign in" in shown.content.decode()
    assert PortalLink.objects.get().used_at is None  # opening it (a mail scanner too) does not use it up
    assert client.post(path).status_code == 302
    assert client.get(reverse("portal:home")).status_code == 200

    again = Client().post(path + "?lang=en")
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    assert services.COOKIE not in again.cookies or not again.cookies[services.COOKIE].value
    assert Client().get(path + "?lang=en").status_code == 410


def test_an_expired_link_and_a_made_up_one_get_a_clear_page(customers):
    client = Client()
    ask_for_link(client, "ali@parsian.example")
    path = link_from_mail("ali@parsian.example")
    PortalLink.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    expired = client.post(path + "?lang=en")
    assert expired.status_code == 410 and "expired" in expired.content.decode()
    assert client.get(reverse("portal:home")).status_code == 302
    made_up = Client().get(reverse("portal:link", args=["x" * 43]) + "?lang=en")
    assert made_up.status_code == 410 and "not a link we sent" in made_up.content.decode()


def test_a_link_lasts_fifteen_minutes(customers):
    ask_for_link(Client(), "ali@parsian.example")
    link = PortalLink.objects.get()
    assert dt.timedelta(minutes=14) < link.expires_at - link.created_at <= dt.timedelta(minutes=15)


def test_using_a_link_ends_the_contacts_other_unused_links(customers):
    client = Client()
    ask_for_link(client, "ali@parsian.example")
    first = link_from_mail("ali@parsian.example")
    ask_for_link(client, "ali@parsian.example")
    second = link_from_mail("ali@parsian.example")
    assert first != second
    assert client.post(second).status_code == 302
    assert Client().post(first).status_code == 410


def test_asking_is_limited_per_address_and_per_client(customers):
    for _ in range(services.ADDRESS_LIMIT):
        assert ask_for_link(Client(), "ali@parsian.example").status_code == 200
    refused = ask_for_link(Client(), "ali@parsian.example")
    assert refused.status_code == 429 and "Too many" in refused.content.decode()
    assert len(mail.outbox) == services.ADDRESS_LIMIT
    # an unknown address is counted the same, so the limit tells nothing either
    for _ in range(services.ADDRESS_LIMIT):
        ask_for_link(Client(), "nobody@example.com")
    assert ask_for_link(Client(), "nobody@example.com").status_code == 429

    other = Client(REMOTE_ADDR="10.0.0.9")
    answers = [
        ask_for_link(other, f"guess{n}@example.com").status_code for n in range(services.CLIENT_LIMIT + 1)
    ]
    assert answers == [200] * services.CLIENT_LIMIT + [429]


def test_signing_out_ends_the_session_on_the_server_too(customers):
    client = portal_client("ali@parsian.example")
    cookie = client.cookies[services.COOKIE].value
    out = client.post(reverse("portal:sign-out"))
    assert out.status_code == 302 and out["Location"] == reverse("portal:sign-in")
    assert client.get(reverse("portal:home")).status_code == 302
    replay = Client()
    replay.cookies[services.COOKIE] = cookie  # the old cookie, kept by someone
    assert replay.get(reverse("portal:home")).status_code == 302


def test_a_forged_or_old_session_cookie_opens_nothing(customers):
    client = portal_client("ali@parsian.example")
    cookie = client.cookies[services.COOKIE].value
    forged = Client()
    forged.cookies[services.COOKIE] = cookie.replace(cookie[-5:], "AAAAA")
    assert forged.get(reverse("portal:home")).status_code == 302
    PortalLink.objects.update(used_at=timezone.now() - dt.timedelta(hours=services.SESSION_HOURS, minutes=1))
    assert client.get(reverse("portal:home")).status_code == 302


def test_a_deleted_contact_is_signed_out(customers, admin):
    from peyvand.core.records import delete_record

    client = portal_client("ali@parsian.example")
    delete_record(customers["ali"].contact, actor=admin)
    assert client.get(reverse("portal:home")).status_code == 302


def test_a_signed_in_customer_going_to_the_form_lands_on_their_page(customers):
    client = portal_client("ali@parsian.example")
    assert client.get(reverse("portal:sign-in"))["Location"] == reverse("portal:home")


def test_the_pages_are_in_persian_by_default_and_english_on_request(customers):
    html = Client().get(reverse("portal:sign-in")).content.decode()
    assert 'dir="rtl"' in html and 'lang="fa"' in html
    english = Client().get(reverse("portal:sign-in") + "?lang=en").content.decode()
    assert "Sign in to the customer portal" in english


def test_a_mail_server_that_fails_changes_nothing_on_the_page_and_keeps_no_token(customers, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2  # nothing listens
    known = ask_for_link(Client(), "ali@parsian.example")
    unknown = ask_for_link(Client(), "nobody@example.com")
    assert known.status_code == unknown.status_code == 200
    assert _without_csrf(known) == _without_csrf(unknown)
    (row,) = Outbox.objects.filter(source="portal_link")
    assert row.status == "failed" and "/portal/link/…" in row.body


def test_the_link_arrives_over_smtp_and_signs_in(customers, smtp):
    """A real SMTP server (aiosmtpd) receives the e-mail; its link signs the customer in, in Persian."""
    client = Client()
    assert client.post(reverse("portal:sign-in"), {"email": "bita@kish.example"}).status_code == 200
    (received,) = smtp.messages
    assert received["To"] == "bita@kish.example" and received["Subject"] == "پیوند ورود شما"
    body = received.get_content()
    path = re.search(r"(/portal/link/[^\s/]+/)", body).group(1)
    assert client.post(path).status_code == 302
    html = client.get(reverse("portal:home")).content.decode()
    assert "Bita&#x27;s printer" in html and "Ali" not in html
