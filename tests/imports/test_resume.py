"""Killing ``peyvand import``, or the worker running a queued import, mid-way and running it again ends with the
same database as one uninterrupted run: batches commit whole, and the stored import keys make the second run skip
what the first wrote."""

import contextlib
import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bench.contacts_data import COLUMNS, generate

ROOT = Path(__file__).resolve().parents[2]
ROWS = 4_000
BATCH = 500


class Site:
    """One installation run by subprocesses: its data folder and, when the tests run on PostgreSQL, a database
    of its own on the same server (created here, dropped at the end)."""

    def __init__(self, data_dir: Path, database_url: str | None):
        self.data_dir = data_dir
        self.database_url = database_url

    def connect(self):
        if self.database_url:
            import psycopg

            return contextlib.closing(psycopg.connect(self.database_url, autocommit=True))
        return contextlib.closing(sqlite3.connect(self.data_dir / "peyvand.sqlite3", timeout=0.1))


@pytest.fixture
def new_site(tmp_path):
    base = os.environ.get("DATABASE_URL", "")
    made: list[str] = []

    def server(url: str):
        import psycopg

        return psycopg.connect(urlsplit(url)._replace(path="/postgres").geturl(), autocommit=True)

    def make(name: str) -> Site:
        url = None
        if base.startswith("postgres"):
            parts = urlsplit(base)
            # a worker of its own under pytest-xdist: both tests here make a site called "whole"
            worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
            database = f"{parts.path.lstrip('/') or 'peyvand'}_resume_{worker}_{name}"
            with server(base) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}"')
                admin.execute(f'CREATE DATABASE "{database}"')
            made.append(database)
            url = parts._replace(path=f"/{database}").geturl()
        return Site(tmp_path / name, url)

    yield make
    if made:
        with server(base) as admin:
            for database in made:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def peyvand(site: Site, *args: str, wait: bool = True):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["PEYVAND_DATA_DIR"] = str(site.data_dir)
    if site.database_url:
        env["DATABASE_URL"] = site.database_url
    command = [sys.executable, "-m", "peyvand.cli", *args]
    if not wait:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)


def prepared(site: Site) -> Site:
    peyvand(site, "migrate", "-v0")
    peyvand(site, "createuser", "importer", "--role", "admin", "--password", "pass-1234-word")
    return site


def rows(site: Site, sql: str) -> list[tuple]:
    with site.connect() as db:
        return [tuple(row) for row in db.execute(sql).fetchall()]


def state(site: Site) -> dict:
    return {
        "contacts": rows(
            site, "SELECT first_name, last_name, phones, emails FROM contacts_contact ORDER BY 2, 1, 3, 4"
        ),
        "companies": rows(site, "SELECT name FROM contacts_company ORDER BY name"),
        "audit": rows(site, "SELECT count(*) FROM core_auditentry")[0][0],
        "keys": rows(site, "SELECT key FROM imports_importedrow ORDER BY key"),
    }


def contacts_file(folder: Path, *, seed: int) -> Path:
    file = folder / "contacts.csv"
    with file.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for row, _truth in generate(ROWS, seed):
            writer.writerow([row[c] for c in COLUMNS])
    return file


def committed_rows(site: Site) -> int:
    try:
        return rows(site, "SELECT count(*) FROM imports_importedrow")[0][0]
    except Exception:  # the table is locked (SQLite) or not there yet
        return 0


def test_an_import_killed_after_its_first_batch_and_run_again_equals_an_uninterrupted_one(tmp_path, new_site):
    """Runs on the database the suite runs on: SQLite files, or databases of its own on the PostgreSQL server."""
    file = contacts_file(tmp_path, seed=7)
    args = ("import", "contacts", str(file), "--batch-size", str(BATCH))

    whole = prepared(new_site("whole"))
    peyvand(whole, *args)

    killed = prepared(new_site("killed"))
    process = peyvand(killed, *args, wait=False)
    deadline = time.monotonic() + 120
    while committed_rows(killed) == 0 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    partial = state(killed)
    assert 0 < len(partial["keys"]) < len(state(whole)["keys"]), "the kill must land between batches"
    ((created, skipped, failed),) = rows(
        killed, "SELECT created, skipped_duplicate, failed FROM imports_importrun"
    )
    # the run's counts commit with each batch: they cover whole batches and match what is in the database
    assert (created + skipped + failed) % BATCH == 0
    assert created == len(partial["keys"]) == len(partial["contacts"])
    assert partial["audit"] == len(partial["contacts"]) + len(partial["companies"])

    rerun = peyvand(killed, *args)
    assert "already imported" in rerun.stdout
    assert state(killed) == state(whole)

    again = peyvand(killed, *args)
    assert "created 0," in again.stdout
    assert state(killed) == state(whole)


def _django(site: Site, code: str) -> str:
    return peyvand(site, "shell", "--no-imports", "-c", code).stdout.strip()


START_IMPORT = """
from pathlib import Path
from peyvand.imports.commandline import acting_user
from peyvand.imports.services import create_run, start_import
path = Path({file!r})
admin = acting_user(None)
run = create_run(actor=admin, kind="contacts", file_name=path.name, content=path.read_bytes())
print(start_import(run=run, actor=admin).status)
"""

RESUME_IMPORT = """
import datetime as dt
from django.utils import timezone
from peyvand.imports.commandline import acting_user
from peyvand.imports.models import ImportRun
from peyvand.imports.periodic import SILENT_FOR
from peyvand.imports.services import mark_interrupted, start_import
# the periodic job's view of the dead worker, once it has been silent long enough
mark_interrupted(now=timezone.now() + SILENT_FOR + dt.timedelta(minutes=1), silent_for=SILENT_FOR)
run = ImportRun.objects.get()
print(run.status)
print(start_import(run=run, actor=acting_user(None)).status)
"""


def test_a_worker_killed_during_a_queued_import_and_the_import_resumed_equals_an_uninterrupted_run(
    tmp_path, new_site
):
    """The path people use: the upload queues a job, `peyvand worker` runs it and is killed -9 between
    batches; the periodic job marks the run interrupted, resuming queues it again, a worker finishes it."""
    file = contacts_file(tmp_path, seed=11)

    whole = prepared(new_site("whole"))
    peyvand(whole, "import", "contacts", str(file))

    killed = prepared(new_site("worker"))
    assert _django(killed, START_IMPORT.format(file=str(file))) == "running"
    worker = peyvand(killed, "worker", "--interval", "0.2", wait=False)
    deadline = time.monotonic() + 180
    while committed_rows(killed) == 0 and worker.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    partial = state(killed)
    assert 0 < len(partial["keys"]) < len(state(whole)["keys"]), "the kill must land between batches"

    assert _django(killed, RESUME_IMPORT).splitlines() == ["interrupted", "running"]
    peyvand(killed, "worker", "--batch")
    assert rows(killed, "SELECT status FROM imports_importrun") == [("done",)]
    assert state(killed) == state(whole)
