"""The shared selection (council, round, peer set, horizon, debrief) and its URL form.

Two things are kept apart: ``debrief`` is the projector look (large type, one chart a screen, the slides),
while :attr:`Selection.anonymise` says whether every council but the chosen one is shown as "Peer N" — in
debrief mode, and always for a council user's view (``scoped``, set by ``mandate_core.access``, never by
the URL).  Whatever decides what may be named reads ``anonymise``; whatever decides the look reads
``debrief``.

Every URL parameter is untrusted: it is checked against the known councils and rounds, never used in SQL
text, and a value that does not fit falls back to a default with a note the page shows, so a stale or
mangled link still opens a working view.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .domain import HORIZONS, PEER_SET_LABELS, PEER_SETS

if TYPE_CHECKING:
    from .benchmarking import PeerSet

DEFAULT_HORIZON = "ambition"
DEFAULT_PEERS = "peer_group"
MAX_PARAM = 400  # longer URL values are refused outright
MAX_PEER_IDS = 50


@dataclass
class Selection:
    """What the user is looking at; travels between pages and in the URL."""

    council: str | None = None
    round: str | None = None  # None = the council's latest round
    peers: str = DEFAULT_PEERS  # a PEER_SETS key or "ID,ID,..."
    horizon: str = DEFAULT_HORIZON
    debrief: bool = False
    slide: int = 1
    notes: list[str] = field(default_factory=list)
    #: A council user's view (mandate_core.access.scope_selection): only the chosen council may be named,
    #: whatever ``debrief`` says.  Never read from or written to the URL.
    scoped: bool = False

    @property
    def anonymise(self) -> bool:
        """Every council but the chosen one is shown as "Peer N": in debrief mode, or in a scoped view."""
        return self.debrief or self.scoped

    def to_query(self) -> dict[str, str]:
        """The URL parameters that reopen this view."""
        params: dict[str, str] = {}
        if self.council:
            params["council"] = self.council
        if self.round:
            params["round"] = self.round
        params["peers"] = self.peers
        params["horizon"] = self.horizon
        if self.debrief:
            params["debrief"] = "1"
            params["slide"] = str(self.slide)
        return params

    @property
    def peer_set(self) -> PeerSet:
        """The peer set as a value (parsed from :attr:`peers`, which stays the URL's string)."""
        from .benchmarking import PeerSet  # here, not at the top: the selection stays a light module

        return PeerSet.parse(self.peers)

    @property
    def peer_ids(self) -> list[str]:
        """The hand-picked peer ids, when the peer set is a list."""
        return [] if self.peers in PEER_SETS else [p for p in self.peers.split(",") if p]


def _clean(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, list | tuple):
        value = value[-1] if value else None
        if value is None:
            return None
    text = str(value).strip()
    return text or None


def choose(value: object, allowed: Collection[str], default: str | None) -> str | None:
    """``value`` when it is one of ``allowed``, else ``default``.

    The one check of every choice of the selection, whether it comes from a link (:func:`from_query`) or
    from a sidebar widget's remembered state (dashboard.py), so the two cannot disagree on what is valid."""
    return value if isinstance(value, str) and value in allowed else default


def known_peers(ids: Iterable[str], councils: Collection[str], focus: str | None) -> list[str]:
    """Hand-picked peer ids that are loaded, without the focus council, each once, at most
    :data:`MAX_PEER_IDS` (the link's list and the sidebar's picker go through this one rule)."""
    return [p for p in dict.fromkeys(ids) if p in councils and p != focus][:MAX_PEER_IDS]


def _shown(value: str) -> str:
    return value if len(value) <= 40 else value[:40] + "…"


def from_query(
    params: Mapping[str, object],
    councils: Sequence[str],
    rounds: Mapping[str, Sequence[str]],
    n_slides: int = 1,
) -> Selection:
    """Parse URL parameters against the data; anything unknown falls back with a note."""
    sel = Selection()
    notes = sel.notes
    raw = {k: _clean(params.get(k)) for k in ("council", "round", "peers", "horizon", "debrief", "slide")}
    for key, value in list(raw.items()):
        if value is not None and len(value) > MAX_PARAM:
            notes.append(f"The link's {key} value is too long and was ignored.")
            raw[key] = None

    council = raw["council"]
    sel.council = choose(council, councils, councils[0] if councils else None)
    if council is not None and sel.council != council:
        notes.append(f"No council with id “{_shown(council)}” is loaded; showing another council.")

    rnd = raw["round"]
    if rnd is not None and sel.council is not None:
        sel.round = choose(rnd, rounds.get(sel.council, ()), None)
        if sel.round is None:
            notes.append(f"Round “{_shown(rnd)}” is not loaded for this council; showing its latest round.")

    peers = raw["peers"]
    if peers is not None:
        if peers in PEER_SET_LABELS:
            sel.peers = peers
        else:
            ids = [p.strip() for p in peers.split(",") if p.strip()]
            known = known_peers(ids, councils, sel.council)
            if known and len(known) == len(set(ids) - {sel.council}):
                sel.peers = ",".join(known)
            elif known:
                sel.peers = ",".join(known)
                notes.append("Some councils in the link's peer list are not loaded and were left out.")
            else:
                notes.append("The link's peer set was not recognised; comparing with the peer group.")

    horizon = raw["horizon"]
    if horizon is not None:
        sel.horizon = str(choose(horizon, HORIZONS, DEFAULT_HORIZON))
        if sel.horizon != horizon:
            notes.append(f"Horizon “{_shown(horizon)}” is not one of now, next, ambition; showing ambition.")

    debrief = raw["debrief"]
    sel.debrief = debrief in ("1", "true", "yes", "on")
    if debrief is not None and not sel.debrief and debrief not in ("0", "false", "no", "off"):
        notes.append("The link's debrief value was not recognised; debrief mode is off.")
    slide = raw["slide"]
    if slide is not None:
        if slide.isascii() and slide.isdigit() and 1 <= int(slide) <= max(1, n_slides):
            sel.slide = int(slide)
        else:
            notes.append("The link's slide number is out of range; starting at slide 1.")
    return sel
