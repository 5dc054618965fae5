"""Imports beyond the plain columns: leads through the lead service (scored, assigned, a deal opened), tags and
custom fields in and out, and rows created although alike by name to a record in the same company or city."""

import csv
import io

import pytest

from peyvand.contacts.models import Contact, DuplicateKey
from peyvand.contacts.services import create_contact
from peyvand.core.models import AuditEntry, CustomField
from peyvand.imports.services import create_run, execute
from peyvand.leads.models import Lead, PipelineIntake
from peyvand.sales.models import Deal

pytestmark = pytest.mark.django_db


def run_import(actor, text: str, kind: str, **kwargs):
    run = create_run(actor=actor, kind=kind, file_name="file.csv", content=text.encode())
    return execute(run=run, **kwargs)


LEADS = (
    "first name,last name,phone,budget,purchase timeline,source,pipeline,owner\n"
    "Sara,Tehrani,09121110001,250000000,now,,Sales,\n"
    "Reza,Shirazi,09121110002,1000,,referral,Sales,rep_a2\n"
)


def test_imported_leads_are_scored_assigned_by_the_rules_and_open_a_deal(
    admin, rep_a, rep_a2, pipeline, scoring_model, rule_to
):
    PipelineIntake.objects.create(pipeline=pipeline, open_deal=True)
    rule_to(name="Everything to rep_a", target_user=rep_a)
    run = run_import(admin, LEADS.replace("Sales", pipeline.name), "leads")
    assert (run.created, run.failed) == (2, 0), run.errors
    sara = Lead.objects.get(last_name="Tehrani")
    assert sara.score == 60 and sara.qualified
    assert {r["label"] for r in sara.score_explanation} == {"Budget over 100M", "Buying now"}
    assert sara.owner == rep_a and sara.assigned_by.name == "Everything to rep_a"
    assert sara.source == "import" and sara.pipeline == pipeline
    reza = Lead.objects.get(last_name="Shirazi")
    assert reza.owner == rep_a2  # named in the row: the rules are not asked
    assert reza.source == "referral"
    assert Deal.objects.filter(pipeline=pipeline).count() == 2
    note = AuditEntry.objects.get(object_id=sara.pk, content_type__model="lead", action="create").note
    assert "Everything to rep_a" in note


def test_a_lead_row_naming_an_unknown_pipeline_fails_with_its_row_and_column(admin, rep_a2, pipeline):
    run = run_import(admin, LEADS.replace("Sales", "Nope", 1).replace("Sales", pipeline.name), "leads")
    assert run.created == 1 and run.failed == 1
    assert run.errors == [
        {"row": 2, "column": "pipeline", "message": "No such pipeline, or you may not use it."}
    ]


def test_a_lead_alike_to_a_known_contact_is_created_and_listed_as_a_possible_duplicate(admin, rep_a):
    known = create_contact(
        actor=admin,
        values={"first_name": "Sara", "last_name": "Tehrani", "city": "Tehran", "phones": ["09120000000"]},
    )
    run = run_import(admin, "first name,last name,city\nSara,Tehrani,Tehran\n", "leads")
    assert run.created == 1 and run.possible_duplicate == 1
    (possible,) = run.possible_duplicates
    assert possible["row"] == 2 and possible["existing_id"] == known.pk
    assert "same city" in possible["reasons"]


@pytest.mark.parametrize("few_bare_keys", [20_000, 0], ids=["bare keys read whole", "bare keys looked up"])
def test_contacts_alike_by_name_in_the_same_city_are_created_and_listed_for_a_person_to_check(
    rep_a, few_bare_keys, monkeypatch
):
    monkeypatch.setattr("peyvand.imports.services.FEW_BARE_KEYS", few_bare_keys)
    create_contact(actor=rep_a, values={"first_name": "مینا", "last_name": "کریمی", "city": "شیراز"})
    text = (
        "نام,نام خانوادگی,شهر,موبایل\n"
        "مينا,كريمي,شيراز,09121110003\n"  # Arabic letters: the same name once normalised
        "مینا,کریمی,تبریز,09121110004\n"  # another city: namesakes, not flagged
        "Ali,Mohammadi,Tabriz,09121110005\n"
        "Ali,Mohammadi,Tabriz,\n"  # alike to the row above it, and nothing tells them apart
        "Reza,Tehrani,Tabriz,09121110006\n"
        "Reza,Tehrani,Tabriz,09121110007\n"  # two phones: two people who share a name
    )
    run = run_import(rep_a, text, "contacts", batch_size=2)
    assert run.created == 6 and run.skipped_duplicate == 0
    flagged = {p["row"]: p for p in run.possible_duplicates}
    assert set(flagged) == {2, 5}
    first_ali = Contact.objects.filter(last_name="Mohammadi").order_by("pk").first()
    assert flagged[5]["existing_id"] == first_ali.pk
    assert run.possible_duplicate == 2


def test_a_possible_duplicate_of_an_earlier_row_of_the_same_batch_gets_its_id(rep_a):
    text = "first name,last name,city,phone\nAli,Mohammadi,Tabriz,09121110005\nAli,Mohammadi,Tabriz,\n"
    run = run_import(rep_a, text, "contacts")
    (possible,) = run.possible_duplicates
    assert possible["existing_id"] == Contact.objects.order_by("pk").first().pk


def test_a_namesake_of_a_record_the_user_cannot_see_is_not_revealed(rep_a, rep_b):
    create_contact(actor=rep_b, values={"first_name": "Mina", "last_name": "Karimi", "city": "Shiraz"})
    run = run_import(rep_a, "first name,last name,city\nMina,Karimi,Shiraz\n", "contacts")
    assert run.created == 1 and run.possible_duplicates == []


def test_tags_and_custom_fields_are_imported_and_exported_back(client, rep_a):
    CustomField.objects.create(
        entity="contact",
        key="loyalty",
        label="Loyalty level",
        field_type="choice",
        choices=["gold", "silver"],
    )
    CustomField.objects.create(entity="contact", key="vip", label="VIP", field_type="boolean")
    text = (
        "last name,tags,loyalty level,vip,phone\n"
        'Rahimi,"VIP, نمایشگاه ۱۴۰۴",gold,yes,09121110007\n'
        "Karimi,vip،Expo,platinum,maybe,09121110008\n"
    )
    run = run_import(rep_a, text, "contacts")
    assert run.created == 1 and run.failed == 1
    assert {(e["row"], e["column"]) for e in run.errors} == {(3, "loyalty level"), (3, "vip")}
    rahimi = Contact.objects.get(last_name="Rahimi")
    assert rahimi.custom == {"loyalty": "gold", "vip": True}
    assert sorted(rahimi.tags.values_list("name", flat=True)) == ["VIP", "نمایشگاه ۱۴۰۴"]
    audit = AuditEntry.objects.get(object_id=rahimi.pk, content_type__model="contact")
    assert audit.changes["tags"] == [None, ["VIP", "نمایشگاه ۱۴۰۴"]]

    client.force_login(rep_a)
    client.cookies["django_language"] = "en"
    exported = b"".join(client.get("/exports/contacts/?format=csv").streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(exported)))
    header = [h.lower() for h in rows[0]]
    assert "tags" in header and "loyalty level" in header and "vip" in header
    row = {k.lower(): v for k, v in rows[0].items()}
    assert row["tags"] == "VIP, نمایشگاه ۱۴۰۴" and row["loyalty level"] == "gold" and row["vip"] == "yes"

    # the exported file imports again: same tags reused, nothing new but the row itself
    Contact.all_objects.all().delete()
    DuplicateKey.objects.all().delete()
    again = run_import(rep_a, exported, "contacts")
    assert again.created == 1, (again.errors, again.duplicates, again.mapping, again.total_rows)
    assert Contact.objects.get().custom == {"loyalty": "gold", "vip": True}


def test_an_existing_tag_is_reused_whatever_its_spelling(rep_a):
    from peyvand.core.models import Tag

    Tag.objects.create(name="مشتری ويژه")  # Arabic ي
    run_import(rep_a, "last name,tags\nRahimi,مشتری ویژه\n", "contacts")
    assert Tag.objects.count() == 1
    assert list(Contact.objects.get().tags.values_list("name", flat=True)) == ["مشتری ويژه"]


def test_with_update_a_row_matching_a_stored_record_updates_it_and_adds_its_phones(rep_a):
    from peyvand.imports.models import ImportedRow

    stored = create_contact(
        actor=rep_a,
        values={"last_name": "Rahimi", "title": "Buyer", "phones": ["09121110009"], "tags": ["Old"]},
    )
    text = "last name,title,phone,email,tags\nRahimi,Head of buying,+98 912 111 0009,r@example.com,New\nNew,,09121110010,,\n"
    dry = create_run(
        actor=rep_a, kind="contacts", file_name="f.csv", content=text.encode(), on_duplicate="update"
    )
    dry = execute(run=dry, dry_run=True)
    assert (dry.created, dry.updated, dry.skipped_duplicate) == (1, 1, 0)
    stored.refresh_from_db()
    assert stored.title == "Buyer"  # a dry run writes nothing
    run = create_run(
        actor=rep_a, kind="contacts", file_name="f.csv", content=text.encode(), on_duplicate="update"
    )
    run = execute(run=run)
    assert (run.created, run.updated, run.skipped_duplicate) == (1, 1, 0)
    stored.refresh_from_db()
    assert stored.title == "Head of buying" and stored.version == 2
    assert stored.emails == ["r@example.com"] and stored.phones == ["+989121110009"]
    assert sorted(stored.tags.values_list("name", flat=True)) == ["New", "Old"]
    audit = (
        AuditEntry.objects.filter(object_id=stored.pk, content_type__model="contact").order_by("-pk").first()
    )
    assert audit.action == "update" and audit.changes["title"] == ["Buyer", "Head of buying"]
    again = execute(
        run=create_run(
            actor=rep_a, kind="contacts", file_name="f.csv", content=text.encode(), on_duplicate="update"
        )
    )
    assert (again.created, again.updated, again.already_imported) == (0, 0, 2)
    assert ImportedRow.objects.filter(object_id=stored.pk).count() == 1


def test_with_update_a_record_the_user_cannot_see_is_skipped_and_left_alone(rep_a, rep_b):
    theirs = create_contact(
        actor=rep_b, values={"last_name": "Secret", "title": "CEO", "phones": ["09121110011"]}
    )
    text = "last name,title,phone\nSecret,Intern,09121110011\n"
    run = execute(
        run=create_run(
            actor=rep_a, kind="contacts", file_name="f.csv", content=text.encode(), on_duplicate="update"
        )
    )
    assert (run.updated, run.skipped_duplicate) == (0, 1)
    assert run.duplicates == [{"row": 2, "key": "+989121110011", "existing_id": None}]
    theirs.refresh_from_db()
    assert theirs.title == "CEO" and theirs.version == 1


def test_the_api_refuses_an_unknown_on_duplicate_choice(rep_a):
    from tests.fixtures import ApiClient

    api = ApiClient(rep_a)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = api.client.post(
        "/api/v1/imports",
        {"kind": "contacts", "file": SimpleUploadedFile("f.csv", b"last name\nX\n"), "on_duplicate": "merge"},
        headers=api.headers,
    )
    assert response.status_code == 422
