import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from peyvand.core.periodic import run_due


def _queues_in_database() -> bool:
    from django_tasks import task_backends
    from django_tasks_db import DatabaseBackend

    return isinstance(task_backends["default"], DatabaseBackend)


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _(
            "Run background jobs (imports, re-scoring, scans) and the periodic ones (stuck deals, reminders, "
            "date-based automation) until stopped."
        )

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help=_("Run what is due and queued, then stop."))
        parser.add_argument(
            "--interval", type=float, default=5.0, help=_("Seconds between looks for new work.")
        )

    def handle(self, *args, batch: bool, interval: float, **options):
        try:
            self._loop(batch, interval, options["verbosity"])
        except KeyboardInterrupt:
            pass  # Ctrl+C: a job cut short runs again at the next tick (each is idempotent)

    def _loop(self, batch: bool, interval: float, verbosity: int) -> None:
        while True:
            for name, outcome in run_due().items():
                if verbosity > 1 or outcome != "ok":
                    self.stdout.write(f"{name}: {outcome}")
            if _queues_in_database():
                # queued tasks: the database backend's own worker, run until the queue is empty
                call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=verbosity)
            if batch:
                return
            time.sleep(interval)
