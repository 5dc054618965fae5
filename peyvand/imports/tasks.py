"""The import as a background job: progress reported after every committed batch."""

from django_tasks import task

from peyvand.core.jobs import run_job


@task()
def import_file(job_id: int, run_id: int) -> None:
    from peyvand.imports.models import ImportRun, ImportStatus
    from peyvand.imports.services import execute

    run = ImportRun.objects.get(pk=run_id)

    def work(progress):
        try:
            done = execute(run=run, progress=progress)
        except Exception:
            ImportRun.objects.filter(pk=run_id).update(status=ImportStatus.FAILED)
            raise
        return {"import_id": done.pk, "created": done.created, "failed": done.failed}

    run_job(job_id, work)
