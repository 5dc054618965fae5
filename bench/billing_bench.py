"""Billing reports' speed on a large invoice history (PostgreSQL).

    nice -n 15 python -m bench.billing_bench --invoices 100000 --payments 150000 \
        --postgres postgres://postgres@127.0.0.1:5432/peyvand_bench_billing

The database named in --postgres is dropped and created afresh, migrated, and filled with COPY: 10 teams of 10 reps
and a manager, 5,000 companies, 200 products in 10 categories, N issued invoices over two years with 5 lines each
(priced by ``billing.amounts``, as the services price them: quantity breaks aside, line and document discounts and
10 % VAT), one credit note for every 40 invoices, and M payments (one in eight a cheque, a few bounced) allocated
to their customer's invoices oldest first, with each invoice's paid, credited and balance kept; then
``VACUUM ANALYZE``. ``--reuse`` keeps an existing filled database. It then times, for a sales manager (one team),
a rep and the administrator, the receivables ageing (as of today) and revenue by product (last twelve months,
invoices) reports as ``run_report`` computes them, --runs times after a warm-up, with a baseline measured in the
same run: ``SELECT count(*)`` of the issued invoices. p50 and p95 are printed in milliseconds, and the ratio of
each p95 to the baseline's.
"""

import argparse
import datetime as dt
import random
import sys
from decimal import Decimal

from bench.dashboard_bench import _reset_sequence, _setup, bulk_loading, copy_rows, fresh_postgres, timed

TEAMS, REPS_PER_TEAM, COMPANIES, PRODUCTS, CATEGORIES, LINES = 10, 10, 5000, 200, 10, 5


def generate(invoices: int, payments: int, seed: int = 1) -> dict[str, int]:
    from django.db import connection, transaction
    from django.utils import timezone

    from peyvand.accounts.models import Role, Team, User
    from peyvand.billing import amounts
    from peyvand.billing.models import (
        Invoice,
        InvoiceLine,
        Payment,
        PaymentAllocation,
        Product,
        ProductCategory,
    )
    from peyvand.contacts.models import Company

    rnd = random.Random(seed)
    today = timezone.localdate()
    first_day = today - dt.timedelta(days=730)
    now = timezone.now()
    counts: dict[str, int] = {}
    with transaction.atomic(), bulk_loading(Company, Invoice, InvoiceLine, Payment, PaymentAllocation):
        teams = [Team.objects.create(name=f"تیم {i + 1}") for i in range(TEAMS)]
        admin = User.objects.create(username="bench-admin", role=Role.ADMIN, is_superuser=True, is_staff=True)
        managers, reps = [], []
        for team in teams:
            managers.append(
                User.objects.create(username=f"manager{team.pk}", role=Role.SALES_MANAGER, team=team)
            )
            for r in range(REPS_PER_TEAM):
                reps.append(User.objects.create(username=f"rep{team.pk}-{r}", role=Role.SALES_REP, team=team))
        categories = [ProductCategory.objects.create(name=f"دسته {i}") for i in range(CATEGORIES)]
        products = Product.objects.bulk_create(
            Product(
                code=f"P{i}",
                name=f"کالا {i}",
                category=categories[i % CATEGORIES],
                price=Decimal(rnd.randrange(10, 5000) * 10_000),
                owner=admin,
            )
            for i in range(PRODUCTS)
        )
        company_owner = {i: rnd.choice(reps) for i in range(1, COMPANIES + 1)}
        counts["companies"] = copy_rows(
            Company,
            ["id", "name", "owner_id", "team_id", "created_at", "updated_at"],
            ((i, f"شرکت {i}", o.pk, o.team_id, now, now) for i, o in company_owner.items()),
        )
        # Invoices in time order; each line priced by billing.amounts, the document's totals their sums.
        invoice_rows, line_rows = [], []
        open_by_company: dict[int, list[list]] = {}
        line_id = 0
        first_line: dict[int, tuple] = {}
        credit_every = 40
        total_docs = invoices + invoices // credit_every
        doc_id = 0
        for n in range(1, invoices + 1):
            company = rnd.randint(1, COMPANIES)
            owner = company_owner[company] if rnd.random() < 0.9 else rnd.choice(reps)
            issue = first_day + dt.timedelta(days=int(n / invoices * 729))
            due = issue + dt.timedelta(days=rnd.choice([0, 15, 30, 30, 60]))
            doc_discount = rnd.choice([Decimal(0), Decimal(0), Decimal(5)])
            chosen = rnd.sample(products, LINES)
            quantities = [Decimal(rnd.randint(1, 20)) for _p in chosen]
            first = [
                (
                    amounts.line_amounts(
                        quantity=quantity,
                        unit_price=p.price,
                        discount_percent=rnd.choice([Decimal(0), Decimal(0), Decimal(10)]),
                    ),
                    Decimal(10),
                )
                for p, quantity in zip(chosen, quantities, strict=True)
            ]
            final, totals = amounts.document_totals(first, discount_percent=doc_discount)
            doc_id += 1
            for position, (p, line, quantity) in enumerate(zip(chosen, final, quantities, strict=True)):
                line_id += 1
                line_rows.append(
                    (
                        line_id,
                        doc_id,
                        position,
                        p.pk,
                        p.name,
                        quantity,
                        p.price,
                        Decimal(10),
                        line.gross,
                        line.discount,
                        line.net,
                        line.tax,
                        line.total,
                    )
                )
                first_line.setdefault(doc_id, line_rows[-1])
            invoice = [
                doc_id,
                "invoice",
                "issued",
                f"INV-{n}",
                1400 + issue.year - 2021,
                n,
                issue,
                due,
                company,
                owner.pk,
                owner.team_id,
                doc_discount,
                totals.gross,
                totals.discount,
                totals.net,
                totals.tax,
                totals.total,
                Decimal(0),
                Decimal(0),
                totals.total,
                None,
            ]
            invoice_rows.append(invoice)
            open_by_company.setdefault(company, []).append(invoice)
            if n % credit_every == 0:
                # A credit note giving back the first line of an earlier invoice of the same customer.
                credited = rnd.choice(open_by_company[company])
                doc_id += 1
                back = first_line[credited[0]]
                line_id += 1
                line_rows.append((line_id, doc_id, 0, *back[3:]))
                credited[17] += back[12]
                credited[19] -= back[12]
                invoice_rows.append(
                    [
                        doc_id,
                        "credit_note",
                        "issued",
                        f"CN-{n}",
                        credited[4],
                        n // credit_every,
                        issue,
                        None,
                        company,
                        credited[9],
                        credited[10],
                        Decimal(0),
                        back[8],
                        back[9],
                        back[10],
                        back[11],
                        back[12],
                        Decimal(0),
                        Decimal(0),
                        Decimal(0),
                        credited[0],
                    ]
                )
        # Payments: each pays part or all of one customer's oldest unpaid invoice, spilling onto the next.
        payment_rows, allocation_rows = [], []
        companies_with_debt = [c for c, docs in open_by_company.items() if docs]
        allocation_id = 0
        for p in range(1, payments + 1):
            company = rnd.choice(companies_with_debt)
            unpaid = [d for d in open_by_company[company] if d[19] > 0]
            if not unpaid:
                unpaid = open_by_company[company]
            target = unpaid[0]
            received = min(target[6] + dt.timedelta(days=rnd.randint(0, 90)), today)
            amount = (
                max(target[19], Decimal(1_000_000))
                if rnd.random() < 0.7
                else max((target[19] / 2).quantize(Decimal("1")), Decimal(100_000))
            )
            cheque = rnd.random() < 0.125
            bounced = cheque and rnd.random() < 0.05
            left, allocated = amount, Decimal(0)
            for doc in unpaid:
                share = min(left, doc[19])
                if share <= 0:
                    break
                allocation_id += 1
                allocation_rows.append((allocation_id, p, doc[0], share, now))
                if not bounced:
                    doc[18] += share
                    doc[19] -= share
                    if doc[19] == 0:
                        doc[2], doc[21:] = "paid", [received]
                    else:
                        doc[2] = "partly_paid"
                left -= share
                allocated += share
            payment_rows.append(
                (
                    p,
                    company,
                    amount,
                    "cheque" if cheque else rnd.choice(["cash", "card", "transfer"]),
                    received,
                    received + dt.timedelta(days=rnd.randint(0, 30)) if cheque else None,
                    ("bounced" if bounced else "cleared") if cheque else "",
                    allocated,
                    target[9],
                    target[10],
                    now,
                    now,
                )
            )
        counts["invoices"] = copy_rows(
            Invoice,
            [
                "id",
                "kind",
                "status",
                "number",
                "fiscal_year",
                "sequence",
                "issue_date",
                "due_date",
                "company_id",
                "owner_id",
                "team_id",
                "discount_percent",
                "gross",
                "discount",
                "net",
                "tax",
                "total",
                "credited",
                "paid",
                "balance",
                "credits_id",
                "paid_at",
                "created_at",
                "updated_at",
            ],
            (
                (
                    *row[:17],
                    row[17],
                    row[18],
                    row[19],
                    row[20],
                    dt.datetime.combine(row[21], dt.time(12), tzinfo=dt.UTC)
                    if len(row) > 21 and row[21]
                    else None,
                    now,
                    now,
                )
                for row in invoice_rows
            ),
        )
        counts["invoice_lines"] = copy_rows(
            InvoiceLine,
            [
                "id",
                "invoice_id",
                "position",
                "product_id",
                "description",
                "quantity",
                "unit_price",
                "tax_percent",
                "gross",
                "discount",
                "net",
                "tax",
                "total",
            ],
            line_rows,
        )
        counts["payments"] = copy_rows(
            Payment,
            [
                "id",
                "company_id",
                "amount",
                "method",
                "received_on",
                "cheque_due_date",
                "cheque_status",
                "allocated",
                "owner_id",
                "team_id",
                "created_at",
                "updated_at",
            ],
            payment_rows,
        )
        counts["allocations"] = copy_rows(
            PaymentAllocation, ["id", "payment_id", "invoice_id", "amount", "created_at"], allocation_rows
        )
        for model in (Company, Invoice, InvoiceLine, Payment, PaymentAllocation):
            _reset_sequence(model)
        assert total_docs == len(invoice_rows)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    counts["admin"], counts["manager"], counts["rep"] = admin.pk, managers[0].pk, reps[0].pk
    return counts


def measure(runs: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from peyvand.accounts.models import User
    from peyvand.analytics.selectors import run_report

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM billing_invoice WHERE status <> 'draft'")
            cursor.fetchone()

    base = timed(baseline, runs)
    print(f"baseline  SELECT count(*) of issued invoices: p50 {base[0]:.1f} ms, p95 {base[1]:.1f} ms")
    today = timezone.localdate()
    year_ago = (today - dt.timedelta(days=365)).isoformat()
    viewers = [
        ("manager", User.objects.filter(role="sales_manager").order_by("pk").first()),
        ("rep", User.objects.filter(role="sales_rep").order_by("pk").first()),
        ("admin", User.objects.filter(role="admin").order_by("pk").first()),
    ]
    cases = [
        ("receivables-ageing", {"as_of": today.isoformat()}),
        ("revenue-by-product", {"start": year_ago, "end": today.isoformat(), "source": "invoices"}),
        (
            "revenue-by-product by category",
            {"start": year_ago, "end": today.isoformat(), "by": "category", "source": "invoices"},
        ),
    ]
    print("| report | viewer | p50 / p95 ms | p95 ÷ baseline p95 |")
    print("|---|---|---|---|")
    for label, params in cases:
        metric = label.split(" ")[0]
        for who, user in viewers:
            p50, p95 = timed(lambda u=user, m=metric, p=params: run_report(u, m, p), runs)
            print(f"| {label} | {who} | {p50:.0f} / {p95:.0f} | {p95 / base[1]:.0f}× |", flush=True)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--payments", type=int, default=150_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--postgres", required=True)
    parser.add_argument("--reuse", action="store_true", help="keep an existing filled database")
    parser.add_argument("--generate-only", action="store_true")
    args = parser.parse_args(argv)
    if not args.reuse:
        fresh_postgres(args.postgres)
    _setup(args.postgres)
    if not args.reuse:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        import time

        started = time.perf_counter()
        counts = generate(args.invoices, args.payments)
        print(f"generated in {time.perf_counter() - started:.0f} s: {counts}", flush=True)
    if not args.generate_only:
        measure(args.runs)


if __name__ == "__main__":
    sys.exit(main())
