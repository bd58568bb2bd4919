"""``flask --app wsgi backup …``: consistent backups of the live database, and their restoration.

SQLite: the online backup API copies the database page by page from one read snapshot (a read
transaction is held on the source for the whole copy, so concurrent writers neither block it nor
make it start over); the copy is switched to a self-contained rollback-journal file and checked with
``PRAGMA integrity_check`` before it is renamed into place. A restore checks the backup first, then
copies it into the configured database with the same API, which writes the destination in one
transaction: readers see the old database or the new one, never a mixture. Triggers (the
append-only audit table, the locks on accepted reports) are pages like any other and come back.

PostgreSQL: ``pg_dump --format=custom`` of the app's schema (the first schema of the search path,
``public`` in production), taken from an exported snapshot so that the row counts printed are
those of the dump; ``pg_restore --single-transaction --clean --if-exists --no-owner`` into the
same schema name. Connection parameters go through libpq's environment (``PGHOST``, ``PGPASSWORD``…),
never the command line, where other users could read them.

Both: the backup is one archive (tar) holding the database (the file above), every evidence file of
the upload folder, and ``manifest.json`` first, with the SHA-256 and size of each; a restore checks
every byte against the manifest before it touches anything, then restores the database and the
files. (A bare database file made by earlier versions still restores, without files.) It is written
to a hidden temporary file beside PATH and renamed only once complete and checked, so PATH is never
a half-written file; a restore refuses a database that holds data unless
``--force`` is given, and refuses a damaged backup before touching anything. Stop the app (or expect
its requests to fail for a moment) while restoring.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
PAGES_PER_STEP = 256  # SQLite pages copied per step of the backup API (1 MB at 4 kB pages)
LOCK_WAIT = "60s"  # how long pg_dump / pg_restore wait for a table lock before giving up
POSTGRESQL_CLIENT_PACKAGE = "postgresql-client"  # Debian/Ubuntu: provides pg_dump, pg_restore and psql
SKIPPED_WHEN_EMPTY = {"alembic_version"}  # a migrated database with no data of its own is still "empty"

Progress = Callable[[int, int], None]  # (done, total)


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, and what to do."""


@dataclass
class Outcome:
    """What a backup or restore wrote: where, how big, and how many rows in each table."""

    path: Path
    backend: str
    counts: dict[str, int] = field(default_factory=dict)
    size: int = 0
    schema: str | None = None
    files: int = 0  # evidence files in the archive

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


# ----------------------------------------------------------------------------- shared helpers
def _backend(engine: Engine) -> str:
    name = engine.dialect.name
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"backups of {name} databases are not supported (only SQLite and PostgreSQL)")
    return name


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _human_size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "kB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{size} bytes" if unit == "bytes" else f"{value:.1f} {unit} ({size} bytes)"
        value /= 1024
    return f"{size} bytes"  # unreachable


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@contextmanager
def _temporary_beside(destination: Path, suffix: str) -> Iterator[Path]:
    """A new private file in PATH's directory; removed (with any SQLite side files) unless renamed away."""
    descriptor, name = tempfile.mkstemp(prefix=f".{destination.name}.", suffix=suffix, dir=destination.parent)
    os.close(descriptor)
    temporary = Path(name)
    try:
        yield temporary
    finally:
        for leftover in (temporary, *(Path(f"{temporary}{side}") for side in ("-journal", "-wal", "-shm"))):
            with suppress(FileNotFoundError):
                leftover.unlink()


def _publish(temporary: Path, destination: Path) -> None:
    """Make the finished file durable, then atomically give it its name."""
    _fsync(temporary)
    os.replace(temporary, destination)
    with suppress(OSError):  # the rename itself; not every file system lets a directory be opened
        _fsync(destination.parent)


def _check_destination(path: Path, force: bool) -> Path:
    path = path.expanduser().absolute()
    if path.is_dir():
        raise BackupError(f"{path} is a directory: give the name of the backup file to write")
    if not path.parent.is_dir():
        raise BackupError(f"directory {path.parent} does not exist")
    if path.exists() and not force:
        raise BackupError(
            f"{path} already exists; pass --force to replace it (the old file stays until the new one is complete)"
        )
    return path


def _backup_format(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise BackupError(f"cannot read backup {path}: {error.strerror or error}") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise BackupError(
        f"{path} is not a backup made by 'backup create' (neither a SQLite database nor a pg_dump archive)"
    )


# ----------------------------------------------------------------------------- SQLite
def _sqlite_path(engine: Engine) -> Path:
    url = engine.url
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:") or url.query.get("mode") == "memory":
        raise BackupError(
            f"the database {url.render_as_string()} is not a file: there is nothing to back up or restore"
        )
    return Path(database).expanduser().absolute()


def _sqlite_counts(connection: sqlite3.Connection) -> dict[str, int]:
    query = (
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
    )
    names = [row[0] for row in connection.execute(query)]
    return {name: connection.execute(f"SELECT count(*) FROM {_quote(name)}").fetchone()[0] for name in names}


def _sqlite_integrity(connection: sqlite3.Connection) -> list[str]:
    """Every problem ``PRAGMA integrity_check`` finds (none: the file is sound)."""
    rows = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    return [] if rows == ["ok"] else rows


def _sqlite_copy(source: sqlite3.Connection, target: sqlite3.Connection, progress: Progress | None) -> None:
    def step(_status: int, remaining: int, total: int) -> None:
        if progress is not None:
            progress(total - remaining, total)

    source.backup(target, pages=PAGES_PER_STEP, progress=step, sleep=0.05)


def sqlite_backup(engine: Engine, destination: Path, progress: Progress | None = None) -> Outcome:
    source_path = _sqlite_path(engine)
    if not source_path.is_file():
        raise BackupError(f"there is no database at {source_path}")
    if destination.resolve() in {Path(f"{source_path}{side}").resolve() for side in ("", "-wal", "-shm", "-journal")}:
        raise BackupError(f"{destination} is the live database itself: write the backup to another file")
    with _temporary_beside(destination, ".partial") as temporary:
        try:
            source = sqlite3.connect(source_path, isolation_level=None, timeout=30)
            try:
                # One read snapshot for the whole copy: concurrent commits neither block it nor restart it.
                source.execute("BEGIN")
                source.execute("SELECT count(*) FROM sqlite_master").fetchone()
                copy = sqlite3.connect(temporary, isolation_level=None)
                try:
                    _sqlite_copy(source, copy, progress)
                    source.execute("COMMIT")
                    copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
                    problems = _sqlite_integrity(copy)
                    if problems:
                        raise BackupError("the copy failed its integrity check: " + "; ".join(problems[:5]))
                    counts = _sqlite_counts(copy)
                finally:
                    copy.close()
            finally:
                source.close()
        except sqlite3.Error as error:
            raise BackupError(f"SQLite refused the backup of {source_path}: {error}") from None
        size = temporary.stat().st_size
        _publish(temporary, destination)
    return Outcome(destination, "sqlite", counts, size)


def _open_sqlite_backup(path: Path) -> tuple[sqlite3.Connection, dict[str, int]]:
    """A read-only connection to a backup that passed its integrity check, and its row counts."""
    try:
        connection = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, isolation_level=None)
    except sqlite3.Error as error:
        raise BackupError(f"cannot open backup {path}: {error}") from None
    try:
        problems = _sqlite_integrity(connection)
        if problems:
            raise BackupError(f"backup {path} is damaged: " + "; ".join(problems[:5]))
        counts = _sqlite_counts(connection)
    except sqlite3.DatabaseError as error:
        connection.close()
        raise BackupError(f"backup {path} is damaged: {error}") from None
    except BaseException:
        connection.close()
        raise
    if not counts:
        connection.close()
        raise BackupError(f"backup {path} holds no tables")
    return connection, counts


def sqlite_restore(engine: Engine, backup: Path, force: bool, progress: Progress | None = None) -> Outcome:
    target_path = _sqlite_path(engine)
    source, expected = _open_sqlite_backup(backup)  # before anything is touched
    try:
        if not target_path.parent.is_dir():
            raise BackupError(f"directory {target_path.parent} does not exist")
        engine.dispose()  # our own pooled connections
        try:
            target = sqlite3.connect(target_path, isolation_level=None, timeout=30)
        except sqlite3.Error as error:
            raise BackupError(f"cannot open the database {target_path}: {error}") from None
        try:
            try:
                present = _sqlite_counts(target)
            except sqlite3.DatabaseError as error:
                raise BackupError(f"the database {target_path} cannot be read ({error}); move it away first") from None
            _refuse_unless_empty(present, force, str(target_path))
            try:
                # the destination is written in one transaction, committed when the last page is in
                _sqlite_copy(source, target, progress)
                target.execute("PRAGMA journal_mode=WAL")
                problems = _sqlite_integrity(target)
                counts = _sqlite_counts(target)
            except sqlite3.Error as error:
                raise BackupError(f"SQLite refused the restore into {target_path}: {error}") from None
        finally:
            target.close()
    finally:
        source.close()
    if problems:
        raise BackupError(f"the restored database failed its integrity check: {'; '.join(problems[:5])}")
    if counts != expected:
        raise BackupError(f"the restored database does not hold what the backup holds: {counts} != {expected}")
    return Outcome(target_path, "sqlite", counts, target_path.stat().st_size)


def _refuse_unless_empty(counts: dict[str, int], force: bool, where: str) -> None:
    held = {name: n for name, n in counts.items() if n and name not in SKIPPED_WHEN_EMPTY}
    if held and not force:
        raise BackupError(
            f"refusing to restore: {where} already holds data ({sum(held.values())} rows in {len(held)} tables, "
            f"e.g. {', '.join(f'{name}: {n}' for name, n in sorted(held.items())[:3])}); nothing was changed. "
            "Pass --force to replace everything in it with the backup."
        )


# ----------------------------------------------------------------------------- PostgreSQL
def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found on PATH; install the PostgreSQL client programs "
            f"(Debian/Ubuntu: apt-get install {POSTGRESQL_CLIENT_PACKAGE}; their major version must be at least "
            "the server's)"
        )
    return found


_LIBPQ_QUERY_ENV = {
    "host": "PGHOST",
    "port": "PGPORT",
    "sslmode": "PGSSLMODE",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslrootcert": "PGSSLROOTCERT",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


def _pg_environment(url: URL) -> dict[str, str]:
    """libpq's environment for the URL: the password in PGPASSWORD, never on a command line."""
    env = dict(os.environ)  # PGSSLMODE, PGPASSFILE…: libpq reads them for the app's own connections too
    for key, variable in _LIBPQ_QUERY_ENV.items():
        value = url.query.get(key)
        if isinstance(value, str):
            env[variable] = value
    if url.host:
        env["PGHOST"] = url.host
    if url.port:
        env["PGPORT"] = str(url.port)
    if url.username:
        env["PGUSER"] = url.username
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    if url.database:
        env["PGDATABASE"] = url.database
    env["PGAPPNAME"] = "tracker-backup"
    env["PGOPTIONS"] = f"{env.get('PGOPTIONS', '')} -c lock_timeout={LOCK_WAIT}".strip()
    return env


def _search_path_schema(url: URL) -> str | None:
    options = url.query.get("options")
    if not isinstance(options, str):
        return None
    match = re.search(r"(?:-c\s*|--)search_path\s*=\s*([^\s,]+)", options)
    return match.group(1).strip('"') if match else None


def pg_schema(engine: Engine) -> str:
    """The schema the app's tables live in: the first of the URL's search path, else the server's current one."""
    named = _search_path_schema(engine.url)
    if named and not named.startswith("$"):
        return named
    with engine.connect() as connection:
        current = connection.execute(text("SELECT current_schema()")).scalar()
    return current or "public"


def _pg_counts(connection, schema: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    names = connection.execute(
        text(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = :schema AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname"
        ),
        {"schema": schema},
    ).scalars()
    return {
        name: connection.execute(text(f"SELECT count(*) FROM {_quote(schema)}.{_quote(name)}")).scalar_one()
        for name in list(names)
    }


def _pg_schema_exists(connection, schema: str) -> bool:  # type: ignore[no-untyped-def]
    query = text("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = :schema)")
    return bool(connection.execute(query, {"schema": schema}).scalar())


def _run(command: list[str], env: dict[str, str], what: str) -> str:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{what} failed (exit {result.returncode}): {_tail(result.stderr)}")
    return result.stdout


def _tail(stderr: str, lines: int = 12) -> str:
    """The lines of a client program's stderr worth showing: its errors, else its last words."""
    kept = [line for line in stderr.splitlines() if line.strip()]
    errors = [line for line in kept if "error" in line.lower() or "fatal" in line.lower()]
    return "\n".join((errors or kept)[-lines:]) or "(no message)"


@dataclass(frozen=True)
class TocEntry:
    line: str
    kind: str
    schema: str
    name: str


_TOC_LINE = re.compile(r"^\d+; \d+ \d+ (?P<rest>.*)$")
_TOC_KINDS = sorted(
    [
        "TABLE DATA",
        "TABLE",
        "SEQUENCE SET",
        "SEQUENCE OWNED BY",
        "SEQUENCE",
        "SCHEMA",
        "COMMENT",
        "CONSTRAINT",
        "FK CONSTRAINT",
        "INDEX",
        "TRIGGER",
        "FUNCTION",
        "DEFAULT",
        "ACL",
        "VIEW",
        "TYPE",
    ],
    key=len,
    reverse=True,
)


def _pg_toc(pg_restore: str, path: Path, env: dict[str, str]) -> list[TocEntry]:
    """The archive's table of contents, as ``pg_restore --list`` prints it."""
    try:
        listing = _run([pg_restore, "--list", str(path)], env, f"reading backup {path}")
    except BackupError as error:
        raise BackupError(f"backup {path} is damaged or not a pg_dump archive: {error}") from None
    entries = []
    for line in listing.splitlines():
        match = _TOC_LINE.match(line)
        if not match:
            continue
        rest = match.group("rest")
        kind = next((k for k in _TOC_KINDS if rest.startswith(k + " ")), rest.split(" ", 1)[0])
        words = rest[len(kind) :].split()
        entries.append(TocEntry(line, kind, words[0] if words else "-", words[1] if len(words) > 1 else ""))
    return entries


def pg_backup(engine: Engine, destination: Path, progress: Progress | None = None) -> Outcome:
    pg_dump, pg_restore = _pg_tool("pg_dump"), _pg_tool("pg_restore")
    env = _pg_environment(engine.url)
    schema = pg_schema(engine)
    with _temporary_beside(destination, ".partial") as temporary:
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
            if not _pg_schema_exists(connection, schema):
                raise BackupError(f"schema {schema} does not exist in the database: there is nothing to back up")
            # pg_dump reads from this transaction's snapshot, so the counts below are the dump's
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            counts = _pg_counts(connection, schema)
            if not counts:
                raise BackupError(f"schema {schema} holds no tables: there is nothing to back up")
            command = [
                pg_dump,
                "--format=custom",
                f"--schema={_quote(schema)}",
                f"--snapshot={snapshot}",
                f"--lock-wait-timeout={LOCK_WAIT}",
                "--no-password",
                "--verbose",
                f"--file={temporary}",
            ]
            _pg_dump_with_progress(command, env, len(counts), progress)
            connection.rollback()
        dumped = {e.name for e in _pg_toc(pg_restore, temporary, env) if e.kind == "TABLE DATA" and e.schema == schema}
        if dumped != set(counts):
            raise BackupError(f"pg_dump wrote an incomplete archive: missing {sorted(set(counts) - dumped)}")
        size = temporary.stat().st_size
        _publish(temporary, destination)
    return Outcome(destination, "postgresql", counts, size, schema)


def _pg_dump_with_progress(command: list[str], env: dict[str, str], tables: int, progress: Progress | None) -> None:
    """Run pg_dump --verbose, advancing the progress as each table's data is dumped."""
    lines, done = [], 0
    with subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) as process:
        assert process.stderr is not None
        try:
            for line in process.stderr:
                lines.append(line.rstrip("\n"))
                if "dumping contents of table" in line:
                    done += 1
                    if progress is not None:
                        progress(min(done, tables), tables)
        except BaseException:  # interrupted (Ctrl+C, a failing progress bar): leave no pg_dump behind
            process.kill()
            raise
    if process.returncode != 0:
        raise BackupError(f"pg_dump failed (exit {process.returncode}): {_tail(chr(10).join(lines))}")


def pg_restore(engine: Engine, backup: Path, force: bool, progress: Progress | None = None) -> Outcome:
    pg_restore_program = _pg_tool("pg_restore")
    env = _pg_environment(engine.url)
    # 1. the archive: its table of contents, then every byte of its data, before anything is touched
    toc = _pg_toc(pg_restore_program, backup, env)
    _run([pg_restore_program, "--file=/dev/null", str(backup)], env, f"reading all of backup {backup}")
    schemas = {entry.schema for entry in toc if entry.kind == "TABLE"}
    if len(schemas) != 1:
        raise BackupError(f"backup {backup} holds tables of {len(schemas)} schemas ({sorted(schemas)}); expected one")
    backup_schema = schemas.pop()
    backup_tables = {entry.name for entry in toc if entry.kind == "TABLE"}
    # 2. the target: the same schema name, empty unless --force, nothing the backup would leave behind
    schema = pg_schema(engine)
    if schema != backup_schema:
        raise BackupError(
            f"backup {backup} is of schema {backup_schema!r} but the configured database uses schema {schema!r}; "
            f"a backup is restored into a schema of the same name (set the search_path to {backup_schema})"
        )
    with engine.connect() as connection:
        exists = _pg_schema_exists(connection, schema)
        present = _pg_counts(connection, schema) if exists else {}
    where = f"schema {schema} of {engine.url.render_as_string(hide_password=True)}"
    _refuse_unless_empty(present, force, where)
    strangers = sorted(set(present) - backup_tables)
    if strangers:
        raise BackupError(
            f"refusing to restore: {where} has tables the backup does not ({', '.join(strangers)}) and would keep "
            "them; drop them or restore into an empty schema. Nothing was changed."
        )
    # 3. one transaction: drop what the backup holds, recreate it; any error and nothing changes
    keep = [
        e.line for e in toc if not (exists and (e.kind == "SCHEMA" or (e.kind == "COMMENT" and e.name == "SCHEMA")))
    ]
    engine.dispose()
    if progress is not None:
        progress(0, 1)
    with tempfile.NamedTemporaryFile("w", prefix="tracker-restore-", suffix=".list") as list_file:
        list_file.write("\n".join(keep) + "\n")
        list_file.flush()
        command = [
            pg_restore_program,
            "--single-transaction",
            "--exit-on-error",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-password",
            f"--use-list={list_file.name}",
            f"--dbname={env.get('PGDATABASE') or env.get('PGUSER') or getpass.getuser()}",  # libpq's default
            str(backup),
        ]
        _run(command, env, "pg_restore")
    if progress is not None:
        progress(1, 1)
    with engine.connect() as connection:
        counts = _pg_counts(connection, schema)
    return Outcome(backup, "postgresql", counts, backup.stat().st_size, schema)


# ----------------------------------------------------------------------------- the archive
ARCHIVE_FORMAT = "commitment-tracker-backup"
MANIFEST = "manifest.json"
DATABASE_MEMBER = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}
UPLOADS = "uploads/"
_STORED_NAME = re.compile(r"[0-9a-f]{1,64}")  # tracker.uploads names every stored file so
_CHUNK = 1024 * 1024


def _sha256(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _evidence_files(upload_dir: Path) -> list[Path]:
    """The stored evidence files (named by tracker.uploads); anything else in the folder is not ours."""
    if not upload_dir.is_dir():
        return []
    return sorted(p for p in upload_dir.iterdir() if p.is_file() and _STORED_NAME.fullmatch(p.name))


class _Hashing:
    """A file read through, its SHA-256 taken on the way (to prove what went into the archive)."""

    def __init__(self, handle):  # type: ignore[no-untyped-def]
        self.handle, self.digest = handle, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data  # type: ignore[no-any-return]


def _add(archive: tarfile.TarFile, name: str, path: Path, sha256: str) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = path.stat().st_size, 0o600, int(path.stat().st_mtime)
    with path.open("rb") as handle:
        reader = _Hashing(handle)
        archive.addfile(info, reader)  # type: ignore[arg-type]
    if reader.digest.hexdigest() != sha256:
        raise BackupError(f"{path} changed while it was backed up; run the backup again")


def _write_archive(destination: Path, backend: str, database: Path, files: list[Path], counts: dict[str, int]) -> int:
    """The archive: the manifest first, then the database, then every file; returns the files written."""
    db_hash, db_size = _sha256(database)
    hashes = {path.name: _sha256(path) for path in files}
    manifest = {
        "format": ARCHIVE_FORMAT,
        "version": 1,
        "created_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "backend": backend,
        "database": {"name": DATABASE_MEMBER[backend], "sha256": db_hash, "size": db_size},
        "files": {name: {"sha256": digest, "size": size} for name, (digest, size) in hashes.items()},
        "counts": counts,
    }
    data = json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8")
    with tarfile.open(destination, "w", format=tarfile.PAX_FORMAT) as archive:
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mode = len(data), 0o600
        archive.addfile(info, io.BytesIO(data))
        _add(archive, DATABASE_MEMBER[backend], database, db_hash)
        for path in files:
            _add(archive, UPLOADS + path.name, path, hashes[path.name][0])
    return len(files)


def _read_manifest(archive: tarfile.TarFile, path: Path) -> dict:  # type: ignore[type-arg]
    first = archive.next()
    if first is None or first.name != MANIFEST or not first.isfile() or first.size > 64 * 1024 * 1024:
        raise BackupError(f"{path} is not a backup made by 'backup create' (it has no manifest first)")
    handle = archive.extractfile(first)
    try:
        manifest = json.loads(handle.read())  # type: ignore[union-attr]
        if manifest.get("format") != ARCHIVE_FORMAT or manifest.get("backend") not in DATABASE_MEMBER:
            raise ValueError("not our format")
        manifest["database"]["sha256"], manifest["files"].items()  # noqa: B018  (the keys it must have)
    except (ValueError, KeyError, TypeError, AttributeError):
        raise BackupError(f"backup {path} is damaged: its manifest cannot be read") from None
    return manifest  # type: ignore[no-any-return]


def _unpack(path: Path, into: Path) -> dict:  # type: ignore[type-arg]
    """Check every member of the archive against its manifest while copying it into ``into``."""
    try:
        with tarfile.open(path, "r:") as archive:
            manifest = _read_manifest(archive, path)
            expected = {manifest["database"]["name"]: manifest["database"]} | {
                UPLOADS + name: entry for name, entry in manifest["files"].items()
            }
            seen: set[str] = set()
            for member in archive:  # from the first member again: the manifest is read already
                if member.offset == 0 and member.name == MANIFEST:
                    continue
                entry = expected.get(member.name)
                name = member.name.removeprefix(UPLOADS)
                if entry is None or member.name in seen or not member.isfile():
                    raise BackupError(f"backup {path} is damaged: {member.name!r} is not in its manifest")
                if member.name.startswith(UPLOADS) and not _STORED_NAME.fullmatch(name):
                    raise BackupError(f"backup {path} is damaged: {member.name!r} is not an evidence file's name")
                seen.add(member.name)
                target = into / ("database" if member.name == manifest["database"]["name"] else name)
                digest, size = hashlib.sha256(), 0
                source = archive.extractfile(member)
                with target.open("wb") as out:
                    while chunk := source.read(_CHUNK):  # type: ignore[union-attr]
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                if (digest.hexdigest(), size) != (entry["sha256"], entry["size"]):
                    raise BackupError(f"backup {path} is damaged: {member.name} does not match its manifest")
            missing = sorted(set(expected) - seen)
            if missing:
                raise BackupError(f"backup {path} is damaged: {len(missing)} member(s) missing, e.g. {missing[0]}")
    except (tarfile.TarError, EOFError, OSError) as error:
        raise BackupError(f"backup {path} is damaged: {error}") from None
    return manifest


def _upload_dir(upload_dir: Path | None) -> Path:
    return Path(upload_dir if upload_dir is not None else current_app.config["UPLOAD_DIR"])


# ----------------------------------------------------------------------------- entry points
def create_backup(
    engine: Engine,
    destination: Path,
    *,
    force: bool = False,
    progress: Progress | None = None,
    upload_dir: Path | None = None,
) -> Outcome:
    """Write one archive: a consistent dump of the database, every evidence file and their manifest."""
    backend = _backend(engine)
    destination = _check_destination(Path(destination), force)
    files = _evidence_files(_upload_dir(upload_dir))
    work = Path(tempfile.mkdtemp(prefix=f".{destination.name}.", dir=destination.parent))
    try:
        database = work / DATABASE_MEMBER[backend]
        if backend == "sqlite":
            outcome = sqlite_backup(engine, database, progress)
        else:
            outcome = pg_backup(engine, database, progress)
        with _temporary_beside(destination, ".partial") as temporary:
            outcome.files = _write_archive(temporary, backend, database, files, outcome.counts)
            _publish(temporary, destination)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    outcome.path, outcome.size = destination, destination.stat().st_size
    return outcome


def restore_backup(
    engine: Engine,
    backup: Path,
    *,
    force: bool = False,
    progress: Progress | None = None,
    upload_dir: Path | None = None,
) -> Outcome:
    """Check ``backup`` whole, then replace the (empty, unless ``force``) database with it in one
    transaction, and put its evidence files into the (empty, unless ``force``) upload folder."""
    backend = _backend(engine)
    backup = Path(backup).expanduser().absolute()
    if not backup.is_file():
        raise BackupError(f"there is no backup file at {backup}")
    if not tarfile.is_tarfile(backup):  # a bare database file, as earlier versions wrote
        return _restore_database(engine, backend, backup, force, progress)
    folder = _upload_dir(upload_dir).expanduser().absolute()
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".restore.", dir=folder.parent))
    try:
        manifest = _unpack(backup, work)  # every byte checked before anything is touched
        if manifest["backend"] != backend:
            raise BackupError(f"{backup} is a {manifest['backend']} backup; the configured database is {backend}")
        present = _evidence_files(folder)
        if present and not force:
            raise BackupError(
                f"refusing to restore: the upload folder {folder} already holds {len(present)} evidence file(s); "
                "nothing was changed. Pass --force to restore over them."
            )
        outcome = _restore_database(engine, backend, work / "database", force, progress)
        folder.mkdir(parents=True, exist_ok=True)
        for name, entry in manifest["files"].items():
            os.replace(work / name, folder / name)
            if _sha256(folder / name) != (entry["sha256"], entry["size"]):
                raise BackupError(f"evidence file {name} was not restored intact into {folder}")
        outcome.files = len(manifest["files"])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    outcome.path = backup
    return outcome


def _restore_database(engine: Engine, backend: str, database: Path, force: bool, progress: Progress | None) -> Outcome:
    kind = _backup_format(database)
    if kind != backend:
        raise BackupError(f"{database} is a {kind} backup; the configured database is {backend}")
    if backend == "sqlite":
        return sqlite_restore(engine, database, force, progress)
    return pg_restore(engine, database, force, progress)


# ----------------------------------------------------------------------------- commands
backup_cli = AppGroup("backup", help="Back up the database to a file, and restore it from one.")


@contextmanager
def _progress_bar(label: str) -> Iterator[Progress]:
    with click.progressbar(length=1, label=label, file=sys.stderr) as bar:

        def progress(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        yield progress


def _echo_counts(outcome: Outcome) -> None:
    width = max((len(name) for name in outcome.counts), default=0)
    for name, count in sorted(outcome.counts.items()):
        click.echo(f"  {name:{width}}  {count:>9}")


@backup_cli.command("create")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it exists (only once the new backup is complete).")
def create_command(path: Path, force: bool) -> None:
    """Write a consistent backup of the live database to PATH.

    SQLite: a database file (online backup API). PostgreSQL: a pg_dump custom-format archive of the
    app's schema. PATH appears only when the backup is complete and checked.
    """
    from .extensions import db

    try:
        with _progress_bar("backing up") as progress:
            outcome = create_backup(db.engine, path, force=force, progress=progress)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    kind = "SQLite database" if outcome.backend == "sqlite" else f"pg_dump archive of schema {outcome.schema}"
    click.echo(f"backup written: {outcome.path}")
    click.echo(f"  {_human_size(outcome.size)}: {kind}, {len(outcome.counts)} tables, {outcome.rows} rows,")
    click.echo(f"  and {outcome.files} evidence file(s), each with its SHA-256 in the manifest:")
    _echo_counts(outcome)


@backup_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
def restore_command(path: Path, force: bool) -> None:
    """Check the backup at PATH, then restore it into the configured database in one transaction.

    Refuses a database that already holds data unless --force is given, and a damaged backup always.
    Stop the app while restoring.
    """
    from .audit import ChainBreak, verify_chain
    from .extensions import db

    target = db.engine.url.render_as_string(hide_password=True)
    try:
        db.session.remove()
        with _progress_bar("restoring") as progress:
            outcome = restore_backup(db.engine, path, force=force, progress=progress)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    where = f" (schema {outcome.schema})" if outcome.schema else ""
    click.echo(f"restored {path} into {target}{where}")
    click.echo(f"  evidence files restored into {current_app.config['UPLOAD_DIR']}: {outcome.files}")
    click.echo(f"  {len(outcome.counts)} tables, {outcome.rows} rows:")
    _echo_counts(outcome)
    if "audit_event" in outcome.counts:
        breaks = [item for item in verify_chain(db.session) if isinstance(item, ChainBreak)]
        db.session.remove()
        if breaks:
            click.echo(
                f"warning: the restored audit chain has {len(breaks)} break(s); see flask audit verify", err=True
            )
        else:
            click.echo(f"audit chain intact: {outcome.counts['audit_event']} events")
