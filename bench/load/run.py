"""The load test, end to end, on PostgreSQL or SQLite.

    python -m bench.load.run --engine postgres --users 50 --time 10m --backup-at 240
    python -m bench.load.run --engine sqlite --users 10 --time 2m --backup-at 40

Builds the database once (``peyvand migrate``, then ``peyvand demo`` at the sizes below) and keeps it as a
template (a PostgreSQL template database, a copy of the SQLite file), so every run starts from the same data.
Starts ``peyvand serve`` (gunicorn) and ``peyvand worker`` as in production, issues the accounts' tokens, runs
locust headless against the server, and at ``--backup-at`` seconds takes ``peyvand backup`` while the load runs
and restores it into a fresh database with ``peyvand restore`` (whose own check compares every table's count
and checksum). After the run it stops the server, checks every acknowledged write against the database
(``bench.load.check``) and writes ``summary.json`` and a Markdown summary in the output folder.
"""

import argparse
import csv
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SIZES = {"companies": "1500", "contacts": "8000", "leads": "1500", "deals": "4000", "activities": "20000"}
PG_SERVER = "postgres://postgres@127.0.0.1:5432"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _psql(sql: str) -> str:
    return subprocess.run(
        ["psql", f"{PG_SERVER}/postgres", "-tAc", sql], capture_output=True, text=True, check=True
    ).stdout.strip()


class Site:
    def __init__(self, engine: str, folder: Path, database: str):
        self.engine, self.folder, self.database = engine, folder, database
        folder.mkdir(parents=True, exist_ok=True)

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
        env["PEYVAND_DATA_DIR"] = str(self.folder)
        if self.engine == "postgres":
            env["DATABASE_URL"] = f"{PG_SERVER}/{self.database}"
        return env

    def run(self, *args: str, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "-m", *args], cwd=ROOT, env=self.env(), capture_output=True, text=True, **kwargs
        )
        if check and result.returncode != 0:
            raise SystemExit(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def start(self, *args: str, log: Path) -> subprocess.Popen:
        handle = log.open("w")
        return subprocess.Popen(
            [sys.executable, "-m", "peyvand.cli", *args],
            cwd=ROOT,
            env=self.env(),
            stdout=handle,
            stderr=handle,
        )

    def drop(self) -> None:
        if self.engine == "postgres":
            _psql(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        else:
            for suffix in ("", "-wal", "-shm"):
                (self.folder / f"peyvand.sqlite3{suffix}").unlink(missing_ok=True)
        shutil.rmtree(self.folder / "imports", ignore_errors=True)
        shutil.rmtree(self.folder / "media", ignore_errors=True)

    def create_empty(self) -> None:
        self.drop()
        if self.engine == "postgres":
            _psql(f'CREATE DATABASE "{self.database}"')

    def size(self) -> int:
        if self.engine == "postgres":
            return int(_psql(f"SELECT pg_database_size('{self.database}')"))
        return sum(
            (self.folder / f"peyvand.sqlite3{s}").stat().st_size
            for s in ("", "-wal")
            if (self.folder / f"peyvand.sqlite3{s}").exists()
        )


def prepare(site: Site, rebuild: bool) -> float:
    """The database from its template, building the template first if there is none."""
    started = time.monotonic()
    template_db = f"{site.database}_template"
    template_file = site.folder.parent / f"{site.folder.name}-template.sqlite3"
    exists = (
        _psql(f"SELECT 1 FROM pg_database WHERE datname = '{template_db}'") == "1"
        if site.engine == "postgres"
        else template_file.exists()
    )
    if rebuild or not exists:
        site.create_empty()
        site.run("peyvand.cli", "migrate", "-v0")
        site.run("peyvand.cli", "demo", *(f"--{k}={v}" for k, v in SIZES.items()))
        if site.engine == "postgres":
            _psql(f'DROP DATABASE IF EXISTS "{template_db}"')
            _psql(f'CREATE DATABASE "{template_db}" TEMPLATE "{site.database}"')
        else:
            with sqlite3.connect(site.folder / "peyvand.sqlite3") as db:
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            shutil.copyfile(site.folder / "peyvand.sqlite3", template_file)
    site.drop()
    if site.engine == "postgres":
        _psql(f'CREATE DATABASE "{site.database}" TEMPLATE "{template_db}"')
    else:
        shutil.copyfile(template_file, site.folder / "peyvand.sqlite3")
    return time.monotonic() - started


def wait_until_up(url: str, server: subprocess.Popen, timeout: float = 600) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server stopped; see server.log")
        try:
            urllib.request.urlopen(f"{url}/login/", timeout=10)
            return
        except OSError:
            time.sleep(1)
    raise SystemExit("the server did not answer")


def backup_and_restore(site: Site, out: Path, result: dict) -> None:
    """``peyvand backup`` while the load runs, then ``peyvand restore`` into a fresh database."""
    backup = out / "during-load.backup"
    started = time.monotonic()
    made = site.run("peyvand.cli", "backup", str(backup), check=False)
    result["backup_seconds"] = round(time.monotonic() - started, 1)
    result["backup_output"] = (made.stdout + made.stderr).strip()
    result["backup_ok"] = made.returncode == 0
    if made.returncode != 0:
        return
    result["backup_bytes"] = backup.stat().st_size
    target = Site(site.engine, out / "restored", f"{site.database}_restore")
    target.create_empty()
    started = time.monotonic()
    restored = target.run("peyvand.cli", "restore", str(backup), check=False)
    result["restore_seconds"] = round(time.monotonic() - started, 1)
    result["restore_output"] = (restored.stdout + restored.stderr).strip()
    result["restore_ok"] = restored.returncode == 0  # non-zero on any difference from the manifest
    target.drop()


def summarise(out: Path) -> dict:
    kinds = []
    with (out / "locust_stats.csv").open() as handle:
        for row in csv.DictReader(handle):
            kinds.append(
                {
                    "kind": row["Name"],
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "rps": float(row["Requests/s"]),
                    "p50_ms": float(row["50%"] or 0),
                    "p95_ms": float(row["95%"] or 0),
                }
            )
    failures = []
    with (out / "locust_failures.csv").open() as handle:
        for row in csv.DictReader(handle):
            failures.append(
                {"kind": row["Name"], "error": row["Error"][:300], "count": int(row["Occurrences"])}
            )
    return {"kinds": kinds, "failures": failures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=["postgres", "sqlite"], required=True)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--time", default="10m")
    parser.add_argument("--backup-at", type=float, default=240, help="seconds into the run (0: no backup)")
    parser.add_argument("--database", default="backup_load", help="PostgreSQL database name")
    parser.add_argument("--rebuild", action="store_true", help="build the template database again")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    out = (args.out or ROOT / "var" / "load" / f"{args.engine}-run").resolve()
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    site = Site(args.engine, ROOT / "var" / "load" / args.engine, args.database)
    result: dict = {"engine": args.engine, "users": args.users, "time": args.time, "sizes": SIZES}
    result["prepare_seconds"] = round(prepare(site, args.rebuild), 1)
    result["database_bytes_before"] = site.size()

    port = _port()
    host = f"http://127.0.0.1:{port}"
    # the server without a worker of its own: the benchmark starts one below, and counts its log
    server = site.start("serve", "--port", str(port), "--no-worker", log=out / "server.log")
    worker = site.start("worker", log=out / "worker.log")
    try:
        wait_until_up(host, server)
        site.run("bench.load.prepare", str(out / "accounts.json"))
        env = {
            **site.env(),
            "LOAD_ACCOUNTS": str(out / "accounts.json"),
            "LOAD_WRITES": str(out / "writes.jsonl"),
            "LOAD_FAILURES": str(out / "failures.jsonl"),
        }
        started = time.monotonic()
        locust = subprocess.Popen(
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "bench" / "load" / "locustfile.py"),
                "--headless",
                "-u",
                str(args.users),
                "-r",
                str(args.spawn_rate),
                "-t",
                args.time,
                "--host",
                host,
                "--csv",
                str(out / "locust"),
                "--stop-timeout",
                "30",
                "--only-summary",
            ],
            cwd=ROOT,
            env=env,
            stdout=(out / "locust.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        backup = None
        if args.backup_at:

            def later():
                time.sleep(args.backup_at)
                if locust.poll() is None:
                    result["backup_started_at_s"] = round(time.monotonic() - started, 1)
                    backup_and_restore(site, out, result)

            backup = threading.Thread(target=later)
            backup.start()
        loads = []
        while locust.poll() is None:  # the machine's load, to say how busy it was besides this test
            loads.append(os.getloadavg()[0])
            time.sleep(15)
        result["load_average_1min"] = {"min": min(loads, default=0), "max": max(loads, default=0)}
        result["load_seconds"] = round(time.monotonic() - started, 1)
        if backup:
            backup.join()
    finally:
        for process in (worker, server):
            process.send_signal(signal.SIGTERM)
        for process in (worker, server):
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
    result["database_bytes_after"] = site.size()
    checked = site.run("bench.load.check", str(out / "writes.jsonl"), check=False)
    result["check"] = json.loads(checked.stdout) if checked.stdout.strip().startswith("{") else checked.stderr
    result.update(summarise(out))
    log = (out / "server.log").read_text(errors="replace")
    result["server_log"] = {
        "database is locked": log.count("database is locked"),
        "tracebacks": log.count("Traceback"),
    }
    worker_log = (out / "worker.log").read_text(errors="replace")
    result["worker_log_tracebacks"] = worker_log.count("Traceback")
    result["failure_kinds"] = dict(Counter(f["error"].split(" ")[0] for f in result["failures"]))
    (out / "summary.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    print(json.dumps({k: v for k, v in result.items() if k not in ("kinds",)}, ensure_ascii=False, indent=1))
    for k in result["kinds"]:
        print(
            f"| {k['kind']} | {k['requests']} | {k['failures']} | {k['rps']:.2f} | {k['p50_ms']:.0f} | {k['p95_ms']:.0f} |"
        )


if __name__ == "__main__":
    main()
