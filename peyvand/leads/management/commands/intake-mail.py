"""``peyvand intake-mail DIR``: every new message of a Maildir becomes a lead; processed ones move to cur/, and a
message that cannot become a lead moves to the Maildir's ``failed`` folder (``DIR/.failed``), so one bad message
never holds up the others on every run."""

import mailbox
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from peyvand.core.errors import PeyvandError
from peyvand.leads.intake import intake_actor, intake_email
from peyvand.leads.models import Lead

FAILED_FOLDER = "failed"


class Command(BaseCommand):
    @property
    def help(self) -> str:  # a property: translated when shown, not at import
        return _(
            "Turn the new messages of a Maildir into leads (source: e-mail); processed messages move to cur/, "
            "messages that cannot become a lead to the folder .failed."
        )

    def add_arguments(self, parser):
        parser.add_argument("maildir", help=_("The Maildir folder (with new/, cur/ and tmp/)."))
        parser.add_argument("--pipeline", type=int, default=None, help=_("Pipeline id for the leads."))

    def handle(self, *args, maildir, pipeline, **options):
        if not (Path(maildir) / "new").is_dir():
            raise CommandError(f"{maildir} is not a Maildir (no new/ folder).")
        box = mailbox.Maildir(maildir, factory=None, create=False)
        actor = intake_actor()
        created = known = failed = 0
        others: dict[str, int] = {}  # what routes other than leads made (tickets), by their plural name
        for key in sorted(box.iterkeys()):
            message = box.get_message(key)
            if message.get_subdir() != "new":
                continue  # already processed on an earlier run
            try:
                record, is_new = intake_email(actor=actor, raw=box.get_bytes(key), pipeline=pipeline)
            except PeyvandError as exc:
                failed += 1
                self._move_aside(box, maildir, key, str(exc.message))
                continue
            except Exception as exc:  # noqa: BLE001 - whatever one message does, the others are still read
                failed += 1
                self._move_aside(box, maildir, key, f"{type(exc).__name__}: {exc}")
                continue
            known += not is_new
            if is_new and isinstance(record, Lead):
                created += 1
            elif is_new:
                plural = str(record._meta.verbose_name_plural)
                others[plural] = others.get(plural, 0) + 1
            message.set_subdir("cur")
            message.add_flag("S")
            box[key] = message
        made = "".join(f", {count} {plural}" for plural, count in sorted(others.items()))
        self.stdout.write(f"{created} leads created{made}, {known} already received, {failed} failed.")
        if failed:
            folder = Path(maildir) / f".{FAILED_FOLDER}"
            raise CommandError(f"{failed} messages could not be read; they were moved to {folder}.")

    def _move_aside(self, box: mailbox.Maildir, maildir: str, key: str, reason: str) -> None:
        """Keep the message, unread, in the failed folder for a person to look at; say which and why."""
        folder = box.add_folder(FAILED_FOLDER)  # Maildir++: DIR/.failed, which mail programs show as a folder
        folder.add(box.get_bytes(key))
        box.remove(key)
        self.stderr.write(f"{key}: moved to {Path(maildir) / ('.' + FAILED_FOLDER)}: {reason}")
