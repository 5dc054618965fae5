"""Done when: a birthday rule's SMS reaches the gateway and its delivery report shows on the contact. An
automation rule on the contact's birthday sends an SMS through a Kavenegar gateway (a local server speaking its
protocol); the gateway's delivery report, fetched by the periodic job, marks the message delivered on the
contact's page."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from peyvand.automation.services import create_rule
from peyvand.contacts.services import create_contact
from peyvand.core import periodic
from peyvand.messaging import services_sms
from peyvand.messaging.models import Outbox
from tests.messaging.fake_gateways import FakeKavenegar, running

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 1, 6, 0, tzinfo=dt.UTC)
BIRTHDAY = dt.datetime(2026, 3, 5, 6, 0, tzinfo=dt.UTC)  # 09:30 in Tehran


@pytest.fixture
def fake(settings):
    settings.PEYVAND_OUTBOUND_ALLOW_HOSTS = ["127.0.0.1"]
    yield from running(FakeKavenegar)


def test_a_birthday_rules_sms_reaches_the_gateway_and_its_delivery_shows_on_the_contact(
    admin, rep_a, fake, client, django_capture_on_commit_callbacks
):
    with time_machine.travel(START, tick=False):
        services_sms.save_gateway(
            actor=admin,
            provider="kavenegar",
            sender="10004346",
            api_key=fake.api_key,
            options={"base_url": fake.url},
        )
        create_rule(
            actor=admin,
            values={
                "name": "Birthday SMS",
                "trigger": "date_reached",
                "record_type": "contact",
                "params": {"field": "birthday"},
                "conditions": [],
                "actions": [
                    {"type": "send_sms", "to": "contact", "body": "{{ record.first_name }} جان، تولدت مبارک!"}
                ],
            },
        )
        contact = create_contact(
            actor=rep_a,
            values={
                "first_name": "سارا",
                "last_name": "Karimi",
                "birthday": "1990-03-05",
                "phones": ["0912 123 4567"],
            },
        )

    with time_machine.travel(BIRTHDAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        periodic.run_due(BIRTHDAY, only="automation-dates")

    (sent,) = fake.sent
    assert (sent["to"], sent["text"], sent["sender"]) == ("09121234567", "سارا جان، تولدت مبارک!", "10004346")
    message = Outbox.objects.get()
    assert (message.record_type, message.record_id, message.status, message.provider_message_id) == (
        "contact",
        contact.pk,
        "sent",
        sent["id"],
    )

    fake.deliver(sent["id"], 10)
    later = BIRTHDAY + dt.timedelta(minutes=15)
    with time_machine.travel(later, tick=False):
        periodic.run_due(later, only="sms-delivery-reports")
    message.refresh_from_db()
    assert message.status == "delivered"

    client.force_login(rep_a)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("contacts:detail", args=[contact.pk])).content.decode()
    assert "سارا جان، تولدت مبارک!" in page
    assert 'class="outbox-status status-delivered">Delivered<' in page
