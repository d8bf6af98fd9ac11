"""Both stores for the store-level tests: a DuckDB file, or a fresh database on a PostgreSQL server.

The PostgreSQL server is ``MANDATE_TEST_PG`` (a URL of a database the tests may create others from;
`.ci/run` starts one), else a throwaway cluster this module starts on loopback when the machine has
PostgreSQL's programs.  Without either, the PostgreSQL variants skip with a loud reason locally and
fail under CI (``CI`` set), where the server must be there.
"""

from __future__ import annotations

import atexit
import os
import socket
import tempfile
import urllib.parse
import uuid
from pathlib import Path

import pytest

from tests import pg_cluster

_BASE: list[str | None] = []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pg_base() -> str | None:
    """The URL of a PostgreSQL database on the test server, starting a throwaway cluster if needed."""
    if _BASE:
        return _BASE[0]
    url = os.environ.get(pg_cluster.ENV, "").strip() or None
    if url is None and pg_cluster.available():
        folder = tempfile.mkdtemp(prefix="mandate-pg-")
        try:
            url = pg_cluster.start(folder, _free_port())
            atexit.register(pg_cluster.stop, folder)
        except (RuntimeError, OSError, Exception) as exc:  # noqa: BLE001 - reported as the skip reason
            _BASE.append(None)
            _REASON.append(f"could not start a PostgreSQL cluster: {exc}")
            return None
    _BASE.append(url)
    return url


_REASON: list[str] = []


def require_pg() -> str:
    """The server's base URL, or skip (fail under CI) saying why there is none."""
    base = pg_base()
    if base is None:
        why = _REASON[0] if _REASON else (f"no PostgreSQL: set {pg_cluster.ENV} or install postgresql "
                                          "(apt-get install postgresql)")
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL store tests cannot run under CI: {why}")
        pytest.skip(f"PostgreSQL store tests skipped: {why}")
    return base


def _with_db(base: str, name: str) -> str:
    parts = urllib.parse.urlsplit(base)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


#: Databases a finished test gave back; the next test empties one instead of creating a database (which
#: costs about a second each).
_POOL: list[str] = []


def new_pg_db() -> str:
    """A new, empty database on the test server; its URL."""
    import psycopg

    base = require_pg()
    if _POOL:
        url = _POOL.pop()
        with psycopg.connect(url, autocommit=True) as con:
            con.execute("DROP SCHEMA public CASCADE")
            con.execute("CREATE SCHEMA public")
        return url
    name = "mandate_t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(base, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    return _with_db(base, name)


def drop_pg_db(url: str) -> None:
    """Give a test's database back: this process's read model of it is dropped, the database reused."""
    from mandate_core import pgstore

    pgstore.forget(url)
    _POOL.append(url)


def new_store(kind: str, folder: Path, name: str = "store") -> str:
    """A new empty store of ``kind`` ("duckdb" or "postgres"): a file path under ``folder`` or a URL."""
    if kind == "postgres":
        return new_pg_db()
    return str(folder / f"{name}.duckdb")


def is_pg(db: object) -> bool:
    return isinstance(db, str) and db.startswith("postgresql://")
