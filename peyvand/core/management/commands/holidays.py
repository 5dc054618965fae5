from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peyvand.core.errors import ValidationFailed
from peyvand.core.holidays import import_holidays, read_holidays


class Command(BaseCommand):
    help = gettext_lazy("Import official holidays and days off from a CSV or XLSX file (date, name, share).")

    def add_arguments(self, parser):
        parser.add_argument("file", help=gettext_lazy("CSV or XLSX file"))
        parser.add_argument(
            "--dry-run", action="store_true", help=gettext_lazy("Check the file, store nothing.")
        )

    def handle(self, *args, file, dry_run, **options):
        try:
            with open(file, "rb") as handle:
                content = handle.read()
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        if dry_run:
            report = read_holidays(content, file)
            for error in report.errors:
                self.stderr.write(f"{error['field']}: {error['message']}")
            self.stdout.write(_("%(count)s rows are good.") % {"count": len(report.rows)})
            if report.errors:
                raise CommandError(_("The file has errors; nothing was stored."))
            return
        try:
            report = import_holidays(actor=None, content=content, filename=file)
        except ValidationFailed as exc:
            for error in exc.errors:
                self.stderr.write(f"{error['field']}: {error['message']}")
            raise CommandError(_("The file has errors; nothing was stored.")) from exc
        self.stdout.write(
            _("Holidays imported: %(created)s new, %(updated)s changed.")
            % {"created": report.created, "updated": report.updated}
        )
