"""Other people's saves while an import is checked and written (peyvand/imports/services.py, tasks.py,
settings): on SQLite every write waits its turn for the one write lock, so the import commits in small batches
in the worker and a save waits at most a batch, never long enough to fail with "database is locked".

A real installation (a SQLite file, or a PostgreSQL database of its own), served by gunicorn with the worker
running, as bench/sqlite_concurrency.py measures it."""

from bench.sqlite_concurrency import Site, measure


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
