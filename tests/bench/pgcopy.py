"""The bench's PostgreSQL stores: a fresh database per server, loaded with a DuckDB file's data, dropped after.

``--store postgres`` (or ``both``) runs the servers and timings on a PostgreSQL store instead of (or as well as)
a DuckDB file.  The server is ``--pg URL``, else ``MANDATE_BENCH_PG``, else ``MANDATE_TEST_PG`` (the test
suite's server, tests/pg_cluster.py): the URL of a database the bench may create others from.  Each store is
a new database named ``mandate_bench_<random>``, loaded through the store's own write path (as the demo
rebuild loads one, so what the servers read is what a real deployment holds) and dropped, with any
connections still open to it, when the run is done.
"""

from __future__ import annotations

import contextlib
import os
import urllib.parse
import uuid
from collections.abc import Iterator
from pathlib import Path

STORES = ("duckdb", "postgres", "both")
ENV = "MANDATE_BENCH_PG"
TEST_ENV = "MANDATE_TEST_PG"


def kinds(store: str) -> tuple[str, ...]:
    """``--store`` → the store kinds a run measures, the DuckDB file first (ratios are PostgreSQL / file)."""
    if store not in STORES:
        raise ValueError(f"--store is one of {', '.join(STORES)} (got {store!r})")
    return ("duckdb", "postgres") if store == "both" else (store,)


def base_url(given: str | None = None) -> str:
    """The server to create the bench's databases on; a clear error (not a traceback) when there is none."""
    url = (given or os.environ.get(ENV) or os.environ.get(TEST_ENV) or "").strip()
    if not url:
        raise SystemExit(f"--store postgres needs a PostgreSQL server: --pg postgresql://… or {ENV} "
                         f"(or {TEST_ENV}) set to the URL of a database the bench may create others from")
    if not url.startswith("postgresql://"):
        raise SystemExit(f"--pg must be a postgresql:// URL (got {url!r})")
    return url


def _with_db(base: str, name: str) -> str:
    parts = urllib.parse.urlsplit(base)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def create_database(base: str) -> str:
    """A new, empty database on ``base``'s server; its URL."""
    import psycopg

    name = "mandate_bench_" + uuid.uuid4().hex[:12]
    with psycopg.connect(base, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    return _with_db(base, name)


def drop_database(base: str, url: str) -> None:
    """Drop a database :func:`create_database` made, closing this process's read model of it first."""
    import psycopg

    from mandate_core import pgstore

    pgstore.forget(url)
    name = urllib.parse.urlsplit(url).path.lstrip("/")
    if not name.startswith("mandate_bench_"):  # never drop anything the bench did not create
        raise ValueError(f"not a bench database: {url}")
    with psycopg.connect(base, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def load_file(src: Path, url: str) -> None:
    """Every table of the DuckDB file ``src`` into the PostgreSQL store ``url``, in one transaction, then this
    process's read model of it dropped (the servers load their own)."""
    from mandate_core import demo, pgstore

    demo._replace_shared(url, str(src))
    pgstore.forget(url)


@contextlib.contextmanager
def store_copy(src: Path, kind: str, dst: Path, base: str | None) -> Iterator[str]:
    """A copy of the DuckDB file ``src`` as a store of ``kind``: the file copied to ``dst``, or a new PostgreSQL
    database loaded with it (``base`` its server) and dropped on the way out.  Yields what ``MANDATE_DB`` takes."""
    if kind == "duckdb":
        import shutil

        shutil.copyfile(src, dst)
        yield str(dst)
        return
    if base is None:
        raise ValueError("a PostgreSQL store needs the server's base URL")
    url = create_database(base)
    try:
        load_file(src, url)
        yield url
    finally:
        drop_database(base, url)
