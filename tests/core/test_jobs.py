"""Background jobs: progress people can watch, failures recorded, and only the starter (or an admin) sees them."""

import pytest
from django.core.management import call_command
from django.test import Client
from django_tasks import task

from peyvand.core.jobs import run_job, start_job
from peyvand.core.models import Job, JobStatus

pytestmark = pytest.mark.django_db(transaction=True)

SEEN_PROGRESS: list[tuple[int, int | None]] = []


@task()
def count_to(job_id: int, n: int) -> None:
    def work(progress):
        for i in range(1, n + 1):
            progress(i, n)
            SEEN_PROGRESS.append(Job.objects.values_list("done", "total").get(pk=job_id))
        return {"counted": n}

    run_job(job_id, work)


@task()
def always_fails(job_id: int) -> None:
    def work(progress):
        progress(1, 3)
        raise RuntimeError("the file vanished")

    run_job(job_id, work)


def test_a_job_reports_progress_as_it_goes_and_ends_with_its_result(rep_a):
    SEEN_PROGRESS.clear()
    job = start_job(kind="test", title="Counting", actor=rep_a, task=count_to, n=3)
    job.refresh_from_db()
    assert SEEN_PROGRESS == [(1, 3), (2, 3), (3, 3)]
    assert (job.status, job.done, job.total, job.percent, job.result) == (
        JobStatus.DONE,
        3,
        3,
        100,
        {"counted": 3},
    )
    assert job.started_at and job.finished_at


def test_a_failing_job_is_recorded_as_failed_with_its_error(rep_a):
    job = start_job(kind="test", title="Doomed", actor=rep_a, task=always_fails)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "the file vanished" in job.error and job.done == 1


def test_job_page_polls_while_running_and_only_its_starter_or_an_admin_sees_it(rep_a, rep_b, admin):
    job = Job.objects.create(
        kind="test", title="Importing", created_by=rep_a, total=10, done=4, status=JobStatus.RUNNING
    )
    client = Client()
    client.force_login(rep_a)
    partial = client.get(f"/jobs/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in partial and 'aria-valuenow="40"' in partial
    Job.objects.filter(pk=job.pk).update(status=JobStatus.DONE, done=10)
    finished = client.get(f"/jobs/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in finished and 'aria-valuenow="100"' in finished
    other = Client()
    other.force_login(rep_b)
    assert other.get(f"/jobs/{job.pk}/").status_code == 404
    boss = Client()
    boss.force_login(admin)
    assert boss.get(f"/jobs/{job.pk}/").status_code == 200


def test_jobs_api_answers_progress_to_the_starter_only(api_for, rep_a, rep_b):
    job = Job.objects.create(kind="test", title="Scan", created_by=rep_a, total=8, done=2)
    body = api_for(rep_a).get(f"/jobs/{job.pk}").json()
    assert (body["done"], body["total"], body["percent"], body["status"]) == (2, 8, 25, "queued")
    assert api_for(rep_b).get(f"/jobs/{job.pk}").status_code == 404


def test_peyvand_worker_runs_queued_jobs_from_the_database(rep_a, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = start_job(kind="test", title="Queued", actor=rep_a, task=count_to, n=2)
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    call_command("worker", batch=True, verbosity=0)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.result == {"counted": 2}
