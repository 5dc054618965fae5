"""``peyvand export KIND FILE``: write a list (optionally filtered) to CSV or XLSX, by the file's extension."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from peyvand.core.errors import PeyvandError
from peyvand.imports.commandline import acting_user


class Command(BaseCommand):
    @property
    def help(self) -> str:  # a property: translated when shown, not at import
        return _("Export contacts, companies, leads or deals the user may see to a .csv or .xlsx file.")

    def add_arguments(self, parser):
        from peyvand.imports.exporting import exportable_types

        parser.add_argument("kind", choices=[t.plural for t in exportable_types()])
        parser.add_argument("file")
        parser.add_argument(
            "--user", help=_("export what this user may see (default: the first administrator)")
        )
        parser.add_argument("--filter", action="append", default=[], help=_("a list filter, NAME=VALUE"))

    def handle(self, *args, kind, file, user, filter, **options):
        from peyvand.imports.exporting import csv_chunks, rows_for_export, xlsx_bytes

        params = {}
        for item in filter:
            name, _sep, value = item.partition("=")
            params[name] = value
        path = Path(file)
        try:
            rows = rows_for_export(user=acting_user(user), kind=kind, params=params)
            if path.suffix.lower() == ".xlsx":
                path.write_bytes(xlsx_bytes(rows))
            else:
                with open(path, "w", encoding="utf-8", newline="") as handle:
                    for chunk in csv_chunks(rows):
                        handle.write(chunk)
        except PeyvandError as exc:
            details = "; ".join(f"{e['field']}: {e['message']}" for e in exc.errors)
            raise CommandError(f"{exc.message} {details}".strip()) from None
        self.stdout.write(f"wrote {path}")
