from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _


class Command(BaseCommand):
    @property
    def help(self) -> str:

        return _("Run background jobs (imports, re-scoring, scans) until stopped.")

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help=_("Run what is queued, then stop."))

    def handle(self, *args, batch: bool, **options):
        call_command("db_worker", batch=batch, verbosity=options["verbosity"])
