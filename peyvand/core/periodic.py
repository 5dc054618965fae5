"""Jobs that run on a schedule (stuck deals, reminders, date-based automation): `peyvand worker` runs each
one when it is due.

An app declares its jobs in its own ``periodic.py`` with ``@periodic("name", every=timedelta(...))``; the
module is found by autodiscovery. A job is claimed with a conditional UPDATE of its ``PeriodicRun`` row, so
two workers never run it at once; each job must still be idempotent (key what it does, such as a notification
per deal and stay), because a worker killed half-way runs the job again at the next tick.
"""

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from peyvand.core.models import PeriodicRun

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    name: str
    every: dt.timedelta
    func: Callable[[dt.datetime], object]


_JOBS: dict[str, Periodic] = {}


def periodic(name: str, *, every: dt.timedelta):
    """Register ``func(now)`` to run every ``every``."""

    def register(func):
        _JOBS[name] = Periodic(name, every, func)
        return func

    return register


def registered() -> dict[str, Periodic]:
    autodiscover_modules("periodic")
    return dict(_JOBS)


def _claim(job: Periodic, now: dt.datetime) -> bool:
    try:
        with transaction.atomic():
            PeriodicRun.objects.get_or_create(name=job.name, defaults={"next_at": now})
    except IntegrityError:
        pass  # another worker created it at the same moment
    claimed = PeriodicRun.objects.filter(name=job.name, next_at__lte=now).update(
        next_at=now + job.every, started_at=now
    )
    return claimed == 1


def run_due(now: dt.datetime | None = None, *, only: str | None = None) -> dict[str, str]:
    """Run every registered job whose time has come; returns each run job's outcome ("ok" or the error).

    A failing job is logged and recorded on its row, and does not stop the others.
    """
    now = now or timezone.now()
    outcomes = {}
    for job in registered().values():
        if only and job.name != only:
            continue
        if not _claim(job, now):
            continue
        try:
            job.func(now)
        except Exception as exc:
            log.exception("periodic job %s failed", job.name)
            outcomes[job.name] = f"{type(exc).__name__}: {exc}"[:2000]
        else:
            outcomes[job.name] = "ok"
        PeriodicRun.objects.filter(name=job.name).update(
            finished_at=timezone.now(), last_error="" if outcomes[job.name] == "ok" else outcomes[job.name]
        )
    return outcomes


# --- the worker's heartbeat ------------------------------------------------------------------------------------
# A job that does nothing: its row's ``started_at`` is the last time any worker (`peyvand worker`, or its batch
# mode from cron) looked for work, which the page header reads to warn administrators that none is running.
HEARTBEAT = "worker-heartbeat"
HEARTBEAT_EVERY = dt.timedelta(minutes=1)


@periodic(HEARTBEAT, every=HEARTBEAT_EVERY)
def _heartbeat(now: dt.datetime) -> None:
    return None


def worker_last_seen() -> dt.datetime | None:
    """When a worker last ran its periodic jobs, or None when none ever did."""
    return PeriodicRun.objects.filter(name=HEARTBEAT).values_list("started_at", flat=True).first()
