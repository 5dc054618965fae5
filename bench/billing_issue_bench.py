"""Issuing invoices under concurrency (PostgreSQL): how long a manager waits for an issue, number included.

    nice -n 15 python -m bench.billing_issue_bench --issuers 10 --per-issuer 30 \
        --postgres postgres://postgres@127.0.0.1:5432/peyvand_bench_issue

The database named in --postgres is dropped, created afresh and migrated. A team with a sales manager, a customer
and five products are made, then draft invoices of five lines each through ``services_invoices.create_invoice``,
all dated the same day (so every issue draws from one fiscal year's number sequence).

Each issue is ``services_invoices.issue_invoice`` called as the manager outside any transaction, so the time is
what the user waits for: the issue, its commit and what runs on commit in the request (the ``invoice_issued``
receivers, such as automation, and queueing the PDF job in ``django_tasks_db``'s table). The PDF itself is
rendered later by the task worker, which the bench does not run (set PEYVAND_TASKS=immediate to see the cost of
rendering it inline instead).

First a baseline in the same run: one issuer issuing --per-issuer drafts alone. Then --issuers processes, each
with its own connection, start together and issue their drafts. For each: p50 / p95 / max of an issue in ms and
issues per second; for the concurrent run also how long an issue waited for the number sequence's row lock and
how long it then held it (from the lock to the commit). Afterwards the numbers of the year are checked: 1..N,
no gap, no duplicate.
"""

import argparse
import datetime as dt
import multiprocessing
import statistics
import sys
import time

from bench.dashboard_bench import _setup, fresh_postgres

LINES = 5


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def prepare(drafts: int, day: dt.date) -> tuple[int, list[int]]:
    """The manager's id and ``drafts`` draft invoices of five lines each, dated ``day``."""
    from peyvand.accounts.models import Role, Team, User
    from peyvand.billing import services_invoices
    from peyvand.billing.models import BillingSettings, Product
    from peyvand.contacts.models import Company

    team = Team.objects.create(name="تیم فروش")
    manager = User.objects.create(username="bench-manager", role=Role.SALES_MANAGER, team=team)
    BillingSettings.current()
    company = Company.objects.create(name="بازرگانی پارسیان", owner=manager, team=team)
    products = [
        Product.objects.create(code=f"P{i}", name=f"کالا {i}", price=1_000_000 * (i + 1), owner=manager)
        for i in range(LINES)
    ]
    rows = [
        {"product": p.pk, "quantity": str(i + 1), "discount_percent": "5", "tax_percent": "10"}
        for i, p in enumerate(products)
    ]
    ids = [
        services_invoices.create_invoice(
            actor=manager, values={"company": company.pk, "issue_date": day, "lines": rows}
        ).pk
        for _n in range(drafts)
    ]
    return manager.pk, ids


def issue_all(manager_id: int, ids: list[int], start_at=None):
    """Issue each draft after ``start_at`` (a barrier) lets every process go: per issue (total, took the number,
    held its lock to the commit) in ms, and the wall clock's first and last moment."""
    from django.db import connections, transaction

    from peyvand.accounts.models import User
    from peyvand.billing import services_invoices
    from peyvand.billing.models import Invoice

    connections.close_all()  # a process of its own opens its own connection
    manager = User.objects.get(pk=manager_id)
    invoices = list(Invoice.objects.filter(pk__in=ids).order_by("pk"))
    allocate = services_invoices.next_number
    marks: dict[str, float] = {}

    def timed_next_number(kind, fiscal_year):
        # The same allocation, timed: before the lock, once it is held, and when its transaction commits.
        marks["asked"] = time.perf_counter()
        number = allocate(kind, fiscal_year)
        marks["locked"] = time.perf_counter()
        transaction.on_commit(lambda: marks.__setitem__("committed", time.perf_counter()))
        return number

    services_invoices.next_number = timed_next_number
    if start_at is not None:
        start_at.wait()  # a barrier: every process set up before the first issue
    began_wall = time.time()
    samples = []
    for invoice in invoices:
        began = time.perf_counter()
        services_invoices.issue_invoice(actor=manager, invoice=invoice)
        done = time.perf_counter()
        samples.append(
            (
                (done - began) * 1000,
                (marks["locked"] - marks["asked"]) * 1000,
                (marks["committed"] - marks["locked"]) * 1000,
            )
        )
    services_invoices.next_number = allocate
    connections.close_all()
    return samples, (began_wall, time.time())


def _worker(args):
    url, manager_id, ids, start_at = args
    _setup(url)
    return issue_all(manager_id, ids, start_at)


def report(label: str, samples: list[tuple[float, float, float]], seconds: float) -> None:
    total = [s[0] for s in samples]
    waited = [s[1] for s in samples]
    held = [s[2] for s in samples]
    print(
        f"| {label} | {len(total)} | {statistics.median(total):.1f} / {percentile(total, 0.95):.1f} / "
        f"{max(total):.1f} | {len(total) / seconds:.0f} | {statistics.median(waited):.1f} / "
        f"{percentile(waited, 0.95):.1f} | {statistics.median(held):.1f} / {percentile(held, 0.95):.1f} |",
        flush=True,
    )


def check_numbers(day: dt.date) -> int:
    """The issued invoices of the day's fiscal year are numbered 1..N with no gap and no duplicate."""
    from peyvand.billing import documents
    from peyvand.billing.models import BillingSettings, Invoice, InvoiceKind

    year = documents.fiscal_year(day, BillingSettings.current().fiscal_calendar)
    sequences = list(
        Invoice.objects.filter(kind=InvoiceKind.INVOICE, fiscal_year=year).values_list("sequence", flat=True)
    )
    numbers = list(
        Invoice.objects.filter(kind=InvoiceKind.INVOICE, fiscal_year=year).values_list("number", flat=True)
    )
    assert sorted(sequences) == list(range(1, len(sequences) + 1)), "a gap or a duplicate in the sequence"
    assert len(set(numbers)) == len(numbers), "a duplicate number"
    return len(sequences)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--issuers", type=int, default=10)
    parser.add_argument("--per-issuer", type=int, default=30)
    parser.add_argument("--postgres", required=True)
    args = parser.parse_args(argv)
    fresh_postgres(args.postgres)
    _setup(args.postgres)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    day = timezone.localdate()
    count = args.per_issuer * (args.issuers + 1)
    started = time.perf_counter()
    manager_id, ids = prepare(count, day)
    print(f"{count} drafts of {LINES} lines in {time.perf_counter() - started:.0f} s", flush=True)
    print(f"tasks backend: {settings.TASKS['default']['BACKEND']}")
    print(
        "| run | issues | p50 / p95 / max ms | issues/s | lock wait p50 / p95 ms | lock held p50 / p95 ms |"
    )
    print("|---|---|---|---|---|---|")
    alone, rest = ids[: args.per_issuer], ids[args.per_issuer :]
    began = time.perf_counter()
    samples, _wall = issue_all(manager_id, alone)
    report("1 issuer (baseline)", samples, time.perf_counter() - began)
    connections.close_all()
    chunks = [rest[i :: args.issuers] for i in range(args.issuers)]
    context = multiprocessing.get_context("spawn")
    start_at = context.Manager().Barrier(args.issuers)
    with context.Pool(args.issuers) as pool:
        results = pool.map_async(_worker, [(args.postgres, manager_id, c, start_at) for c in chunks])
        results.wait()
    chunks_out = results.get()
    samples = [s for chunk, _wall in chunks_out for s in chunk]
    first, last = min(w[0] for _c, w in chunks_out), max(w[1] for _c, w in chunks_out)
    report(f"{args.issuers} issuers at once", samples, last - first)
    print(f"numbers checked: {check_numbers(day)} invoices numbered 1..N, no gap, no duplicate")


if __name__ == "__main__":
    sys.exit(main())
