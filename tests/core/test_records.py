"""The write path every owned record takes (peyvand/core/records.py), seen through the API: audit rows, soft delete
and restore, optimistic locking, owner assignment and references to records the user may not see."""

import pytest

from peyvand.activities.services import create_activity
from peyvand.contacts.models import Contact
from peyvand.contacts.services import create_company, create_contact
from peyvand.core.models import AuditEntry
from peyvand.core.records import delete_record
from peyvand.core.timeline import timeline_for
from peyvand.sales.models import Deal
from peyvand.sales.services import create_deal

pytestmark = pytest.mark.django_db


def _audit(record):
    return list(
        AuditEntry.objects.filter(
            object_id=record.pk, content_type__model=type(record)._meta.model_name
        ).order_by("id")
    )


def _row(model, pk):
    return model.all_objects.filter(pk=pk).values().get()


def _fields(response):
    return [e["field"] for e in response.json()["errors"]]


# --- the audit trail ------------------------------------------------------------------------------------------


def test_creating_a_contact_writes_a_create_row_with_actor_version_and_each_given_fields_new_value(
    api_for,
    rep_a,
    team_a,
):
    created = api_for(rep_a).post(
        "/contacts",
        {
            "first_name": "علی",
            "last_name": "کریمی",
            "city": "تهران",
            "phones": ["0912 345 6789"],
            "tags": ["vip"],
        },
    )
    assert created.status_code == 201, created.json()

    [entry] = _audit(Contact.objects.get(pk=created.json()["id"]))

    assert (entry.action, entry.actor, entry.version) == ("create", rep_a, 1)
    assert entry.changes["first_name"] == [None, "علی"]
    assert entry.changes["last_name"] == [None, "کریمی"]
    assert entry.changes["city"] == [None, "تهران"]
    assert entry.changes["phones"] == [None, ["+989123456789"]]
    assert entry.changes["tags"] == [None, ["vip"]]
    assert entry.changes["owner"] == [None, rep_a.pk]
    assert entry.changes["team"] == [None, team_a.pk]
    assert all(old is None for old, _ in entry.changes.values())


def test_changing_a_contact_writes_an_update_row_with_only_the_changed_fields_old_and_new_values(
    api_for, rep_a
):
    api = api_for(rep_a)
    contact = api.post("/contacts", {"last_name": "کریمی", "city": "تهران", "title": "مدیر"}).json()

    changed = api.patch(f"/contacts/{contact['id']}", {"version": 1, "city": "شیراز", "title": "مدیر"})

    assert changed.status_code == 200, changed.json()
    entry = _audit(Contact.objects.get(pk=contact["id"]))[-1]
    assert (entry.action, entry.actor, entry.version) == ("update", rep_a, 2)
    assert entry.changes == {"city": ["تهران", "شیراز"]}


def test_a_patch_that_changes_nothing_writes_no_audit_row_and_keeps_the_version(api_for, rep_a):
    api = api_for(rep_a)
    contact = api.post("/contacts", {"last_name": "کریمی", "city": "تهران"}).json()

    same = api.patch(f"/contacts/{contact['id']}", {"version": 1, "city": "تهران"})

    assert same.status_code == 200
    assert same.json()["version"] == 1
    assert [e.action for e in _audit(Contact.objects.get(pk=contact["id"]))] == ["create"]


def test_moving_a_deal_writes_a_move_row_with_the_old_and_new_stage(api_for, rep_a, pipeline):
    api = api_for(rep_a)
    deal = api.post("/deals", {"title": "ERP"}).json()
    lead_in, won = pipeline.stages.get(name="Lead in"), pipeline.stages.get(name="Won")

    moved = api.post(f"/deals/{deal['id']}/move", {"stage": won.pk, "version": 1})

    assert moved.status_code == 200, moved.json()
    entry = _audit(Deal.objects.get(pk=deal["id"]))[-1]
    assert (entry.action, entry.actor, entry.version) == ("move", rep_a, 2)
    assert entry.changes["stage"] == [lead_in.pk, won.pk]
    assert entry.changes["status"] == ["open", "won"]


def test_delete_and_restore_write_rows_with_the_deleted_at_change(api_for, rep_a, admin):
    contact = api_for(rep_a).post("/contacts", {"last_name": "کریمی"}).json()

    assert api_for(rep_a).delete(f"/contacts/{contact['id']}", version=1).status_code == 204
    assert api_for(admin).post(f"/contacts/{contact['id']}/restore").status_code == 200

    _, deleted, restored = _audit(Contact.objects.get(pk=contact["id"]))
    assert (deleted.action, deleted.actor, deleted.version) == ("delete", rep_a, 2)
    assert deleted.changes["deleted_at"][0] is None and deleted.changes["deleted_at"][1]
    assert (restored.action, restored.actor, restored.version) == ("restore", admin, 3)
    assert restored.changes == {"deleted_at": [deleted.changes["deleted_at"][1], None]}


def test_the_audit_endpoint_lists_rows_newest_first_with_actor_version_and_changes(api_for, rep_a):
    api = api_for(rep_a)
    contact = api.post("/contacts", {"last_name": "کریمی"}).json()
    api.patch(f"/contacts/{contact['id']}", {"version": 1, "last_name": "کریمی‌پور"})

    trail = api.get(f"/contacts/{contact['id']}/audit")

    assert trail.status_code == 200
    assert [(e["action"], e["version"], e["actor"], e["actor_id"]) for e in trail.json()] == [
        ("update", 2, "rep_a", rep_a.pk),
        ("create", 1, "rep_a", rep_a.pk),
    ]
    assert trail.json()[0]["changes"] == {"last_name": ["کریمی", "کریمی‌پور"]}


# --- soft delete and restore ----------------------------------------------------------------------------------


def test_a_deleted_record_is_hidden_from_lists_detail_search_and_changes_but_kept_in_the_database(
    api_for, rep_a
):
    api = api_for(rep_a)
    kept = api.post("/contacts", {"last_name": "ماندگار"}).json()
    gone = api.post("/contacts", {"last_name": "رفتنی"}).json()

    deleted = api.delete(f"/contacts/{gone['id']}", version=1)

    assert deleted.status_code == 204
    assert api.get("/contacts").json()["count"] == 1
    assert [c["id"] for c in api.get("/contacts").json()["items"]] == [kept["id"]]
    assert api.get("/contacts", search="رفتنی").json() == {"items": [], "count": 0}
    assert api.get(f"/contacts/{gone['id']}").status_code == 404
    assert api.patch(f"/contacts/{gone['id']}", {"version": 2, "city": "x"}).status_code == 404
    assert Contact.all_objects.get(pk=gone["id"]).deleted_at is not None


def test_admin_restores_a_deleted_record_and_it_is_back_in_lists_and_detail(api_for, rep_a, admin):
    api = api_for(rep_a)
    contact = api.post("/contacts", {"last_name": "بازگشتی"}).json()
    api.delete(f"/contacts/{contact['id']}", version=1)
    assert [c["id"] for c in api_for(admin).get("/contacts", deleted="1").json()["items"]] == [contact["id"]]

    restored = api_for(admin).post(f"/contacts/{contact['id']}/restore")

    assert restored.status_code == 200, restored.json()
    assert restored.json()["deleted_at"] is None
    assert api.get(f"/contacts/{contact['id']}").status_code == 200
    assert [c["id"] for c in api.get("/contacts").json()["items"]] == [contact["id"]]


def test_a_rep_restoring_their_own_deleted_record_is_refused_with_403(api_for, rep_a):
    api = api_for(rep_a)
    contact = api.post("/contacts", {"last_name": "کریمی"}).json()
    api.delete(f"/contacts/{contact['id']}", version=1)
    before = _row(Contact, contact["id"])

    refused = api.post(f"/contacts/{contact['id']}/restore")

    assert refused.status_code == 403
    assert refused.json()["code"] == "record.restore_forbidden"
    assert _row(Contact, contact["id"]) == before


def test_deleting_twice_keeps_the_first_deletion(api_for, rep_a):
    api = api_for(rep_a)
    contact = api.post("/contacts", {"last_name": "کریمی"}).json()
    api.delete(f"/contacts/{contact['id']}", version=1)
    before = _row(Contact, contact["id"])

    again = api.delete(f"/contacts/{contact['id']}")

    assert again.status_code == 404
    assert _row(Contact, contact["id"]) == before


# --- optimistic locking ---------------------------------------------------------------------------------------


def test_a_stale_patch_is_refused_with_409_the_current_version_and_what_changed_and_nothing_is_stored(
    api_for,
    rep_a,
):
    api = api_for(rep_a)
    contact = api.post("/contacts", {"last_name": "کریمی", "city": "تهران"}).json()
    api.patch(f"/contacts/{contact['id']}", {"version": 1, "city": "شیراز"})
    before, audit_rows = _row(Contact, contact["id"]), AuditEntry.objects.count()

    stale = api.patch(f"/contacts/{contact['id']}", {"version": 1, "city": "اصفهان", "title": "مدیر"})

    assert stale.status_code == 409
    body = stale.json()
    assert body["code"] == "stale_version"
    assert body["current_version"] == 2
    assert body["changed_since"] == {"city": ["تهران", "شیراز"]}
    assert body["detail"] and body["errors"] == []
    assert _row(Contact, contact["id"]) == before
    assert AuditEntry.objects.count() == audit_rows


def test_a_stale_delete_is_refused_with_409_and_the_record_stays(api_for, rep_a):
    api = api_for(rep_a)
    contact = api.post("/contacts", {"last_name": "کریمی"}).json()
    api.patch(f"/contacts/{contact['id']}", {"version": 1, "last_name": "کریمی‌نژاد"})
    before = _row(Contact, contact["id"])

    stale = api.delete(f"/contacts/{contact['id']}", version=1)

    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    assert stale.json()["changed_since"] == {"last_name": ["کریمی", "کریمی‌نژاد"]}
    assert _row(Contact, contact["id"]) == before
    assert api.get(f"/contacts/{contact['id']}").status_code == 200


def test_a_stale_move_is_refused_with_409_and_the_deal_stays_in_its_stage(api_for, rep_a, pipeline):
    api = api_for(rep_a)
    deal = api.post("/deals", {"title": "ERP", "amount": "100"}).json()
    api.patch(f"/deals/{deal['id']}", {"version": 1, "amount": "200"})
    before = _row(Deal, deal["id"])

    stale = api.post(f"/deals/{deal['id']}/move", {"stage": pipeline.stages.get(name="Won").pk, "version": 1})

    assert stale.status_code == 409
    assert stale.json()["changed_since"] == {"amount": ["100.00", "200.00"]}
    assert _row(Deal, deal["id"]) == before


def test_a_patch_without_a_version_is_refused_with_422_on_field_version(api_for, rep_a):
    api = api_for(rep_a)
    contact = api.post("/contacts", {"last_name": "کریمی"}).json()

    refused = api.patch(f"/contacts/{contact['id']}", {"city": "شیراز"})

    assert refused.status_code == 422
    assert _fields(refused) == ["version"]
    assert Contact.objects.get(pk=contact["id"]).city == ""


# --- who may own a record -------------------------------------------------------------------------------------


def test_a_rep_cannot_give_a_record_to_a_user_of_another_team(api_for, rep_a, rep_b):
    api = api_for(rep_a)
    contact = api.post("/contacts", {"last_name": "کریمی"}).json()
    before = _row(Contact, contact["id"])

    refused = api.patch(f"/contacts/{contact['id']}", {"version": 1, "owner": rep_b.pk})

    assert refused.status_code == 422
    assert _fields(refused) == ["owner"]
    assert _row(Contact, contact["id"]) == before


def test_a_rep_cannot_give_a_record_to_a_teammate_either(api_for, rep_a, rep_a2):
    api = api_for(rep_a)
    contact = api.post("/contacts", {"last_name": "کریمی"}).json()

    refused = api.patch(f"/contacts/{contact['id']}", {"version": 1, "owner": rep_a2.pk})

    assert refused.status_code == 422
    assert _fields(refused) == ["owner"]
    assert Contact.objects.get(pk=contact["id"]).owner == rep_a


def test_a_manager_gives_a_teams_record_to_a_teammate_and_the_audit_row_records_it(
    api_for,
    manager_a,
    rep_a,
    rep_a2,
    team_a,
):
    contact = create_contact(actor=rep_a, values={"last_name": "کریمی"})

    given = api_for(manager_a).patch(f"/contacts/{contact.pk}", {"version": 1, "owner": rep_a2.pk})

    assert given.status_code == 200, given.json()
    assert (given.json()["owner_id"], given.json()["team_id"]) == (rep_a2.pk, team_a.pk)
    assert _audit(contact)[-1].changes["owner"] == [rep_a.pk, rep_a2.pk]
    assert api_for(rep_a2).get(f"/contacts/{contact.pk}").status_code == 200
    assert api_for(rep_a).get(f"/contacts/{contact.pk}").status_code == 404


def test_a_manager_cannot_give_a_record_to_a_user_of_another_team(api_for, manager_a, rep_a, rep_b):
    contact = create_contact(actor=rep_a, values={"last_name": "کریمی"})

    refused = api_for(manager_a).patch(f"/contacts/{contact.pk}", {"version": 1, "owner": rep_b.pk})

    assert refused.status_code == 422
    assert _fields(refused) == ["owner"]
    assert Contact.objects.get(pk=contact.pk).owner == rep_a


def test_an_admin_gives_a_record_to_another_team_and_the_team_follows_the_owner(
    api_for, admin, rep_a, rep_b, team_b
):
    contact = create_contact(actor=rep_a, values={"last_name": "کریمی"})

    given = api_for(admin).patch(f"/contacts/{contact.pk}", {"version": 1, "owner": rep_b.pk})

    assert given.status_code == 200
    assert (given.json()["owner_id"], given.json()["team_id"]) == (rep_b.pk, team_b.pk)
    assert api_for(rep_a).get(f"/contacts/{contact.pk}").status_code == 404


def test_a_record_cannot_be_given_to_a_deactivated_user(api_for, admin, rep_a, rep_a2):
    rep_a2.is_active = False
    rep_a2.save()
    contact = create_contact(actor=rep_a, values={"last_name": "کریمی"})

    refused = api_for(admin).patch(f"/contacts/{contact.pk}", {"version": 1, "owner": rep_a2.pk})

    assert refused.status_code == 422
    assert _fields(refused) == ["owner"]


# --- references to records the user may not see --------------------------------------------------------------


def test_linking_a_contact_to_a_company_the_user_cannot_see_is_refused_on_field_company_and_leaks_nothing(
    api_for,
    rep_a,
    rep_b,
):
    hidden = create_company(actor=rep_b, values={"name": "Hiddenco Shiraz"})
    api = api_for(rep_a)
    contacts_before = Contact.all_objects.count()

    to_hidden = api.post("/contacts", {"last_name": "کریمی", "company": hidden.pk})
    to_missing = api.post("/contacts", {"last_name": "کریمی", "company": hidden.pk + 1000})

    assert to_hidden.status_code == 422
    assert _fields(to_hidden) == ["company"]
    assert to_hidden.json() == to_missing.json()
    assert "hiddenco" not in to_hidden.content.decode().lower()
    assert Contact.all_objects.count() == contacts_before


def test_changing_a_contacts_company_to_one_the_user_cannot_see_is_refused_and_nothing_changes(
    api_for,
    rep_a,
    rep_b,
):
    hidden = create_company(actor=rep_b, values={"name": "Hiddenco Shiraz"})
    api = api_for(rep_a)
    contact = api.post("/contacts", {"last_name": "کریمی"}).json()
    before = _row(Contact, contact["id"])

    refused = api.patch(f"/contacts/{contact['id']}", {"version": 1, "company": hidden.pk})

    assert refused.status_code == 422
    assert _fields(refused) == ["company"]
    assert "hiddenco" not in refused.content.decode().lower()
    assert _row(Contact, contact["id"]) == before


@pytest.mark.parametrize(
    "resource, body, field, kind",
    [
        ("deals", {"title": "ERP"}, "contact", "contact"),
        ("deals", {"title": "ERP"}, "company", "company"),
        ("activities", {"subject": "Call back", "record_type": "contact"}, "record_id", "contact"),
        ("activities", {"subject": "Call back", "record_type": "deal"}, "record_id", "deal"),
    ],
)
def test_linking_any_record_to_one_the_user_cannot_see_is_refused_on_that_field(
    resource,
    body,
    field,
    kind,
    api_for,
    rep_a,
    rep_b,
    pipeline,
):
    company = create_company(actor=rep_b, values={"name": "Hiddenco"})
    hidden = {
        "company": company,
        "contact": create_contact(actor=rep_b, values={"last_name": "Hiddenperson", "company": company}),
        "deal": create_deal(actor=rep_b, values={"title": "Hiddendeal"}),
    }[kind]

    refused = api_for(rep_a).post(f"/{resource}", {**body, field: hidden.pk})

    assert refused.status_code == 422, refused.json()
    assert _fields(refused) == [field]
    assert "hidden" not in refused.content.decode().lower()


def test_an_activity_on_a_deal_takes_the_deals_contact_and_company(api_for, rep_a, pipeline):
    company = create_company(actor=rep_a, values={"name": "Parsco"})
    contact = create_contact(actor=rep_a, values={"last_name": "کریمی", "company": company})
    deal = create_deal(actor=rep_a, values={"title": "ERP", "contact": contact, "company": company})

    activity = create_activity(actor=rep_a, values={"subject": "Call", "record": deal})

    assert (activity.record_type, activity.record_id) == ("deal", deal.pk)
    links = {(link.record_type, link.record_id) for link in activity.links.all()}
    assert links == {("deal", deal.pk), ("contact", contact.pk), ("company", company.pk)}
    # so it is on the contact's and the company's timelines, and in their "activities of" lists
    for record in (deal, contact, company):
        assert activity in [item.obj for item in timeline_for(rep_a, record) if item.kind == "activity"]
    listed = api_for(rep_a).get("/activities", record=f"company:{company.pk}").json()
    assert [row["id"] for row in listed["items"]] == [activity.pk]


def test_a_record_deleted_through_the_service_is_not_found_by_its_owner_through_the_api(api_for, rep_a):
    contact = create_contact(actor=rep_a, values={"last_name": "کریمی"})
    delete_record(contact, actor=rep_a)

    assert api_for(rep_a).get(f"/contacts/{contact.pk}").status_code == 404
    assert api_for(rep_a).get(f"/contacts/{contact.pk}/audit").status_code == 200
