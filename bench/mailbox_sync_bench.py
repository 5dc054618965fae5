"""Syncing a large mailbox from a real IMAP server (Debian's Dovecot, started by the bench) into PostgreSQL.

    nice -n 10 python -m bench.mailbox_sync_bench --messages 50000 \
        --postgres postgres://postgres@127.0.0.1:5432/peyvand_bench_mail

The database named in --postgres is dropped and created afresh and migrated; 5,000 contacts (each with an e-mail,
a fifth of them at one of 500 companies, a third with an open deal) are made with ``bulk_create`` and their
duplicate keys indexed (``contacts.duplicates.index_all``). Dovecot runs from a temporary directory
(``tests/messaging/dovecot.py``); N generated messages are put in its INBOX by IMAP APPEND (imap-tools), a
quarter of them from the contacts' addresses, a tenth answers to earlier ones (In-Reply-To/References), mixed
Persian and English subjects and bodies of 200–2,000 characters.

Timed in the same run: the baseline, imap-tools' own fetch of every message of the folder (``fetch(bulk=…,
mark_seen=False)``, headers and bodies, nothing kept), then ``messaging.mailboxes.sync_mailbox`` reading the same
folder from its start: parsing, threading, linking and storing each batch, first into a private mailbox, then
into a shared one (whose incoming mail is also offered to the inbound routes: the service desk's look-ups). Each is
followed by a second sync (nothing new).
"""

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.dashboard_bench import _setup, fresh_postgres  # noqa: E402

SUBJECTS = (
    "پیش‌فاکتور چاپگر",
    "Price list for 2027",
    "درخواست جلسه",
    "Delivery date",
    "قرارداد پشتیبانی",
    "Invoice question",
)
WORDS = "سلام لطفا قیمت را بفرستید ما ده دستگاه می‌خواهیم please send the offer we need ten printers by next week".split()


def make_contacts(count: int, companies: int):
    from django.utils import timezone

    from peyvand.accounts.models import Role, User
    from peyvand.contacts.duplicates import index_all
    from peyvand.contacts.models import Company, Contact
    from peyvand.sales.models import Deal, Pipeline, Stage

    now = timezone.now()
    owner = User.objects.create(username="bench-owner", role=Role.ADMIN)
    pipeline = Pipeline.objects.create(name="Sales", is_default=True)
    stage = Stage.objects.create(pipeline=pipeline, name="Lead in", order=0, probability=10)
    firms = Company.objects.bulk_create(
        Company(name=f"Company {n}", owner=owner, emails=[f"info@company{n}.example"])
        for n in range(companies)
    )
    people = Contact.objects.bulk_create(
        Contact(
            first_name="Customer",
            last_name=str(n),
            owner=owner,
            emails=[f"customer{n}@example.org"],
            company=firms[n % companies] if n % 5 == 0 else None,
        )
        for n in range(count)
    )
    Deal.objects.bulk_create(
        Deal(
            title=f"Deal {n}",
            owner=owner,
            pipeline=pipeline,
            stage=stage,
            contact=person,
            stage_entered_at=now,
        )
        for n, person in enumerate(people)
        if n % 3 == 0
    )
    index_all("contact")
    index_all("company")
    return [f"customer{n}@example.org" for n in range(count)], owner


def generate(count: int, known: list[str], seed: int = 1):
    rnd = random.Random(seed)
    for n in range(count):
        sender = rnd.choice(known) if n % 4 == 0 else f"stranger{rnd.randrange(20000)}@elsewhere.example"
        body = " ".join(rnd.choice(WORDS) for _ in range(rnd.randrange(30, 300)))
        headers = [
            f"From: Someone <{sender}>",
            "To: sales@example.com",
            f"Subject: {rnd.choice(SUBJECTS)} {n}",
            f"Date: Mon, 7 Dec 2026 {n % 24:02d}:{n % 60:02d}:00 +0330",
            f"Message-ID: <bench{n}@bench.example>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
        ]
        if n % 10 == 9:
            parent = rnd.randrange(n)
            headers += [
                f"In-Reply-To: <bench{parent}@bench.example>",
                f"References: <bench{parent}@bench.example>",
            ]
        yield ("\r\n".join(headers) + "\r\n\r\n" + body + "\r\n").encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=50000)
    parser.add_argument("--contacts", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--postgres", required=True)
    args = parser.parse_args()

    fresh_postgres(args.postgres)
    _setup(args.postgres)
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    settings.PEYVAND_OUTBOUND_ALLOW_HOSTS = ["127.0.0.1"]
    from imap_tools import A

    from peyvand.messaging import mailboxes
    from peyvand.messaging.models import Mailbox, MailLink, MailMessage
    from tests.messaging.dovecot import Dovecot

    known, owner = make_contacts(args.contacts, args.contacts // 10)
    server = Dovecot({"sales@example.com": "bench-secret"}).start()
    try:
        started = time.perf_counter()
        with server.client("sales@example.com") as client:
            for raw in generate(args.messages, known):
                client.append(raw, "INBOX")
        print(f"APPEND {args.messages:,} messages: {time.perf_counter() - started:.1f} s", flush=True)

        started = time.perf_counter()
        fetched = 0
        with server.client("sales@example.com") as client:
            client.folder.set("INBOX")
            for message in client.fetch(A(all=True), mark_seen=False, bulk=args.batch):
                fetched += bool(message.uid)
        baseline = time.perf_counter() - started
        print(
            f"baseline, imap-tools fetch: {fetched:,} in {baseline:.1f} s = {fetched / baseline:,.0f}/s",
            flush=True,
        )

        for shared in (False, True):
            mailbox = Mailbox.objects.create(
                name="Sales",
                email_address="sales@example.com",
                owner=None if shared else owner,
                imap_host="127.0.0.1",
                imap_port=server.port,
                imap_security="none",
                imap_user="sales@example.com",
                imap_password="bench-secret",
                folders=["INBOX"],
                shared=shared,
            )
            kind = "shared (each message offered to the service desk's route)" if shared else "private"
            started = time.perf_counter()
            result = mailboxes.sync_mailbox(mailbox, batch_size=args.batch)
            took = time.perf_counter() - started
            print(
                f"sync with linking, {kind} mailbox: {result.stored:,} stored in {took:.1f} s = "
                f"{result.stored / took:,.0f}/s ({took / baseline:.1f}× the baseline)",
                flush=True,
            )
            mine = MailMessage.objects.filter(mailbox=mailbox)
            print(
                f"  links: {MailLink.objects.filter(message__mailbox=mailbox).count():,}; messages linked: "
                f"{mine.filter(links__isnull=False).distinct().count():,}; threads: "
                f"{mine.values('thread_id').distinct().count():,}",
                flush=True,
            )
            started = time.perf_counter()
            again = mailboxes.sync_mailbox(mailbox, batch_size=args.batch)
            print(
                f"  second sync (nothing new): {again.stored} stored in {time.perf_counter() - started:.2f} s"
            )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
