"""Changing the ticked records of a list at once: each record through its own service (rights, audit), only
records the user may see, one refusal not stopping the others, and bad input told without changing anything."""

import pytest

from peyvand.contacts.models import Contact
from peyvand.contacts.services import create_contact
from peyvand.core.audit import audit_for
from peyvand.sales.models import Deal
from peyvand.sales.services import create_deal
from tests.web.test_views import browser_for

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def test_a_manager_assigns_thirty_deals_of_the_team_to_a_rep(manager_a, rep_a, rep_a2, pipeline):
    deals = [create_deal(actor=rep_a, values={"title": f"Deal {i}"}) for i in range(30)]
    response = browser_for(manager_a).post(
        "/deals/bulk/",
        {
            "action": "assign",
            "owner": rep_a2.pk,
            "ids": [d.pk for d in deals],
            "next": "/deals/?page_size=50",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/deals/?page_size=50"
    assert "30 records changed." in _messages(response)
    assert set(Deal.objects.values_list("owner_id", flat=True)) == {rep_a2.pk}
    assert audit_for(deals[0]).first().changes["owner"] == [rep_a.pk, rep_a2.pk]


def test_only_records_the_user_may_see_are_changed_and_each_refusal_is_told(rep_a, rep_a2, rep_b):
    mine = create_contact(actor=rep_a, values={"last_name": "Mine"})
    theirs = create_contact(actor=rep_b, values={"last_name": "Theirs"})
    client = browser_for(rep_a)

    tagged = client.post(
        "/contacts/bulk/", {"action": "tag", "tag": "VIP", "ids": [mine.pk, theirs.pk]}, follow=True
    )
    assert "1 record changed." in _messages(tagged)
    assert [t.name for t in Contact.objects.get(pk=mine.pk).tags.all()] == ["VIP"]
    assert not Contact.objects.get(pk=theirs.pk).tags.exists()

    # a rep may not hand a record to a colleague: refused for the record, with the reason
    refused = client.post(
        "/contacts/bulk/", {"action": "assign", "owner": rep_a2.pk, "ids": [mine.pk]}, follow=True
    )
    assert any(m.startswith("Mine: ") for m in _messages(refused)), _messages(refused)
    assert Contact.objects.get(pk=mine.pk).owner_id == rep_a.pk

    deleted = client.post("/contacts/bulk/", {"action": "delete", "ids": [mine.pk, theirs.pk]}, follow=True)
    assert "1 record changed." in _messages(deleted)
    assert Contact.all_objects.get(pk=mine.pk).deleted_at is not None
    assert Contact.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"action": "delete"}, "Choose at least one record."),
        ({"action": "delete", "ids": ["x"]}, "Choose records from the list."),
        ({"action": "explode", "ids": ["1"]}, "Choose what to do with the chosen records."),
        ({"action": "assign", "ids": ["1"]}, "Choose the new owner."),
    ],
)
def test_bad_input_is_told_and_changes_nothing(rep_a, data, message):
    contact = create_contact(actor=rep_a, values={"last_name": "Kept"})
    data = {**data, "ids": [str(contact.pk) if i == "1" else i for i in data.get("ids", [])]}
    response = browser_for(rep_a).post("/contacts/bulk/", data, follow=True)
    assert message in _messages(response)
    assert Contact.objects.get(pk=contact.pk).version == contact.version


def test_the_list_has_the_ticks_and_the_bulk_form(rep_a):
    create_contact(actor=rep_a, values={"last_name": "Ticked"})
    page = browser_for(rep_a).get("/contacts/").content.decode()
    assert 'id="bulk-form"' in page and 'name="ids"' in page and 'form="bulk-form"' in page
