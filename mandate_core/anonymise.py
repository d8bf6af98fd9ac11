"""Debrief anonymisation: every council but the focus council becomes "Peer 1", "Peer 2", …

In a debrief the room sees one council's results; peers may be shown for comparison but never named.
Numbers are given by a keyed hash of the council id (the key is fixed for one debrief), so a peer keeps
its number on every slide and in every download, and the numbering says nothing about names, ids or
positions.  Anonymising the data first and then the finished figure or table as a whole (every string,
however deep) means a label added later in a chart builder cannot slip through.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import Any


def _order_key(key: str, council_id: str) -> str:
    return hashlib.sha256(f"{key}|{council_id}".encode()).hexdigest()


def peer_labels(
    council_ids: Iterable[str], focus: str | None, names: Mapping[str, str], debrief: bool, key: str = ""
) -> dict[str, str]:
    """Display name of every council; in debrief mode every council but the focus is "Peer N".

    The one place peer numbers are given: pages, slides, the pack and downloads all call this (directly
    or through :class:`Anonymiser`), so a peer has the same number everywhere for the same key.  Pass
    every loaded id so numbers do not shift when a filter hides some councils.
    """
    ids = list(dict.fromkeys(council_ids))
    if not debrief:
        return {cid: str(names.get(cid, cid)) for cid in ids}
    others = sorted((c for c in ids if c != focus), key=lambda c: _order_key(key, c))
    labels = {cid: f"Peer {i}" for i, cid in enumerate(others, start=1)}
    if focus is not None:
        labels[focus] = str(names.get(focus, focus))
    return labels


class Anonymiser:
    """Maps every council other than ``focus`` to a stable "Peer N" label."""

    def __init__(self, focus: str | None, councils: Iterable[Mapping[str, Any]], key: str = "") -> None:
        self.focus = focus
        self.key = key
        others = [c for c in councils if c.get("council_id") != focus]
        ordered = sorted(others, key=lambda c: _order_key(key, str(c["council_id"])))
        all_labels = peer_labels([str(c["council_id"]) for c in others], focus, {}, True, key)
        self.labels: dict[str, str] = {cid: label for cid, label in all_labels.items() if cid != focus}
        # Every way another council may appear in text: its name and its id, longest first so that a
        # name is replaced whole before a shorter id inside it could be.
        secrets: list[tuple[str, str]] = []
        for c in ordered:
            label = self.labels[str(c["council_id"])]
            for value in (c.get("name"), c.get("council_id")):
                if value:
                    secrets.append((str(value), label))
        secrets.sort(key=lambda s: len(s[0]), reverse=True)
        self._secrets = secrets
        self._lookup = {s.casefold(): label for s, label in secrets}
        self._pattern = (
            re.compile("|".join(rf"(?<![\w-]){re.escape(s)}(?![\w-])" for s, _ in secrets), re.IGNORECASE)
            if secrets else None
        )

    def label(self, council_id: str) -> str:
        """The shown name of a council id: the focus council stays itself (callers pass its name)."""
        return self.labels.get(council_id, council_id)

    def text(self, value: str) -> str:
        """A string with every other council's name or id replaced by its peer label."""
        if self._pattern is None or not value:
            return value
        return self._pattern.sub(lambda m: self._lookup[m.group(0).casefold()], value)

    def deep(self, obj: Any) -> Any:
        """Any JSON-like structure (figure dict, rows, table) with every string anonymised."""
        if isinstance(obj, str):
            return self.text(obj)
        if isinstance(obj, Mapping):
            return {self.deep(k) if isinstance(k, str) else k: self.deep(v) for k, v in obj.items()}
        if isinstance(obj, list | tuple):
            return type(obj)(self.deep(v) for v in obj) if isinstance(obj, list) else tuple(self.deep(v) for v in obj)
        if hasattr(obj, "tolist") and getattr(obj, "dtype", None) is not None and obj.dtype.kind in "OUS":
            return [self.deep(v) for v in obj.tolist()]
        return obj

    def rows(self, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Table rows with other councils' ids and names replaced (the focus council's kept)."""
        out = []
        for row in rows:
            item = dict(row)
            cid = item.get("council_id")
            if cid is not None and cid != self.focus:
                label = self.label(str(cid))
                item["council_id"] = label
                if "name" in item:
                    item["name"] = label
            out.append(self.deep(item))
        return out

    def figure(self, fig: Any) -> Any:
        """A Plotly figure with every label, hover text, customdata and annotation anonymised."""
        import plotly.graph_objects as go

        return go.Figure(self.deep(fig.to_plotly_json()))

    def leaks(self, obj: Any) -> list[str]:
        """Other councils' names or ids still present anywhere in ``obj`` (for tests and a last check)."""
        found: set[str] = set()

        def walk(value: Any) -> None:
            if isinstance(value, str):
                if self._pattern is not None:
                    found.update(m.group(0) for m in self._pattern.finditer(value))
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
