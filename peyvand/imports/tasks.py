"""The check and the import as background jobs: progress reported after every batch. Each job speaks the
language of the person who started it, so the report's messages are in it."""

from django.conf import settings
from django.utils import translation
from django_tasks import task

from peyvand.core.jobs import run_job


@task()
def check_file(job_id: int, run_id: int) -> None:
    from peyvand.imports.models import ImportRun, ImportStatus
    from peyvand.imports.services import check_file as check

    run = ImportRun.objects.get(pk=run_id)

    def work(progress):
        try:
            done = check(run=run, progress=progress)
        except Exception:
            # a refused file says so already; anything else must not leave the run "checking"
            ImportRun.objects.filter(pk=run_id, status=ImportStatus.CHECKING).update(
                status=ImportStatus.UPLOADED
            )
            raise
        return {"import_id": done.pk, "status": done.status, "failed": done.failed}

    with translation.override(run.language or settings.LANGUAGE_CODE):
        run_job(job_id, work)


@task()
def import_file(job_id: int, run_id: int) -> None:
    from peyvand.imports.models import ImportRun, ImportStatus
    from peyvand.imports.services import execute

    run = ImportRun.objects.get(pk=run_id)

    def work(progress):
        try:
            done = execute(run=run, progress=progress)
        except Exception:
            ImportRun.objects.filter(pk=run_id).exclude(status=ImportStatus.REFUSED).update(
                status=ImportStatus.FAILED
            )
            raise
        return {"import_id": done.pk, "created": done.created, "failed": done.failed}

    with translation.override(run.language or settings.LANGUAGE_CODE):
        run_job(job_id, work)
