"""Imports whose worker died are marked interrupted and can be resumed; old uploaded files are removed."""

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from peyvand.contacts.models import Contact
from peyvand.core import periodic
from peyvand.core.models import Job, JobStatus
from peyvand.imports.models import ImportStatus
from peyvand.imports.services import create_run, execute, start_import

pytestmark = pytest.mark.django_db

TEXT = "last name,phone\nRahimi,09121110001\nKarimi,09121110002\nTehrani,09121110003\n"


def _killed_run(actor, batches_done: int):
    """A run as a worker killed after ``batches_done`` batches leaves it: its job running, its heartbeat old."""
    run = create_run(actor=actor, kind="contacts", file_name="f.csv", content=TEXT.encode())
    stopped = {"n": 0}

    def progress(done, total):
        stopped["n"] += 1
        if stopped["n"] == batches_done:
            raise KeyboardInterrupt  # the kill: nothing after this batch runs

    job = Job.objects.create(kind="import", title="x", status=JobStatus.RUNNING, created_by=actor)
    run.job = job
    run.status = ImportStatus.RUNNING
    run.save()
    with pytest.raises(KeyboardInterrupt):
        execute(run=run, batch_size=1, progress=progress)
    run.refresh_from_db()
    return run


def test_a_run_silent_for_long_is_marked_interrupted_and_resuming_it_finishes_without_doubles(
    admin, django_capture_on_commit_callbacks
):
    run = _killed_run(admin, batches_done=1)
    assert Contact.objects.count() == 1 and run.status == ImportStatus.RUNNING
    periodic.run_due(timezone.now() + dt.timedelta(minutes=5), only="imports-interrupted")
    run.refresh_from_db()
    assert run.status == ImportStatus.RUNNING  # not silent long enough yet
    periodic.run_due(timezone.now() + dt.timedelta(minutes=20), only="imports-interrupted")
    run.refresh_from_db()
    assert run.status == ImportStatus.INTERRUPTED
    assert Job.objects.get(pk=run.job_id).status == JobStatus.FAILED
    with django_capture_on_commit_callbacks(execute=True):
        run = start_import(run=run, actor=admin)
    run.refresh_from_db()
    assert run.status == ImportStatus.DONE
    assert sorted(Contact.objects.values_list("last_name", flat=True)) == ["Karimi", "Rahimi", "Tehrani"]
    assert (run.created, run.already_imported) == (2, 1)


def test_the_import_page_offers_to_resume_an_interrupted_run(
    client, admin, django_capture_on_commit_callbacks
):
    run = _killed_run(admin, batches_done=2)
    run.status = ImportStatus.INTERRUPTED
    run.save()
    client.force_login(admin)
    page = client.get(f"/imports/{run.pk}/").content.decode()
    assert 'id="resume-import"' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/imports/{run.pk}/start/")
    assert Contact.objects.count() == 3


def test_a_run_still_queued_is_never_marked_interrupted(admin):
    run = create_run(actor=admin, kind="contacts", file_name="f.csv", content=TEXT.encode())
    job = Job.objects.create(kind="import", title="x", status=JobStatus.QUEUED, created_by=admin)
    run.job, run.status, run.heartbeat_at = job, ImportStatus.RUNNING, timezone.now() - dt.timedelta(hours=3)
    run.save()
    periodic.run_due(timezone.now(), only="imports-interrupted")
    run.refresh_from_db()
    assert run.status == ImportStatus.RUNNING


def test_old_uploaded_files_are_removed_but_the_report_stays(client, admin, settings):
    done = execute(run=create_run(actor=admin, kind="contacts", file_name="f.csv", content=TEXT.encode()))
    path = Path(done.file_path)
    assert path.exists()
    with time_machine.travel(timezone.now() + dt.timedelta(days=settings.PEYVAND_IMPORT_KEEP_DAYS - 1)):
        periodic.run_due(timezone.now(), only="imports-old-files")
    assert path.exists()
    with time_machine.travel(timezone.now() + dt.timedelta(days=settings.PEYVAND_IMPORT_KEEP_DAYS + 1)):
        periodic.run_due(timezone.now(), only="imports-old-files")
    assert not path.exists()
    done.refresh_from_db()
    assert done.file_path == "" and done.created == 3
    client.force_login(admin)
    page = client.get(f"/imports/{done.pk}/").content.decode()
    assert 'id="file-removed"' in page and 'id="count-created"' in page


def test_a_file_a_recent_run_still_uses_is_kept(admin):
    old = execute(run=create_run(actor=admin, kind="contacts", file_name="f.csv", content=TEXT.encode()))
    with time_machine.travel(timezone.now() + dt.timedelta(days=30)):
        recent = create_run(actor=admin, kind="contacts", file_name="again.csv", content=TEXT.encode())
        assert recent.file_path == old.file_path  # the same content is kept once
        periodic.run_due(timezone.now(), only="imports-old-files")
    assert Path(old.file_path).exists()
