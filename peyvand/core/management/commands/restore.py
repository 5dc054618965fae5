"""``peyvand restore FILE``: load a backup into the configured database and upload folders, then check every
table's row count and checksum and every file against the backup's manifest (docs/backups.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connection
from django.utils.translation import gettext as _

from peyvand.core.backup import ENGINE_NAMES, BackupError, DatabaseContent, restore_backup, upload_folders


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _(
            "Restore a backup made by `peyvand backup` into the configured (empty) database and check that every "
            "table and file matches it. Stop Peyvand and its worker first."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("The backup file to restore."))
        parser.add_argument(
            "--replace",
            action="store_true",
            help=_("Drop the database's tables and the uploaded files first, if there are any."),
        )

    def _announce_drop(self, content: DatabaseContent) -> None:
        self.stdout.write(
            _(
                "--replace: dropping every table of the database %(name)s (%(tables)d tables, %(rows)d rows) and "
                "the uploaded files in %(folders)s (%(files)d files)."
            )
            % {
                "name": connection.settings_dict["NAME"],
                "tables": content.tables,
                "rows": content.rows,
                "folders": ", ".join(str(f) for f in upload_folders().values()),
                "files": content.files,
            }
        )

    def handle(self, *args, file: str, replace: bool, **options) -> None:
        try:
            report = restore_backup(Path(file), replace=replace, announce=self._announce_drop)
        except BackupError as error:
            raise CommandError(str(error)) from None
        except DatabaseError as error:  # unreachable server, wrong password, missing database
            raise CommandError(_("The database could not be used: %(error)s") % {"error": error}) from None
        manifest = report.manifest
        self.stdout.write(
            _("Restored the %(engine)s backup of %(date)s: %(tables)d tables and %(files)d uploaded files.")
            % {
                "engine": ENGINE_NAMES[manifest["engine"]],
                "date": manifest.get("created_at", "?"),
                "tables": len(manifest["tables"]),
                "files": len(manifest.get("files", [])),
            }
        )
        if not report.ok:
            for difference in report.differences:
                self.stderr.write(difference)
            raise CommandError(
                _("Check failed: %(count)d differences from the backup (listed above).")
                % {"count": len(report.differences)}
            )
        self.stdout.write(
            _(
                "Check passed: every table's row count and checksum (%(tables)d tables) and every file (%(files)d) "
                "match the backup."
            )
            % {"tables": report.tables_checked, "files": report.files_checked}
        )
        self.stdout.write(
            _(
                "Run `peyvand migrate` if this version of Peyvand is newer than the backup. Sessions and "
                "calendar-feed links stay valid only with the secret key in use when the backup was made."
            )
        )
