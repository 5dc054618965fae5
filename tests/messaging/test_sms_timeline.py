"""A record's timeline shows the messages sent about it with their status and the SMS its phones sent us, to
those who may see the record only."""

import pytest
from django.utils import timezone

from peyvand.contacts.services import create_company, create_contact
from peyvand.messaging import services_sms
from peyvand.messaging.models import Outbox
from peyvand.messaging.models_sms import InboundSms
from peyvand.messaging.timeline import inbound_sms_items, sms_outbox_items

pytestmark = pytest.mark.django_db


@pytest.fixture
def gateway(admin):
    return services_sms.save_gateway(actor=admin, provider="kavenegar", api_key="k")


def test_the_messages_sent_about_a_contact_are_on_its_timeline_with_their_status(rep_a):
    contact = create_contact(actor=rep_a, values={"last_name": "Karimi"})
    Outbox.objects.create(
        channel="sms",
        to="+989121234567",
        body="تولدت مبارک",
        status="delivered",
        record_type="contact",
        record_id=contact.pk,
        segments=1,
    )
    Outbox.objects.create(
        channel="sms", to="+989121234567", body="other", record_type="contact", record_id=contact.pk + 1000
    )
    (item,) = sms_outbox_items(rep_a, contact)
    assert (item.kind, item.obj.body, item.obj.get_status_display()) == (
        "message",
        "تولدت مبارک",
        "Delivered",
    )


def test_sms_from_a_companys_phone_are_on_the_companys_timeline(rep_a, gateway):
    company = create_company(actor=rep_a, values={"name": "Pars", "phones": ["021 8888 1234"]})
    InboundSms.objects.create(
        gateway=gateway, from_number="+982188881234", text="سلام", received_at=timezone.now()
    )
    InboundSms.objects.create(
        gateway=gateway, from_number="+989121234567", text="other", received_at=timezone.now()
    )
    assert [i.obj.text for i in inbound_sms_items(rep_a, company)] == ["سلام"]


def test_someone_who_may_not_see_the_record_sees_none_of_its_messages(rep_a, rep_b, gateway):
    contact = create_contact(actor=rep_a, values={"last_name": "Karimi", "phones": ["09121234567"]})
    Outbox.objects.create(
        channel="sms", to="+989121234567", body="x", record_type="contact", record_id=contact.pk
    )
    InboundSms.objects.create(
        gateway=gateway, from_number="+989121234567", text="y", received_at=timezone.now()
    )
    assert (
        len(list(sms_outbox_items(rep_a, contact))) == 1 and len(list(inbound_sms_items(rep_a, contact))) == 1
    )
    assert list(sms_outbox_items(rep_b, contact)) == [] and list(inbound_sms_items(rep_b, contact)) == []


def test_sms_from_a_leads_phone_are_on_the_leads_timeline(rep_a, gateway):
    from peyvand.leads.services import create_lead

    lead = create_lead(actor=rep_a, values={"last_name": "Rahimi", "phone": "09351234567"})
    InboundSms.objects.create(
        gateway=gateway, from_number="+989351234567", text="قیمت؟", received_at=timezone.now()
    )
    assert [i.obj.text for i in inbound_sms_items(rep_a, lead)] == ["قیمت؟"]
