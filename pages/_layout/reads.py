"""Where a page reads the store: typed, cached calls to the core, behind the access guard.

A page passes the core function itself (``ui.cached(metrics.trend, council, m)``), never its name, so a type
checker checks the arguments and "find references" finds every page that reads it.  Each call runs on a
short read-only connection and is cached by database, data version and arguments, so a new import shows
at once and a repeated view costs nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

import duckdb
import streamlit as st

from mandate_core import catalog as catalog_mod
from mandate_core import storage
from pages._layout import cache

#: The signature of a core function a page reads through :func:`cached`: a connection first, then its own
#: parameters, which the type checker carries over to the call.
P = ParamSpec("P")
R = TypeVar("R")


def db_path() -> str:
    return str(storage.resolve_db_path(None))


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_call(db: str, version: tuple[int, ...], target: str, _func: Callable[..., Any], args: tuple[Any, ...],
                 kwargs: tuple[tuple[str, Any], ...]) -> Any:
    # ``target`` (the function's module and name) is the cache key; ``_func`` itself is not hashed.
    with storage.connect(db, read_only=True) as con:
        return _func(con, *args, **dict(kwargs))


def _core_name(func: Callable[..., Any]) -> tuple[str, str]:
    """(module, "module.function") of a module-level function of mandate_core; anything else is refused."""
    module = getattr(func, "__module__", "") or ""
    qualname = getattr(func, "__qualname__", "") or ""
    if not module.startswith("mandate_core.") or not qualname or "<" in qualname:
        raise TypeError(f"ui.cached reads mandate_core's own module-level functions, not {func!r}")
    return module, f"{module}.{qualname}"


def cached(func: Callable[Concatenate[duckdb.DuckDBPyConnection, P], R], *args: P.args, **kwargs: P.kwargs) -> R:
    """``func(con, *args, **kwargs)`` — a function of mandate_core taking a connection first — on a short
    read-only connection, cached per database, data version and arguments; a copy is returned each time."""
    module, name = _core_name(func)
    db = db_path()
    _guard(module, args, kwargs)
    return _cached_call(db, storage.data_version(db), name, func, tuple(args), tuple(sorted(kwargs.items())))


def cached_shared(func: Callable[Concatenate[duckdb.DuckDBPyConnection, P], R], *args: P.args,
                  **kwargs: P.kwargs) -> R:
    """:func:`cached`, but the result is one object per database, data version and arguments, shared by
    every session and never copied: for a result whose copy costs more than the page (a debrief deck's
    copy is an unpickling that rebuilds and re-validates each of its Plotly figures — 528 ms of a 626 ms
    profiled rerun, docs/performance.md).  The access guard runs first, as for :func:`cached`.  Read-only: no
    caller may change the result; :func:`cache.kept_with` keeps a derived copy with it."""
    module, name = _core_name(func)
    db = db_path()
    _guard(module, args, kwargs)
    version = storage.data_version(db)
    key = cache.digest(func, (db, version, args), kwargs)

    def build() -> tuple[str, Any]:
        with storage.connect(db, read_only=True) as con:
            return uuid.uuid4().hex, func(con, *args, **kwargs)

    if key is None:  # arguments that do not pickle: a copy of the cached result instead
        return _cached_call(db, version, name, func, tuple(args), tuple(sorted(kwargs.items())))
    token, value = cache.FIGURES.get(("core", key), build)
    cache.remember(value, token)
    return value


def principal() -> Any:
    """The signed-in principal of this page view (mandate_core.access.Principal), or None: no access."""
    from pages import _signin

    return _signin.principal()


def _guard(module: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Where data is read: a council user's query may name no council but their own (docs/signin.md)."""
    if not (args or kwargs) or module == "mandate_core.access":
        return  # the catalog and the sign-in lookup take no council
    from mandate_core import access

    who = principal()
    if who is not None and who.sees_all_names:
        return
    access.check_read(who, catalog().ids, [*args, *kwargs.values()])


@st.cache_resource(max_entries=4, show_spinner=False)
def _shared_catalog(db: str, version: tuple[int, ...]) -> catalog_mod.Catalog:
    with storage.connect(db, read_only=True) as con:
        return catalog_mod.load_catalog(con)


def catalog() -> catalog_mod.Catalog:
    """What is loaded, per data version: one object shared by every session (read it, never change it) —
    a page asks for it several times a run, and a copy of 400 councils and their rounds each time adds up."""
    db = db_path()
    return _shared_catalog(db, storage.data_version(db))
