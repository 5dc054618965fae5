"""The SLA job's speed over many open tickets (PostgreSQL).

    nice -n 10 python -m bench.service_sla_bench --tickets 100000 --due 1000 \
        --postgres postgres://postgres@127.0.0.1:5432/peyvand_bench_sla

The database named in --postgres is dropped and created afresh, migrated, and filled with bulk_create: 10 teams of
10 support agents and a manager, one SLA policy (first response 2 working hours, resolution 5 working days), and
N open tickets of which --due have come to a warning or a breach at the job's moment (their first response
unanswered for 100 or 130 working minutes) and the rest are answered and months from their resolution warning; the
due times and next check of each are those ``sla.py`` computes. Then ``VACUUM ANALYZE``. ``--reuse`` keeps an
existing filled database (the job's marks are cleared first, so each run has the same work).

It times one run of the SLA job (``service.periodic.check_sla``) at a fixed moment (Wednesday 16 December 2026,
10:00 in Tehran), with a baseline measured in the same run: ``SELECT count(*)`` of the open tickets.
"""

import argparse
import datetime as dt
import random
import sys
import time
from zoneinfo import ZoneInfo

from bench.dashboard_bench import _setup, fresh_postgres, timed

TEAMS, AGENTS_PER_TEAM = 10, 10
TEHRAN = ZoneInfo("Asia/Tehran")
NOW = dt.datetime(2026, 12, 16, 10, 0, tzinfo=TEHRAN).astimezone(dt.UTC)


def generate(tickets: int, due: int, seed: int = 1) -> dict[str, int]:
    from django.db import connection, transaction

    from peyvand.accounts.models import Role, Team, User
    from peyvand.service import sla
    from peyvand.service.models import SLAPolicy, Ticket, TicketStatus

    rnd = random.Random(seed)
    calendar = sla.BusinessCalendar()
    with transaction.atomic():
        policy = SLAPolicy.objects.create(
            name="Standard", first_response_minutes=120, resolution_minutes=2400
        )
        agents = []
        for t in range(TEAMS):
            team = Team.objects.create(name=f"صف {t + 1}")
            User.objects.create(username=f"manager{t}", role=Role.SALES_MANAGER, team=team)
            agents += User.objects.bulk_create(
                User(username=f"agent{t}-{a}", role=Role.SUPPORT_AGENT, team=team)
                for a in range(AGENTS_PER_TEAM)
            )
        batch: list[Ticket] = []
        for n in range(tickets):
            owner = rnd.choice(agents)
            ticket = Ticket(
                owner=owner,
                team_id=owner.team_id,
                subject=f"تیکت {n}",
                status=TicketStatus.OPEN,
                sla_policy=policy,
            )
            if n < due:
                # The first response unanswered for 100 working minutes (a warning) or 130 (a breach).
                opened = NOW - dt.timedelta(minutes=100 if n % 2 else 130)
            else:
                opened = NOW - dt.timedelta(minutes=rnd.randint(0, 50))
                ticket.first_responded_at = opened + dt.timedelta(minutes=5)
            ticket.sla_started_at = opened
            ticket.first_response_due = sla.add_working_minutes(opened, 120, policy, calendar=calendar)
            ticket.resolution_due = sla.add_working_minutes(opened, 2400, policy, calendar=calendar)
            ticket.sla_state = "ok"
            ticket.sla_next_check = sla.next_check(ticket, now=opened, calendar=calendar)
            batch.append(ticket)
            if len(batch) >= 5000:
                Ticket.objects.bulk_create(batch)
                batch = []
        Ticket.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {"tickets": Ticket.objects.count(), "due": Ticket.objects.filter(sla_next_check__lte=NOW).count()}


def reset() -> None:
    """Undo a previous run's marks, so the job has the same work again."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE service_ticket SET response_warned_at = NULL, response_breached_at = NULL, sla_state = 'ok',"
            " sla_next_check = sla_started_at + interval '90 minutes' WHERE first_responded_at IS NULL"
        )
        cursor.execute("DELETE FROM notifications_notification")


def measure(runs: int) -> None:
    from django.db import connection

    from peyvand.service.models import Ticket
    from peyvand.service.periodic import check_sla

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM service_ticket WHERE status IN ('new', 'open', 'reopened')")
            cursor.fetchone()

    base = timed(baseline, runs)
    print(f"baseline  SELECT count(*) of open tickets: p50 {base[0]:.1f} ms, p95 {base[1]:.1f} ms")
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN SELECT * FROM service_ticket WHERE deleted_at IS NULL AND sla_paused_at IS NULL"
            " AND sla_next_check IS NOT NULL AND sla_next_check <= %s ORDER BY sla_next_check",
            [NOW],
        )
        print("plan:", " / ".join(row[0].strip() for row in cursor.fetchall()[:3]))
    # A worker is a long-lived process: its URLconf (the notifications' links) is loaded before any job runs.
    from django.urls import reverse

    reverse("service-sla-settings")
    reset()
    started = time.perf_counter()
    marked = check_sla(NOW)
    elapsed = (time.perf_counter() - started) * 1000
    open_count = Ticket.objects.filter(status="open").count()
    print(
        f"SLA job, one run over {open_count} open tickets: {marked} warnings and breaches marked in {elapsed:.0f} ms"
        f" ({elapsed / base[1]:.0f}x the baseline's p95)"
    )
    started = time.perf_counter()
    again = check_sla(NOW)
    print(f"the same moment again: {again} marked in {(time.perf_counter() - started) * 1000:.0f} ms")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=20, help="timed runs of the baseline")
    parser.add_argument("--postgres", required=True)
    parser.add_argument("--reuse", action="store_true", help="keep an existing filled database")
    args = parser.parse_args(argv)
    if not args.reuse:
        fresh_postgres(args.postgres)
    _setup(args.postgres)
    from django.conf import settings
    from django.core.management import call_command

    settings.TIME_ZONE = "Asia/Tehran"
    # Notifications' e-mails are queued after commit; the job's own figure is what is measured here.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    if not args.reuse:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        counts = generate(args.tickets, args.due)
        print(f"generated in {time.perf_counter() - started:.0f} s: {counts}", flush=True)
    measure(args.runs)


if __name__ == "__main__":
    sys.exit(main())
