"""Anonymised views: every council but the focus council becomes "Peer 1", "Peer 2", …

Debrief mode uses it today, and a sign-in role scoped to one council will use the same class: a view that
must name no other council builds one :class:`Anonymiser` and passes everything it emits through it —
figures (every string, however deep: labels, hover templates, customdata), table rows, downloads, text.

What an anonymised view must not show of a peer (rule 6 of docs/disclosure.md; docs/dashboard.md#debrief-mode): its
name, its id, its round labels, its descriptors, or any text that contains its name or id.  And no ordering may give a
peer away: rows come out in Peer-number order, and Peer numbers are the ranks of a *keyed* hash of the council id.  The
key is a secret, because with a known key — or none — anyone holding the list of ids could recompute the
numbering.  The dashboard and the ``deck`` command use the store's own random secret (:func:`shared_key`),
so every process numbers a store's peers alike and a restart does not renumber them; a caller that passes
no key gets one secret per process.

Text is matched on a folded copy (Unicode compatibility decomposition, accents dropped, case folded), so
"İlford", "ılford", "ILFORD" and "Ilford" are the same name (and any run of spaces, tabs or line breaks
between its words is a space), and the replacement is made on the original text at the matched
characters' own positions (a folded character may be longer or shorter than the original: "İ" folds to
two characters, a combining accent to none).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from os import PathLike
from typing import Any

#: The numbering key when a caller gives none: random per process, so the numbering cannot be recomputed.
_PROCESS_KEY = secrets.token_hex(16)

#: Columns that describe a council (and so could point at one) or name its rounds: blanked for peers.
IDENTIFYING = ("nation", "council_type", "peer_group", "population", "workshop_date", "latest_workshop_date",
               "round", "latest_round", "rounds", "participants", "answers", "first_round", "last_round",
               "note", "notes")
#: Columns that may hold a council's id or shown name, in the order they are looked at.
COUNCIL_COLUMNS = ("council_id", "council", "name")

#: How many distinct strings an anonymiser remembers the answer for.
_SEEN_MAX = 50_000
#: A letter or digit just before or after a match means it is part of a longer word ("elm" in "elmwood").
_BEFORE = r"(?<![^\W_])"
_AFTER = r"(?![^\W_])"


def _scrubbable_id(folded: str) -> bool:
    """Whether an id is looked for in free text: not one of digits only or under three characters, which
    would turn every "1" or "12" in a hover text into a peer label (its rows are still relabelled)."""
    return len(folded) >= 3 and not folded.isdigit()


def _key(key: str | None) -> str:
    """An empty or missing key would make the numbering a public function of the ids: use the secret."""
    return key if key else _PROCESS_KEY


def shared_key(db: str | PathLike[str] | None = None) -> str:
    """The peer-numbering secret of the store at ``db`` (``storage.PEER_KEY_ROW`` in its ``meta`` table).

    Every process that numbers peers for a store asks this, so the dashboard, a second dashboard and the
    ``deck`` command give a peer the same number, and a restart keeps it.  It only reads (the key is
    written by ``storage.ensure_schema``): a store without the row, or one that cannot be read, gets this
    process's secret — the numbering is then per process, as it was, and still cannot be recomputed.
    """
    import duckdb

    from . import storage

    try:
        with storage.connect(db, read_only=True) as con:
            row = con.execute("SELECT value FROM meta WHERE key = ?", [storage.PEER_KEY_ROW]).fetchone()
    except (storage.StoreError, duckdb.Error, OSError):
        return _PROCESS_KEY
    return str(row[0]) if row and row[0] else _PROCESS_KEY


def _order_key(key: str, council_id: str) -> str:
    return hashlib.sha256(f"{key}|{council_id}".encode()).hexdigest()


def peer_numbers(council_ids: Iterable[str], focus: str | None, key: str | None = None) -> dict[str, int]:
    """Peer number of every council but the focus: the rank of its keyed hash (1 = lowest)."""
    k = _key(key)
    ids = sorted({str(c) for c in council_ids if c != focus}, key=lambda c: _order_key(k, c))
    return {cid: i for i, cid in enumerate(ids, start=1)}


def peer_labels(
    council_ids: Iterable[str], focus: str | None, names: Mapping[str, str], debrief: bool,
    key: str | None = None,
) -> dict[str, str]:
    """Display name of every council; when anonymised, every council but the focus is "Peer N".

    The one place peer numbers are given: pages, slides, the pack and downloads all call this (directly
    or through :class:`Anonymiser`), so a peer has the same number everywhere for the same key.  Pass
    every loaded id so numbers do not shift when a filter hides some councils.
    """
    ids = list(dict.fromkeys(str(c) for c in council_ids))
    if not debrief:
        return {cid: str(names.get(cid, cid)) for cid in ids}
    labels = {cid: f"Peer {n}" for cid, n in peer_numbers(ids, focus, key).items()}
    if focus is not None:
        labels[focus] = str(names.get(focus, focus))
    return labels


# --- folding ----------------------------------------------------------------------------------------------


def _fold_char(ch: str) -> str:
    """One character as text matching sees it: no accents, no case ("İ" -> "i", "ß" -> "ss", "ı" -> "i")."""
    if ch.isascii():
        return ch.lower()
    decomposed = unicodedata.normalize("NFKD", ch)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.casefold().replace("ı", "i")


def fold(text: str) -> str:
    """The folded form of a whole string (what names are compared in)."""
    return text.lower() if text.isascii() else "".join(_fold_char(c) for c in text)


def _fold_with_map(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each folded character, the index of the original character it came from."""
    if text.isascii():
        return text.lower(), list(range(len(text)))
    parts: list[str] = []
    owner: list[int] = []
    for i, ch in enumerate(text):
        f = _fold_char(ch)
        parts.append(f)
        owner.extend([i] * len(f))
    return "".join(parts), owner


def _trie_pattern(words: Iterable[str]) -> str:
    """One regex matching any of ``words``, longest first, as a trie so that hundreds of names stay fast."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict[str, Any]) -> str:
        ends = "" in node
        branches = [(r"\s+" if ch == " " else re.escape(ch)) + build(child)
                    for ch, child in sorted(node.items()) if ch != ""]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return ("(?:" + body + ")?") if len(branches) == 1 else body + "?"
        return body

    return build(trie)


# --- the anonymiser ---------------------------------------------------------------------------------------


class Anonymiser:
    """Maps every council other than ``focus`` to a stable "Peer N" label, in data, text and figures.

    ``councils`` are mappings with ``council_id`` and ``name`` (the catalog's or ``list_councils``'); pass
    every council loaded, so numbers match those of :func:`peer_labels` over the same ids and key.
    """

    def __init__(self, focus: str | None, councils: Iterable[Mapping[str, Any]], key: str | None = None) -> None:
        self.focus = focus
        self.key = _key(key)
        councils = list(councils)
        numbers = peer_numbers([str(c["council_id"]) for c in councils], focus, self.key)
        self.numbers: dict[str, int] = numbers
        self.labels: dict[str, str] = {cid: f"Peer {n}" for cid, n in numbers.items()}
        # Folded name or id -> what it becomes.  The focus council's own name and id map to themselves, so
        # that a peer whose name is part of the focus council's name does not eat into it.
        replace: dict[str, str | None] = {}
        kept: set[str] = set()
        for c in councils:
            cid = str(c["council_id"])
            for value in (c.get("name"), cid):
                folded = " ".join(fold(str(value or "")).split())
                if cid == focus:
                    kept.add(folded)
                elif folded and (value != cid or _scrubbable_id(folded)):
                    replace[folded] = self.labels[cid]
        replace.update(dict.fromkeys(kept - {""}))
        self._replace = replace
        self._seen: dict[str, str] = {}
        self._peer_forms = {f for f, label in replace.items() if label is not None}
        self._pattern = (re.compile(_BEFORE + "(?:" + _trie_pattern(replace) + ")" + _AFTER)
                         if self._peer_forms else None)
        # A row's council column may already hold a label (rows anonymised twice sort the same way).
        self._rank: dict[str, int] = {**numbers, **{self.labels[cid]: n for cid, n in numbers.items()}}
        self._rank_by_name = {fold(str(c.get("name"))): numbers[str(c["council_id"])]
                              for c in councils if str(c["council_id"]) in numbers and c.get("name")}

    # --- single values ------------------------------------------------------------------------------

    def is_peer(self, council_id: object) -> bool:
        return council_id is not None and str(council_id) in self.labels

    def label(self, council_id: str) -> str:
        """The shown name of a council id: a peer's label; any other id comes back unchanged."""
        return self.labels.get(council_id, council_id)

    def names(self, names: Mapping[str, str]) -> dict[str, str]:
        """Shown names for chart builders: ``{id: name}`` with every peer's name replaced by its label."""
        return {cid: self.labels.get(cid, str(name)) for cid, name in names.items()}

    def text(self, value: str) -> str:
        """A string with every other council's name or id replaced by its peer label."""
        if self._pattern is None or not value:
            return value
        done = self._seen.get(value)
        if done is None:
            done = self._text(value)
            if len(self._seen) < _SEEN_MAX:  # tables repeat their words ("England", a theme) on every row
                self._seen[value] = done
        return done

    def _text(self, value: str) -> str:
        folded, owner = _fold_with_map(value)
        out: list[str] = []
        last = 0
        for m in self._pattern.finditer(folded):
            label = self._replace.get(" ".join(m.group(0).split()))
            if label is None:  # the focus council, kept as written
                continue
            start, end = owner[m.start()], owner[m.end() - 1] + 1
            while end < len(value) and _fold_char(value[end]) == "":  # trailing combining marks go too
                end += 1
            if start < last:
                continue
            out.append(value[last:start])
            out.append(label)
            last = end
        if not out:
            return value
        out.append(value[last:])
        return "".join(out)

    def deep(self, obj: Any, *, keys: bool = True) -> Any:
        """Any JSON-like structure (figure dict, rows, table) with every string anonymised (and every
        mapping key too, unless ``keys`` is False: a figure's keys are Plotly's attribute names)."""
        if isinstance(obj, str):
            return self.text(obj)
        if isinstance(obj, Mapping):
            return {self.text(k) if keys and isinstance(k, str) else k: self.deep(v, keys=keys)
                    for k, v in obj.items()}
        if isinstance(obj, list):
            return [self.deep(v, keys=keys) for v in obj]
        if isinstance(obj, tuple):
            return tuple(self.deep(v, keys=keys) for v in obj)
        if hasattr(obj, "tolist") and getattr(obj, "dtype", None) is not None and obj.dtype.kind in "OUS":
            return [self.deep(v, keys=keys) for v in obj.tolist()]
        return obj

    # --- rows ---------------------------------------------------------------------------------------

    def rank(self, row: Mapping[str, Any]) -> int:
        """Where a row goes: 0 for the focus council or a row about no council, else its Peer number."""
        for column in COUNCIL_COLUMNS:
            value = row.get(column)
            if value is None:
                continue
            value = str(value)
            if value in self._rank:
                return self._rank[value]
            if column == "council_id":  # the focus council, or one this view does not know
                return 0
            if fold(value) in self._rank_by_name:
                return self._rank_by_name[fold(value)]
        return 0

    def sort(self, items: Iterable[Any], key: Callable[[Any], Mapping[str, Any]] = lambda x: x) -> list[Any]:
        """``items`` with the focus council first, then peers by Peer number (stable within a council)."""
        return sorted(items, key=lambda item: self.rank(key(item)))

    def rows(self, rows: Iterable[Mapping[str, Any]] | Any, *, order: bool = True) -> list[dict[str, Any]]:
        """Table rows: a peer's id and name become its label, its descriptors and round labels are blanked,
        every text cell is anonymised, and the rows come in Peer-number order (``order=False`` keeps the
        caller's order, for rows already ranked by their values).  Rows anonymised twice come out the same."""
        if hasattr(rows, "to_dict") and hasattr(rows, "columns"):  # a pandas DataFrame
            rows = rows.to_dict("records")
        out = []
        for row in rows:
            item = dict(row)
            number = self.rank(item)
            if number:
                for column in COUNCIL_COLUMNS:
                    if column in item:
                        item[column] = f"Peer {number}"
                for column in IDENTIFYING:
                    if column in item:
                        item[column] = None
            out.append(self.deep(item))
        return self.sort(out) if order else out

    def figure(self, fig: Any) -> Any:
        """A Plotly figure with every label, hover text, customdata and annotation anonymised."""
        import plotly.graph_objects as go

        # A peer id that is also a Plotly word ("lines", "circle") would turn a style value into a label;
        # such a value is dropped (Plotly's default drawn instead) rather than the page failing.
        return go.Figure(self.deep(fig.to_plotly_json(), keys=False), skip_invalid=True)

    def leaks(self, obj: Any) -> list[str]:
        """Other councils' names or ids (folded) still present anywhere in ``obj`` (for tests, a last check)."""
        found: set[str] = set()

        def walk(value: Any) -> None:
            if isinstance(value, str):
                if self._pattern is not None:
                    found.update(key for m in self._pattern.finditer(fold(value))
                                 if self._replace.get(key := " ".join(m.group(0).split())) is not None)
            elif isinstance(value, Mapping):
                for k, v in value.items():
                    walk(k)
                    walk(v)
            elif isinstance(value, list | tuple):
                for v in value:
                    walk(v)
            elif hasattr(value, "tolist"):
                walk(value.tolist())

        walk(obj)
        return sorted(found)
