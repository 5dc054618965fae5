"""``peyvand import KIND FILE``: check and import a CSV or XLSX file, with progress on the terminal."""

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from peyvand.core.errors import PeyvandError
from peyvand.imports.commandline import acting_user
from peyvand.imports.fields import kinds


class Command(BaseCommand):
    @property
    def help(self) -> str:  # a property: translated when shown, not at import
        return _("Import contacts, companies, leads or deals from a CSV or XLSX file.")

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=kinds())
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help=_("check every row, write nothing"))
        parser.add_argument(
            "--owner", help=_("username that owns the new records (default: the importing user)")
        )
        parser.add_argument("--user", help=_("username that imports (default: the first administrator)"))
        parser.add_argument(
            "--batch-size",
            type=int,
            default=None,
            help=_("rows per transaction (default: 2000; 250 on SQLite)"),
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help=_("rows with the phone or e-mail of a stored record update it instead of being skipped"),
        )

    def handle(self, *args, kind, file, dry_run, owner, user, batch_size, update, **options):
        from peyvand.imports.services import create_run, execute

        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        actor = acting_user(user)
        started = time.monotonic()

        def progress(done, total):
            rate = done / max(time.monotonic() - started, 1e-6)
            percent = f"{done * 100 // total:3d}%" if total else ""
            sys.stderr.write(f"\r{percent} {done}/{total or '?'} rows, {rate:,.0f} rows/s ")
            sys.stderr.flush()

        try:
            run = create_run(
                actor=actor,
                kind=kind,
                file_name=path.name,
                content=path.read_bytes(),
                owner=owner,
                on_duplicate="update" if update else "skip",
            )
            size = max(1, batch_size) if batch_size else None
            run = execute(run=run, dry_run=dry_run, batch_size=size, progress=progress)
        except PeyvandError as exc:
            details = "; ".join(f"{e['field']}: {e['message']}" for e in exc.errors)
            raise CommandError(f"{exc.message} {details}".strip()) from None
        seconds = time.monotonic() - started
        sys.stderr.write("\n")
        for error in run.errors[:50]:
            self.stdout.write(f"row {error['row']}, column {error['column']}: {error['message']}")
        if len(run.errors) > 50:
            self.stdout.write(f"... {run.failed} rows failed in all; see import #{run.pk}")
        verb = "would create" if dry_run else "created"
        self.stdout.write(
            f"import #{run.pk}: {run.total_rows} rows, {verb} {run.created}, updated {run.updated}, "
            f"skipped as duplicate {run.skipped_duplicate}, already imported {run.already_imported}, "
            f"possible duplicates {run.possible_duplicate}, "
            f"failed {run.failed} in {seconds:.1f}s ({run.total_rows / max(seconds, 1e-6):,.0f} rows/s)"
        )
