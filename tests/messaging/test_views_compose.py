"""The message template pages and the compose form over real HTTP."""

import pytest

from peyvand.contacts.services import create_contact
from peyvand.messaging.models import MessageTemplate, Outbox

pytestmark = pytest.mark.django_db


def _template():
    return MessageTemplate.objects.create(name="Follow-up", channel="email", body="Hello {{ record.name }}")


def test_a_manager_changes_a_template_and_a_rep_may_not(client, manager_a, rep_a):
    template = _template()
    url = f"/settings/message-templates/{template.pk}/"
    client.force_login(rep_a)
    assert client.post(url, {"name": "X", "channel": "email", "body": "Hi"}).status_code == 403
    client.force_login(manager_a)
    answer = client.post(
        url, {"name": "Follow-up 2", "channel": "email", "body": "Hi {{ me.name }}", "active": "on"}
    )
    assert answer.status_code == 302
    template.refresh_from_db()
    assert (template.name, template.body) == ("Follow-up 2", "Hi {{ me.name }}")


def test_a_broken_template_is_refused_on_the_form_naming_the_field(client, manager_a):
    template = _template()
    client.force_login(manager_a)
    answer = client.post(
        f"/settings/message-templates/{template.pk}/",
        {"name": "Follow-up", "channel": "email", "body": "{% for %}"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == 400
    assert "id_body_error" in answer.content.decode() or "merge fields" in answer.content.decode()
    template.refresh_from_db()
    assert template.body == "Hello {{ record.name }}"


def test_choosing_a_template_fills_the_form_for_the_record_keeping_the_typed_recipient(client, rep_a):
    template = MessageTemplate.objects.create(
        name="Hi", channel="email", subject="For {{ record.last_name }}", body="Dear {{ record.first_name }}"
    )
    contact = create_contact(
        actor=rep_a, values={"first_name": "Sara", "last_name": "Ahmadi", "emails": ["sara@example.com"]}
    )
    client.force_login(rep_a)
    page = client.get(
        f"/messages/new/contact/{contact.pk}/email/", {"template": template.pk, "to": "boss@example.com"}
    ).content.decode()
    assert 'value="For Ahmadi"' in page and "Dear Sara</textarea>" in page
    assert 'value="boss@example.com"' in page
    assert not Outbox.objects.exists()
