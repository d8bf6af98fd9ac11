"""PostgreSQL as the shared store, with DuckDB still the engine that computes (docs/deployment.md).

Several app processes (one Streamlit process uses one core) must share one store that takes writes from
all of them: live answers from phones, sign-in records, imports.  A DuckDB file admits one writer
process at a time, PostgreSQL admits many.  But every metric is written once, in DuckDB SQL, and must stay
so.  So PostgreSQL is the system of record and each process keeps a *read model*: an in-memory DuckDB
database with exactly the file store's schema, loaded from PostgreSQL and refreshed table by table when
the store's version of that table moves (one cheap query per unit of work).  Every caller goes on using
a DuckDB connection, unchanged.

A write is one PostgreSQL transaction that first takes an advisory lock (so writers from every process
queue, as they do on the file's lock), refreshes the read model, runs the caller's unit of work on it,
then finds what changed by comparing content hashes per partition (an answers table by council and
round, live tables by session code, small tables whole) and replaces just those partitions in
PostgreSQL, bumps their versions and commits.  All or nothing: if anything fails, PostgreSQL rolls back
and the read model reloads what it may have changed.  Row order within a partition is kept (the export
writes answers in the order they were imported).
"""

from __future__ import annotations

import os
import secrets
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import duckdb

#: How a ``--db`` value names a PostgreSQL store rather than a DuckDB file.
URL_PREFIXES = ("postgresql://", "postgres://")

#: Tables stored in partitions (the key columns); a change rewrites only the partitions it touched.
PARTITIONS: dict[str, tuple[str, ...]] = {
    "answers": ("council_id", "round"),
    "rounds": ("council_id",),
    "live_answers": ("code",),
    "live_participants": ("code",),
}

#: Big tables a unit of work that names the tables it changes lets the write skip hashing (the small
#: tables are always compared: cheap, and a schema upgrade or the peer key may write them).
SKIPPABLE = frozenset({"answers"})

#: The store's own bookkeeping table in PostgreSQL: one row per data table.
VERSIONS_TABLE = "mandate_store"
#: The advisory-lock key every writer takes (an arbitrary constant: "mandate" in ASCII, as a number).
LOCK_KEY = 0x6D616E64617465

#: DuckDB column types of the schema and their PostgreSQL equivalents.
_PG_TYPES = {
    "VARCHAR": "text", "TINYINT": "smallint", "SMALLINT": "smallint", "INTEGER": "integer",
    "BIGINT": "bigint", "DATE": "date", "TIMESTAMP": "timestamp", "BOOLEAN": "boolean",
    "DOUBLE": "double precision", "FLOAT": "real",
}



def _drop(connection: Any) -> None:
    """Close a connection that is being let go (None: nothing to close); a broken one may fail to close,
    which changes nothing, since it is dropped anyway."""
    if connection is None:
        return
    try:
        connection.close()
    except Exception:  # noqa: BLE001 - dropped anyway
        pass

class PgStoreError(Exception):
    """The PostgreSQL store cannot be reached or used; the message says why, without the password."""


def is_url(db: object) -> bool:
    """Whether a ``--db`` value is a PostgreSQL URL."""
    return isinstance(db, str) and db.strip().lower().startswith(URL_PREFIXES)


def describe(url: str) -> str:
    """The URL as it may be shown or logged: the password replaced by ``***``."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0]
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[1]}"))


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is in requirements.txt
        raise PgStoreError("a PostgreSQL store needs the psycopg package (pip install -r requirements.txt)") \
            from None
    return psycopg


class PgStore:
    """One process's view of one PostgreSQL store: a connection, the read model and what it holds."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.lock = threading.RLock()  # one writer or refresher in this process at a time
        self.read_lock = threading.Lock()  # the readers' version-check connection
        self._rpg: Any = None
        self._depth = threading.local()  # how deep this thread is in write units (nested ones join)
        self.model = duckdb.connect(":memory:")
        self._model_ready = False
        self._columns: dict[str, list[tuple[str, str]]] = {}
        self._tables: list[str] = []
        self._pg: Any = None
        self.versions: dict[str, int] = {}  # table -> version the read model holds (-1: reload)
        self.prints: dict[str, dict[tuple[Any, ...], tuple[int, int]]] = {}  # table -> partition -> print

    # --- PostgreSQL connection ------------------------------------------------------------------------

    def _connection(self) -> Any:
        psycopg = _psycopg()
        if self._pg is not None and not self._pg.closed and not self._pg.broken:
            return self._pg
        try:
            self._pg = psycopg.connect(self.url, autocommit=True, connect_timeout=10,
                                       application_name="mandate")
        except psycopg.Error as exc:
            raise PgStoreError(f"cannot reach the PostgreSQL store {describe(self.url)}: "
                               f"{_first_line(exc)}") from None
        return self._pg

    def close(self) -> None:
        """Close both connections and the read model (a process forgetting this store)."""
        with self.read_lock:
            _drop(self._rpg)
            self._rpg = None
        self._reset()
        self.model.close()

    def _reset(self) -> None:
        _drop(self._pg)
        self._pg = None

    # --- the read model ---------------------------------------------------------------------------------

    def _ensure_model(self) -> None:
        if self._model_ready:
            return
        from . import storage

        for version in sorted(storage.MIGRATIONS):
            for statement in storage.MIGRATIONS[version]:
                self.model.execute(statement)
        self._model_ready = True
        for table in self.tables():
            self.versions.setdefault(table, -1)

    def tables(self) -> list[str]:
        """The read model's data tables (the file store's schema)."""
        if not self._tables:
            rows = self.model.execute(
                "SELECT table_name FROM duckdb_tables() WHERE NOT temporary AND NOT internal "
                "AND schema_name = 'main' ORDER BY 1").fetchall()
            self._tables = [r[0] for r in rows]
        return self._tables

    def columns(self, table: str) -> list[tuple[str, str]]:
        """(name, DuckDB type) of a table's columns; the read model's schema is fixed once it is made."""
        if table in self._columns:
            return self._columns[table]
        rows = self.model.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position", [table]).fetchall()
        self._columns[table] = [(str(n), str(t)) for n, t in rows]
        return self._columns[table]

    def _column_spec(self, table: str) -> str:
        """A stable description of a table's columns, stored beside its version: if the schema grows,
        the PostgreSQL table is rebuilt from the read model rather than read with the wrong columns."""
        return ",".join(f"{n} {t}" for n, t in self.columns(table))

    def fingerprint(self, con: duckdb.DuckDBPyConnection, table: str) -> dict[tuple[Any, ...], tuple[int, int]]:
        """Row count and an order-free content hash per partition of ``table`` in the read model."""
        keys = PARTITIONS.get(table, ())
        t = _quote(table)
        if keys:
            cols = ", ".join(_quote(k) for k in keys)
            rows = con.execute(
                f"SELECT {cols}, count(*), sum(hash(x)::HUGEINT) FROM {t} x GROUP BY ALL").fetchall()
            return {tuple(r[:-2]): (int(r[-2]), int(r[-1])) for r in rows}
        row = con.execute(f"SELECT count(*), coalesce(sum(hash(x)::HUGEINT), 0) FROM {t} x").fetchone()
        assert row is not None
        return {(): (int(row[0]), int(row[1]))} if row[0] else {}

    # --- loading from PostgreSQL --------------------------------------------------------------------------

    def _stored(self, pg: Any) -> dict[str, tuple[int, str]]:
        """table -> (version, column spec) as PostgreSQL holds them; empty for a store never written."""
        cur = pg.cursor()
        found = cur.execute("SELECT to_regclass(%s) IS NOT NULL", [VERSIONS_TABLE]).fetchone()
        if not found or not found[0]:
            return {}
        rows = cur.execute(f"SELECT tbl, version, columns FROM {VERSIONS_TABLE}").fetchall()
        return {str(t): (int(v), str(c)) for t, v, c in rows}

    def has_store(self) -> bool:
        """Whether the PostgreSQL database holds a store (written at least once, by ``init`` say)."""
        return bool(self._versions_now())

    def version_key(self) -> tuple[int, int, int, int]:
        """A key that changes whenever any table of the store changes (for result caches); one small
        query, so a page can ask on every run.  (-1, ...) when the server cannot be reached: the page's
        next read then says why."""
        try:
            stored = self._versions_now()
        except PgStoreError:
            return (-1, -1, 0, 0)
        return (sum(v for v, _ in stored.values()), len(stored), stored.get("", (0, ""))[0], 0)

    def sync(self, pg: Any) -> None:
        """Bring every table of the read model up to the version PostgreSQL holds (under ``lock``)."""
        self._ensure_model()
        stored = self._stored(pg)
        for table in self.tables():
            version, spec = stored.get(table, (0, ""))
            if self.versions.get(table) == version:
                continue
            if version == 0 or spec != self._column_spec(table):
                # Never written, or written with other columns: the read model's table starts empty and
                # the next write rebuilds PostgreSQL's from it.
                self.model.execute(f"DELETE FROM {_quote(table)}")
            else:
                self._load(pg, table)
            self.versions[table] = version
            self.prints[table] = self.fingerprint(self.model, table)

    def _load(self, pg: Any, table: str) -> None:
        from psycopg import sql

        cols = self.columns(table)
        keys = PARTITIONS.get(table, ())
        order = sql.SQL(", ").join([sql.Identifier(k) for k in keys] + [sql.Identifier("_pos")])
        query = sql.SQL("COPY (SELECT {} FROM {} ORDER BY {}) TO STDOUT (FORMAT csv)").format(
            sql.SQL(", ").join(sql.Identifier(n) for n, _ in cols), sql.Identifier(table), order)
        fd, tmp = tempfile.mkstemp(prefix="mandate-load-", suffix=".csv")
        try:
            with os.fdopen(fd, "wb") as fh, pg.cursor().copy(query) as copy:
                for chunk in copy:
                    fh.write(chunk)
            spec = "{" + ", ".join(f"'{n}': '{t}'" for n, t in cols) + "}"
            self.model.execute("BEGIN TRANSACTION")
            try:
                self.model.execute(f"DELETE FROM {_quote(table)}")
                self.model.execute(
                    f"INSERT INTO {_quote(table)} SELECT * FROM read_csv(?, header = false, columns = {spec}, "
                    "allow_quoted_nulls = false, auto_detect = false, quote = '\"', escape = '\"', "
                    "null_padding = false, strict_mode = true)", [tmp])
                self.model.execute("COMMIT")
            except BaseException:
                self.model.execute("ROLLBACK")
                raise
        finally:
            os.remove(tmp)

    # --- writing to PostgreSQL -------------------------------------------------------------------------------

    def _ensure_pg_table(self, pg: Any, table: str, stored: dict[str, tuple[int, str]]) -> bool:
        """Create (or rebuild, if its columns changed) the PostgreSQL table; True when it was (re)made."""
        from psycopg import sql

        spec = self._column_spec(table)
        if table in stored and stored[table][1] == spec:
            return False
        cols = [sql.SQL("{} {}").format(sql.Identifier(n), sql.SQL(_PG_TYPES.get(t, "text")))
                for n, t in self.columns(table)]
        cols.append(sql.SQL("_pos bigint NOT NULL"))
        cur = pg.cursor()
        cur.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(table)))
        cur.execute(sql.SQL("CREATE TABLE {} ({})").format(sql.Identifier(table), sql.SQL(", ").join(cols)))
        keys = PARTITIONS.get(table, ())
        if keys:
            cur.execute(sql.SQL("CREATE INDEX ON {} ({})").format(
                sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(k) for k in keys)))
        return True

    def _push(self, pg: Any, con: duckdb.DuckDBPyConnection, table: str,
              changed: Iterable[tuple[Any, ...]], whole: bool) -> None:
        """Replace the changed partitions (or the whole table) in PostgreSQL with the read model's rows."""
        from psycopg import sql

        names = [n for n, _ in self.columns(table)]
        keys = PARTITIONS.get(table, ())
        cur = pg.cursor()
        target = sql.Identifier(table)
        copy_sql = sql.SQL("COPY {} ({}) FROM STDIN").format(
            target, sql.SQL(", ").join(sql.Identifier(n) for n in [*names, "_pos"]))
        select = "SELECT " + ", ".join(_quote(n) for n in names) + f", rowid FROM {_quote(table)}"
        if whole or not keys:
            cur.execute(sql.SQL("DELETE FROM {}").format(target))
            batches = [(select + " ORDER BY rowid", [])]
        else:
            where = " AND ".join(f"{_quote(k)} = ?" for k in keys)
            pg_where = sql.SQL(" AND ").join(sql.SQL("{} = %s").format(sql.Identifier(k)) for k in keys)
            batches = []
            for part in changed:
                cur.execute(sql.SQL("DELETE FROM {} WHERE {}").format(target, pg_where), list(part))
                batches.append((f"{select} WHERE {where} ORDER BY rowid", list(part)))
        with cur.copy(copy_sql) as copy:
            for query, params in batches:
                result = con.execute(query, params)
                while rows := result.fetchmany(20_000):
                    for row in rows:
                        copy.write_row(row)

    def write_changes(self, pg: Any, con: duckdb.DuckDBPyConnection, only: Iterable[str] | None
                      ) -> dict[str, tuple[int, dict[tuple[Any, ...], tuple[int, int]]]]:
        """Find what the unit of work changed in the read model and write it to PostgreSQL, in the open
        transaction on ``pg``; the caller commits.  ``only``: the tables the caller says it may change
        (a hint that saves hashing the answers table on the live-capture path, see ``SKIPPABLE``); a
        skipped table is checked by row count, and a change there is refused rather than lost.  Returns
        table -> (new version, new fingerprint) for the tables written, to be taken on once the
        transaction has committed."""

        written: dict[str, tuple[int, dict[tuple[Any, ...], tuple[int, int]]]] = {}
        stored = self._stored(pg)
        cur = pg.cursor()
        cur.execute(f"CREATE TABLE IF NOT EXISTS {VERSIONS_TABLE} "
                    "(tbl text PRIMARY KEY, version bigint NOT NULL, columns text NOT NULL)")
        # The store's identity: a random number in the versions, so a store dropped and made again
        # never repeats an earlier store's version key (result caches are keyed by it).
        cur.execute(f"INSERT INTO {VERSIONS_TABLE} VALUES ('', %s, '') ON CONFLICT (tbl) DO NOTHING",
                    [secrets.randbits(62)])
        hinted = set(only) if only is not None else None
        for table in self.tables():
            before = self.prints.get(table, {})
            if hinted is not None and table not in hinted and table in SKIPPABLE:
                count = con.execute(f"SELECT count(*) FROM {_quote(table)}").fetchone()
                if count is not None and int(count[0]) != sum(c for c, _ in before.values()):
                    raise PgStoreError(f"a unit of work said it changes only {sorted(hinted)} but changed "
                                       f"{table}; nothing was written")
                continue
            after = self.fingerprint(con, table)
            rebuilt = self._ensure_pg_table(pg, table, stored)
            if after == before and not rebuilt and table in stored:
                continue
            changed = [k for k in set(before) | set(after) if before.get(k) != after.get(k)]
            whole = rebuilt or len(changed) > max(8, len(after) // 2)
            self._push(pg, con, table, changed, whole)
            row = cur.execute(
                f"INSERT INTO {VERSIONS_TABLE} (tbl, version, columns) VALUES (%s, 1, %s) "
                f"ON CONFLICT (tbl) DO UPDATE SET version = {VERSIONS_TABLE}.version + 1, "
                "columns = EXCLUDED.columns RETURNING version",
                [table, self._column_spec(table)]).fetchone()
            written[table] = (int(row[0]), after)
        return written

    @contextmanager
    def unit(self, read_only: bool, timeout: float, tables: Iterable[str] | None = None
             ) -> Iterator[duckdb.DuckDBPyConnection]:
        """A DuckDB connection to the read model for one unit of work; a write is one PostgreSQL
        transaction, committed when the unit of work ends without an error.

        A reader waits for this process's writer only when the read model is behind PostgreSQL (the
        version check has its own connection), so pages keep answering during a long import.  A unit of
        work opened inside another on the same thread joins it: one transaction, written when the
        outermost ends (as nested connections to one DuckDB file share its data).
        """
        psycopg = _psycopg()
        depth = getattr(self._depth, "value", 0)
        if read_only or depth:
            if not depth:
                self._catch_up()
            cur = self.model.cursor()
            try:
                yield cur
            finally:
                cur.close()
            return
        with self.lock:
            pg = self._connection()
            cur = None
            self._depth.value = depth + 1
            try:
                pg.autocommit = False
                self._take_lock(pg, timeout)
                self.sync(pg)
                cur = self.model.cursor()
                yield cur
                written = self.write_changes(pg, cur, tables)
                pg.commit()
                for table, (version, prints) in written.items():
                    self.versions[table] = version
                    self.prints[table] = prints
            except BaseException as exc:
                try:
                    pg.rollback()
                except Exception:  # noqa: BLE001 - the connection may be gone; the error below says why
                    self._reset()
                # The read model may hold changes PostgreSQL does not: reload every table next time.
                self.versions = {t: -1 for t in self.versions}
                self.prints = {}
                if isinstance(exc, psycopg.Error):
                    self._reset()
                    raise PgStoreError(f"could not write to the PostgreSQL store {describe(self.url)}: "
                                       f"{_first_line(exc)}; nothing was written") from None
                raise
            finally:
                self._depth.value = depth
                if cur is not None:
                    cur.close()
                if self._pg is not None and not self._pg.closed:
                    try:
                        self._pg.autocommit = True
                    except Exception:  # noqa: BLE001
                        self._reset()

    def _catch_up(self) -> None:
        """Before a read: load whatever tables PostgreSQL holds at a newer version than the read model."""
        stored = self._versions_now()
        if not stored:
            raise PgStoreError(f"no database at {describe(self.url)}; create one with "
                               f"`python -m mandate_core init --db {describe(self.url)}`")
        if self._model_ready and all(self.versions.get(t) == stored.get(t, (0, ""))[0] for t in self.tables()):
            return
        with self.lock:
            try:
                self.sync(self._connection())
            except _psycopg().Error as exc:
                self._reset()
                raise PgStoreError(f"cannot read the PostgreSQL store {describe(self.url)}: "
                                   f"{_first_line(exc)}") from None

    def _versions_now(self) -> dict[str, tuple[int, str]]:
        """The tables' versions in PostgreSQL, on the readers' own connection (not the writer's)."""
        psycopg = _psycopg()
        with self.read_lock:
            try:
                if self._rpg is None or self._rpg.closed or self._rpg.broken:
                    self._rpg = psycopg.connect(self.url, autocommit=True, connect_timeout=10,
                                                application_name="mandate-reader")
                return self._stored(self._rpg)
            except psycopg.Error as exc:
                _drop(self._rpg)
                self._rpg = None
                raise PgStoreError(f"cannot reach the PostgreSQL store {describe(self.url)}: "
                                   f"{_first_line(exc)}") from None

    def _take_lock(self, pg: Any, timeout: float) -> None:
        """Queue behind writers in other processes, as a file store's writers queue on its lock."""
        deadline = time.monotonic() + timeout
        delay = 0.02
        cur = pg.cursor()
        while True:
            got = cur.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY]).fetchone()
            if got and got[0]:
                return
            if time.monotonic() >= deadline:
                raise PgStoreError(
                    f"the database {describe(self.url)} is being written by another program; waited "
                    f"{timeout:.0f} s. Try again when that import or program has finished.")
            time.sleep(delay)
            delay = min(delay * 2, 0.5)

    def drop_everything(self) -> None:
        """Remove every table of the store from PostgreSQL (for tests and ``demo``'s rebuild)."""
        from psycopg import sql

        with self.lock:
            pg = self._connection()
            stored = self._stored(pg)
            with pg.transaction():
                for table in stored:
                    pg.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(table)))
                pg.execute(f"DROP TABLE IF EXISTS {VERSIONS_TABLE}")
            self.versions = {t: -1 for t in self.versions}
            self.prints = {}


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


_STORES: dict[str, PgStore] = {}
_STORES_LOCK = threading.Lock()


def store(url: str) -> PgStore:
    """The process's one :class:`PgStore` for ``url`` (the read model is shared by every session)."""
    with _STORES_LOCK:
        found = _STORES.get(url)
        if found is None:
            found = _STORES[url] = PgStore(url)
        return found


def forget(url: str) -> None:
    """Drop the process's read model of ``url`` (tests use it to act as a fresh process)."""
    with _STORES_LOCK:
        old = _STORES.pop(url, None)
    if old is not None:
        old.close()
