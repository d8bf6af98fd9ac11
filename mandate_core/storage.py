"""The DuckDB store: where the database lives, its schema and versioned upgrades, and safe connections.

DuckDB lets one process write a file at a time, and in one process every connection to a file must share
one configuration.  So nothing here keeps a connection open: callers use :func:`connect` as a context
manager for one short unit of work, and it retries while another process (an import from the command
line, another dashboard) holds the lock.  A long-running dashboard therefore never blocks an import for
longer than one query takes.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from . import pgstore

DEFAULT_DB = Path("data") / "mandate.duckdb"
ENV_DB = "MANDATE_DB"
ENV_LOCK_TIMEOUT = "MANDATE_LOCK_TIMEOUT"

SCHEMA_VERSION = 4
#: The ``meta`` row holding the store's secret behind peer numbers (see :func:`_ensure_peer_key`).
PEER_KEY_ROW = "peer_numbering_key"

#: How long a writer waits for another process to let go of the file before giving up (seconds).
WRITE_LOCK_TIMEOUT = 30.0
#: Readers wait less: a dashboard should say "busy" rather than hang.
READ_LOCK_TIMEOUT = 15.0


class StoreError(Exception):
    """A problem with the database file that the user can act on (message is shown as is).

    ``kind`` is set for a store fault (see :func:`fault`): "damaged", "full", "denied" or "io".
    """

    def __init__(self, message: str, kind: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind


def resolve_db_path(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """The database path: ``--db``, else ``MANDATE_DB``, else ``data/mandate.duckdb`` (docs/architecture.md#storage).

    A PostgreSQL URL comes back unchanged, as a string (a ``Path`` would fold its ``//``): callers that
    need to know which kind of store it is use :func:`is_shared_store`, :func:`exists` and
    :func:`describe` rather than file operations.
    """
    if cli_value:
        if pgstore.is_url(cli_value):
            return str(cli_value).strip()  # type: ignore[return-value]
        return Path(cli_value)
    env = os.environ.get(ENV_DB, "").strip()
    if env:
        return env if pgstore.is_url(env) else Path(env)  # type: ignore[return-value]
    return DEFAULT_DB


def is_shared_store(db: str | os.PathLike[str] | None) -> bool:
    """Whether ``db`` (after the ``--db`` / ``MANDATE_DB`` rule) is a PostgreSQL store."""
    return pgstore.is_url(resolve_db_path(db))


def exists(db: str | os.PathLike[str] | None) -> bool:
    """Whether the store exists: the file, or a PostgreSQL database that holds a store."""
    target = resolve_db_path(db)
    if pgstore.is_url(target):
        try:
            return pgstore.store(str(target)).has_store()
        except pgstore.PgStoreError as exc:
            raise StoreError(str(exc)) from None
    return Path(target).exists()


def store_label(db: str | os.PathLike[str] | None) -> str:
    """What a page may say the store is: a file's name (not the server's folders), or a PostgreSQL
    database's name and host (not the user or password)."""
    target = resolve_db_path(db)
    if pgstore.is_url(target):
        parts = urllib.parse.urlsplit(str(target))
        name = parts.path.lstrip("/") or "(default)"
        return f"Database: PostgreSQL database {name} on {parts.hostname or 'localhost'}"
    return f"Database file: {Path(target).name}"


def describe(db: str | os.PathLike[str] | None) -> str:
    """The store as it may be shown to a user: a file path, or a URL without its password."""
    target = resolve_db_path(db)
    return pgstore.describe(str(target)) if pgstore.is_url(target) else str(target)


def lock_timeout(read_only: bool) -> float:
    """How long to wait for the file lock: ``MANDATE_LOCK_TIMEOUT`` seconds if set, else the default."""
    env = os.environ.get(ENV_LOCK_TIMEOUT, "").strip()
    if env:
        try:
            return max(0.0, float(env))
        except ValueError:
            raise StoreError(f"{ENV_LOCK_TIMEOUT} must be a number of seconds, not {env!r}") from None
    return READ_LOCK_TIMEOUT if read_only else WRITE_LOCK_TIMEOUT


# --- schema ----------------------------------------------------------------------------------------

_SCHEMA_V1 = [
    """CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS councils (
        council_id   VARCHAR PRIMARY KEY,
        name         VARCHAR NOT NULL,
        nation       VARCHAR NOT NULL,
        council_type VARCHAR NOT NULL,
        population   BIGINT,
        peer_group   VARCHAR
    )""",
    """CREATE TABLE IF NOT EXISTS rounds (
        council_id    VARCHAR NOT NULL,
        round         VARCHAR NOT NULL,
        workshop_date DATE NOT NULL,
        PRIMARY KEY (council_id, round)
    )""",
    # One row per participant x theme x horizon, as imported.  role, grp and sector_theme are kept on
    # each answer (as in the file) so that every metric is a single scan; the importer guarantees they
    # agree for a participant / a theme, and `check` verifies it.
    """CREATE TABLE IF NOT EXISTS answers (
        council_id   VARCHAR NOT NULL,
        round        VARCHAR NOT NULL,
        participant  VARCHAR NOT NULL,
        role         VARCHAR NOT NULL,
        grp          VARCHAR,
        theme        VARCHAR NOT NULL,
        sector_theme VARCHAR NOT NULL,
        horizon      VARCHAR NOT NULL,
        change       TINYINT NOT NULL,
        risk         TINYINT,
        note         VARCHAR
    )""",
    """CREATE OR REPLACE VIEW participants AS
        SELECT council_id, round, participant, any_value(role) AS role, any_value(grp) AS grp
        FROM answers GROUP BY ALL""",
    """CREATE OR REPLACE VIEW themes AS
        SELECT council_id, round, theme, any_value(sector_theme) AS sector_theme
        FROM answers GROUP BY ALL""",
]

# Version 2: who may sign in, with which role, and the record of who did what (docs/signin.md).
_SCHEMA_V2 = [
    """CREATE TABLE IF NOT EXISTS users (
        email      VARCHAR PRIMARY KEY,
        role       VARCHAR NOT NULL,
        council_id VARCHAR,
        added_at   TIMESTAMP NOT NULL DEFAULT current_localtimestamp()
    )""",
    """CREATE TABLE IF NOT EXISTS activity (
        happened_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
        actor  VARCHAR NOT NULL,
        action VARCHAR NOT NULL,
        detail VARCHAR NOT NULL DEFAULT ''
    )""",
]

# Version 3: live workshop sessions and the answers given in them before they are stored (docs/live.md).
_SCHEMA_V3 = [
    """CREATE TABLE IF NOT EXISTS live_sessions (
        code          VARCHAR PRIMARY KEY,
        council_id    VARCHAR NOT NULL,
        round         VARCHAR NOT NULL,
        workshop_date DATE NOT NULL,
        themes        VARCHAR NOT NULL,
        groups        VARCHAR NOT NULL,
        state         VARCHAR NOT NULL,
        revealed      BOOLEAN NOT NULL DEFAULT false,
        joined        INTEGER NOT NULL DEFAULT 0,
        opened_by     VARCHAR NOT NULL DEFAULT '',
        opened_at     TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
        expires_at    TIMESTAMP,
        closed_at     TIMESTAMP
    )""",
    """CREATE TABLE IF NOT EXISTS live_participants (
        code         VARCHAR NOT NULL,
        device_token VARCHAR NOT NULL,
        participant  VARCHAR NOT NULL,
        role         VARCHAR,
        grp          VARCHAR,
        joined_at    TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
        rate_started TIMESTAMP,
        rate_count   INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (code, device_token)
    )""",
    """CREATE TABLE IF NOT EXISTS live_answers (
        code        VARCHAR NOT NULL,
        participant VARCHAR NOT NULL,
        theme       VARCHAR NOT NULL,
        horizon     VARCHAR NOT NULL,
        change      TINYINT NOT NULL,
        risk        TINYINT,
        note        VARCHAR,
        updated_at  TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
        PRIMARY KEY (code, participant, theme, horizon)
    )""",
]

# Version 4: hand-picked peer sets a user saved under a name (one row per member council), so a
# benchmark's peers can be chosen again by name; a deleted council leaves every set it was in.
_SCHEMA_V4 = [
    """CREATE TABLE IF NOT EXISTS peer_sets (
        owner      VARCHAR NOT NULL,
        name       VARCHAR NOT NULL,
        council_id VARCHAR NOT NULL,
        position   INTEGER NOT NULL,
        saved_at   TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
        PRIMARY KEY (owner, name, council_id)
    )""",
]

#: version -> statements that bring a database from version-1 to version.  Append, never edit.
MIGRATIONS: dict[int, list[str]] = {1: _SCHEMA_V1, 2: _SCHEMA_V2, 3: _SCHEMA_V3, 4: _SCHEMA_V4}


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """Stored schema version; 0 for an empty file."""
    has_meta = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
    ).fetchone()
    if not has_meta or not has_meta[0]:
        return 0
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def ensure_schema(con: duckdb.DuckDBPyConnection) -> int:
    """Create or upgrade the schema in place, in one transaction.  Returns the version now stored."""
    current = schema_version(con)
    if current > SCHEMA_VERSION:
        raise StoreError(
            f"the database has schema version {current}, newer than this program ({SCHEMA_VERSION}); "
            "upgrade the program"
        )
    if current == SCHEMA_VERSION:
        try:
            _ensure_peer_key(con)
        except duckdb.TransactionException:
            pass  # another connection of this process wrote the key at the same moment: it is there
        return current
    con.execute("BEGIN TRANSACTION")
    try:
        for version in range(current + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS[version]:
                con.execute(statement)
            con.execute(
                "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(version)]
            )
        _ensure_peer_key(con)
        con.execute("COMMIT")
    except Exception:
        _rollback(con)
        raise
    return SCHEMA_VERSION


def _ensure_peer_key(con: duckdb.DuckDBPyConnection) -> None:
    """Give the store its random peer-numbering secret if it has none (and never change it).

    Peer numbers are a keyed hash of council ids (mandate_core.anonymise).  Keeping the key in the store
    means every process reading it — each dashboard, the ``deck`` command — numbers peers alike, and a
    restart does not renumber them; being random per store, it still cannot be recomputed from the ids.
    It is looked up first so that an up-to-date store is not written to (and its data version kept) on
    every read-write connection.
    """
    if con.execute("SELECT 1 FROM meta WHERE key = ?", [PEER_KEY_ROW]).fetchone() is None:
        con.execute("INSERT OR IGNORE INTO meta VALUES (?, ?)", [PEER_KEY_ROW, secrets.token_hex(32)])


# --- connections -------------------------------------------------------------------------------------

_LOCK_PATTERNS = re.compile(
    r"Could not set lock|Conflicting lock|different configuration|database is locked", re.IGNORECASE
)
_HOLDER = re.compile(r"held in (.+?) \(PID (\d+)\)")
_PID = re.compile(r"PID (\d+)")


def _is_lock_error(exc: Exception) -> bool:
    return bool(_LOCK_PATTERNS.search(str(exc)))


# --- store faults: one clear message instead of a traceback ----------------------------------------------

_FULL = re.compile(r"No space left on device|disk is full|Disk quota exceeded|out of disk space", re.IGNORECASE)
_DENIED = re.compile(r"Permission denied|Read-only file system|Operation not permitted|read-only mode",
                     re.IGNORECASE)
_DAMAGED = re.compile(
    r"Corrupt database file|checksum|Could not read enough bytes|not a valid DuckDB database|"
    r"unexpected end of file",
    re.IGNORECASE,
)
_RESTORE = ("Restore it from your latest backup (a folder written by `python -m mandate_core export`): import "
            "that folder's councils.csv and responses.csv into a new file with `python -m mandate_core import "
            "--db NEW --councils DIR/councils.csv DIR/responses.csv`, then move the new file into its place (or "
            "point --db or MANDATE_DB at it). For the demo data only, move the damaged file aside and run "
            "`python -m mandate_core demo`.")


def _detail(exc: BaseException) -> str:
    """DuckDB's own reason, first line only, without its "IO Error:"-style prefix."""
    text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    text = re.sub(r"^(?:[A-Za-z]+ )*Error: ", "", text)
    return re.sub(r'\bfile "[^"]*"', "file", text)[:200]  # the message names the file already


def fault_error(kind: str, path: str | os.PathLike[str], detail: str = "") -> StoreError:
    """The one message for a store fault of ``kind`` on the database ``path``: what happened and what to do."""
    why = f" ({detail})" if detail else ""
    if kind == "full":
        message = (f"the disk holding the database {path} is full{why}; nothing was written. Free some disk "
                   "space (or use a database on another disk with --db or MANDATE_DB) and try again.")
    elif kind == "denied":
        message = (f"the database {path} cannot be written{why}; nothing was written. Check that this user may "
                   "write that file and its folder (DuckDB also writes a .wal file beside it), or use a "
                   "database in a writable folder with --db or MANDATE_DB.")
    elif kind == "damaged":
        message = f"the database file {path} is damaged and cannot be read{why}. {_RESTORE}"
    else:
        message = (f"the database {path} could not be read or written{why}. Check the disk it is on; if the "
                   f"file is damaged, {_RESTORE[0].lower()}{_RESTORE[1:]}")
    return StoreError(message, kind)


def fault(exc: BaseException, path: str | os.PathLike[str]) -> StoreError | None:
    """The store fault behind ``exc`` as a :class:`StoreError`, or None when it is not one.

    A damaged or truncated file, a full disk, a folder or file that cannot be written, or another
    input/output failure is something the user can act on, so it becomes one clear message naming the
    file.  Any other error (a mistake in a query, say) is a bug and is left alone, so it is not disguised.
    """
    if isinstance(exc, StoreError):
        return exc
    if isinstance(exc, OSError) and exc.errno is not None:  # (a bare PermissionError is a refusal, not I/O)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return fault_error("full", path, _detail(exc))
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return fault_error("denied", path, _detail(exc))
        return fault_error("io", path, _detail(exc))
    if not isinstance(exc, duckdb.Error) or _is_lock_error(exc):
        return None
    text = str(exc)
    if "not a valid DuckDB database" in text:
        return StoreError(f"{path} is not a DuckDB database, or it is damaged. {_RESTORE}", "damaged")
    if _FULL.search(text):
        return fault_error("full", path, _detail(exc))
    if _DENIED.search(text):
        return fault_error("denied", path, _detail(exc))
    if _DAMAGED.search(text) or isinstance(exc, duckdb.SerializationException):
        return fault_error("damaged", path, _detail(exc))
    # An internal error (or a database invalidated by one) may come from a damaged file or from DuckDB
    # itself: the message says so without claiming which.
    if isinstance(exc, duckdb.IOException | duckdb.InternalException | duckdb.FatalException):
        return fault_error("io", path, _detail(exc))
    return None


def read_everything(con: duckdb.DuckDBPyConnection) -> None:
    """Read every stored value of every table once, so damage anywhere in the file shows (as an error).

    DuckDB checks a block's checksum only when it reads the block, and a query reads only the columns it
    needs: a file damaged in one table's data opens and answers other queries normally.
    """
    tables = con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE NOT temporary AND NOT internal "
        "ORDER BY 1, 2"
    ).fetchall()
    for schema, table in tables:
        quoted = '"' + str(schema).replace('"', '""') + '"."' + str(table).replace('"', '""') + '"'
        con.execute(f"SELECT count(*), bit_xor(hash(COLUMNS(*))) FROM {quoted}").fetchall()


def damage(path: str | os.PathLike[str] | None = None) -> StoreError | None:
    """Why the existing database file at ``path`` cannot be read in full, or None (also when it is absent
    or busy): for commands that are about to replace a file, so a damaged one is not thrown away unseen."""
    db = resolve_db_path(path)
    if pgstore.is_url(db) or not db.exists():
        return None  # PostgreSQL checks its own pages; there is no file to read through
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as exc:
        found = fault(exc, db)
        return found if found is not None and found.kind == "damaged" else None
    try:
        read_everything(con)
    except (duckdb.Error, OSError) as exc:
        return fault(exc, db)
    finally:
        try:
            con.close()
        except duckdb.Error:
            pass
    return None


def lock_holder(exc: Exception) -> str:
    """Who holds the file, in words, from DuckDB's lock message."""
    text = str(exc)
    holder = _HOLDER.search(text)
    if holder:
        return f"process {holder.group(2)} ({holder.group(1)})"
    match = _PID.search(text)
    if match:
        return f"process {match.group(1)}"
    if "different configuration" in text:
        return "another part of this program (the dashboard or another upload)"
    return "another program"


def _open(path: Path, read_only: bool, timeout: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + timeout
    delay = 0.02
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as exc:
            if not _is_lock_error(exc):
                raise (fault(exc, path) or StoreError(f"cannot open {path}: {_detail(exc)}")) from None
            if time.monotonic() >= deadline:
                raise StoreError(
                    f"the database {path} is in use by {lock_holder(exc)}; waited {timeout:.0f} s. "
                    "Try again when that import or program has finished."
                ) from None
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


@contextmanager
def connect(
    path: str | os.PathLike[str] | None = None,
    *,
    read_only: bool = False,
    timeout: float | None = None,
    tables: tuple[str, ...] | None = None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """One short unit of work on the database, closed afterwards so other processes can get the lock.

    A read-write connection creates the file and upgrades the schema if needed.  A read-only one needs
    an existing, current database.  On a PostgreSQL store the connection is to the process's read model
    and a write is one PostgreSQL transaction (:mod:`pgstore`); ``tables`` may name the only tables the
    unit of work changes, which spares a PostgreSQL store hashing the others (ignored for a file).
    """
    db = resolve_db_path(path)
    if pgstore.is_url(db):
        with _connect_shared(str(db), read_only, timeout, tables) as con:
            yield con
        return
    if read_only and not db.exists():
        raise StoreError(f"no database at {db}; create one with `python -m mandate_core init --db {db}`")
    if not read_only:
        try:
            db.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise fault_error("denied" if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS) else "io",
                              db, f"cannot create the folder {db.parent}: {exc.strerror}") from None
    wait = timeout if timeout is not None else lock_timeout(read_only)
    con = _open(db, read_only, wait)
    try:
        if read_only:
            version = schema_version(con)
            if version != SCHEMA_VERSION:
                raise StoreError(
                    f"the database {db} has schema version {version}, this program needs "
                    f"{SCHEMA_VERSION}; run `python -m mandate_core init --db {db}` to upgrade it"
                )
        else:
            ensure_schema(con)
        yield con
    except duckdb.Error as exc:
        # A damaged file, a full disk or an unwritable folder, wherever in the unit of work it shows,
        # becomes one clear message naming the file; anything else is a bug and goes up unchanged.
        found = fault(exc, db)
        if found is None:
            raise
        raise found from None
    finally:
        try:
            con.close()
        except duckdb.Error:
            pass  # a connection to a damaged file may fail to close too; the error above says why


@contextmanager
def _connect_shared(url: str, read_only: bool, timeout: float | None,
                    tables: tuple[str, ...] | None) -> Iterator[duckdb.DuckDBPyConnection]:
    wait = timeout if timeout is not None else lock_timeout(read_only)
    try:
        with pgstore.store(url).unit(read_only, wait, tables) as con:
            if read_only:
                version = schema_version(con)
                if version != SCHEMA_VERSION:
                    raise StoreError(
                        f"the database {pgstore.describe(url)} has schema version {version}, this program "
                        f"needs {SCHEMA_VERSION}; run `python -m mandate_core init` on it to upgrade it")
            else:
                ensure_schema(con)
            yield con
    except pgstore.PgStoreError as exc:
        raise StoreError(str(exc), kind="io") from None


def data_version(path: str | os.PathLike[str] | None = None) -> tuple[int, int, int, int]:
    """A cheap key that changes whenever the database file changes (for result caches).

    It reads file metadata only, so a page can ask on every rerun without opening the database; on a
    PostgreSQL store it is one small query for the tables' versions.
    """
    db = resolve_db_path(path)
    if pgstore.is_url(db):
        return pgstore.store(str(db)).version_key()
    parts: list[int] = []
    for candidate in (db, Path(str(db) + ".wal")):
        try:
            st = candidate.stat()
            parts += [st.st_mtime_ns, st.st_size]
        except FileNotFoundError:
            parts += [0, 0]
    return (parts[0], parts[1], parts[2], parts[3])


def run_in_transaction(con: duckdb.DuckDBPyConnection, work: Callable[[], None]) -> None:
    """Run ``work`` as one transaction: all of it is written, or none of it."""
    con.execute("BEGIN TRANSACTION")
    try:
        work()
        con.execute("COMMIT")
    except BaseException:
        _rollback(con)
        raise


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back after a failure, keeping the failure as the error.

    When the failure was fatal (a full disk while committing, say) DuckDB has already ended the
    transaction, and ROLLBACK itself fails with "no transaction is active" — which would hide the reason.
    """
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:
        pass
