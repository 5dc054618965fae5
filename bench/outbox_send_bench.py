"""Sending tracked e-mail through the outbox: N queued messages drained by one worker into a local SMTP sink.

    nice -n 10 python -m bench.outbox_send_bench --messages 10000
    nice -n 10 python -m bench.outbox_send_bench --messages 10000 \
        --postgres postgres://postgres@127.0.0.1:5432/peyvand_bench_outbox

SQLite (a fresh file in a temporary data directory) unless --postgres names a database, which is then dropped and
created afresh; either is migrated. An SMTP sink (aiosmtpd, in a process of its own so it does not share the
worker's interpreter) takes every message and keeps only counts: messages, distinct recipients, and how many carry
the tracking pixel and have every link rewritten through the click redirect.

N contacts are made (``bulk_create``), each with its own address; the site's tracking is on (``MessagingSettings``).
For each contact ``messaging.services.send`` writes a tracked HTML e-mail with three links under the newsletters
topic (so with the unsubscribe headers), tied to the contact, with ``send_at`` a day ahead: the rows stay queued
for the outbox job; once all are written, their time is moved to now (one UPDATE). Then, timed, this one process
runs the job (``services.deliver_due``, which claims 200 rows a run) until nothing is due, as the worker's ``outbox-deliver`` would, and the sink's counts are checked.

The baseline, measured in the same run: the same N messages (subject, text and untracked HTML) built as
``EmailMultiAlternatives`` and sent by Django's SMTP backend over one connection (``send_messages``, as
``send_mass_mail`` does), nothing read or written in the database. ``--profile`` runs the job under cProfile.
"""

import argparse
import cProfile
import multiprocessing
import os
import pstats
import re
import socket
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.dashboard_bench import fresh_postgres  # noqa: E402

SUBJECTS = ("خبرنامه آذر", "December newsletter", "پیشنهاد ویژه چاپگر", "New printers in stock")
HTML = """<html><body dir="rtl">
<p>سلام {name}،</p>
<p>چاپگرهای تازه رسید. <a href="https://shop.example.com/printers?ref={n}">فهرست قیمت</a> را ببینید.</p>
<p>Read <a href="https://blog.example.com/2026/12/printers">the review</a> or
<a href='https://shop.example.com/offer/{n}'>take the offer</a>.</p>
<p>با سپاس، گروه فروش</p>
</body></html>"""
TEXT = "سلام {name}، چاپگرهای تازه رسید: https://shop.example.com/printers?ref={n}"
LINKS = 3

_HREF = re.compile(rb"""href=["']([^"']+)["']""")


# --- the SMTP sink, in its own process ------------------------------------------------------------------------


class Sink:
    """Takes every message and keeps counts: how many, to how many addresses, and how many are tracked as they
    should be (the pixel is there and every link goes through the click redirect)."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.received = 0
        self.recipients: set[str] = set()
        self.with_pixel = 0
        self.links_rewritten = 0
        self.bytes = 0

    async def handle_DATA(self, server, session, envelope):
        import email

        self.received += 1
        self.recipients.update(envelope.rcpt_tos)
        self.bytes += len(envelope.content)
        parsed = email.message_from_bytes(envelope.content)
        for part in parsed.walk():
            if part.get_content_type() == "text/html":
                markup = part.get_payload(decode=True)
                self.with_pixel += b"/t/o/" in markup
                links = _HREF.findall(markup)
                self.links_rewritten += len(links) == LINKS and all(b"/t/c/" in link for link in links)
        return "250 OK"

    def counts(self) -> dict:
        return {
            "received": self.received,
            "recipients": len(self.recipients),
            "with_pixel": self.with_pixel,
            "links_rewritten": self.links_rewritten,
            "bytes": self.bytes,
        }


def _serve(port: int, pipe) -> None:
    from aiosmtpd.controller import Controller

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port, data_size_limit=None)
    controller.start()
    pipe.send("ready")
    while True:
        command = pipe.recv()
        if command == "counts":
            pipe.send(sink.counts())
        elif command == "reset":
            sink.reset()
            pipe.send("ok")
        else:
            controller.stop()
            pipe.send("stopped")
            return


class SinkProcess:
    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.pipe, theirs = multiprocessing.Pipe()
        self.process = multiprocessing.get_context("fork").Process(target=_serve, args=(self.port, theirs))

    def start(self) -> "SinkProcess":
        self.process.start()
        assert self.pipe.recv() == "ready"
        return self

    def ask(self, command: str):
        self.pipe.send(command)
        return self.pipe.recv()

    def stop(self) -> None:
        self.ask("stop")
        self.process.join(5)


def wait_for(sink: SinkProcess, count: int, timeout: float = 30) -> dict:
    """The sink's counts once it has taken ``count`` messages (the last ones may still be in its loop)."""
    deadline = time.monotonic() + timeout
    while True:
        counts = sink.ask("counts")
        if counts["received"] >= count or time.monotonic() > deadline:
            return counts
        time.sleep(0.05)


# --- the bench ---------------------------------------------------------------------------------------------------


def setup_django(postgres: str | None, data_dir: Path, port: int) -> None:
    os.environ["PEYVAND_DATA_DIR"] = str(data_dir)
    if postgres:
        os.environ["DATABASE_URL"] = postgres
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peyvand.settings")
    os.environ["PEYVAND_EMAIL_HOST"] = "127.0.0.1"
    os.environ["PEYVAND_EMAIL_PORT"] = str(port)
    os.environ["PEYVAND_EMAIL_TLS"] = ""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    assert settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
    call_command("migrate", verbosity=0)


def make_contacts(count: int):
    from peyvand.accounts.models import Role, User
    from peyvand.contacts.models import Contact
    from peyvand.messaging.models_consent import MessagingSettings

    owner = User.objects.create(username="bench-owner", role=Role.ADMIN)
    MessagingSettings.objects.create(tracking_enabled=True)
    people = Contact.objects.bulk_create(
        Contact(first_name="مشتری", last_name=str(n), owner=owner, emails=[f"customer{n}@example.org"])
        for n in range(count)
    )
    return owner, people


def queue(owner, people) -> None:
    import datetime as dt

    from django.utils import timezone

    from peyvand.messaging.services import send

    later = timezone.now() + dt.timedelta(days=1)
    for n, person in enumerate(people):
        name = f"{person.first_name} {person.last_name}"
        send(
            channel="email",
            to=person.emails[0],
            subject=f"{SUBJECTS[n % len(SUBJECTS)]} {n}",
            body=TEXT.format(name=name, n=n),
            html_body=HTML.format(name=name, n=n),
            record_type="contact",
            record_id=person.pk,
            source=f"user:{owner.pk}",
            topic="newsletters",
            created_by=owner,
            send_at=later,
        )


def baseline(people) -> float:
    """Seconds to send the same messages, untracked and unrecorded, over one SMTP connection."""
    from django.core.mail import EmailMultiAlternatives, get_connection

    mails = []
    for n, person in enumerate(people):
        name = f"{person.first_name} {person.last_name}"
        mail = EmailMultiAlternatives(
            subject=f"{SUBJECTS[n % len(SUBJECTS)]} {n}",
            body=TEXT.format(name=name, n=n),
            to=[person.emails[0]],
        )
        mail.attach_alternative(HTML.format(name=name, n=n), "text/html")
        mails.append(mail)
    started = time.perf_counter()
    sent = get_connection().send_messages(mails)
    took = time.perf_counter() - started
    assert sent == len(people), sent
    return took


def drain() -> tuple[dict[str, int], int]:
    """Run the outbox job until nothing is due: what came of it, and how many runs it took."""
    from django.utils import timezone

    from peyvand.messaging.services import deliver_due

    total = {"sent": 0, "failed": 0, "retrying": 0, "deferred": 0}
    runs = 0
    while True:
        outcome = deliver_due(timezone.now())
        runs += 1
        for key, value in outcome.items():
            total[key] += value
        if not any(outcome.values()):
            return total, runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--postgres", help="a PostgreSQL URL whose database may be dropped and re-created")
    parser.add_argument("--profile", action="store_true", help="run the outbox job under cProfile")
    args = parser.parse_args()

    sink = SinkProcess().start()
    try:
        if args.postgres:
            fresh_postgres(args.postgres)
        data_dir = Path(tempfile.mkdtemp(prefix="peyvand-outbox-bench-"))
        setup_django(args.postgres, data_dir, sink.port)
        from django.db import connection
        from django.utils import timezone

        from peyvand.messaging.models import Outbox, OutboxStatus

        owner, people = make_contacts(args.messages)
        started = time.perf_counter()
        queue(owner, people)
        print(
            f"{connection.vendor}: queued {args.messages:,} tracked e-mails with send(): "
            f"{time.perf_counter() - started:.1f} s; load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )

        took = baseline(people)
        counts = wait_for(sink, args.messages)
        assert counts["received"] == args.messages, counts
        base_rate = args.messages / took
        print(
            f"baseline, Django's SMTP backend, one connection, untracked: {args.messages:,} in {took:.1f} s = "
            f"{base_rate:,.0f}/s",
            flush=True,
        )
        sink.ask("reset")

        # The campaign's time comes: every row due now (queueing them took longer than any short wait).
        Outbox.objects.filter(status=OutboxStatus.QUEUED).update(next_attempt_at=timezone.now())
        profile = cProfile.Profile() if args.profile else None
        started = time.perf_counter()
        if profile:
            profile.enable()
        outcome, runs = drain()
        if profile:
            profile.disable()
        took = time.perf_counter() - started
        counts = wait_for(sink, args.messages)
        rate = outcome["sent"] / took
        print(
            f"outbox job, one worker: {outcome['sent']:,} sent in {took:.1f} s = {rate:,.0f}/s "
            f"({base_rate / rate:.1f}× the baseline's time), {runs} runs; {outcome}",
            flush=True,
        )
        print(
            f"  sink: {counts['received']:,} messages to {counts['recipients']:,} addresses, "
            f"{counts['with_pixel']:,} with the pixel, {counts['links_rewritten']:,} with all {LINKS} links "
            f"rewritten; {counts['bytes'] / counts['received'] / 1024:.1f} kB a message",
            flush=True,
        )
        left = Outbox.objects.exclude(status=OutboxStatus.SENT).count()
        print(f"  rows not sent: {left}; load average {os.getloadavg()[0]:.1f}")
        assert counts["received"] == counts["recipients"] == args.messages, counts
        assert counts["with_pixel"] == counts["links_rewritten"] == args.messages, counts
        assert left == 0
        if profile:
            stats = pstats.Stats(profile).strip_dirs().sort_stats("cumulative")
            stats.print_stats(70)
    finally:
        sink.stop()


if __name__ == "__main__":
    main()
