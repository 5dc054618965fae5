"""``peyvand backup`` while the application is in use, ``peyvand restore`` into a fresh database: every table's
count and checksum equal, timestamps to the microsecond, uploaded files byte for byte; bad backups refused.

The site is real: ``peyvand migrate`` into a database of its own (a fresh PostgreSQL database when the suite
runs on PostgreSQL, a data folder's SQLite file otherwise), ``peyvand serve`` (gunicorn) answering HTTP, and
writers creating and changing records through the API while the backup runs."""

import io
import json
import os
import socket
import subprocess
import sys
import tarfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import dj_database_url
import psycopg
import pytest
import requests
from django.core.management import CommandError, call_command
from django.db import connection

from peyvand.contacts.models import Contact
from peyvand.core.backup import compare_tables, current_checksums

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "pass-1234-word"
DUE = "2025-03-01T12:34:56.123456Z"  # microseconds a millisecond round trip would lose


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


class Site:
    """One installation: its data folder and, on PostgreSQL, a database created for it (dropped by ``drop``)."""

    def __init__(self, folder: Path, name: str):
        self.folder = folder
        self.url = None
        if base := _postgres_url():
            config = dj_database_url.parse(base)
            self.database = f"{config['NAME']}_{name}"
            self.url = base.rsplit("/", 1)[0] + "/" + self.database
            with self._server() as server:
                server.execute(f'DROP DATABASE IF EXISTS "{self.database}"')
                server.execute(f'CREATE DATABASE "{self.database}"')

    def _server(self):
        return psycopg.connect(_postgres_url().rsplit("/", 1)[0] + "/postgres", autocommit=True)

    def drop(self) -> None:
        if self.url:
            with self._server() as server:
                server.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
        env["PEYVAND_DATA_DIR"] = str(self.folder)
        if self.url:
            env["DATABASE_URL"] = self.url
        return env

    def peyvand(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "peyvand.cli", *args]
        result = subprocess.run(command, cwd=ROOT, env=self.env(), capture_output=True, text=True)
        if check and result.returncode != 0:
            raise AssertionError(f"peyvand {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def database_name(self) -> str:
        return self.database if self.url else str(self.folder / "peyvand.sqlite3")

    def query(self, sql: str) -> list[tuple]:
        if self.url:
            with psycopg.connect(self.url) as db:
                return db.execute(sql).fetchall()
        import sqlite3

        with sqlite3.connect(self.folder / "peyvand.sqlite3") as db:
            return db.execute(sql).fetchall()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Writers:
    """Threads that keep creating contacts and renaming them (with their version) through the API."""

    def __init__(self, base: str, token: str, threads: int = 3):
        self.base, self.headers = base, {"Authorization": f"Bearer {token}"}
        self.stop = threading.Event()
        self.acknowledged = 0
        self.failures: list[str] = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.write, args=(n,)) for n in range(threads)]

    def write(self, n: int) -> None:
        session = requests.Session()
        i = 0
        while not self.stop.is_set():
            i += 1
            created = session.post(
                f"{self.base}/api/v1/contacts", json={"last_name": f"نویسنده {n}-{i}"}, headers=self.headers
            )
            if created.status_code != 201:
                self.failures.append(f"POST {created.status_code} {created.text[:200]}")
                continue
            body = created.json()
            changed = session.patch(
                f"{self.base}/api/v1/contacts/{body['id']}",
                json={"version": body["version"], "first_name": f"ویرایش {i}"},
                headers=self.headers,
            )
            if changed.status_code != 200:
                self.failures.append(f"PATCH {changed.status_code} {changed.text[:200]}")
                continue
            with self.lock:
                self.acknowledged += 2

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join()


@pytest.fixture(scope="module")
def backed_up(tmp_path_factory):
    """A running site with records, a microsecond timestamp and uploaded files, backed up while writers keep
    writing through the API; yields the backup and what it was taken from."""
    folder = tmp_path_factory.mktemp("backup")
    source = Site(folder / "source", "src")
    try:
        source.peyvand("migrate", "-v0")
        source.peyvand("createuser", "writer", "--role", "admin", "--password", PASSWORD)
        token = source.peyvand("token", "writer").stdout.strip()
        media = source.folder / "media" / "avatars"
        media.mkdir(parents=True)
        (media / "نگار.png").write_bytes(os.urandom(50_000))
        port = _free_port()
        server = subprocess.Popen(
            # gunicorn as `peyvand serve` runs it, without its collecting of static files first
            [
                sys.executable,
                "-m",
                "gunicorn",
                "peyvand.wsgi",
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                "1",
                "--threads",
                "4",
            ],
            cwd=ROOT,
            env=source.env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    requests.get(f"{base}/login/", timeout=10)
                    break
                except requests.RequestException:
                    assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
                    time.sleep(0.2)
            headers = {"Authorization": f"Bearer {token}"}
            upload = requests.post(
                f"{base}/api/v1/imports",
                files={"file": ("مخاطبان.csv", "last_name,phone\nاحمدی,09121234567\n".encode())},
                data={"kind": "contacts", "dry_run": "true"},
                headers=headers,
            )
            assert upload.status_code in (200, 201, 202), upload.text
            activity = requests.post(
                f"{base}/api/v1/activities", json={"subject": "دقیق", "due_at": DUE}, headers=headers
            )
            assert activity.status_code == 201, activity.text
            with Writers(base, token) as writers:
                while writers.acknowledged < 20:
                    time.sleep(0.05)
                before = writers.acknowledged
                backup = folder / "site.backup"
                made = source.peyvand("backup", str(backup))
                during = writers.acknowledged - before
                time.sleep(0.5)
            assert writers.failures == []
        finally:
            server.terminate()
            server.wait(timeout=30)
        yield {
            "file": backup,
            "source": source,
            "activity": activity.json()["id"],
            "output": made.stdout,
            "writes_during_backup": during,
            "writes": writers.acknowledged,
        }
    finally:
        source.drop()


def test_a_backup_taken_while_the_api_is_writing_restores_into_a_fresh_database_equal_to_its_manifest(
    backed_up, tmp_path
):
    source = backed_up["source"]
    manifest = json.loads(tarfile.open(backed_up["file"]).extractfile("manifest.json").read())
    contacts_in_backup = manifest["tables"]["contacts_contact"]["rows"]
    contacts_at_end = source.query("SELECT count(*) FROM contacts_contact")[0][0]
    # the backup is one instant of a database that kept changing: writes were acknowledged while it ran and
    # after it, so the snapshot holds fewer contacts than the source at the end
    assert backed_up["writes_during_backup"] > 0
    assert 10 <= contacts_in_backup < contacts_at_end
    assert str(backed_up["file"]) in backed_up["output"]

    target = Site(tmp_path / "target", "dst")
    try:
        # the command exits non-zero on any difference; its report (in the operator's language) counts the tables
        restored = target.peyvand("restore", str(backed_up["file"]))
        assert f"({len(manifest['tables'])} " in restored.stdout

        # the microseconds of a timestamp written through the API survive exactly
        (due,) = target.query(f"SELECT due_at FROM activities_activity WHERE id = {backed_up['activity']}")[0]
        if isinstance(due, str):  # SQLite keeps timestamps as text
            due = datetime.fromisoformat(due).replace(tzinfo=UTC)
        assert due == datetime(2025, 3, 1, 12, 34, 56, 123456, tzinfo=UTC)
        assert target.query("SELECT count(*) FROM contacts_contact")[0][0] == contacts_in_backup

        # every uploaded file, byte for byte: the media file and the import's upload
        assert len(manifest["files"]) == 2
        for entry in manifest["files"]:
            _, folder, relative = entry["path"].split("/", 2)
            assert (target.folder / folder / relative).read_bytes() == (
                source.folder / folder / relative
            ).read_bytes()

        # a second restore is refused without --replace and accepted with it, saying what it drops
        again = target.peyvand("restore", str(backed_up["file"]), check=False)
        assert again.returncode != 0 and "--replace" in again.stderr and "Traceback" not in again.stderr
        replaced = target.peyvand("restore", str(backed_up["file"]), "--replace")
        assert "--replace" in replaced.stdout.splitlines()[0] and target.database_name() in replaced.stdout
    finally:
        target.drop()


@pytest.mark.django_db(transaction=True)
def test_the_checksum_catches_a_timestamp_cut_to_milliseconds(admin):
    contact = Contact.objects.create(last_name="دقیق", owner=admin, team=admin.team)
    before = current_checksums()
    stamp = contact.created_at.replace(microsecond=123456)
    Contact.all_objects.filter(pk=contact.pk).update(created_at=stamp)
    exact = current_checksums()
    Contact.all_objects.filter(pk=contact.pk).update(created_at=stamp.replace(microsecond=123000))
    cut = current_checksums()

    assert compare_tables(before, before) == []
    differences = compare_tables(exact, cut)
    assert len(differences) == 1 and differences[0].startswith("contacts_contact:")
    assert exact["contacts_contact"]["rows"] == cut["contacts_contact"]["rows"]


def _rewritten(backup: Path, into: Path, change) -> Path:
    """A copy of the backup with its manifest changed by ``change``."""
    with tarfile.open(backup) as old, tarfile.open(into, "w") as new:
        for member in old:
            data = old.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest).encode()
                member.size = len(data)
            new.addfile(member, io.BytesIO(data))
    return into


def _refusal(path: Path, *args: str) -> str:
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(path), *args)
    return str(refused.value)


@pytest.mark.django_db
def test_damaged_truncated_and_foreign_backups_are_refused_with_a_clear_message(backed_up, tmp_path, admin):
    data = backed_up["file"].read_bytes()
    truncated = tmp_path / "truncated.backup"
    truncated.write_bytes(data[: len(data) // 2])
    damaged = tmp_path / "damaged.backup"
    flipped = bytearray(data)
    flipped[3000] ^= 0xFF  # inside the database file, the archive's first member
    damaged.write_bytes(bytes(flipped))
    text = tmp_path / "notes.txt"
    text.write_text("not a backup")
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    foreign = _rewritten(backed_up["file"], tmp_path / "foreign.backup", lambda m: m.update(engine=other))

    assert "damaged or cut short" in _refusal(truncated, "--replace")
    assert "checksum differs from the manifest" in _refusal(damaged, "--replace")
    assert "not a tar archive" in _refusal(text, "--replace")
    assert "There is no file" in _refusal(tmp_path / "missing.backup")
    message = _refusal(foreign, "--replace")
    assert "This is a backup of a" in message and "DATABASE_URL" in message
    # nothing was touched
    assert type(admin).objects.filter(pk=admin.pk).exists()


@pytest.mark.django_db
def test_a_restore_into_a_database_that_is_not_empty_is_refused_without_replace(backed_up, admin):
    message = _refusal(backed_up["file"])
    assert "not empty" in message and "--replace" in message
    assert type(admin).objects.filter(pk=admin.pk).exists()


@pytest.mark.django_db
def test_a_missing_pg_restore_is_named(backed_up, settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("pg_restore is needed on PostgreSQL only")
    settings.PEYVAND_PG_BIN_DIR = str(tmp_path)
    message = _refusal(backed_up["file"], "--replace")
    assert "pg_restore was not found" in message and "PEYVAND_PG_BIN_DIR" in message


def test_a_backup_file_is_readable_by_its_owner_only(backed_up):
    assert backed_up["file"].stat().st_mode & 0o077 == 0
    assert not list(backed_up["file"].parent.glob(".peyvand-backup-*"))  # no partial file left behind


def test_peyvand_backup_refuses_a_folder(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "peyvand.cli", "backup", str(tmp_path)],
        cwd=ROOT,
        env={**os.environ, "PEYVAND_DATA_DIR": str(tmp_path / "data")},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and str(tmp_path) in result.stderr and "Traceback" not in result.stderr
