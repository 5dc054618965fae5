"""Backups of a whole installation in one file, and their restore with proof that nothing changed.

A backup is a tar archive holding the database (PostgreSQL's own custom-format dump, or a copy made with
SQLite's online backup API), the uploaded files, and last a manifest: for every table its row count and a
checksum of its content in primary-key order, taken in the same snapshot as the dump, and a sha256 for the
database file and each uploaded file. A restore checks every sha256 before touching anything, loads the
database, puts the files back, then recomputes every table's count and checksum and compares them with the
manifest. The secret key is not included (docs/decisions/0013-backups.md).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = "peyvand-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_FILES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
ENGINE_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
FETCH = 5000


class BackupError(Exception):
    """A backup or restore refused or failed, with a message for the operator."""


# --- what is backed up -------------------------------------------------------------------------------------


def engine() -> str:
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(_("Backups support PostgreSQL and SQLite only."))
    return connection.vendor


def upload_folders() -> dict[str, Path]:
    """The folders of uploaded files, by their name inside the archive: Django's file storage and the files
    kept for imports (a run's file is read again when it is resumed or re-checked)."""
    folders = {"imports": Path(settings.DATA_DIR) / "imports"}
    if settings.MEDIA_ROOT:
        folders["media"] = Path(settings.MEDIA_ROOT)
    return folders


def _files_in(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


# --- table checksums ---------------------------------------------------------------------------------------


def _pg_checksums(cursor) -> dict[str, dict[str, Any]]:
    """Each table's rows and a sha256 over the md5 of each row's text form, in primary-key order. A row's text
    form carries every value at full precision (timestamps to the microsecond, exact numerics)."""
    quote = connection.ops.quote_name
    tables: dict[str, dict[str, Any]] = {}
    for table in sorted(connection.introspection.table_names(cursor)):
        key = connection.introspection.get_primary_key_columns(cursor, table) or []
        order = ", ".join(f"t.{quote(c)}" for c in key) or "1"
        digest, rows = hashlib.sha256(), 0
        cursor.execute(f"SELECT md5(t::text) FROM {quote(table)} AS t ORDER BY {order}")
        while batch := cursor.fetchmany(FETCH):
            for (row_md5,) in batch:
                digest.update(row_md5.encode() + b"\n")
            rows += len(batch)
        tables[table] = {"rows": rows, "checksum": digest.hexdigest()}
    return tables


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_checksums(db: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    """Each table's rows and a sha256 over each row's values as SQLite stores them (timestamps are text to the
    microsecond), in primary-key order; read with a plain connection, so no value is converted on the way."""
    names = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite!_%' ESCAPE '!' "
        "ORDER BY name"
    ).fetchall()
    tables: dict[str, dict[str, Any]] = {}
    for (table,) in names:
        columns = db.execute(f"PRAGMA table_info({_sqlite_quote(table)})").fetchall()
        key = [c[1] for c in sorted((c for c in columns if c[5]), key=lambda c: c[5])]
        order = ", ".join(map(_sqlite_quote, key)) or ", ".join(str(i + 1) for i in range(len(columns)))
        digest, rows = hashlib.sha256(), 0
        cursor = db.execute(f"SELECT * FROM {_sqlite_quote(table)} ORDER BY {order}")
        while batch := cursor.fetchmany(FETCH):
            for row in batch:
                digest.update(repr(row).encode() + b"\n")
            rows += len(batch)
        tables[table] = {"rows": rows, "checksum": digest.hexdigest()}
    return tables


def _sqlite_connect(name: str) -> sqlite3.Connection:
    return sqlite3.connect(name, uri=str(name).startswith("file:"), timeout=30)


def current_checksums() -> dict[str, dict[str, Any]]:
    """Every table's count and checksum in the configured database, read in one snapshot."""
    if engine() == "sqlite":
        db = _sqlite_connect(connection.settings_dict["NAME"])
        try:
            db.execute("BEGIN")  # one read transaction: one snapshot for every table
            return _sqlite_checksums(db)
        finally:
            db.close()
    with transaction.atomic(durable=True), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        return _pg_checksums(cursor)


# --- PostgreSQL's programs ---------------------------------------------------------------------------------


def _pg_environment() -> dict[str, str]:
    """The connection for pg_dump and pg_restore, passed in their environment: never on a command line (other
    users of the machine can read those) nor in a message."""
    db = connection.settings_dict
    env = dict(os.environ)
    for variable, value in (
        ("PGHOST", db.get("HOST")),
        ("PGPORT", db.get("PORT")),
        ("PGUSER", db.get("USER")),
        ("PGPASSWORD", db.get("PASSWORD")),
        ("PGDATABASE", db.get("NAME")),
    ):
        if value:
            env[variable] = str(value)
    for option, variable in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
        ("passfile", "PGPASSFILE"),
        ("service", "PGSERVICE"),
    ):
        if value := db.get("OPTIONS", {}).get(option):
            env[variable] = str(value)
    return env


def pg_program(name: str) -> str:
    """pg_dump or pg_restore: from PEYVAND_PG_BIN_DIR if set, else the server's version's, else on PATH."""
    if settings.PEYVAND_PG_BIN_DIR:
        candidates = [Path(settings.PEYVAND_PG_BIN_DIR) / name]
    else:
        connection.ensure_connection()
        major = connection.pg_version // 10000
        found = shutil.which(name)
        candidates = [Path(f"/usr/lib/postgresql/{major}/bin/{name}"), *([Path(found)] if found else [])]
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise BackupError(
        _(
            "%(program)s was not found. Install PostgreSQL's client programs of the server's version, or set "
            "PEYVAND_PG_BIN_DIR to the folder that holds them."
        )
        % {"program": name}
    )


def _program_failed(program: str, stderr: str) -> BackupError:
    return BackupError(
        _("%(program)s failed: %(error)s") % {"program": program, "error": stderr.strip()[-2000:]}
    )


# --- backup ------------------------------------------------------------------------------------------------


class _Hashing(io.RawIOBase):
    """Reads a file and hashes what was read, so each file is read once on its way into the archive."""

    def __init__(self, handle: IO[bytes]):
        self.handle, self.sha256 = handle, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.sha256.update(data)
        return data


def _add_file(archive: tarfile.TarFile, path: Path, name: str) -> dict[str, Any]:
    with path.open("rb") as handle:
        stat = os.fstat(handle.fileno())
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o600
        reader = _Hashing(handle)
        archive.addfile(info, reader)
    return {"path": name, "size": info.size, "sha256": reader.sha256.hexdigest()}


def _dump_postgresql(folder: Path) -> tuple[Path, dict[str, dict[str, Any]]]:
    """pg_dump in the snapshot of a repeatable-read transaction, whose own reads give the checksums: both see
    the database at the same instant, while the application keeps writing."""
    pg_dump = pg_program("pg_dump")
    dump = folder / DATABASE_FILES["postgresql"]
    with transaction.atomic(durable=True), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        process = subprocess.Popen(
            [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={dump}"],
            env=_pg_environment(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            tables = _pg_checksums(cursor)
        finally:
            _, stderr = process.communicate()  # the snapshot must outlive pg_dump's reads
    if process.returncode != 0:
        raise _program_failed("pg_dump", stderr)
    return dump, tables


def _copy_sqlite(folder: Path) -> tuple[Path, dict[str, dict[str, Any]]]:
    """SQLite's online backup API copies the database in one step, in one read transaction, while other
    connections keep writing (WAL); the checksums are read from the copy, which is that snapshot."""
    copy = folder / DATABASE_FILES["sqlite"]
    connection.ensure_connection()
    target = sqlite3.connect(copy)
    try:
        connection.connection.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        tables = _sqlite_checksums(target)
    finally:
        target.close()
    return copy, tables


@dataclass
class BackupResult:
    path: Path
    engine: str
    tables: int
    rows: int
    files: int
    size: int
    seconds: float


def create_backup(destination: Path) -> BackupResult:
    """Write a backup of the configured database and the uploaded files to ``destination``; the file appears
    only when complete (written beside it, then renamed), readable by its owner alone."""
    started = time.monotonic()
    kind = engine()
    destination = destination.resolve()
    if destination.is_dir():
        raise BackupError(
            _("%(path)s is a folder; give the name of the backup file.") % {"path": destination}
        )
    if not destination.parent.is_dir():
        raise BackupError(_("The folder %(path)s does not exist.") % {"path": destination.parent})
    with tempfile.TemporaryDirectory(prefix=".peyvand-backup-", dir=destination.parent) as work_dir:
        work = Path(work_dir)
        database, tables = (_dump_postgresql if kind == "postgresql" else _copy_sqlite)(work)
        partial = work / "backup.tar"
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as archive:
            database_entry = _add_file(archive, database, database.name)
            database.unlink()
            # files are copied after the database's snapshot: one uploaded since is carried but not yet
            # referenced; one deleted since (an old import's file) is left out
            files = []
            for prefix, folder in upload_folders().items():
                for path in _files_in(folder):
                    if work in path.parents:  # a backup written into an upload folder leaves itself out
                        continue
                    name = f"files/{prefix}/{path.relative_to(folder).as_posix()}"
                    try:
                        files.append(_add_file(archive, path, name))
                    except FileNotFoundError:
                        continue
            manifest = {
                "format": FORMAT,
                "version": FORMAT_VERSION,
                "engine": kind,
                "created_at": timezone.now().isoformat(),
                "database": database_entry,
                "tables": tables,
                "files": files,
                "secret_key_included": False,
            }
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(time.time()), 0o600
            archive.addfile(info, io.BytesIO(data))
        partial.chmod(0o600)
        os.replace(partial, destination)
    return BackupResult(
        path=destination,
        engine=kind,
        tables=len(tables),
        rows=sum(t["rows"] for t in tables.values()),
        files=len(files),
        size=destination.stat().st_size,
        seconds=time.monotonic() - started,
    )


# --- restore -----------------------------------------------------------------------------------------------


def _not_a_backup(path: Path, why: str) -> BackupError:
    return BackupError(_("%(path)s is not a usable Peyvand backup: %(why)s") % {"path": path, "why": why})


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest of a backup file, after checking the file is one (written last, it is missing from a file
    cut short)."""
    if not path.is_file():
        raise BackupError(_("There is no file %(path)s.") % {"path": path})
    try:
        with tarfile.open(path, "r:") as archive:
            member = archive.getmember(MANIFEST)
            handle = archive.extractfile(member)
            manifest = json.loads(handle.read()) if handle else None
    except KeyError:
        raise _not_a_backup(
            path, _("it has no manifest (it was cut short, or it is another kind of tar file).")
        ) from None
    except (tarfile.TarError, EOFError, OSError):
        raise _not_a_backup(path, _("it is not a tar archive, or it is damaged or cut short.")) from None
    except (ValueError, UnicodeDecodeError):
        raise _not_a_backup(path, _("its manifest is damaged.")) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _not_a_backup(path, _("its manifest is not a Peyvand backup's."))
    if manifest.get("version") != FORMAT_VERSION:
        raise _not_a_backup(path, _("it was written in a format this version does not read."))
    if manifest.get("engine") not in DATABASE_FILES or not isinstance(manifest.get("tables"), dict):
        raise _not_a_backup(path, _("its manifest is damaged."))
    return manifest


def _safe_relative(name: str) -> PurePosixPath | None:
    """A member's path below ``files/<folder>/``, or None when it would leave its folder."""
    parts = PurePosixPath(name).parts
    if len(parts) < 3 or parts[0] != "files" or any(p in ("..", "") for p in parts) or name.startswith("/"):
        return None
    return PurePosixPath(*parts[1:])


def _unpack(path: Path, manifest: dict[str, Any], into: Path) -> tuple[Path, list[tuple[Path, str, dict]]]:
    """Extract the database file and the uploaded files into ``into``, checking each against the manifest's
    sha256 and size: a damaged or cut-short backup is refused here, before anything is changed."""
    expected = {manifest["database"]["path"]: manifest["database"]}
    expected.update({f["path"]: f for f in manifest.get("files", [])})
    found: dict[str, Path] = {}
    try:
        with tarfile.open(path, "r:") as archive:
            for member in archive:
                if member.name == MANIFEST:
                    continue
                entry = expected.get(member.name)
                if entry is None or not member.isfile():
                    raise _not_a_backup(
                        path,
                        _("it holds %(name)s, which its manifest does not list.") % {"name": member.name},
                    )
                if member.name != manifest["database"]["path"] and _safe_relative(member.name) is None:
                    raise _not_a_backup(
                        path, _("it holds a file outside its folders (%(name)s).") % {"name": member.name}
                    )
                target = into / f"{len(found):06d}"
                source = archive.extractfile(member)
                digest = hashlib.sha256()
                with target.open("wb") as out:
                    while chunk := source.read(1 << 20):
                        digest.update(chunk)
                        out.write(chunk)
                if digest.hexdigest() != entry["sha256"] or target.stat().st_size != entry["size"]:
                    raise _not_a_backup(
                        path,
                        _("%(name)s in it is damaged (its checksum differs from the manifest's).")
                        % {"name": member.name},
                    )
                found[member.name] = target
    except (tarfile.TarError, EOFError, OSError):
        raise _not_a_backup(path, _("it is damaged or cut short.")) from None
    missing = sorted(set(expected) - set(found))
    if missing:
        raise _not_a_backup(path, _("%(name)s is missing from it.") % {"name": missing[0]})
    folders = upload_folders()
    files = []
    for name, staged in found.items():
        if name == manifest["database"]["path"]:
            continue
        relative = _safe_relative(name)
        folder = folders.get(relative.parts[0])
        if folder is None:
            raise _not_a_backup(path, _("it holds files of an unknown folder (%(name)s).") % {"name": name})
        files.append((staged, name, {"folder": folder, "relative": PurePosixPath(*relative.parts[1:])}))
    return found[manifest["database"]["path"]], files


@dataclass
class DatabaseContent:
    tables: int
    rows: int
    files: int

    @property
    def empty(self) -> bool:
        return self.tables == 0 and self.files == 0


def existing_content() -> DatabaseContent:
    """What a restore would replace: the configured database's tables and rows, and the uploaded files."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        rows = 0
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {quote(table)}")
            rows += cursor.fetchone()[0]
    files = sum(len(_files_in(folder)) for folder in upload_folders().values())
    return DatabaseContent(tables=len(tables), rows=rows, files=files)


def _drop_postgresql() -> None:
    """Drop every table, view and sequence of the database's schema, in one transaction."""
    quote = connection.ops.quote_name
    with transaction.atomic(durable=True), connection.cursor() as cursor:
        for kind, query in (
            ("VIEW", "SELECT viewname FROM pg_views WHERE schemaname = current_schema()"),
            ("TABLE", "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"),
            ("SEQUENCE", "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()"),
        ):
            cursor.execute(query)
            for (name,) in cursor.fetchall():
                cursor.execute(f"DROP {kind} IF EXISTS {quote(name)} CASCADE")


def _restore_postgresql(dump: Path, replace: bool) -> None:
    pg_restore = pg_program("pg_restore")
    listed = subprocess.run([pg_restore, "--list", str(dump)], capture_output=True, text=True)
    if listed.returncode != 0:
        raise _program_failed("pg_restore", listed.stderr)
    if replace:
        _drop_postgresql()
    connection.close()
    # one transaction: a failure leaves the database as it was just before (empty)
    result = subprocess.run(
        [
            pg_restore,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ],
        env=_pg_environment(),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise _program_failed("pg_restore", result.stderr)


def _restore_sqlite(copy: Path) -> None:
    """Copy the backup's database over the configured one with the backup API: one write transaction on the
    target, so it holds either all of the backup or what it held before."""
    connection.close()
    source = sqlite3.connect(copy)
    target = _sqlite_connect(connection.settings_dict["NAME"])
    try:
        if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(_("The database in the backup is damaged (SQLite's integrity check fails)."))
        source.backup(target)
    except sqlite3.Error as error:
        raise BackupError(_("SQLite could not restore the database: %(error)s") % {"error": error}) from None
    finally:
        source.close()
        target.close()


@dataclass
class RestoreReport:
    manifest: dict[str, Any]
    tables_checked: int = 0
    files_checked: int = 0
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences


def compare_tables(expected: dict[str, dict], actual: dict[str, dict]) -> list[str]:
    differences = []
    for table in sorted(set(expected) | set(actual)):
        want, got = expected.get(table), actual.get(table)
        if got is None:
            differences.append(_("%(table)s: missing from the restored database.") % {"table": table})
        elif want is None:
            differences.append(
                _("%(table)s: in the restored database but not in the backup.") % {"table": table}
            )
        elif want != got:
            differences.append(
                _(
                    "%(table)s: %(rows)d rows, checksum %(checksum)s in the backup; %(got_rows)d rows, checksum "
                    "%(got_checksum)s restored."
                )
                % {
                    "table": table,
                    "rows": want["rows"],
                    "checksum": want["checksum"][:16],
                    "got_rows": got["rows"],
                    "got_checksum": got["checksum"][:16],
                }
            )
    return differences


def restore_backup(
    path: Path, *, replace: bool, announce: Callable[[DatabaseContent], None] | None = None
) -> RestoreReport:
    """Restore ``path`` into the configured database and upload folders, then check every table and file.

    Refuses, before changing anything: a file that is not a complete, undamaged backup; a backup of the other
    engine; a missing pg_restore; a database or upload folder that is not empty, unless ``replace``."""
    manifest = read_manifest(path)
    kind = engine()
    if manifest["engine"] != kind:
        raise BackupError(
            _(
                "This is a backup of a %(backup)s database; the configured database is %(configured)s. Restore it "
                "with DATABASE_URL set to a %(backup)s database."
            )
            % {"backup": ENGINE_NAMES[manifest["engine"]], "configured": ENGINE_NAMES[kind]}
        )
    if kind == "postgresql":
        pg_program("pg_restore")
    content = existing_content()
    if not content.empty and not replace:
        raise BackupError(
            _(
                "The configured database or upload folders are not empty (%(tables)d tables, %(rows)d rows, "
                "%(files)d uploaded files). Restore into an empty database, or add --replace to drop them first."
            )
            % {"tables": content.tables, "rows": content.rows, "files": content.files}
        )
    data_dir = Path(settings.DATA_DIR)
    with tempfile.TemporaryDirectory(prefix=".peyvand-restore-", dir=data_dir) as work_dir:
        database, files = _unpack(path, manifest, Path(work_dir))
        if replace and not content.empty and announce:
            announce(content)
        try:
            if kind == "postgresql":
                _restore_postgresql(database, replace)
            else:
                _restore_sqlite(database)
        except BackupError as error:
            state = (
                _("The database's earlier tables were dropped (--replace): it is now empty.")
                if replace and kind == "postgresql" and content.tables
                else _("Nothing was restored: the database is as it was.")
            )
            raise BackupError(f"{error} {state}") from None
        try:
            if replace:
                for folder in upload_folders().values():
                    if folder.is_dir():
                        shutil.rmtree(folder)
            for staged, _name, where in files:
                target = where["folder"] / Path(*where["relative"].parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(staged, target)
        except OSError as error:
            raise BackupError(
                _("The database was restored, but the uploaded files could not all be put back: %(error)s")
                % {"error": error}
            ) from None
    report = RestoreReport(manifest=manifest)
    actual = current_checksums()
    report.tables_checked = len(actual)
    report.differences += compare_tables(manifest["tables"], actual)
    folders = upload_folders()
    for entry in manifest.get("files", []):
        relative = _safe_relative(entry["path"])
        target = folders[relative.parts[0]] / Path(*relative.parts[1:])
        digest = hashlib.sha256(target.read_bytes()).hexdigest() if target.is_file() else None
        if digest != entry["sha256"]:
            report.differences.append(
                _("%(file)s: differs from the backup's file.") % {"file": entry["path"]}
            )
        report.files_checked += 1
    return report
