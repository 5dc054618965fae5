"""Moving the ticked deals to a stage and exporting the ticked rows of a list.

Each deal is moved by the sales service, so exit criteria and the rules of losing hold deal by deal and each
refusal is told; the export holds exactly the ticked rows the user may see, through the list export's page."""

import csv
import io

import openpyxl
import pytest

from peyvand.contacts.services import create_contact
from peyvand.core.audit import audit_for
from peyvand.core.models import AuditAction
from peyvand.sales.models import Deal, LostReason, StageHistory
from peyvand.sales.services import create_deal
from tests.web.test_views import browser_for

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


@pytest.fixture
def stages(pipeline):
    return {s.name: s for s in pipeline.stages.all()}


def test_ticked_deals_move_to_the_chosen_stage_with_history_and_audit(rep_a, stages):
    deals = [create_deal(actor=rep_a, values={"title": f"Deal {i}"}) for i in range(3)]
    untouched = create_deal(actor=rep_a, values={"title": "Not ticked"})
    response = browser_for(rep_a).post(
        "/deals/bulk/",
        {"action": "stage", "stage": stages["Proposal"].pk, "ids": [d.pk for d in deals], "next": "/deals/"},
        follow=True,
    )
    assert "3 records changed." in _messages(response)
    assert set(Deal.objects.filter(pk__in=[d.pk for d in deals]).values_list("stage__name", flat=True)) == {
        "Proposal"
    }
    assert Deal.objects.get(pk=untouched.pk).stage.name == "Lead in"
    assert StageHistory.objects.filter(deal=deals[0], to_stage=stages["Proposal"]).count() == 1
    assert audit_for(deals[0]).first().action == AuditAction.MOVE


def test_exit_criteria_refuse_a_deal_by_name_and_the_others_still_move(rep_a, stages):
    lead_in = stages["Lead in"]
    lead_in.required_fields = ["amount"]
    lead_in.save()
    ready = create_deal(actor=rep_a, values={"title": "Priced", "amount": "1000"})
    bare = create_deal(actor=rep_a, values={"title": "Unpriced"})
    response = browser_for(rep_a).post(
        "/deals/bulk/",
        {"action": "stage", "stage": stages["Qualified"].pk, "ids": [ready.pk, bare.pk]},
        follow=True,
    )
    told = _messages(response)
    assert "1 record changed." in told
    assert any(m.startswith("Unpriced: ") and "mount" in m for m in told), told
    assert Deal.objects.get(pk=ready.pk).stage.name == "Qualified"
    assert Deal.objects.get(pk=bare.pk).stage.name == "Lead in"


def test_a_lost_stage_needs_a_reason_of_the_list(rep_a, stages):
    LostReason.objects.all().delete()
    reason = LostReason.objects.create(name="Price", order=0, active=True)
    deal = create_deal(actor=rep_a, values={"title": "Going cold"})
    client = browser_for(rep_a)
    refused = client.post(
        "/deals/bulk/", {"action": "stage", "stage": stages["Lost"].pk, "ids": [deal.pk]}, follow=True
    )
    assert any(m.startswith("Going cold: ") and "lost" in m for m in _messages(refused)), _messages(refused)
    assert Deal.objects.get(pk=deal.pk).status == "open"

    lost = client.post(
        "/deals/bulk/",
        {"action": "stage", "stage": stages["Lost"].pk, "lost_reason": reason.pk, "ids": [deal.pk]},
        follow=True,
    )
    assert "1 record changed." in _messages(lost)
    deal = Deal.objects.get(pk=deal.pk)
    assert (deal.status, deal.lost_because_id) == ("lost", reason.pk)


def test_a_stage_of_another_pipeline_or_none_is_refused(rep_a, stages):
    from tests.factories import make_pipeline

    other = make_pipeline(name="Rentals", is_default=False).stages.first()
    deal = create_deal(actor=rep_a, values={"title": "Fleet"})
    client = browser_for(rep_a)
    wrong = client.post("/deals/bulk/", {"action": "stage", "stage": other.pk, "ids": [deal.pk]}, follow=True)
    assert any("not in the deal's pipeline" in m for m in _messages(wrong)), _messages(wrong)
    empty = client.post("/deals/bulk/", {"action": "stage", "stage": "", "ids": [deal.pk]}, follow=True)
    assert any("Choose the stage" in m for m in _messages(empty)), _messages(empty)
    assert Deal.objects.get(pk=deal.pk).stage.name == "Lead in"


def test_another_teams_deals_are_not_moved(rep_a, rep_b, stages):
    theirs = create_deal(actor=rep_b, values={"title": "Theirs"})
    response = browser_for(rep_a).post(
        "/deals/bulk/", {"action": "stage", "stage": stages["Proposal"].pk, "ids": [theirs.pk]}, follow=True
    )
    assert not any("changed" in m for m in _messages(response))
    assert Deal.objects.get(pk=theirs.pk).stage.name == "Lead in"


def test_the_stage_action_is_offered_on_deals_only(rep_a, stages):
    client = browser_for(rep_a)
    deals_page = client.get("/deals/").content.decode()
    assert 'value="stage"' in deals_page and f'value="{stages["Proposal"].pk}"' in deals_page
    assert 'value="stage"' not in client.get("/contacts/").content.decode()
    refused = client.post(
        "/contacts/bulk/", {"action": "stage", "stage": stages["Proposal"].pk, "ids": [1]}, follow=True
    )
    assert "Choose what to do with the chosen records." in _messages(refused)


def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_export_of_the_ticked_rows_holds_exactly_those_the_user_may_see(rep_a, rep_b):
    mine = [create_contact(actor=rep_a, values={"last_name": f"Mine {i}"}) for i in range(4)]
    theirs = create_contact(actor=rep_b, values={"last_name": "Theirs"})
    ticked = [mine[0].pk, mine[2].pk, theirs.pk]
    response = browser_for(rep_a).post("/exports/contacts/", {"ids": ticked, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="contacts.csv"'
    rows = _csv_rows(response)
    assert sorted(int(r[0]) for r in rows[1:]) == [mine[0].pk, mine[2].pk]


def test_export_of_the_ticked_rows_as_xlsx(rep_a, pipeline):
    deals = [create_deal(actor=rep_a, values={"title": f"Deal {i}"}) for i in range(3)]
    response = browser_for(rep_a).post("/exports/deals/", {"ids": [deals[1].pk], "format": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == str(deals[1].pk)


def test_export_with_nothing_ticked_goes_back_to_the_list_saying_so(rep_a):
    response = browser_for(rep_a).post(
        "/exports/contacts/", {"format": "csv", "next": "/contacts/?page_size=50"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/contacts/?page_size=50"
    assert "Choose at least one record." in _messages(response)


def test_export_of_the_ticked_rows_needs_a_signed_in_user(client, rep_a):
    contact = create_contact(actor=rep_a, values={"last_name": "Private"})
    response = client.post("/exports/contacts/", {"ids": [contact.pk]})
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_list_offers_the_export_of_the_ticked_rows(rep_a):
    page = browser_for(rep_a).get("/contacts/").content.decode()
    assert 'id="export-ticked-csv"' in page and 'formaction="/exports/contacts/"' in page


def test_the_ticked_rows_come_in_the_lists_order_and_deleted_ones_for_an_administrator(admin, rep_a):
    from peyvand.core.records import delete_record

    a, b, c = (
        create_contact(actor=rep_a, values={"last_name": name}) for name in ("Amini", "Bahrami", "Charmi")
    )
    client = browser_for(admin)
    rows = _csv_rows(client.post("/exports/contacts/", {"ids": [a.pk, c.pk], "ordering": "-last_name"}))
    assert [int(r[0]) for r in rows[1:]] == [c.pk, a.pk]
    delete_record(b, actor=admin)
    assert _csv_rows(client.post("/exports/contacts/", {"ids": [b.pk]}))[1:] == []
    deleted = _csv_rows(client.post("/exports/contacts/", {"ids": [b.pk], "deleted": "1"}))
    assert [int(r[0]) for r in deleted[1:]] == [b.pk]
    # a rep asking for the deleted ones gets none: the list export's own rule
    assert _csv_rows(browser_for(rep_a).post("/exports/contacts/", {"ids": [b.pk], "deleted": "1"}))[1:] == []


def test_an_action_registered_for_a_record_type_is_offered_and_applied_on_its_list_only(rep_a):
    from peyvand.contacts.models import Contact
    from peyvand.contacts.services import update_contact
    from peyvand.core import bulk

    def set_city(*, actor, record, values):
        return update_contact(
            actor=actor, contact=record, version=record.version, values={"city": values["city"]}
        )

    bulk.register_action(
        bulk.BulkAction(
            key="city", label="Move to a city", record_types=("contact",), apply=set_city, params=("city",)
        )
    )
    try:
        people = [create_contact(actor=rep_a, values={"last_name": f"Person {i}"}) for i in range(2)]
        client = browser_for(rep_a)
        assert '<option value="city">Move to a city</option>' in client.get("/contacts/").content.decode()
        assert "Move to a city" not in client.get("/companies/").content.decode()
        done = client.post(
            "/contacts/bulk/", {"action": "city", "city": "Yazd", "ids": [p.pk for p in people]}, follow=True
        )
        assert "2 records changed." in _messages(done)
        assert set(Contact.objects.values_list("city", flat=True)) == {"Yazd"}
        assert audit_for(people[0]).first().changes["city"] == ["", "Yazd"]
    finally:
        bulk.unregister_action("city")
