"""Streamlit helpers shared by the pages: cached core calls, the chart frame, downloads, empty states.

This is layout only.  Anything that computes lives in mandate_core; these helpers fetch it (cached by the
database's data version, so a new import shows at once and repeated views cost nothing) and lay it out.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import pickle
import re
import threading
import uuid
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import duckdb
import streamlit as st

from mandate_core import catalog as catalog_mod
from mandate_core import disclosure, storage
from mandate_core.selection import Selection
from mandate_core.text import md_escape

DATA_PAGE = "pages/7_Data.py"
#: Every page's heading sizes (the entry file sends it first): levels follow the page's outline (h1 title →
#: h2 sections, WCAG 1.3.1: no jumps) while a section heading keeps the size it had as a Streamlit subheader;
#: the debrief look and the slides set their own sizes after it.
HEADING_CSS = """
<style>
[data-testid="stMain"] h2 { font-size: 1.6rem; }
</style>
"""


@st.cache_resource(show_spinner=False)
def _anon_key(db: str, version: tuple[int, ...]) -> str:  # noqa: ARG001 - part of the cache key
    from mandate_core import anonymise

    return anonymise.shared_key(db)


def anon_key() -> str:
    """The secret behind peer numbers in anonymised views: the store's own (read once per store), so a
    peer keeps its number on every slide, page and download, in every dashboard process and the ``deck``
    command, across restarts — and nobody can recompute the numbering from ids."""
    db = db_path()
    # Keyed by the data version too: a rebuilt demo (or a store that got its key since) is read again.
    return _anon_key(db, storage.data_version(db))


def db_path() -> str:
    return str(storage.resolve_db_path(None))


#: The signature of a core function a page reads through :func:`cached`: a connection first, then its own
#: parameters, which the type checker carries over to the call.
P = ParamSpec("P")
R = TypeVar("R")


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
    read-only connection, cached per database, data version and arguments; a copy is returned each time.

    Pages pass the function itself (``ui.cached(metrics.trend, council, m)``), not its name, so a type
    checker checks the arguments and "find references" finds every page that reads it.
    """
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
    caller may change the result; :func:`kept_with` keeps a derived copy with it."""
    module, name = _core_name(func)
    db = db_path()
    _guard(module, args, kwargs)
    version = storage.data_version(db)
    key = _digest(func, (db, version, args), kwargs)

    def build() -> tuple[str, Any]:
        with storage.connect(db, read_only=True) as con:
            return uuid.uuid4().hex, func(con, *args, **kwargs)

    if key is None:  # arguments that do not pickle: a copy of the cached result instead
        return _cached_call(db, version, name, func, tuple(args), tuple(sorted(kwargs.items())))
    token, value = _FIGURES.get(("core", key), build)
    _remember(value, token)
    return value


def kept_with(owner: Any, name: str, build: Callable[[], R]) -> R:
    """``build()`` — something derived from ``owner``, a shared result of :func:`cached_shared` or
    :func:`figure` — made once and kept with that very object (keyed by its build token, so never handed
    to a view of another result); built afresh when ``owner`` is not a shared one."""
    token = _shared_token(owner)
    if token is None:
        return build()
    return _FIGURES.get(("kept", token, name), build)


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


#: A phone's browser says so in its User-Agent: "Mobi" (MDN's advice: every phone browser sends "Mobile"),
#: plus the phones that do not (old Windows Phone, Opera Mini).  Tablets send no "Mobi" and get the
#: desktop layout, which fits their 768 pixels and more.
_PHONE_AGENT = re.compile(r"Mobi|iPhone|iPod|Windows Phone|Opera Mini", re.IGNORECASE)


def narrow() -> bool:
    """Lay charts out for a phone (``narrow=True`` in the builders)?

    Decided by the browser's User-Agent header (``st.context.headers``), because the server never sees
    the viewport: Streamlit 1.67's ``st.context`` has headers, cookies, locale, theme and timezone but no
    width, and a script that reported the width back (a component, or a query parameter set by
    JavaScript) would cost a second run of every page and a visible jump on each first load, and does not
    run at all in AppTest.  The header is there on the very first run, the same on every rerun, and a
    phone always sends it.  What the header cannot tell (a desktop window dragged to phone width) still
    reflows through the CSS media queries in dashboard.py; only the charts keep their desktop layout.
    """
    try:
        agent = st.context.headers.get("User-Agent") or ""
    except Exception:  # no request behind this run (a bare script run): a desktop
        return False
    return is_phone_agent(agent)


def is_phone_agent(agent: str) -> bool:
    """Does this User-Agent header come from a phone's browser (not a tablet's, not a desktop's)?"""
    return bool(_PHONE_AGENT.search(agent or ""))


#: Every page on a phone-sized screen (whatever its user agent): a little less padding, and nothing wider
#: than the screen — a wide table scrolls inside its own box, long words break, columns stack.
PHONE_CSS = """
<style>
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding-left: 0.9rem; padding-right: 0.9rem; }
  [data-testid="stMain"] [data-testid="stTable"] { overflow-x: auto; max-width: 100%; }
  [data-testid="stMain"] [data-testid="stMarkdownContainer"],
  [data-testid="stMain"] [data-testid="stCaptionContainer"] { overflow-wrap: anywhere; }
  [data-testid="stMain"] [data-testid="stHorizontalBlock"] { flex-wrap: wrap; }
  [data-testid="stMain"] [data-testid="stMetricValue"] > div { white-space: normal; }
  /* Plotly's toolbar would sit on the chart's title; a phone pinches to zoom instead. */
  [data-testid="stMain"] .js-plotly-plot .modebar-container { display: none; }
}
</style>
"""


def look(sel: Selection) -> dict[str, bool]:
    """The layout keywords of every chart builder: ``debrief`` (type for a room) and ``narrow`` (a phone),
    so a page passes ``**ui.look(sel)`` and cannot forget one of them."""
    return {"debrief": sel.debrief, "narrow": narrow()}


@st.cache_resource(max_entries=4, show_spinner=False)
def _shared_catalog(db: str, version: tuple[int, ...]) -> catalog_mod.Catalog:
    with storage.connect(db, read_only=True) as con:
        return catalog_mod.load_catalog(con)


def catalog() -> catalog_mod.Catalog:
    """What is loaded, per data version: one object shared by every session (read it, never change it) —
    a page asks for it several times a run, and a copy of 400 councils and their rounds each time adds up."""
    db = db_path()
    return _shared_catalog(db, storage.data_version(db))


def selection() -> Selection:
    """The view's selection, scoped to the principal: a council user always gets their own council,
    anonymised as in debrief mode (``anonymise``), whatever the URL or a widget says."""
    from mandate_core import access

    sel = st.session_state.get("selection")
    return access.scope_selection(principal(), sel if isinstance(sel, Selection) else Selection())


def council_labels(cat: catalog_mod.Catalog, sel: Selection) -> dict[str, str]:
    """The shown name of every council: its name, or "Peer N" for every other council when anonymised."""
    names = {str(c["council_id"]): str(c["name"]) for c in cat.councils}
    anon = anonymiser(sel)
    return anon.names(names) if anon is not None else names


@dataclass(frozen=True)
class PageContext:
    """What every page starts from, built once per run by the entry file (dashboard.py) so that no page
    repeats the setup lines or resolves the disclosure threshold itself: the catalog, the (scoped)
    selection, the threshold and every council's shown name (its own, or "Peer N" when anonymised)."""

    catalog: catalog_mod.Catalog
    selection: Selection
    min_group: int
    labels: Mapping[str, str]


#: Where the entry file keeps this run's :class:`PageContext` (``st.session_state``).
CONTEXT_KEY = "_page_context"


def build_context(cat: catalog_mod.Catalog) -> PageContext:
    """This run's page context (the entry file calls it once, after the sidebar set the selection).

    The threshold is resolved here, at the app's edge, and passed to the core as a required argument;
    a ``MANDATE_MIN_GROUP`` that is not a whole number raises :class:`disclosure.ThresholdError`."""
    sel = selection()
    return PageContext(catalog=cat, selection=sel, min_group=disclosure.configured_min_group(),
                       labels=council_labels(cat, sel))


def context(*, need_data: bool = True) -> PageContext:
    """The page context of this run, for a page's first line (``ctx = ui.context()``).

    ``need_data``: stop the page with a way forward when nothing is loaded yet (the Data and Workshop
    pages work on an empty store and pass False)."""
    ctx = st.session_state.get(CONTEXT_KEY)
    if not isinstance(ctx, PageContext):  # not through the entry file (it always sets one): build it here
        ctx = build_context(catalog())
    if need_data:
        require_data(ctx.catalog)
    return ctx


@st.cache_resource(max_entries=64, show_spinner=False)
def _anonymiser(db: str, version: tuple[int, ...], focus: str | None, key: str) -> Any:
    from mandate_core.anonymise import Anonymiser

    return Anonymiser(focus, catalog().councils, key=key)


def anonymiser(sel: Selection | None = None) -> Any:
    """The anonymiser of this page view (mandate_core.anonymise.Anonymiser), or None when it may name
    every council.

    The one switch: every helper below that puts something on the page or in a file (chart, table, text,
    downloads) passes it through this, so a page cannot forget.  A view is anonymised (``sel.anonymise``)
    in debrief mode and for a council user, debrief look or not; the chosen council keeps its name.
    """
    sel = sel if sel is not None else selection()
    if not sel.anonymise:
        return None
    db = db_path()
    return _anonymiser(db, storage.data_version(db), sel.council, anon_key())


def clean(value: object) -> str:
    """Text for the page as it may be shown in this view: other councils' names and ids replaced."""
    anon = anonymiser()
    return anon.text(str(value)) if anon is not None else str(value)


def table(data: Any, *, static: bool = False, **kwargs: Any) -> None:
    """A table of rows on screen (``st.dataframe``, or ``st.table`` when ``static``), anonymised as the view
    requires: peers as "Peer N" in Peer-number order, without their round labels or descriptors."""
    anon = anonymiser()
    if anon is not None:
        data = anon.rows(data)
    if not static and narrow() and "column_config" not in kwargs:
        # On a phone the grid scrolls sideways inside its own box: its first column (the council or theme
        # each row is about) stays pinned at the left, so a row never loses its name.
        first = _first_column(data, kwargs.get("column_order"))
        if first is not None:
            kwargs["column_config"] = {first: st.column_config.Column(pinned=True)}
    if not static and isinstance(data, list):
        # The DataFrame Streamlit would make of these rows, made once per distinct rows and shared (at 400
        # councils, building it was a quarter of an Overview rerun).  Streamlit hides a list's index itself
        # and a DataFrame's only when asked, so it is asked: what reaches the screen is the same.
        import pandas as pd

        kwargs.setdefault("hide_index", True)
        data = shared(pd.DataFrame, data)
    (st.table if static else st.dataframe)(data, **kwargs)


def _first_column(data: Any, order: Sequence[str] | None) -> str | None:
    if order:
        return str(order[0])
    if isinstance(data, Sequence) and data and isinstance(data[0], dict) and data[0]:
        return str(next(iter(data[0])))
    return None


def council_report(sel: Selection, min_group: int) -> dict[str, Any] | None:
    """The chosen council's report (docs/cli.md#report), or None after telling the user why there is none."""
    from mandate_core import reports
    from mandate_core.metrics import ReportError

    if not sel.council:
        st.info("Choose a council in the sidebar.")
        return None
    try:
        return cached(reports.council_report, sel.council, sel.round, min_group=min_group)
    except ReportError as exc:
        st.warning("This council's results could not be shown: " + md_escape(exc))
        return None


def require_data(cat: catalog_mod.Catalog | None = None) -> catalog_mod.Catalog:
    """Stop the page with a way forward when nothing is loaded yet."""
    cat = cat if cat is not None else catalog()
    if cat.empty:
        st.info("No workshop results are loaded yet. Import a councils file and a responses file on the "
                "Data page, or rebuild the demo data there.")
        st.page_link(DATA_PAGE, label="Go to the Data page", icon=":material/upload_file:")
        st.stop()
    return cat


class _SharedCache:
    """A bounded map of things built once per process and shared by every session, built once per key even
    when many sessions ask at the same moment (50 people opening the same link wait for one build, not
    50).  Values are shared, never copied: they must not be changed after they are built."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[Any, Any] = OrderedDict()
        self._building: dict[Any, threading.Lock] = {}

    def get(self, key: Any, build: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            lock = self._building.setdefault(key, threading.Lock())
        with lock:
            with self._lock:
                if key in self._items:
                    return self._items[key]
            value = build()
            with self._lock:
                self._items[key] = value
                self._building.pop(key, None)
                while len(self._items) > self._size:
                    self._items.popitem(last=False)
            return value


#: Built figures by the digest of their builder and input; anonymised copies by (build token, anonymiser);
#: shared values (:func:`shared`) by their digest.
_FIGURES = _SharedCache(128)  # bounded: a 400-council sector's figures are large
#: The build token of each figure handed out by :func:`figure` and still alive, by ``id``: (a weak reference
#: to the figure, its token).  The entry goes when the figure goes, so an ``id`` reused later finds nothing.
_SHARED: dict[int, tuple[weakref.ref[Any], str]] = {}
_SHARED_LOCK = threading.Lock()


def _digest(build: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> bytes | None:
    """The key of an input: its pickle's digest.  Equal bytes mean equal input (a different pickle of equal
    input only costs a rebuild), and pickling plain rows is far cheaper than Streamlit's argument hasher
    (at 400 councils that hasher alone took longer than building the figure).  None: not picklable."""
    try:
        data = pickle.dumps((build.__module__, build.__qualname__, args, sorted(kwargs.items())), protocol=5)
    except (pickle.PicklingError, TypeError, AttributeError):
        return None
    return hashlib.blake2b(data, digest_size=32).digest()


def figure(build: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``build(*args, **kwargs)`` — a panel builder of mandate_core.panels (or a chart builder) — built
    once per distinct input in this server process and shared by every session: building and validating a
    Plotly figure was most of what a page's rerun cost (README "Performance"), and 50 people opening the
    same link ask for the same figure.

    The key is the input itself (rows, labels, focus, threshold, debrief look, …), so a figure is only
    ever reused for exactly the input it was built from: a new import changes the rows and so the key.
    The figure returned is shared, read-only: :func:`chart` never changes it, and neither may a page.
    """
    key = _digest(build, args, kwargs)
    if key is None:
        return build(*args, **kwargs)
    token, fig = _FIGURES.get(key, lambda: (uuid.uuid4().hex, build(*args, **kwargs)))
    _remember(fig, token)
    return fig


def _remember(value: Any, token: str) -> None:
    """Note the build token of a shared ``value`` (by ``id``, with a weak reference that drops the note when
    the value goes, so an ``id`` reused later finds nothing)."""
    with _SHARED_LOCK:
        entry = _SHARED.get(id(value))
        if entry is None or entry[0]() is not value:
            try:
                _SHARED[id(value)] = (weakref.ref(value, functools.partial(_forget, id(value))), token)
            except TypeError:  # not weakly referable: whatever is derived from it is derived afresh
                pass


def _forget(fig_id: int, ref: weakref.ref[Any]) -> None:
    with _SHARED_LOCK:
        if (entry := _SHARED.get(fig_id)) is not None and entry[0] is ref:
            del _SHARED[fig_id]


def shared(build: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``build(*args, **kwargs)`` for a pure function of its input (a table's rows, a DataFrame), made once
    per distinct input in this process and shared by every session, as :func:`figure` does for charts.
    The value returned is shared, read-only: no caller may change it."""
    key = _digest(build, args, kwargs)
    if key is None:
        return build(*args, **kwargs)
    return _FIGURES.get(("value", key), lambda: build(*args, **kwargs))


def _shared_token(fig: Any) -> str | None:
    with _SHARED_LOCK:
        entry = _SHARED.get(id(fig))
    return entry[1] if entry is not None and entry[0]() is fig else None


def _anonymised(fig: Any, anon: Any) -> Any:
    """``anon.figure(fig)``, reused for a shared figure: keyed by the figure's build token and by the
    anonymiser object itself (one per database, data version, focus council and the process's secret; the
    entry holds it, so its ``id`` cannot be reused while the entry lives, and a hit must be that very
    object).  A view is only ever served the figure anonymised by exactly its own anonymiser — never
    another view's, never the plain one."""
    token = _shared_token(fig)
    if token is None:
        return anon.figure(fig)
    made_by, anonymised = _FIGURES.get(("anonymised", token, id(anon)), lambda: (anon, anon.figure(fig)))
    return anonymised if made_by is anon else anon.figure(fig)


NUMBERS_LABEL = "The numbers behind this chart"


def plotly_chart(fig: Any, *, alt: str | None = None, key: str | None = None) -> None:
    """``st.plotly_chart`` the house way: full width, the small toolbar, and a text alternative (the
    figure's takeaway title unless ``alt`` says more)."""
    from mandate_core.charts.base import TOOLBAR_CONFIG, figure_alt

    st.plotly_chart(fig, width="stretch", key=key, config=TOOLBAR_CONFIG, alt=alt or figure_alt(fig))


@contextlib.contextmanager
def folded(label: str, key: str) -> Iterator[bool]:
    """A collapsed expander whose content is built only while it is open: ``with ui.folded(...) as shown:``
    then ``if shown:`` around what it holds.

    A plain ``st.expander`` runs and sends its content on every rerun, open or not, and a numbers table is
    a DataFrame built and serialised for nobody.  This one tracks its state (``on_change="rerun"``, Streamlit
    1.67), so opening it reruns the page once with the table and a collapsed one costs nothing; what the
    page source holds while it is collapsed is the label alone.  ``key`` keeps it open across reruns.
    """
    box = st.expander(label, key=key, on_change="rerun")
    with box:
        yield bool(box.open)


def numbers(rows: Sequence[dict[str, Any]] | Callable[[], Sequence[dict[str, Any]]], key: str,
            label: str = NUMBERS_LABEL) -> None:
    """A chart's numbers as a table, collapsed under the chart, as docs/accessibility.md promises for every chart.

    ``rows`` may be a function giving them, called only when the table is opened (:func:`folded`).  Rows
    given as a list that are empty show no expander at all; a function's are only known once opened.
    """
    from mandate_core.charts.base import EMPTY_CELL
    from mandate_core.charts.spectrum import display_table

    if not callable(rows) and not rows:
        return
    with folded(label, key) as shown:
        if not shown:
            return
        shown_rows = list(rows() if callable(rows) else rows)
        if not shown_rows:
            st.caption("This chart draws no numbers.")
            return
        table(display_table(shown_rows), hide_index=True, width="stretch")
        if any(EMPTY_CELL in r.values() for r in shown_rows):
            st.caption(f"{EMPTY_CELL} : nothing drawn (too few people to show, or no answers).")


def chart(fig: Any, how_to_read: str, key: str, *, alt: str | None = None,
          rows: Sequence[dict[str, Any]] | None = None, numbers_table: bool = True) -> None:
    """A chart with its takeaway title (set by the builder), a collapsed "How to read this" and its numbers.

    ``alt`` is the text alternative (default: the title, as plain words).  The numbers are ``rows`` when
    given, else read off the (anonymised) figure itself, so they hold exactly what the chart shows and
    nothing hidden; they are read only when their expander is opened (:func:`folded`).
    ``numbers_table=False`` when the page already shows a table of this chart's numbers.  "How to read
    this" stays a plain expander: it holds a fixed text, which costs less to send than a rerun to open it.
    """
    from mandate_core.charts.base import figure_table

    anon = anonymiser()
    token = _shared_token(fig)
    if anon is not None:
        fig = _anonymised(fig, anon)
    plotly_chart(fig, alt=alt, key=key)
    with st.expander("How to read this"):
        st.markdown(how_to_read)
    if numbers_table:
        shown = fig
        numbers(list(rows) if rows is not None else (lambda: _figure_numbers(shown, token, anon, figure_table)),
                key=f"{key}_numbers")


def show(panel: Any, key: str, *, numbers_table: bool = True) -> None:
    """A panel (mandate_core.panels) on the page: its chart with the takeaway title, "How to read this" and
    the numbers (:func:`chart`), or its sentence alone when it has nothing to draw.  A panel from
    :func:`figure` is shared, so its figure is noted as shared too: its anonymised copy and its numbers are
    then made once per anonymiser, as for a figure built on its own."""
    if panel.figure is None:
        sentence = clean(panel.takeaway)
        st.markdown(md_escape(sentence if sentence.endswith((".", "!", "?")) else sentence + "."))
        return
    token = _shared_token(panel)
    if token is not None:
        _remember(panel.figure, token + ":figure")
    chart(panel.figure, panel.how_to_read, key, alt=panel.alt, rows=panel.rows, numbers_table=numbers_table)


def _figure_numbers(fig: Any, token: str | None, anon: Any, read: Callable[[Any], list]) -> list:
    """``read(fig)`` (the numbers the shown figure draws), kept with a shared figure like its anonymised
    copy: keyed by its build token and the anonymiser object itself, so a view only ever gets the numbers
    of exactly the figure it shows."""
    if token is None:
        return read(fig)
    made_by, rows = _FIGURES.get(("numbers", token, id(anon)), lambda: (anon, read(fig)))
    return rows if made_by is anon else read(fig)


def grid(rows: Sequence[dict[str, Any]], empty: str, **kwargs: Any) -> None:
    """``st.dataframe`` of rows, or a caption saying there are none: an empty grid would be a table with one
    blank column header, which a screen reader announces as nothing (axe: empty-table-header)."""
    if rows:
        st.dataframe(rows, **kwargs)
    else:
        st.caption(empty)


def text(value: object) -> None:
    """User-typed text, shown as text and never interpreted as Markdown or HTML (anonymised as the view
    requires: a note may name another council)."""
    st.text(clean(value))


def downloads(rows: Sequence[dict[str, Any]] | Any, name: str, key: str,
              columns: Sequence[str] | None = None) -> None:
    """CSV and XLSX downloads of exactly the rows behind a view (formulas neutralised)."""
    from mandate_core import exports

    anon = anonymiser()
    if anon is not None:
        rows, name = anon.rows(rows), anon.text(name)
    left, right = st.columns(2)
    left.download_button(
        "Download CSV", data=lambda: exports.to_csv_bytes(rows, columns),
        file_name=exports.safe_filename(name, "csv"), mime="text/csv", key=f"{key}-csv",
        on_click="ignore", icon=":material/download:",
    )
    right.download_button(
        "Download XLSX", data=lambda: exports.to_xlsx_bytes(rows, columns),
        file_name=exports.safe_filename(name, "xlsx"),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}-xlsx", on_click="ignore", icon=":material/download:",
    )


def download_pair(rows: Sequence[dict[str, Any]] | Any, name: str, key: str, *, debrief: bool = False,
                  columns: Sequence[str] | None = None) -> None:
    """:func:`downloads` as every page lays them out: the CSV and XLSX buttons side by side, on the left,
    in a box as wide as the pair (wider in debrief mode, for the room's larger type)."""
    from mandate_core import findings

    with st.container(width=findings.common.download_pair_px(debrief)):
        downloads(rows, name, key=key, columns=columns)


def takeaway_header(title: str, caption: str | None = None) -> None:
    st.header(title, anchor=False)
    if caption:
        st.caption(caption)


ENTRY_RAN = "_entry_ran"


def _through_the_entry_file(page_file: str) -> None:
    """Reopen this page through dashboard.py when Streamlit ran the page file on its own.

    Until a server process has run an ``st.navigation`` once, Streamlit treats a ``pages/`` folder the
    old way: a link such as ``/council?council=x`` opened as a fresh server's first request runs the
    page file alone — no sidebar, no selection from the link, no demo database.  The page then hands
    over to the entry file, which takes the link's selection and comes back here.
    """
    if st.session_state.get(ENTRY_RAN):
        return
    st.session_state["_goto"] = f"pages/{Path(page_file).name}"
    st.switch_page("dashboard.py", query_params=dict(st.query_params))


#: What a store fault can arrive as: the store's own error, or (outside a storage.connect block) DuckDB's
#: or the operating system's.  :func:`show_store_fault` decides which of them are faults.
STORE_FAULTS = (storage.StoreError, duckdb.Error, OSError)


def show_store_fault(exc: BaseException) -> bool:
    """Show a damaged file, a full disk, an unwritable folder or a busy database as one calm message
    naming the file and what to do (the entry file and every page use this one place).  False when
    ``exc`` is not a store fault, so the caller lets it go up rather than disguise a bug."""
    found = storage.fault(exc, db_path())
    if found is None:
        return False
    message = str(found)
    st.error(message[:1].upper() + message[1:], icon=":material/database:")
    return True


def section(render: Callable[..., Any]) -> Callable[..., Any]:
    """``render`` as a part of its page that reruns alone when one of its own widgets changes
    (``st.fragment``): choosing what a chart shows redraws that chart, not the sidebar and the rest of the
    page.  Only for a part whose widgets change nothing outside it.  Its errors get the page's calm
    messages (:func:`run_safely`), since a section's own rerun does not pass through the page's handler."""

    @functools.wraps(render)
    def safe(*args: Any, **kwargs: Any) -> Any:
        try:
            return render(*args, **kwargs)
        except PermissionError as exc:
            if exc.errno is None or not show_store_fault(exc):
                st.error("This account cannot see that view.")
        except STORE_FAULTS as exc:
            if not show_store_fault(exc):
                raise
        return None

    return st.fragment(safe)


def run_safely(render: Callable[[], None], page_file: str | None = None) -> None:
    """Render a page; an unexpected error becomes a calm message, never a traceback on a projector."""
    if page_file is not None:
        _through_the_entry_file(page_file)
    try:
        render()
    except PermissionError as exc:
        if exc.errno is None or not show_store_fault(exc):  # errno None: the read guard's refusal
            st.error("This account cannot see that view.")
    except STORE_FAULTS as exc:
        if not show_store_fault(exc):
            raise
