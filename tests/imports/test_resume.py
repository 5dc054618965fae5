"""Killing ``peyvand import`` mid-way and running it again ends with the same database as one uninterrupted
run: batches commit whole, and the stored import keys make the second run skip what the first wrote."""

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from bench.contacts_data import COLUMNS, generate

ROOT = Path(__file__).resolve().parents[2]
ROWS = 12_000
BATCH = 1_000


def peyvand(data_dir: Path, *args: str, wait: bool = True):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["PEYVAND_DATA_DIR"] = str(data_dir)
    command = [sys.executable, "-m", "peyvand.cli", *args]
    if not wait:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)


def prepared(tmp_path: Path, name: str) -> Path:
    data_dir = tmp_path / name
    peyvand(data_dir, "migrate", "-v0")
    peyvand(data_dir, "createuser", "importer", "--role", "admin", "--password", "pass-1234-word")
    return data_dir


def state(data_dir: Path) -> dict:
    with sqlite3.connect(data_dir / "peyvand.sqlite3") as db:
        one = lambda sql: db.execute(sql).fetchall()  # noqa: E731
        return {
            "contacts": one(
                "SELECT first_name, last_name, phones, emails FROM contacts_contact ORDER BY 2, 1, 3, 4"
            ),
            "companies": one("SELECT name FROM contacts_company ORDER BY name"),
            "audit": one("SELECT count(*) FROM core_auditentry")[0][0],
            "keys": one("SELECT key FROM imports_importedrow ORDER BY key"),
        }


def committed_rows(data_dir: Path) -> int:
    try:
        with sqlite3.connect(data_dir / "peyvand.sqlite3", timeout=0.1) as db:
            return db.execute("SELECT count(*) FROM imports_importedrow").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def test_an_import_killed_after_its_first_batch_and_run_again_equals_an_uninterrupted_one(tmp_path):
    file = tmp_path / "contacts.csv"
    with file.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for row, _truth in generate(ROWS, 7):
            writer.writerow([row[c] for c in COLUMNS])
    args = ("import", "contacts", str(file), "--batch-size", str(BATCH))

    whole = prepared(tmp_path, "whole")
    peyvand(whole, *args)

    killed = prepared(tmp_path, "killed")
    process = peyvand(killed, *args, wait=False)
    deadline = time.monotonic() + 120
    while committed_rows(killed) == 0 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    partial = state(killed)
    assert 0 < len(partial["keys"]) < len(state(whole)["keys"]), "the kill must land between batches"
    with sqlite3.connect(killed / "peyvand.sqlite3") as db:
        created, skipped, failed = db.execute(
            "SELECT created, skipped_duplicate, failed FROM imports_importrun"
        ).fetchone()
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
