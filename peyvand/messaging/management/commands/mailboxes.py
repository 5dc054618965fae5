import threading

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peyvand.messaging import mailboxes
from peyvand.messaging.models import Mailbox


class Command(BaseCommand):
    help = gettext_lazy(
        "Read the new mail of every mailbox that is due (the worker does it each minute); with --idle, keep a "
        "connection to each active mailbox's inbox open and read new mail as soon as the server announces it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--idle", action="store_true", help=gettext_lazy("Wait for new mail with IMAP IDLE.")
        )

    def handle(self, *args, **options):
        if not options["idle"]:
            for pk, result in mailboxes.sync_due().items():
                if result is None:
                    self.stdout.write(_("Mailbox %(id)s failed; see its page.") % {"id": pk})
                else:
                    self.stdout.write(
                        _("Mailbox %(id)s: %(count)s new.") % {"id": pk, "count": result.stored}
                    )
            return
        stop = threading.Event()
        threads = [
            threading.Thread(target=mailboxes.idle_loop, args=(pk,), kwargs={"stop": stop}, daemon=True)
            for pk in Mailbox.objects.filter(active=True).values_list("pk", flat=True)
        ]
        for thread in threads:
            thread.start()
        try:
            for thread in threads:
                thread.join()
        except KeyboardInterrupt:
            stop.set()
