import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = _("Serve Peyvand with gunicorn (static files through WhiteNoise).")

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("PEYVAND_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PEYVAND_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("PEYVAND_WORKERS", "2")))
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help=_("Do not collect static files first (they were collected when the release was built)."),
        )

    def handle(self, *args, host, port, workers, no_collectstatic, **options):
        from django.core.servers.basehttp import get_internal_wsgi_application
        from gunicorn.app.base import BaseApplication

        # The project's WSGI application named by settings (as runserver finds it): core does not import the
        # project module above it.
        application = get_internal_wsgi_application()

        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)

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

            def load(self):
                return application

        self.stdout.write(
            _("Peyvand is at http://%(host)s:%(port)s/ (Ctrl+C stops it)") % {"host": host, "port": port}
        )
        Server().run()
