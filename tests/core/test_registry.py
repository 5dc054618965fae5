"""A record type is one registration: the test app ``tests/registry_app`` (vehicles) registers itself from its
``AppConfig.ready()`` and, with no edit anywhere else, appears in the API, the pages, exports, automation, the
record page's timeline and global search (docs/architecture.md, "Adding a record type")."""

import csv
import io

import pytest

from peyvand.automation import catalog
from peyvand.automation.models import Rule
from peyvand.core import registry
from peyvand.core.search import search_records
from tests.factories import UserFactory
from tests.registry_app.models import Vehicle
from tests.registry_app.services import create_vehicle

pytestmark = pytest.mark.django_db


@pytest.fixture
def van(rep_a):
    return create_vehicle(actor=rep_a, values={"name": "Delivery van", "plate": "12 ب 345", "note": "Tabriz"})


def test_the_app_registered_its_record_type():
    vehicle = registry.get("vehicle")
    assert registry.by_plural("vehicles") is vehicle
    assert registry.for_model(Vehicle) is vehicle
    assert vehicle.resource.name == "vehicles" and vehicle.screen is not None


def test_the_api_creates_lists_reads_changes_and_deletes_vehicles(api_for, rep_a, rep_b):
    api = api_for(rep_a)
    created = api.post("/vehicles", {"name": "Pickup", "plate": "۲۲ ج ۷۸۹"})
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["owner"] == "rep_a"

    listed = api.get("/vehicles", search="pickup")
    assert [v["id"] for v in listed.json()["items"]] == [pk]
    assert api.get(f"/vehicles/{pk}").json()["name"] == "Pickup"

    changed = api.patch(f"/vehicles/{pk}", {"version": 1, "note": "Needs new tyres"})
    assert changed.status_code == 200 and changed.json()["version"] == 2
    stale = api.patch(f"/vehicles/{pk}", {"version": 1, "note": "Older edit"})
    assert stale.status_code == 409

    assert api_for(rep_b).get(f"/vehicles/{pk}").status_code == 404
    assert api.delete(f"/vehicles/{pk}", version=2).status_code == 204
    assert api.get(f"/vehicles/{pk}").status_code == 404
    audit = api_for(rep_a).get(f"/vehicles/{pk}/audit")
    assert [e["action"] for e in audit.json()] == ["delete", "update", "create"]


def test_the_openapi_document_lists_the_vehicle_operations(admin_client):
    document = admin_client.get("/api/v1/openapi.json").json()
    operations = {op["operationId"] for path in document["paths"].values() for op in path.values()}
    assert {
        "vehicles_list",
        "vehicles_create",
        "vehicles_read",
        "vehicles_update",
        "vehicles_delete",
        "vehicles_restore",
        "vehicles_audit",
    } <= operations


def test_the_list_and_record_pages_show_vehicles_to_their_owner_only(client, rep_a, rep_b, van):
    client.force_login(rep_a)
    listing = client.get("/vehicles/")
    assert listing.status_code == 200
    assert "Delivery van" in listing.content.decode()
    page = client.get(f"/vehicles/{van.pk}/")
    assert page.status_code == 200
    assert "Tabriz" in page.content.decode()

    client.force_login(rep_b)
    assert client.get(f"/vehicles/{van.pk}/").status_code == 404
    assert "Delivery van" not in client.get("/vehicles/").content.decode()


def test_the_form_creates_and_changes_a_vehicle(client, rep_a):
    client.force_login(rep_a)
    assert client.get("/vehicles/new/").status_code == 200
    answer = client.post("/vehicles/new/", {"name": "Minibus", "plate": "", "note": ""})
    vehicle = Vehicle.objects.get(name="Minibus")
    assert answer.status_code == 302 and answer["Location"] == f"/vehicles/{vehicle.pk}/"
    client.post(
        f"/vehicles/{vehicle.pk}/edit/", {"name": "Minibus", "plate": "44 د 100", "note": "", "version": 1}
    )
    vehicle.refresh_from_db()
    assert (vehicle.plate, vehicle.version) == ("44 د 100", 2)


def test_the_record_page_shows_its_audit_trail_on_a_timeline_without_activities(client, rep_a, van):
    from tests.registry_app.services import update_vehicle

    update_vehicle(actor=rep_a, vehicle=van, version=1, values={"note": "Serviced in Qazvin"})
    client.force_login(rep_a)
    page = client.get(f"/vehicles/{van.pk}/").content.decode()
    timeline = page[page.index('<ol class="timeline">') :]
    assert timeline.count('class="tl-audit"') == 2
    assert "Serviced in Qazvin" in timeline and "tl-activity" not in timeline


def test_a_call_is_logged_on_a_vehicle_and_shows_on_its_timeline_to_its_owner_only(
    client, api_for, rep_a, rep_b, van
):
    client.force_login(rep_a)
    page = client.get(f"/vehicles/{van.pk}/").content.decode()
    assert f"/activities/new/?record_type=vehicle&amp;record_id={van.pk}&amp;kind=call" in page

    call = api_for(rep_a).post(
        "/activities",
        {"subject": "Book the service", "kind": "call", "record_type": "vehicle", "record_id": van.pk},
    )
    assert call.status_code == 201, call.json()
    assert call.json()["links"] == [{"record_type": "vehicle", "record_id": van.pk}]
    page = client.get(f"/vehicles/{van.pk}/").content.decode()
    assert "Book the service" in page[page.index('<ol class="timeline">') :]
    listed = api_for(rep_a).get("/activities", record=f"vehicle:{van.pk}").json()
    assert [row["id"] for row in listed["items"]] == [call.json()["id"]]

    refused = api_for(rep_b).post(
        "/activities", {"subject": "x", "record_type": "vehicle", "record_id": van.pk}
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "record_id"
    assert api_for(rep_b).get(f"/activities/{call.json()['id']}").status_code == 404


def test_the_list_exports_as_csv_with_the_registered_columns(client, api_for, rep_a, rep_b, van):
    create_vehicle(actor=rep_b, values={"name": "Someone else's truck"})
    client.force_login(rep_a)
    response = client.get("/exports/vehicles/?format=csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    # the header is in the page's language (Persian by default): the vehicle's own labels, then its owner's
    assert rows[0][:4] == ["ID", "name", "plate", "note"] and len(rows[0]) == 5
    assert rows[1:] == [[str(van.pk), "Delivery van", "12 ب 345", "Tabriz", "rep_a"]]

    by_api = api_for(rep_a).get("/exports/vehicles", format="csv")
    assert by_api.status_code == 200 and "Delivery van" in b"".join(by_api.streaming_content).decode()


def test_automation_offers_vehicles_and_their_fields_and_saves_a_rule_that_runs(
    api_for, admin, django_capture_on_commit_callbacks
):
    assert "vehicle" in catalog.TRIGGERS["created"].record_types
    catalogue = api_for(admin).get("/automation/catalog").json()
    fields = {f["name"]: f for f in catalogue["fields"]["vehicle"]}
    assert {"name", "plate", "note", "owner"} <= set(fields)
    assert fields["note"]["writable"] and fields["plate"]["kind"] == "text"

    saved = api_for(admin).post(
        "/automation/rules",
        {
            "name": "Vans get a note",
            "trigger": "created",
            "record_type": "vehicle",
            "conditions": [{"field": "name", "op": "contains", "value": "van"}],
            "actions": [{"type": "update_field", "field": "note", "value": "Check the tyres"}],
        },
    )
    assert saved.status_code == 201, saved.content
    assert Rule.objects.get(pk=saved.json()["id"]).record_type == "vehicle"

    rep = UserFactory(username="rep_c", team=admin.team)
    with django_capture_on_commit_callbacks(execute=True):  # the rule runs after the creating transaction
        van = api_for(rep).post("/vehicles", {"name": "Cargo van"}).json()
    assert api_for(rep).get(f"/vehicles/{van['id']}").json()["note"] == "Check the tyres"


def test_global_search_finds_vehicles_the_user_may_see(rep_a, rep_b, van):
    (group,) = [g for g in search_records(rep_a, "۱۲ ب ۳۴۵") if g.record_type == "vehicle"]
    assert [h.id for h in group.hits] == [van.pk] and group.hits[0].url == f"/vehicles/{van.pk}/"
    assert not [g for g in search_records(rep_b, "Delivery") if g.record_type == "vehicle"]


def test_a_spreadsheet_of_vehicles_is_imported_by_the_registration_alone(rep_a, van):
    from peyvand.core.models import AuditEntry
    from peyvand.imports.fields import kinds
    from peyvand.imports.services import create_run, execute

    assert "vehicles" in kinds()
    content = "vehicle,پلاک,یادداشت\nDelivery van,12 ب 345,Second one\nPickup,,\n,77 د 111,no name\n".encode()
    run = create_run(actor=rep_a, kind="vehicles", file_name="fleet.csv", content=content)
    assert run.get_kind_display() == "vehicles"
    run = execute(run=run)
    assert run.mapping == {"vehicle": "name", "پلاک": "plate", "یادداشت": "note"}
    assert (run.created, run.failed) == (2, 1) and [e["row"] for e in run.errors] == [4]
    imported = Vehicle.objects.exclude(pk=van.pk).order_by("pk")
    assert [(v.name, v.plate, v.owner) for v in imported] == [
        ("Delivery van", "12 ب 345", rep_a),
        ("Pickup", "", rep_a),
    ]
    # the search text and the audit trail as the vehicle's own service writes them
    assert imported[0].search_text == van.search_text
    audit = AuditEntry.objects.filter(content_type__model="vehicle", object_id=imported[1].pk)
    assert [(e.action, e.changes["name"]) for e in audit] == [("create", [None, "Pickup"])]
    again = execute(run=create_run(actor=rep_a, kind="vehicles", file_name="again.csv", content=content))
    assert (again.created, again.already_imported) == (0, 2)


@pytest.mark.parametrize("record_type", list(registry.record_types()), ids=lambda t: t.name)
def test_each_field_spec_names_model_fields_and_agrees_with_the_audit_trail(record_type):
    model = record_type.model
    for spec in record_type.fields:
        model._meta.get_field(spec.name)  # raises for a field the model does not have
    audited = {spec.name for spec in record_type.fields_where("audited")}
    assert audited == set(model.audited_fields)


@pytest.mark.parametrize("record_type", list(registry.record_types()), ids=lambda t: t.name)
def test_importable_fields_are_the_spreadsheet_columns_in_order(record_type):
    spec = record_type.extra.get("import")
    importable = [field.name for field in record_type.fields_where("importable")]
    assert importable == [column.name for column in (spec.columns if spec else ())]
