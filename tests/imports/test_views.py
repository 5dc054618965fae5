"""The import pages (peyvand/imports/views.py): upload, mapping, dry run, start; only the starter sees a run."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from peyvand.contacts.models import Contact
from peyvand.imports.models import ImportRun

pytestmark = pytest.mark.django_db

FILE = b"Family,Tel,Unknown\nRezaei,09121234567,a\n,0912,b\n"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_upload_then_fix_the_mapping_then_the_dry_run_lists_bad_cells_and_writes_nothing(
    rep_a, django_capture_on_commit_callbacks
):
    client = client_for(rep_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/imports/", {"kind": "contacts", "file": SimpleUploadedFile("p.csv", FILE)})
        run = ImportRun.objects.get()
        # the request only stored the file: the check is the job's, run once the request has answered
        assert response.status_code == 302 and response["Location"] == f"/imports/{run.pk}/"
        assert run.status == "checking"
    page = client.get(f"/imports/{run.pk}/").content.decode()
    assert "Unknown" in page and 'class="badge danger unmatched"' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/imports/{run.pk}/check/", {"col_0": "last_name", "col_1": "phones", "col_2": "city"})
    run.refresh_from_db()
    assert run.mapping == {"Family": "last_name", "Tel": "phones", "Unknown": "city"}
    assert run.status == "checked" and run.created == 1 and run.failed == 1
    assert {(e["row"], e["column"]) for e in run.errors} == {(3, "Family"), (3, "Tel")}
    assert Contact.objects.count() == 0


def test_two_columns_mapped_to_one_field_are_refused_with_a_message(
    rep_a, django_capture_on_commit_callbacks
):
    client = client_for(rep_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/imports/", {"kind": "contacts", "file": SimpleUploadedFile("p.csv", FILE)})
    run = ImportRun.objects.get()
    response = client.post(
        f"/imports/{run.pk}/check/", {"col_0": "last_name", "col_1": "last_name"}, follow=True
    )
    assert response.status_code == 200
    run.refresh_from_db()
    # the refused mapping changed nothing: the upload's own check stands, no new check was queued
    assert run.status == "checked" and run.mapping["Tel"] == "phones"


def test_an_upload_without_a_file_or_with_a_broken_workbook_shows_an_error(rep_a):
    client = client_for(rep_a)
    response = client.post("/imports/", {"kind": "contacts"})
    assert response.status_code == 200 and "field-error" in response.content.decode()
    broken = SimpleUploadedFile("p.xlsx", b"PK\x03\x04 not really a workbook")
    response = client.post("/imports/", {"kind": "contacts", "file": broken})
    assert response.status_code == 200 and "field-error" in response.content.decode()
    assert not ImportRun.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_starting_the_import_runs_the_job_and_the_page_shows_its_report(rep_a):
    client = client_for(rep_a)
    client.post("/imports/", {"kind": "contacts", "file": SimpleUploadedFile("p.csv", FILE)})
    run = ImportRun.objects.get()
    client.post(f"/imports/{run.pk}/check/", {"col_0": "last_name", "col_1": "phones"})
    response = client.post(f"/imports/{run.pk}/start/")
    assert response.status_code == 302
    run.refresh_from_db()
    assert (run.status, run.created, run.job.status, run.job.percent) == ("done", 1, "done", 100)
    page = client.get(f"/imports/{run.pk}/").content.decode()
    assert 'aria-valuenow="100"' in page and 'data-status="done"' in page
    assert Contact.objects.get().owner == rep_a


def test_another_users_import_is_not_found(rep_a, rep_b):
    client_for(rep_a).post("/imports/", {"kind": "contacts", "file": SimpleUploadedFile("p.csv", FILE)})
    run = ImportRun.objects.get()
    other = client_for(rep_b)
    assert other.get(f"/imports/{run.pk}/").status_code == 404
    assert other.post(f"/imports/{run.pk}/start/").status_code == 404
    run.refresh_from_db()
    assert run.status == "checking" and not Contact.objects.exists()
