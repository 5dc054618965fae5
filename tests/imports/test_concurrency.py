"""Other people's saves while an import is checked and written (peyvand/imports/services.py, tasks.py,
settings): on SQLite every write waits its turn for the one write lock, so the import commits in small batches
in the worker and a save waits at most a batch, never long enough to fail with "database is locked".

A real installation (a SQLite file, or a PostgreSQL database of its own), served by gunicorn with the worker
running, as bench/sqlite_concurrency.py measures it."""

import contextlib
import sqlite3
import threading

import requests

from bench.sqlite_concurrency import Site, api_headers, measure, running_app


def test_eight_people_saving_while_an_import_is_checked_and_written_see_no_failure_and_lose_nothing(tmp_path):
    site = Site.fresh(tmp_path, "concurrency_test")
    try:
        result = measure(site, writers=8, rows=3000, seconds=5)
    finally:
        site.drop()
    assert result["import_status"] == ["checked", "done"] and result["imported"] > 2500
    assert result["writes"] >= 40
    assert result["failed"] == 0, result["failures"]
    # every save the app acknowledged is stored
    assert set(result["saved"]) <= result["stored"] and len(result["saved"]) == result["writes"]


@contextlib.contextmanager
def another_writer_holding_the_lock(site: Site):
    """Another connection in the middle of a write transaction (a batch, a checkpoint, a slow save): on SQLite
    the one write lock, on PostgreSQL a lock on the contacts table that inserts wait for."""
    if site.database_url:
        import psycopg

        with contextlib.closing(psycopg.connect(site.database_url)) as db:
            db.execute("LOCK TABLE contacts_contact IN EXCLUSIVE MODE")
            yield
            db.commit()
        return
    with contextlib.closing(sqlite3.connect(site.data_dir / "peyvand.sqlite3", isolation_level=None)) as db:
        db.execute("BEGIN IMMEDIATE")
        yield
        db.execute("COMMIT")


def test_a_save_that_waits_eight_seconds_for_another_writer_is_stored_not_refused_as_locked(tmp_path):
    site = Site.fresh(tmp_path, "lock_wait_test")
    answers = []
    try:
        with running_app(site) as (base, token):

            def save():
                response = requests.post(
                    f"{base}/contacts", json={"last_name": "Patient"}, headers=api_headers(token), timeout=60
                )
                answers.append((response.status_code, response.text[:200]))

            with another_writer_holding_the_lock(site):
                saving = threading.Thread(target=save)
                saving.start()
                saving.join(timeout=8)
                assert saving.is_alive(), "the save must still be waiting for the lock"
            saving.join(timeout=30)
        stored = site.rows("SELECT count(*) FROM contacts_contact WHERE last_name = 'Patient'")
    finally:
        site.drop()
    assert answers and answers[0][0] == 201, answers
    assert stored == [(1,)]
