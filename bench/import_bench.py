"""Import speed: the real import of a generated contacts file against a raw COPY of the same rows.

    python -m bench.import_bench --rows 100000                                  # SQLite (a fresh file)
    python -m bench.import_bench --rows 1000000 --postgres postgres://postgres@127.0.0.1:5432/peyvand_import_bench

Writes the file with bench.generate_contacts (and its truth file), then in the same run
(a) on PostgreSQL, COPYs the rows into a bare UNLOGGED table: the baseline;
(b) runs the real import (`peyvand import` does the same): header matching, normalisation (E.164 phones,
    e-mails, Persian text), duplicate checks against the database and within the file, batched writes of
    records, their audit rows and import keys;
and prints rows/s of both and their ratio, with the CPU seconds the import used (and its PostgreSQL server
process); --write-times adds the time of the bulk writes by table and of the commits. It then checks the import against the truth file (every planted
duplicate skipped, every bad row reported, nothing else) and runs the file again to show it creates nothing.
The PostgreSQL database named in --postgres is dropped and created afresh.
"""

import argparse
import csv
import os
import sys
import tempfile
import time
from pathlib import Path

from bench.generate_contacts import truth_path, write

OUT = Path(__file__).resolve().parent / "out"


def fresh_postgres(url: str) -> None:
    import psycopg

    base, _slash, name = url.rpartition("/")
    with psycopg.connect(base + "/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')


def copy_baseline(url: str, file: Path, rows: int) -> float:
    """Rows per second of COPY ... FROM STDIN (CSV) into a bare unlogged table of seven text columns."""
    import psycopg

    with psycopg.connect(url) as conn:
        conn.execute(
            "CREATE UNLOGGED TABLE bench_copy (first_name text, last_name text, phone text, email text,"
            " company text, city text, title text)"
        )
        started = time.perf_counter()
        with (
            conn.cursor() as cursor,
            cursor.copy("COPY bench_copy FROM STDIN (FORMAT csv, HEADER true)") as copy,
        ):
            with file.open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
        conn.commit()
        seconds = time.perf_counter() - started
        copied = conn.execute("SELECT count(*) FROM bench_copy").fetchone()[0]
        conn.execute("DROP TABLE bench_copy")
    assert copied == rows, (copied, rows)
    return rows / seconds


def setup_django(postgres: str | None, data_dir: Path) -> None:
    os.environ["PEYVAND_DATA_DIR"] = str(data_dir)
    if postgres:
        os.environ["DATABASE_URL"] = postgres
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peyvand.settings")
    # the bench's files go up to a million rows: past the limits an upload is held to
    os.environ.setdefault("PEYVAND_IMPORT_MAX_ROWS", "10000000")
    os.environ.setdefault("PEYVAND_IMPORT_MAX_UPLOAD_MB", "10000")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def backend_cpu_seconds() -> float | None:
    """CPU time of this connection's PostgreSQL server process, when the server runs on this machine."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def run_import(file: Path, batch_size: int):
    """The import of ``file``: the run, its wall-clock seconds and the CPU seconds it used (this process, and
    the PostgreSQL server process serving it where that can be read), so figures taken on a busy machine can
    be read as well."""
    from peyvand.accounts.models import Role, User
    from peyvand.imports.services import create_run, execute

    user = User.objects.filter(username="importer").first() or User.objects.create_user(
        "importer", password="pass-1234-word", role=Role.ADMIN
    )
    server_before = backend_cpu_seconds()
    cpu_started = time.process_time()
    started = time.perf_counter()
    run = create_run(actor=user, kind="contacts", file_name=file.name, content=file.read_bytes())
    run = execute(run=run, batch_size=batch_size, progress=progress)
    seconds = time.perf_counter() - started
    cpu = {"import process": time.process_time() - cpu_started}
    server_after = backend_cpu_seconds()
    if server_before is not None and server_after is not None:
        cpu["PostgreSQL server process"] = server_after - server_before
    sys.stderr.write("\n")
    return run, seconds, cpu


class WriteTimes:
    """Wall-clock time of the import's bulk writes by table, and of its commits: what the database's own work
    costs, which no change to the per-row work can take away."""

    def __init__(self):
        self.seconds: dict[str, float] = {}

    def add(self, name: str, started: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started

    def install(self) -> None:
        from django.db.backends.base.base import BaseDatabaseWrapper

        from peyvand.imports import writing

        def timed(name_of, function):
            def run(*args, **kwargs):
                started = time.perf_counter()
                try:
                    return function(*args, **kwargs)
                finally:
                    self.add(name_of(*args), started)

            return run

        writing._copy = timed(lambda table, *_a: "write " + table.strip('"'), writing._copy)
        writing._sqlite_execute = timed(
            lambda _cursor, sql, *_a: "write " + sql.split()[2].strip('"'), writing._sqlite_execute
        )
        BaseDatabaseWrapper._commit = timed(lambda *_a: "commit", BaseDatabaseWrapper._commit)

    def text(self) -> str:
        total = sum(self.seconds.values())
        parts = sorted(self.seconds.items(), key=lambda item: -item[1])
        return f"{total:.1f} s: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in parts)


def cpu_text(cpu: dict) -> str:
    return ", ".join(f"{name} {seconds:.1f} s" for name, seconds in cpu.items())


def progress(done: int, total: int | None) -> None:
    sys.stderr.write(f"\r  {done}/{total} rows")
    sys.stderr.flush()


def check_against_truth(run, file: Path) -> dict:
    """The planted duplicates and bad rows of the truth file against what the import flagged."""
    truth_dups, truth_bad = set(), set()
    with truth_path(file).open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["kind"] == "duplicate":
                truth_dups.add(int(row["row"]))
            elif row["kind"] == "bad":
                truth_bad.add(int(row["row"]))
    issues = list(run.issues.values_list("row", "kind"))
    flagged = {row for row, kind in issues if kind == "duplicate"}
    failed = {row for row, kind in issues if kind == "error"}
    complete = len(flagged) == run.skipped_duplicate and len(failed) == run.failed
    return {
        "planted duplicates": len(truth_dups),
        "flagged duplicates": run.skipped_duplicate,
        "planted found": len(truth_dups & flagged),
        "flagged but not planted": len(flagged - truth_dups),
        "bad rows": len(truth_bad),
        "rows reported bad": run.failed,
        "bad found": len(truth_bad & failed),
        "reported but not bad": len(failed - truth_bad),
        "report lists every row": complete,
        "created but alike by name (possible duplicates)": run.possible_duplicate,
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--postgres", help="a PostgreSQL URL whose database may be dropped and re-created")
    parser.add_argument("--no-rerun", action="store_true", help="skip running the file a second time")
    parser.add_argument(
        "--write-times", action="store_true", help="also time the bulk writes by table and the commits"
    )
    args = parser.parse_args(argv)

    OUT.mkdir(exist_ok=True)
    file = OUT / f"contacts-{args.rows}.csv"
    if not file.exists() or not truth_path(file).exists():
        write(args.rows, file, args.seed)
    print(f"file: {file} ({args.rows:,} rows, {file.stat().st_size / 1e6:.1f} MB)")

    copy_rate = None
    if args.postgres:
        fresh_postgres(args.postgres)
        copy_rate = copy_baseline(args.postgres, file, args.rows)
        print(f"COPY into an unlogged table: {copy_rate:,.0f} rows/s")
    data_dir = Path(tempfile.mkdtemp(prefix="peyvand-import-bench-"))
    setup_django(args.postgres, data_dir)
    from django.db import connection

    write_times = WriteTimes()
    if args.write_times:
        write_times.install()
    load = os.getloadavg()[0]
    run, seconds, cpu = run_import(file, args.batch_size)
    rate = args.rows / seconds
    print(
        f"import ({connection.vendor}): {rate:,.0f} rows/s ({seconds:.1f} s); created {run.created:,}, "
        f"skipped as duplicate {run.skipped_duplicate:,}, failed {run.failed:,}"
    )
    print(f"  CPU time: {cpu_text(cpu)}; load average before the import {load:.1f}")
    if args.write_times:
        print(f"  bulk writes and commits: {write_times.text()}")
    if copy_rate:
        print(f"ratio import / COPY: {rate / copy_rate:.3f}")
    for name, value in check_against_truth(run, file).items():
        print(f"  {name}: {value}")
    if not args.no_rerun:
        from peyvand.contacts.models import Contact

        before = Contact.objects.count()
        again, again_seconds, _cpu = run_import(file, args.batch_size)
        print(
            f"re-run: created {again.created}, already imported {again.already_imported:,}, "
            f"contacts before {before:,} after {Contact.objects.count():,} ({again_seconds:.1f} s)"
        )


if __name__ == "__main__":
    main()
