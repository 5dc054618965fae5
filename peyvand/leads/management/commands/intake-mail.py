"""``peyvand intake-mail DIR``: every new message of a Maildir becomes a lead; processed ones move to cur/."""

import mailbox
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from peyvand.core.errors import PeyvandError
from peyvand.leads.intake import intake_actor, intake_email


class Command(BaseCommand):
    @property
    def help(self) -> str:  # a property: translated when shown, not at import
        return _(
            "Turn the new messages of a Maildir into leads (source: e-mail); processed messages move to cur/."
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
        for key in sorted(box.iterkeys()):
            message = box.get_message(key)
            if message.get_subdir() != "new":
                continue  # already processed on an earlier run
            try:
                lead, is_new = intake_email(actor=actor, raw=box.get_bytes(key), pipeline=pipeline)
            except PeyvandError as exc:
                failed += 1
                self.stderr.write(f"{key}: {exc.message} {exc.errors or ''}")
                continue  # stays in new/ to be looked at; a rerun tries it again
            created, known = created + is_new, known + (not is_new)
            message.set_subdir("cur")
            message.add_flag("S")
            box[key] = message
        self.stdout.write(f"{created} leads created, {known} already received, {failed} failed.")
        if failed:
            raise CommandError(f"{failed} messages could not be read; they stay in new/.")
