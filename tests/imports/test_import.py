"""The import itself (peyvand/imports/services.py and api.py): records owned and audited, duplicates skipped
with the existing record, batches, an idempotent re-run, XLSX files, the API and the background job."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from peyvand.accounts.services import issue_token
from peyvand.contacts.models import Company, Contact
from peyvand.contacts.services import create_contact
from peyvand.core.models import AuditEntry, Job
from peyvand.imports.models import ImportedRow
from peyvand.imports.services import create_run, execute
from peyvand.leads.models import Lead
from peyvand.sales.models import Deal, StageHistory
from tests.factories import make_pipeline

CONTACTS = (
    "نام,نام خانوادگی,موبایل,ایمیل,شرکت,شهر\n"
    "علی,رضايي,09121234567,Ali@Example.com,آریا تجارت,تهران\n"
    "مینا,کریمی,0912 765 4321,,آریا تجارت,شیراز\n"
    "Ali,Rezaei,+989121234567,,,\n"
    "Bad,,12,,,\n"
    "Known,Person,09351112233,,,\n"
)


def run_import(actor, content: bytes, kind="contacts", **kwargs):
    run = create_run(actor=actor, kind=kind, file_name="file.csv", content=content)
    return execute(run=run, **kwargs)


@pytest.mark.django_db
def test_an_import_creates_owned_audited_searchable_records_and_skips_duplicates(rep_a, rep_b):
    known = create_contact(actor=rep_b, values={"last_name": "Known", "phones": ["09351112233"]})
    run = run_import(rep_a, CONTACTS.encode())
    assert (run.created, run.skipped_duplicate, run.failed, run.status) == (2, 2, 1, "done")
    ali = Contact.objects.get(last_name="رضایی")
    assert ali.phones == ["+989121234567"] and ali.emails == ["ali@example.com"]
    assert (ali.owner, ali.team_id) == (rep_a, rep_a.team_id)
    assert "رضایی" in ali.search_text and "+989121234567" in ali.search_text
    assert ali.company.name == "آریا تجارت" and ali.company.owner == rep_a
    assert Company.objects.count() == 1  # one company for the two rows that name it
    assert Contact.objects.get(last_name="کریمی").company_id == ali.company_id
    assert set(Contact.objects.visible_to(rep_a).values_list("last_name", flat=True)) == {"رضایی", "کریمی"}
    assert not Contact.objects.visible_to(rep_b).filter(owner=rep_a).exists()
    audit = AuditEntry.objects.get(object_id=ali.pk, content_type__model="contact")
    assert audit.action == "create" and audit.actor == rep_a and audit.changes["last_name"] == [None, "رضایی"]
    duplicates = {d["row"]: d for d in run.duplicates}
    assert duplicates[4]["existing_id"] == ali.pk  # the same mobile written another way, earlier in the file
    assert duplicates[6]["existing_id"] is None  # rep_b's contact: skipped, its id not shown to rep_a
    assert duplicates[6]["key"] == "+989351112233" and known.phones == ["+989351112233"]
    assert {(e["row"], e["column"]) for e in run.errors} == {(5, "نام خانوادگی"), (5, "موبایل")}


@pytest.mark.django_db
def test_a_duplicate_of_a_visible_record_names_it(manager_a, rep_a):
    known = create_contact(actor=rep_a, values={"last_name": "Known", "phones": ["09351112233"]})
    run = run_import(manager_a, CONTACTS.encode())
    assert {d["row"]: d["existing_id"] for d in run.duplicates}[6] == known.pk


@pytest.mark.django_db
def test_running_the_same_file_again_creates_nothing_new(rep_a):
    first = run_import(rep_a, CONTACTS.encode(), batch_size=2)
    counts = (Contact.objects.count(), Company.objects.count(), AuditEntry.objects.count())
    again = run_import(rep_a, CONTACTS.encode(), batch_size=2)
    assert (Contact.objects.count(), Company.objects.count(), AuditEntry.objects.count()) == counts
    assert again.created == 0 and again.already_imported == first.created
    assert ImportedRow.objects.count() == first.created


@pytest.mark.django_db
def test_a_dry_run_counts_what_the_import_then_creates(rep_a):
    dry = run_import(rep_a, CONTACTS.encode(), dry_run=True)
    real = run_import(rep_a, CONTACTS.encode())
    assert (dry.created, dry.skipped_duplicate, dry.failed) == (
        real.created,
        real.skipped_duplicate,
        real.failed,
    )


@pytest.mark.django_db
def test_an_xlsx_file_imports_leads_with_typed_cells(rep_a):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Last name", "Phone", "Email", "Source"])
    sheet.append(["Rahimi", 9121234567, "r@example.com", "Website"])
    sheet.append(["Nobody", None, None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    run = run_import(rep_a, buffer.getvalue(), kind="leads")
    assert run.created == 2
    lead = Lead.objects.get(last_name="Rahimi")
    assert (lead.phone, lead.email, lead.source) == ("+989121234567", "r@example.com", "website")
    assert Lead.objects.get(last_name="Nobody").source == "import"


@pytest.mark.django_db
def test_deals_are_created_in_their_stage_with_stage_history(rep_a):
    make_pipeline()
    content = "title,amount,pipeline,stage\nBig,2500000,Sales,Won\nSmall,10,,\n"
    run = run_import(rep_a, content.encode(), kind="deals")
    assert run.created == 2
    big = Deal.objects.get(title="Big")
    assert (big.stage.name, big.status, big.closed_at is not None) == ("Won", "won", True)
    assert Deal.objects.get(title="Small").stage.name == "Lead in"
    assert StageHistory.objects.filter(deal=big, to_stage=big.stage).count() == 1


def upload(user, content: bytes, **fields):
    client = Client()
    headers = {"Authorization": f"Bearer {issue_token(user=user)}"}
    data = {"file": SimpleUploadedFile("people.csv", content, content_type="text/csv"), **fields}
    return client.post("/api/v1/imports", data=data, headers=headers), client, headers


@pytest.mark.django_db
def test_the_api_dry_run_answers_every_bad_cell_and_only_its_starter_reads_the_run(
    rep_a, rep_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response, client, headers = upload(rep_a, CONTACTS.encode(), kind="contacts", dry_run="true")
        # answered before the check ran: the job is queued for when the request's transaction commits
        assert response.status_code == 202, response.content
        assert response.json()["status"] == "checking" and response.json()["job_id"]
    body = client.get(f"/api/v1/imports/{response.json()['id']}", headers=headers).json()
    assert body["status"] == "checked" and body["created"] == 3 and Contact.objects.count() == 0
    assert {(e["row"], e["column"]) for e in body["errors"]} == {(5, "نام خانوادگی"), (5, "موبایل")}
    assert client.get(f"/api/v1/imports/{body['id']}", headers=headers).status_code == 200
    other = {"Authorization": f"Bearer {issue_token(user=rep_b)}"}
    assert client.get(f"/api/v1/imports/{body['id']}", headers=other).status_code == 404


@pytest.mark.django_db
def test_the_api_refuses_an_unknown_kind_and_an_unreadable_file_by_field(rep_a):
    response, _client, _headers = upload(rep_a, CONTACTS.encode(), kind="tickets")
    assert response.status_code == 422
    response, _client, _headers = upload(rep_a, b"\xff\xfe\x00garbage" * 100, kind="contacts")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "file"


@pytest.mark.django_db(transaction=True)
def test_the_api_import_runs_as_a_job_with_progress_and_a_report(rep_a):
    response, client, headers = upload(rep_a, CONTACTS.encode(), kind="contacts", dry_run="false")
    assert response.status_code == 202, response.content
    run = client.get(f"/api/v1/imports/{response.json()['id']}", headers=headers).json()
    assert (run["status"], run["created"], run["skipped_duplicate"], run["failed"]) == ("done", 3, 1, 1)
    job = Job.objects.get(pk=run["job_id"])
    assert (job.status, job.done, job.total, job.percent) == ("done", 5, 5, 100)
    assert Contact.objects.filter(owner=rep_a).count() == 3


@pytest.mark.django_db
def test_imported_search_text_is_what_the_services_would_store(rep_a):
    from bench.contacts_data import COLUMNS, generate
    from peyvand.core.records import _refresh_search_text

    lines = [",".join(COLUMNS)] + [",".join(row[c] for c in COLUMNS) for row, _t in generate(300, 3)]
    lines.append("Tab\\tName,ZWNJ\u200cName  x,,,,,")
    run_import(rep_a, "\n".join(lines).encode())
    contacts = list(Contact.objects.all())
    assert len(contacts) > 250
    for contact in contacts:
        stored = contact.search_text
        _refresh_search_text(contact)
        assert stored == contact.search_text


@pytest.mark.django_db
def test_an_imported_contact_is_found_as_a_duplicate_when_someone_creates_it_again(api_for, rep_a):
    run_import(rep_a, CONTACTS.encode())
    response = api_for(rep_a).post("/contacts", {"last_name": "Again", "phones": ["0912 123 4567"]})
    assert response.status_code == 409
    assert response.json()["candidates"][0]["id"] == Contact.objects.get(last_name="رضایی").pk


@pytest.mark.django_db
def test_imported_audit_rows_hold_what_the_services_would_record(rep_a):
    from bench.contacts_data import COLUMNS, generate
    from peyvand.core.audit import snapshot

    lines = [",".join(COLUMNS)] + [",".join(row[c] for c in COLUMNS) for row, _t in generate(300, 5)]
    run_import(rep_a, "\n".join(lines).encode())
    entries = {
        e.object_id: e.changes
        for e in AuditEntry.objects.filter(content_type__model="contact", action="create")
    }
    contacts = list(Contact.objects.all())
    assert len(contacts) > 250
    for contact in contacts:
        expected = {k: [None, v] for k, v in snapshot(contact).items() if v not in (None, "", [], {})}
        assert entries[contact.pk] == expected


@hypothesis_settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(max_size=30), st.text(alphabet=st.characters(max_codepoint=127), max_size=30)))
def test_each_search_part_is_normalised_as_normalize_text_does(text):
    from peyvand.core.text import normalize_text
    from peyvand.imports.services import _normalized_part

    assert _normalized_part(text) == normalize_text(text)


@pytest.mark.django_db
def test_the_import_puts_the_connection_settings_back(rep_a):
    from django.db import connection

    # SQLite's checkpoint interval is raised for an import and must be put back; on PostgreSQL the import
    # changes no session setting at all.
    query = "PRAGMA wal_autocheckpoint" if connection.vendor == "sqlite" else "SHOW ALL"
    with connection.cursor() as cursor:
        cursor.execute(query)
        before = cursor.fetchall()
        run = run_import(rep_a, CONTACTS.encode())
        cursor.execute(query)
        assert cursor.fetchall() == before
    assert run.status == "done" and run.created == 3


@pytest.mark.django_db
def test_a_failing_import_puts_the_connection_settings_back_and_shows_its_own_error(rep_a, monkeypatch):
    from django.db import connection

    def fail(*args, **kwargs):
        raise RuntimeError("the disk is full")

    def checkpoint_interval():
        # Only SQLite's checkpoint interval is changed for an import; elsewhere only the error is checked.
        if connection.vendor != "sqlite":
            return None
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_autocheckpoint")
            return cursor.fetchone()[0]

    monkeypatch.setattr("peyvand.imports.services._execute_batches", fail)
    run = create_run(actor=rep_a, kind="contacts", file_name="file.csv", content=CONTACTS.encode())
    before = checkpoint_interval()
    with pytest.raises(RuntimeError, match="the disk is full"):
        execute(run=run)
    assert checkpoint_interval() == before
