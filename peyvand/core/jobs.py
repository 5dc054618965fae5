"""Background jobs with progress: a ``Job`` row people watch, and a Django task that does the work.

A task receives the job's id, reports progress as it goes, and ends the job done or failed; the row is
updated outside the task's own transactions, so progress shows while a long import is still running.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from peyvand.core.models import Job, JobStatus

log = logging.getLogger(__name__)


def start_job(*, kind: str, title: str, actor, task, total: int | None = None, **task_kwargs: Any) -> Job:
    """Record a job and queue ``task(job_id=..., **task_kwargs)`` once the current transaction commits."""
    job = Job.objects.create(
        kind=kind, title=title[:200], created_by=actor if getattr(actor, "pk", None) else None, total=total
    )
    transaction.on_commit(lambda: task.enqueue(job_id=job.pk, **task_kwargs))
    return job


def report_progress(job_id: int, done: int, total: int | None = None) -> None:
    values: dict[str, Any] = {"done": done}
    if total is not None:
        values["total"] = total
    Job.objects.filter(pk=job_id).update(**values)


def run_job(job_id: int, work: Callable[[Callable[[int, int | None], None]], dict]) -> Job:
    """Run ``work(progress)`` as job ``job_id``; its returned dict is the job's result.

    A failure is recorded on the job (and logged) rather than lost; the exception is raised again so the
    task backend records it too.
    """
    Job.objects.filter(pk=job_id).update(status=JobStatus.RUNNING, started_at=timezone.now())
    try:
        result = work(lambda done, total=None: report_progress(job_id, done, total))
    except Exception as exc:
        log.exception("job %s failed", job_id)
        Job.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED, error=str(exc)[:5000], finished_at=timezone.now()
        )
        raise
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.DONE, result=result or {}, finished_at=timezone.now()
    )
    return Job.objects.get(pk=job_id)


def jobs_visible_to(user):
    if user is None or not user.is_authenticated:
        return Job.objects.none()
    if user.is_admin:
        return Job.objects.all()
    return Job.objects.filter(Q(created_by=user))
