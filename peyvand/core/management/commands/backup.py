"""``peyvand backup FILE``: the database and the uploaded files in one file, with a manifest to check a restore
against (docs/backups.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils.translation import gettext as _

from peyvand.core.backup import ENGINE_NAMES, BackupError, create_backup


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _(
            "Back up the database (pg_dump on PostgreSQL, the online backup API on SQLite) and the uploaded "
            "files to one file, while Peyvand keeps running."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("The backup file to write."))

    def handle(self, *args, file: str, **options) -> None:
        try:
            result = create_backup(Path(file))
        except BackupError as error:
            raise CommandError(str(error)) from None
        except DatabaseError as error:  # unreachable server, wrong password, missing database
            raise CommandError(_("The database could not be used: %(error)s") % {"error": error}) from None
        self.stdout.write(
            _(
                "Backed up the %(engine)s database (%(tables)d tables, %(rows)d rows) and %(files)d uploaded files "
                "to %(path)s (%(size).1f MB) in %(seconds).1f s."
            )
            % {
                "engine": ENGINE_NAMES[result.engine],
                "tables": result.tables,
                "rows": result.rows,
                "files": result.files,
                "path": result.path,
                "size": result.size / 1e6,
                "seconds": result.seconds,
            }
        )
        self.stdout.write(
            _(
                "The secret key is not in the backup: to restore onto another machine and keep sessions and "
                "calendar-feed links valid, carry SECRET_KEY (or the data folder's secret_key file) separately."
            )
        )
