"""Saves by many people while an import is checked and written: how many writers the app serves without a
failed request, at what rate and latency.

The installation is real: a fresh database (a SQLite file, or with DATABASE_URL a new PostgreSQL database on
that server), the app under gunicorn as ``peyvand serve`` runs it (2 processes x 4 threads), and
``peyvand worker`` running the jobs. Each writer thread creates contacts through the API, one after another,
as fast as the app answers; meanwhile a file of generated contacts is uploaded through the API, checked by
the worker (dry run), uploaded again and imported. At the end every save the app acknowledged must be stored.

    .venv/bin/python -m bench.sqlite_concurrency --writers 4 8 16 --rows 5000 --seconds 30
"""

import argparse
import contextlib
import csv
import io
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests

from bench.contacts_data import COLUMNS, generate

ROOT = Path(__file__).resolve().parents[1]


class Site:
    """One installation run by subprocesses: a data folder and a database of its own."""

    def __init__(self, data_dir: Path, database_url: str | None = None):
        self.data_dir = data_dir
        self.database_url = database_url

    @classmethod
    def fresh(cls, data_dir: Path, name: str) -> "Site":
        """SQLite in ``data_dir``; with a PostgreSQL DATABASE_URL, a new database ``<its name>_<name>``."""
        base = os.environ.get("DATABASE_URL", "")
        if not base.startswith("postgres"):
            return cls(data_dir)
        parts = urlsplit(base)
        database = f"{parts.path.lstrip('/') or 'peyvand'}_{name}"
        with _server(base) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{database}"')
        return cls(data_dir, parts._replace(path=f"/{database}").geturl())

    def drop(self) -> None:
        if self.database_url:
            database = urlsplit(self.database_url).path.lstrip("/")
            with _server(self.database_url) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    def env(self) -> dict:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "PEYVAND_TASKS")
        }
        env["PEYVAND_DATA_DIR"] = str(self.data_dir)
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        return env

    def run(self, *args: str) -> str:
        command = [sys.executable, "-m", "peyvand.cli", *args]
        done = subprocess.run(command, cwd=ROOT, env=self.env(), capture_output=True, text=True, check=True)
        return done.stdout

    def start(self, *command: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, *command],
            cwd=ROOT,
            env=self.env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def rows(self, sql: str) -> list[tuple]:
        if self.database_url:
            import psycopg

            with contextlib.closing(psycopg.connect(self.database_url, autocommit=True)) as db:
                return [tuple(r) for r in db.execute(sql).fetchall()]
        with contextlib.closing(sqlite3.connect(self.data_dir / "peyvand.sqlite3", timeout=30)) as db:
            return [tuple(r) for r in db.execute(sql).fetchall()]


def _server(url: str):
    import psycopg

    return contextlib.closing(
        psycopg.connect(urlsplit(url)._replace(path="/postgres").geturl(), autocommit=True)
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_app(site: Site):
    """Migrate, create an administrator, serve the app and run the worker; yields (base URL, API token)."""
    site.run("migrate", "-v0")
    site.run("createuser", "importer", "--role", "admin", "--password", "pass-1234-word")
    token = site.run("token", "importer").strip().splitlines()[-1]
    port = _free_port()
    server = site.start(
        "-m", "gunicorn", "peyvand.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", "2", "--threads", "4", "--timeout", "120",
    )  # fmt: skip
    worker = site.start("-m", "peyvand.cli", "worker", "--interval", "0.2")
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if (
                    requests.get(f"{base}/imports/0", headers=api_headers(token), timeout=10).status_code
                    == 404
                ):
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError(
                    "the app did not start: " + (server.stderr.read().decode() if server.stderr else "")
                )
            time.sleep(0.2)
        yield base, token
    finally:
        for process in (worker, server):
            process.terminate()
        for process in (worker, server):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def api_headers(token: str) -> dict:
    return {"Authorization": f"Bearer {token}", "Accept-Language": "en"}


def contacts_csv(rows: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row, _truth in generate(rows, 11):
        writer.writerow([row[c] for c in COLUMNS])
    return out.getvalue().encode()


@dataclass
class Load:
    """What the writers saw: each acknowledged save's name and every answer's time and status."""

    saved: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def writer(base: str, token: str, number: int, stop: threading.Event, load: Load) -> None:
    session = requests.Session()
    session.headers.update(api_headers(token))
    i = 0
    while not stop.is_set():
        name = f"w{number}-{i}-{uuid.uuid4().hex[:8]}"
        i += 1
        started = time.monotonic()
        try:
            response = session.post(f"{base}/contacts", json={"last_name": name}, timeout=60)
            status, body = response.status_code, response.text
        except requests.RequestException as exc:
            status, body = 0, repr(exc)
        took = time.monotonic() - started
        with load.lock:
            load.seconds.append(took)
            if status == 201:
                load.saved.append(name)
            else:
                load.failures.append(f"{status} {body[:200]}")


def import_through_the_api(base: str, token: str, content: bytes) -> list[dict]:
    """Upload, let the worker check it, upload again to import it; returns both runs as the API ends them."""
    ended = []
    for dry_run in ("true", "false"):
        files = {"file": ("contacts.csv", content, "text/csv")}
        response = requests.post(
            f"{base}/imports",
            headers=api_headers(token),
            files=files,
            data={"kind": "contacts", "dry_run": dry_run},
            timeout=60,
        )
        response.raise_for_status()
        run = response.json()
        while run["status"] in ("checking", "running", "uploaded"):
            time.sleep(0.5)
            run = requests.get(f"{base}/imports/{run['id']}", headers=api_headers(token), timeout=60).json()
        ended.append(run)
    return ended


def measure(site: Site, *, writers: int, rows: int, seconds: float) -> dict:
    """Run ``writers`` writer threads for at least ``seconds`` and until an import of ``rows`` rows (checked,
    then written) is over; returns the figures and checks every acknowledged save is stored."""
    content = contacts_csv(rows)
    with running_app(site) as (base, token):
        stop, load = threading.Event(), Load()
        threads = [threading.Thread(target=writer, args=(base, token, n, stop, load)) for n in range(writers)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        runs = import_through_the_api(base, token, content)
        import_seconds = time.monotonic() - started
        time.sleep(max(0.0, seconds - import_seconds))
        stop.set()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    stored = {
        name for (name,) in site.rows("SELECT last_name FROM contacts_contact WHERE last_name LIKE 'w%'")
    }
    ordered = sorted(load.seconds)
    return {
        "writers": writers,
        "writes": len(load.seconds),
        "failed": len(load.failures),
        "locked": sum("locked" in f for f in load.failures),
        "lost": len(set(load.saved) - stored),
        "writes_per_second": len(load.seconds) / elapsed,
        "p50_ms": 1000 * statistics.median(ordered) if ordered else 0.0,
        "p95_ms": 1000 * ordered[int(0.95 * (len(ordered) - 1))] if ordered else 0.0,
        "max_ms": 1000 * ordered[-1] if ordered else 0.0,
        "import_seconds": import_seconds,
        "imported": runs[-1]["created"],
        "import_status": [r["status"] for r in runs],
        "failures": load.failures[:5],
        "saved": load.saved,
        "stored": stored,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, nargs="+", default=[4, 8, 16])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=30)
    options = parser.parse_args()
    engine = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    print(f"{engine}; an import of {options.rows} rows checked and written while the writers save contacts")
    print("writers  writes  writes/s  p50 ms  p95 ms  max ms  failed  locked  lost  import s")
    for writers in options.writers:
        with tempfile.TemporaryDirectory() as folder:
            site = Site.fresh(Path(folder), f"concurrency_{writers}")
            try:
                r = measure(site, writers=writers, rows=options.rows, seconds=options.seconds)
            finally:
                site.drop()
        print(
            f"{r['writers']:7d} {r['writes']:7d} {r['writes_per_second']:9.1f} {r['p50_ms']:7.0f} "
            f"{r['p95_ms']:7.0f} {r['max_ms']:7.0f} {r['failed']:7d} {r['locked']:7d} {r['lost']:5d} "
            f"{r['import_seconds']:9.1f}",
            flush=True,
        )
        for failure in r["failures"]:
            print("   ", failure)


if __name__ == "__main__":
    main()
