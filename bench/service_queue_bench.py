"""The support agent's pages on a large service desk (PostgreSQL): 1,000,000 tickets, 5,000,000 messages.

    nice -n 10 python -m bench.service_queue_bench --tickets 1000000 --messages 5 \
        --postgres postgres://postgres@127.0.0.1:5432/peyvand_bench_queue

The database named in --postgres is dropped and created afresh, migrated, and filled by COPY (indexes built after
the load): 50 teams, each a queue of 20 support agents and a support manager; N tickets spread over three years,
the older ones resolved or closed and about 5% still open (new, open, waiting, reopened), each with on average
--messages messages (the customer's, agents' replies and internal notes, 1 to 2x--messages-1 of them). Then
``VACUUM ANALYZE``. ``--reuse`` keeps an existing filled database.

Timed through the Django test client (the app's whole HTTP path, signed in), --runs times each after a warm-up:
an agent's queue (``/tickets/queue/``: counts by status and SLA state), the agent's open tickets (the list page
filtered to their own, open), a support manager's queue, and a ticket's page with its conversation; with two
baselines measured in the same run: ``SELECT count(*)`` of the open tickets, and a bare signed-in page (the
report list). The query plans of the queue's counts and the agent's list are printed.
"""

import argparse
import datetime as dt
import random
import sys
import time

from bench.dashboard_bench import _reset_sequence, _setup, bulk_loading, copy_rows, fresh_postgres, timed

TEAMS, AGENTS_PER_TEAM = 50, 20
NOW = dt.datetime(2026, 12, 16, 7, 0, tzinfo=dt.UTC)
SUBJECTS = (
    "چاپگر صفحه سفید می‌دهد",
    "فاکتور اشتباه است",
    "رمز عبور را فراموش کرده‌ام",
    "مودم وصل نمی‌شود",
    "Invoice total is wrong",
    "Cannot sign in",
    "درخواست نصب دستگاه",
    "Printer jams on every page",
)
OPEN = ("new", "open", "waiting_customer", "reopened")


def generate(tickets: int, per_ticket: int, seed: int = 1) -> dict[str, int]:
    from django.db import connection

    from peyvand.accounts.models import Role, Team, User
    from peyvand.service.models import Ticket, TicketMessage

    rnd = random.Random(seed)
    agents = []
    for t in range(TEAMS):
        team = Team.objects.create(name=f"صف {t + 1}")
        User.objects.create(username=f"manager{t}", role=Role.SUPPORT_MANAGER, team=team)
        agents += User.objects.bulk_create(
            User(username=f"agent{t}-{a}", role=Role.SUPPORT_AGENT, team=team) for a in range(AGENTS_PER_TEAM)
        )
    span = 3 * 365 * 24 * 3600
    open_from = tickets - tickets // 20  # the newest 5% are still open

    def ticket_rows():
        for n in range(1, tickets + 1):
            owner = agents[rnd.randrange(len(agents))]
            created = NOW - dt.timedelta(seconds=span * (tickets - n) / tickets + rnd.random() * 600)
            status = rnd.choice(OPEN) if n > open_from else rnd.choice(("resolved", "closed", "closed"))
            subject = rnd.choice(SUBJECTS)
            done = status in ("resolved", "closed")
            yield (
                n,
                owner.pk,
                owner.team_id,
                created,
                created,
                1,
                subject,
                f"{subject} #{n}",
                status,
                rnd.choice(("low", "normal", "normal", "high", "urgent")),
                rnd.choice(("email", "web_form", "phone")),
                f"c{n % 90000}@example.com",
                "met" if done else rnd.choice(("ok", "ok", "warning", "breached")),
                created + dt.timedelta(hours=2) if done or rnd.random() < 0.7 else None,
                created + dt.timedelta(days=2) if done else None,
                f"{subject} #{n} c{n % 90000}@example.com",
            )

    ticket_fields = [
        "id",
        "owner_id",
        "team_id",
        "created_at",
        "updated_at",
        "version",
        "subject",
        "description",
        "status",
        "priority",
        "channel",
        "customer_email",
        "sla_state",
        "first_responded_at",
        "resolved_at",
        "search_text",
    ]

    def message_rows():
        number = 0
        for ticket_id in range(1, tickets + 1):
            for i in range(rnd.randint(1, 2 * per_ticket - 1)):
                number += 1
                kind = "customer" if i % 2 == 0 else rnd.choice(("reply", "reply", "note"))
                yield (
                    number,
                    ticket_id,
                    kind,
                    f"متن پیام شماره {i} دربارهٔ همین درخواست.",
                    "email",
                    f"<m{number}@example.com>" if kind != "note" else "",
                    NOW - dt.timedelta(seconds=span * (tickets - ticket_id) / tickets - i * 3600),
                )

    message_fields = ["id", "ticket_id", "kind", "body", "channel", "message_id", "created_at"]
    with bulk_loading(Ticket, TicketMessage):
        made = copy_rows(Ticket, ticket_fields, ticket_rows())
        print(f"  {made} tickets", flush=True)
        messages = copy_rows(TicketMessage, message_fields, message_rows())
        print(f"  {messages} messages", flush=True)
    _reset_sequence(Ticket)
    _reset_sequence(TicketMessage)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {"tickets": made, "messages": messages}


def measure(runs: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.utils import translation

    from peyvand.accounts.models import User
    from peyvand.service.models import Ticket

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM service_ticket WHERE status IN ('new', 'open', 'reopened')")
            cursor.fetchone()

    base = timed(baseline, runs)
    print(f"baseline  SELECT count(*) of open tickets: p50 {base[0]:.1f} ms, p95 {base[1]:.1f} ms")
    translation.activate("fa")
    agent = User.objects.get(username="agent7-3")
    manager = User.objects.get(username="manager7")
    ticket = Ticket.objects.filter(owner=agent).order_by("-id").first()
    pages = {
        "agent: queue counts /tickets/queue/": (agent, "/tickets/queue/"),
        "agent: own open tickets (list)": (agent, f"/tickets/?owner={agent.pk}&status=open"),
        "agent: the queue's new tickets (list)": (agent, "/tickets/?status=new"),
        "agent: a ticket's page": (agent, f"/tickets/{ticket.pk}/"),
        "support manager: queue counts": (manager, "/tickets/queue/"),
    }
    bare_client = Client()
    bare_client.force_login(agent)
    bare = timed(lambda: bare_client.get("/reports/", HTTP_HOST="127.0.0.1"), runs)
    print(f"baseline  a bare signed-in page (/reports/): p50 {bare[0]:.0f} ms, p95 {bare[1]:.0f} ms")
    for label, (user, url) in pages.items():
        client = Client()
        client.force_login(user)
        answer = client.get(url, HTTP_HOST="127.0.0.1")
        assert answer.status_code == 200, (url, answer.status_code)
        figures = timed(lambda client=client, url=url: client.get(url, HTTP_HOST="127.0.0.1"), runs)
        print(
            f"{label:<40} p50 {figures[0]:6.0f} ms, p95 {figures[1]:6.0f} ms"
            f" ({figures[1] / bare[1]:.1f}x the bare page, {figures[1] / base[1]:.0f}x the count)"
        )
    from peyvand.service.selectors_tickets import queue_counts, tickets_visible_to

    with connection.cursor() as cursor:
        visible = tickets_visible_to(agent).filter(owner=agent, status="open").order_by("-created_at")[:25]
        sql, params = visible.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        print("plan, own open tickets:", " / ".join(row[0].strip() for row in cursor.fetchall()[:4]))
    queue_counts(agent)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--messages", type=int, default=5, help="messages per ticket on average")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--postgres", required=True)
    parser.add_argument("--reuse", action="store_true", help="keep an existing filled database")
    args = parser.parse_args(argv)
    if not args.reuse:
        fresh_postgres(args.postgres)
    _setup(args.postgres)
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    if not args.reuse:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        counts = generate(args.tickets, args.messages)
        print(f"generated in {time.perf_counter() - started:.0f} s: {counts}", flush=True)
    measure(args.runs)


if __name__ == "__main__":
    sys.exit(main())
