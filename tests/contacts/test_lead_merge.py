"""Duplicate leads: the scan groups them, the merge screen and API merge them (activities and deals follow the
survivor, the score is recomputed) and the merge can be undone."""

import pytest

from peyvand.activities.models import Activity
from peyvand.activities.services import create_activity
from peyvand.contacts.merge import merge_records, undo_merge
from peyvand.contacts.models import DuplicateGroup
from peyvand.contacts.tasks import scan_entity
from peyvand.leads.models import Lead
from peyvand.leads.services import create_lead
from peyvand.sales.services import create_deal

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead_twins(rep_a):
    first = create_lead(
        actor=rep_a,
        values={"first_name": "Sara", "last_name": "Tehrani", "phone": "09121110001", "city": "Tehran"},
    )
    second = create_lead(
        actor=rep_a,
        values={
            "first_name": "Sara",
            "last_name": "Tehrani",
            "phone": "+98 912 111 0001",
            "email": "sara@example.com",
            "budget": "250000000",
            "purchase_timeline": "now",
        },
        allow_duplicate=True,
    )
    return first, second


def test_the_scan_groups_leads_sharing_a_phone(lead_twins):
    first, second = lead_twins
    result = scan_entity("lead")
    assert result["groups"] == 1
    group = DuplicateGroup.objects.get(entity="lead")
    assert sorted(m.object_id for m in group.members.all()) == [first.pk, second.pk]


def test_merging_leads_keeps_chosen_values_moves_activities_and_deals_and_rescores(
    lead_twins, rep_a, pipeline, scoring_model
):
    first, second = lead_twins
    call = create_activity(actor=rep_a, values={"subject": "Call Sara", "record": second})
    deal = create_deal(actor=rep_a, values={"title": "Sara's deal", "pipeline": pipeline.pk})
    deal.lead_id = second.pk
    deal.save(update_fields=["lead"])
    first.refresh_from_db()
    assert first.score == 0
    merge = merge_records(
        actor=rep_a,
        survivor=first,
        others=[second],
        choices={"email": second.pk, "budget": second.pk, "purchase_timeline": second.pk},
    )
    first.refresh_from_db()
    assert first.email == "sara@example.com" and first.purchase_timeline == "now"
    assert first.score == 60  # the survivor's score follows its merged values
    assert Activity.objects.get(pk=call.pk).record_id == first.pk
    deal.refresh_from_db()
    assert deal.lead_id == first.pk
    assert not Lead.objects.filter(pk=second.pk).exists()

    undo_merge(actor=rep_a, merge=merge)
    first.refresh_from_db()
    assert first.email == "" and first.score == 0
    assert Activity.objects.get(pk=call.pk).record_id == second.pk
    assert Lead.objects.get(pk=second.pk).score == 60


def test_the_merge_screen_and_api_take_leads(client, lead_twins, rep_a, rep_b, api_for):
    first, second = lead_twins
    client.force_login(rep_a)
    page = client.get(f"/duplicates/merge/?entity=lead&ids={first.pk},{second.pk}")
    assert page.status_code == 200 and "sara@example.com" in page.content.decode()
    assert (
        api_for(rep_b)
        .post("/duplicates/merge", {"entity": "lead", "survivor": first.pk, "others": [second.pk]})
        .status_code
        == 404
    )
    response = api_for(rep_a).post(
        "/duplicates/merge", {"entity": "lead", "survivor": first.pk, "others": [second.pk]}
    )
    assert response.status_code == 201, response.content
    assert api_for(rep_a).get(f"/duplicates/merges/{response.json()['id']}").status_code == 200
    lead_page = client.get(f"/leads/{first.pk}/").content.decode()
    assert "/undo/" in lead_page
