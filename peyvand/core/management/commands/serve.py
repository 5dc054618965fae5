import logging
import os
import signal
import socket
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

# A worker that keeps dying is started again after 1, 2, 4 ... seconds, at most a minute apart; one that ran
# for a minute before dying starts the backoff over.
FIRST_BACKOFF = 1.0
MAX_BACKOFF = 60.0
HEALTHY_AFTER = 60.0
WORKER_START_WAIT = 15.0
# How long a stopped server and worker may take to finish what they are doing before they are killed.
STOP_GRACE = 15.0


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: the child is sent SIGTERM if the supervising process dies, even killed outright."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def _peyvand(*args: str) -> subprocess.Popen:
    """Start ``peyvand <args>`` with this interpreter and environment."""
    return subprocess.Popen(
        [sys.executable, "-m", "peyvand.cli", *args],
        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
    )


def _listening(host: str, port: int) -> bool:
    address = "127.0.0.1" if host in ("", "0.0.0.0") else "::1" if host == "::" else host
    try:
        with socket.create_connection((address, port), timeout=0.2):
            return True
    except OSError:
        return False


def _stop(processes: list[subprocess.Popen], signum: int = signal.SIGTERM) -> None:
    """``signum`` to each running process, then SIGKILL to any still running after the grace period.

    Passed on as received: gunicorn stops at once on SIGINT (Ctrl+C) and lets requests finish on SIGTERM.
    """
    for process in processes:
        if process.poll() is None:
            process.send_signal(signum)
    deadline = time.monotonic() + STOP_GRACE
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Command(BaseCommand):
    help = _(
        "Serve Peyvand with gunicorn (static files through WhiteNoise), with the background worker beside it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("PEYVAND_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PEYVAND_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("PEYVAND_WORKERS", "2")))
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help=_("Do not collect static files first (they were collected when the release was built)."),
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help=_("Serve the web app only; background jobs wait for a 'peyvand worker' started elsewhere."),
        )

    def handle(self, *args, host, port, workers, no_collectstatic, no_worker, **options):
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        if no_worker:
            self._serve(host, port, workers)
        else:
            self._supervise(host, port, workers)

    def _supervise(self, host: str, port: int, workers: int) -> None:
        """The web server and the worker as two child processes: the worker is started again whenever it
        dies, and a SIGINT or SIGTERM (Ctrl+C) stops both; the web server stopping stops the worker too."""
        stopping: list[int] = []

        def stop(signum, frame):
            stopping.append(signum)

        previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
        web = _peyvand(
            "serve", "--host", host, "--port", str(port), "--workers", str(workers),
            "--no-collectstatic", "--no-worker",
        )  # fmt: skip
        # The worker starts once the web server answers (or after WORKER_START_WAIT): its first look for work
        # runs every periodic job at once, which would slow the first page down.
        worker: subprocess.Popen | None = None
        started, backoff, restart_at = time.monotonic(), FIRST_BACKOFF, time.monotonic() + WORKER_START_WAIT
        first = True
        try:
            while not stopping and web.poll() is None:
                due = restart_at is not None and time.monotonic() >= restart_at
                if worker is None and (due or (first and _listening(host, port))):
                    # quiet: the task backend's lines at each look for work; failures are still logged
                    worker = _peyvand("worker", "--verbosity", "0")
                    started, restart_at, first = time.monotonic(), None, False
                elif worker is not None and worker.poll() is not None:
                    if time.monotonic() - started >= HEALTHY_AFTER:
                        backoff = FIRST_BACKOFF
                    log.warning(
                        "The background worker stopped (exit code %s); starting it again in %.0f s.",
                        worker.returncode,
                        backoff,
                    )
                    worker, restart_at = None, time.monotonic() + backoff
                    backoff = min(backoff * 2, MAX_BACKOFF)
                time.sleep(0.2)
        finally:
            _stop([p for p in (web, worker) if p is not None], stopping[0] if stopping else signal.SIGTERM)
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        if not stopping and web.returncode:
            sys.exit(web.returncode)

    def _serve(self, host: str, port: int, workers: int) -> None:
        from django.core.servers.basehttp import get_internal_wsgi_application
        from gunicorn.app.base import BaseApplication

        # The project's WSGI application named by settings (as runserver finds it): core does not import the
        # project module above it.
        application = get_internal_wsgi_application()

        class Server(BaseApplication):
            def load_config(self):
                self.cfg.set("bind", f"{host}:{port}")
                self.cfg.set("workers", workers)
                self.cfg.set("threads", 4)
                # gunicorn closes an idle kept-alive connection after 2 s by default, while a person pauses
                # longer between clicks: a request sent just as the server closes the connection is reset
                # unanswered (seen in the load test). Idle connections cost no thread in gthread workers.
                self.cfg.set("keepalive", 75)
                self.cfg.set("accesslog", "-" if settings.DEBUG else None)
                # Any request line reaches Django (gunicorn still stops at 1 MB), which refuses an over-long
                # query with the API's JSON 414 instead of gunicorn's HTML page; headers keep gunicorn's limits.
                self.cfg.set("limit_request_line", 0)
                self.cfg.set("limit_request_fields", 100)
                self.cfg.set("limit_request_field_size", 8190)
                # gunicorn's control socket sits at one path per user ($HOME/.gunicorn/gunicorn.ctl): a second
                # server on the machine (a test beside `make run`) would take it over. Nothing here uses it.
                self.cfg.set("control_socket_disable", True)

            def load(self):
                return application

        self.stdout.write(
            _("Peyvand is at http://%(host)s:%(port)s/ (Ctrl+C stops it)") % {"host": host, "port": port}
        )
        Server().run()
