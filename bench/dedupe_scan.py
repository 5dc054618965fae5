"""Benchmark of the duplicate scan: generate N contacts, load them, scan, and score the result against the truth.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/peyvand_bench python -m bench.dedupe_scan --rows 1000000

Use a database of its own: the contacts and companies of the bench user are deleted before loading. Without
DATABASE_URL it runs on SQLite in var/bench-dedupe.sqlite3. Bad rows are left out (an import refuses them), the
others are cleaned as the services clean them (Persian letters, E.164 phones, lower-case e-mails) and
bulk-inserted (COPY on PostgreSQL). Prints load and scan time, rows/s, and recall and precision of the duplicate
pairs found against the planted ones.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup() -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-dedupe.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peyvand.settings")
    (ROOT / "var").mkdir(exist_ok=True)
    import django

    django.setup()


def _clean_rows(rows: int, seed: int, bare_duplicates: float = 0.0):
    """(row number, contact values) for every good row, and the truth of every row.

    ``bare_duplicates`` is the share of planted duplicates whose phone and e-mail are blanked, so that only
    their name (at the same company or city) can join them to their original.
    """
    from bench.contacts_data import FIRST_ROW, generate
    from peyvand.core.phones import InvalidPhone, to_e164
    from peyvand.core.text import clean_display_text, normalize_email

    good, truths = [], []
    for number, (row, truth) in enumerate(generate(rows, seed), start=FIRST_ROW):
        truths.append(truth)
        if truth.kind == "bad":
            continue
        try:
            phones = [to_e164(row["phone"])] if row["phone"] else []
        except InvalidPhone:
            continue
        emails = [normalize_email(row["email"])] if row["email"] else []
        if truth.kind == "duplicate" and (number * 2_654_435_761) % 1000 < bare_duplicates * 1000:
            phones, emails = [], []
        good.append(
            (
                number,
                {
                    "first_name": clean_display_text(row["first_name"]),
                    "last_name": clean_display_text(row["last_name"]),
                    "title": clean_display_text(row["title"]),
                    "company": clean_display_text(row["company"]),
                    "city": clean_display_text(row["city"]),
                    "phones": phones,
                    "emails": emails,
                },
            )
        )
    return good, truths


def _bench_user():
    from peyvand.accounts.models import Role, Team, User

    team, _ = Team.objects.get_or_create(name="Bench")
    user, _ = User.objects.get_or_create(username="bench", defaults={"role": Role.ADMIN, "team": team})
    return user


def _load(user, good) -> dict[int, int]:
    """Insert the contacts (and their companies); return {contact pk: spreadsheet row}."""
    from django.db import transaction

    from peyvand.contacts.models import Company, Contact, DuplicateGroup
    from peyvand.imports import writing

    DuplicateGroup.objects.filter(entity__in=["contact", "company"]).delete()
    Contact.all_objects.filter(owner=user).delete()
    Company.all_objects.filter(owner=user).delete()
    names = sorted({values["company"] for _, values in good if values["company"]})
    Company.objects.bulk_create(Company(name=n, owner=user, team_id=user.team_id) for n in names)
    company_ids = dict(Company.objects.filter(owner=user).values_list("name", "pk"))
    # the import's bulk writer: COPY on PostgreSQL, multi-row INSERT on SQLite, every column with its default
    with transaction.atomic():
        batch = []
        for number, v in good:
            batch.append(
                Contact(
                    owner=user,
                    team_id=user.team_id,
                    first_name=v["first_name"],
                    last_name=v["last_name"],
                    title=v["title"],
                    company_id=company_ids.get(v["company"]),
                    phones=v["phones"],
                    emails=v["emails"],
                    city=v["city"],
                    custom={"bench_row": number},
                )
            )
            if len(batch) == 10_000:
                writing.insert(Contact, batch, returning=False)
                batch = []
        writing.insert(Contact, batch, returning=False)
    return {
        pk: custom["bench_row"]
        for pk, custom in Contact.objects.filter(owner=user).values_list("pk", "custom")
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--bare-duplicates",
        type=float,
        default=0.0,
        help="share of planted duplicates left without phone and e-mail (found by name alone)",
    )
    args = parser.parse_args(argv)
    _setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.contacts_data import duplicate_pairs
    from peyvand.contacts.duplicates import group_pairs, scan_pairs
    from peyvand.contacts.tasks import store_groups

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    good, truths = _clean_rows(args.rows, args.seed, args.bare_duplicates)
    cleaned = time.perf_counter()
    row_of = _load(_bench_user(), good)
    loaded = time.perf_counter()
    pairs = scan_pairs("contact")
    groups = group_pairs(pairs)
    store_groups("contact", groups)
    scanned = time.perf_counter()

    found = set()
    for members, _score, _reasons in groups:
        rows = sorted(row_of[pk] for pk in members if pk in row_of)
        found.update((a, b) for i, a in enumerate(rows) for b in rows[i + 1 :])
    good_rows = {number for number, _ in good}
    planted = {(a, b) for a, b in duplicate_pairs(truths) if a in good_rows and b in good_rows}
    hits = len(found & planted)
    scan_time = scanned - loaded
    print(
        f"database: {connection.vendor}, rows generated: {args.rows}, contacts loaded: {len(good)}, "
        f"duplicates without phone and e-mail: {args.bare_duplicates:.0%}"
    )
    print(f"generate + clean: {cleaned - started:.1f} s; load: {loaded - cleaned:.1f} s")
    print(
        f"scan: {scan_time:.1f} s ({len(good) / scan_time:,.0f} contacts/s), groups: {len(groups)}, pairs: {len(found)}"
    )
    print(f"planted pairs: {len(planted)}, found: {hits}")
    print(f"recall: {hits / max(1, len(planted)):.4f}, precision: {hits / max(1, len(found)):.4f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
