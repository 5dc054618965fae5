"""The outbox page: each user sees the messages they sent and those about records they may see (an administrator
all), filtered by channel, status and date; a message's page shows its events; a failed one can be retried."""

import pytest
from django.test import Client

from peyvand.contacts.services import create_contact
from peyvand.core.audit import audit_for
from peyvand.messaging.models import Outbox
from peyvand.messaging.services import deliver_due

pytestmark = pytest.mark.django_db


def _browser(user) -> Client:
    browser = Client()
    browser.cookies["django_language"] = "en"
    browser.force_login(user)
    return browser


@pytest.fixture
def messages(rep_a, rep_b):
    mine = create_contact(actor=rep_a, values={"last_name": "Karimi"})
    theirs = create_contact(actor=rep_b, values={"last_name": "Ahmadi"})
    return {
        "sent_by_rep_a": Outbox.objects.create(
            channel="email", to="x@example.com", subject="By me", status="sent", created_by=rep_a
        ),
        "about_mine": Outbox.objects.create(
            channel="sms",
            to="+989123456789",
            body="About Karimi",
            status="failed",
            record_type="contact",
            record_id=mine.pk,
            error="ConnectionError",
        ),
        "about_theirs": Outbox.objects.create(
            channel="email",
            to="y@example.com",
            subject="About Ahmadi",
            status="failed",
            record_type="contact",
            record_id=theirs.pk,
        ),
        "system": Outbox.objects.create(
            channel="email", to="z@example.com", subject="System reminder", status="queued"
        ),
    }


def test_a_rep_sees_what_they_sent_and_what_concerns_their_records_and_an_admin_sees_all(
    rep_a, admin, messages
):
    page = _browser(rep_a).get("/outbox/").content.decode()
    assert "By me" in page and "About Karimi" in page
    assert "About Ahmadi" not in page and "System reminder" not in page
    assert "System reminder" in _browser(admin).get("/outbox/").content.decode()
    assert _browser(rep_a).get(f"/outbox/{messages['about_theirs'].pk}/").status_code == 404


def test_the_outbox_filters_by_channel_status_and_date(admin, messages):
    browser = _browser(admin)
    sms = browser.get("/outbox/?channel=sms").content.decode()
    assert "About Karimi" in sms and "By me" not in sms
    failed = browser.get("/outbox/?status=failed").content.decode()
    assert "About Ahmadi" in failed and "System reminder" not in failed
    assert "data-message=" not in browser.get("/outbox/?since=2099-01-01").content.decode()
    assert "data-message=" in browser.get("/outbox/?until=2099-01-01").content.decode()
    bad = browser.get("/outbox/?since=yesterday")
    assert bad.status_code == 200 and 'id="error-since"' in bad.content.decode()


def test_the_outbox_list_makes_a_fixed_number_of_queries(rep_a, messages, django_assert_max_num_queries):
    browser = _browser(rep_a)
    browser.get("/outbox/")
    for n in range(20):
        Outbox.objects.create(channel="email", to=f"n{n}@example.com", subject=f"More {n}", created_by=rep_a)
    with django_assert_max_num_queries(7):
        assert browser.get("/outbox/").status_code == 200


def test_a_failed_message_about_my_record_is_retried_and_the_job_sends_it(rep_a, rep_b, messages, settings):
    failed = messages["about_mine"]
    page = _browser(rep_a).get(f"/outbox/{failed.pk}/").content.decode()
    assert 'id="retry"' in page and "ConnectionError" in page
    assert _browser(rep_b).post(f"/outbox/{failed.pk}/retry/").status_code == 404
    answer = _browser(rep_a).post(f"/outbox/{failed.pk}/retry/")
    assert answer.status_code == 302
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("queued", 0)
    assert [e.kind for e in failed.events.all()] == ["retried"]
    assert audit_for(failed).first().changes == {"status": ["failed", "queued"]}
    deliver_due()
    failed.refresh_from_db()
    assert failed.attempts == 1  # tried again (an SMS without a gateway stays queued, waiting for one)
    assert (
        _browser(rep_a).post(f"/outbox/{messages['sent_by_rep_a'].pk}/retry/").status_code == 403
    )  # not failed


def test_failed_messages_are_retried_together_and_others_chosen_are_left_alone(admin, messages):
    chosen = [messages["about_mine"].pk, messages["about_theirs"].pk, messages["sent_by_rep_a"].pk]
    answer = _browser(admin).post("/outbox/retry/", {"ids": chosen})
    assert answer.status_code == 302
    statuses = dict(Outbox.objects.filter(pk__in=chosen).values_list("pk", "status"))
    assert statuses == {chosen[0]: "queued", chosen[1]: "queued", chosen[2]: "sent"}


def test_a_messages_page_lists_its_events_and_the_legend(admin, messages):
    from peyvand.messaging.services import record_event

    message = messages["sent_by_rep_a"]
    record_event(message=message, kind="opened", user_agent="Thunderbird/128")
    record_event(message=message, kind="clicked", url="https://shop.example.com/")
    page = _browser(admin).get(f"/outbox/{message.pk}/").content.decode()
    assert "Thunderbird/128" in page and "https://shop.example.com/" in page
    assert 'id="outbox-legend"' in page
    assert 'id="message-status">Clicked' in page


def test_signed_out_visitors_are_sent_to_sign_in(messages):
    assert Client().get("/outbox/").status_code == 302
    assert Client().post(f"/outbox/{messages['about_mine'].pk}/retry/").status_code == 302
