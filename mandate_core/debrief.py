"""Debrief slides: the focus council's story, one chart and one message a slide, peers anonymised.

The same slides feed the Debrief page (one at a time, on a wall) and the offline pack (all of them in one
HTML file), so what the room saw is what the council takes away.  Every figure is built from the shared
chart builders in debrief size and then passed through the :class:`~mandate_core.anonymise.Anonymiser`
as a whole, so no other council's name or id can reach a label, a hover text or customdata.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import duckdb

from . import benchmarking, findings, metrics, reports
from .anonymise import Anonymiser
from .debrief_pack import PackSlide
from .panels import Panel, alignment, council
from .panels import benchmark as benchmark_panels
from .panels import themes as theme_panels
from .text import plotly_escape


@dataclass
class Slide:
    """One screen of the debrief."""

    key: str
    heading: str
    takeaway: str
    how_to_read: str
    figure: Any | None = None
    notes: list[tuple[str, list[str]]] = field(default_factory=list)
    #: On screen, the notes slide shows only the most common ideas, each with how many themes raised it;
    #: ``more`` counts the ideas left for the pack (which has every note, theme by theme).
    ideas: list[tuple[str, int]] = field(default_factory=list)
    more: int = 0

    @classmethod
    def of(cls, key: str, panel: Panel) -> Slide:
        """A panel as slide ``key``: its heading, its takeaway as the headline, its chart (the slide keys
        are the deck's own: the pack, the PowerPoint file and the slide picker use them)."""
        return cls(key, panel.heading, panel.takeaway, panel.how_to_read, panel.figure)

    def for_pack(self) -> PackSlide:
        return PackSlide(self.heading, self.takeaway, self.how_to_read, self.figure, self.notes)


@dataclass
class Deck:
    """The slides for one council's round, with what the cover needs."""

    council_id: str
    name: str
    round: str
    workshop_date: str | None
    slides: list[Slide]
    #: The peers the benchmark slide compares with, in words that name no other council.
    peer_set: str = ""


def build_deck(
    con: duckdb.DuckDBPyConnection,
    council_id: str,
    round_label: str | None,
    peers: str,
    key: str,
    min_group: int,
    narrow: bool = False,
) -> Deck:
    """Every debrief slide for a council's round (latest when None), anonymised with ``key``.

    ``narrow``: the charts laid out for a phone's screen (see charts.narrow); the pack and the PowerPoint
    file are built from the default deck, for a projector and for paper."""
    m = min_group
    report = reports.council_report(con, council_id, round_label, min_group=m)
    councils = metrics.list_councils(con)
    anon = Anonymiser(council_id, councils, key=key)
    name = report["name"]
    slides: list[Slide] = []

    # 1. Where we are and where we want to go: one row, every point named and valued.
    slides.append(Slide.of("overall", council.journey(report, m, debrief=True, narrow=narrow)))

    # 2. Each theme on the spectrum.
    slides.append(Slide.of("themes", council.themes(report, m, debrief=True, narrow=narrow)))

    # 3. Alignment between officers and members, else across parties; the sentence alone if neither shows.
    themes = report["themes"]
    if alignment.has_gap(themes, "ambition") or not alignment.has_cross_party(themes, "ambition"):
        gap = alignment.gap(themes, "ambition", m, debrief=True, narrow=narrow)
        if gap.figure is None:
            gap = replace(gap, takeaway=f"{gap.takeaway}. Groups too small to show are never compared.")
        slides.append(Slide.of("alignment", gap))
    else:
        slides.append(Slide.of("alignment", alignment.cross_party(themes, "ambition", debrief=True, narrow=narrow)))

    # 4. Which themes are most ambitious.
    summary = metrics.council_summary(con, council_id, report["round"], m)
    bars = findings.themes.focus_theme_bars(summary)
    if bars:
        slides.append(Slide.of("ambition", theme_panels.ranked(bars, name, m, debrief=True, narrow=narrow)))

    # 5. How we compare with peers (anonymised).
    try:
        view = findings.benchmark.benchmark_view(con, council_id, report["round"], "position", "ambition",
                                    benchmarking.PeerSet.parse(peers), m)
    except reports.ReportError:
        view = None
    peer_words = peer_set_words(con, council_id, peers, len(view["peer_ids"]) if view else 0)
    if view is not None and view["peer_ids"]:
        names = {str(c["council_id"]): str(c["name"]) for c in councils}
        labels = anon.names(names)
        for row in view["rows"]:  # peers as "Peer N" (their dots' jitter too), in Peer-number order
            row["points"] = anon.rows(row["points"])
        slide = Slide.of("peers", benchmark_panels.strip(view, labels, name, m, debrief=True, narrow=narrow,
                                                         heading=f"How our ambition compares with {peer_words}"))
        if not narrow:  # a phone's strip names its rows above them and keeps its legend already
            _debrief_strip(slide.figure, view, themes)
        slides.append(slide)
    else:
        slides.append(Slide.of("peers", benchmark_panels.no_peers("How our ambition compares with peers")))

    # 6. The radical alternatives, in participants' own words (no author).
    notes = metrics.theme_notes(con, council_id, report["round"], m)
    grouped: dict[str, list[str]] = {}
    for note in notes:
        if note["horizon"] == "ambition" or len(notes) < 12:
            grouped.setdefault(note["theme"], []).append(note["note"])
    ideas = common_ideas(grouped)
    # The heading counts distinct ideas, as listed: an idea raised on several themes is one idea, shown once.
    count = len(ideas)
    slides.append(Slide(
        "notes", "What a radical alternative would look like",
        (f"{count} {'idea' if count == 1 else 'ideas'} for doing something new, across "
         f"{len(grouped)} {'theme' if len(grouped) == 1 else 'themes'}" if count
         else "No radical alternatives were written down for themes large enough to show"),
        "Participants' own words, as written, without who wrote them. Only themes answered by at least "
        f"{m} people are shown. An idea raised on several themes is listed once, under all of them.",
        notes=ideas_by_theme(grouped),
        ideas=ideas[:MAX_IDEAS], more=max(0, len(ideas) - MAX_IDEAS),
    ))

    for slide in slides:
        if slide.figure is not None:
            # The takeaway is the slide's own headline (full width, large), so the chart drops its title and
            # is shorter by the title's height: its rows keep their size and the slide fits the screen.
            fig = slide.figure
            freed = max(0, int(fig.layout.margin.t or 60) - 60)
            height = int(fig.layout.height) - freed if fig.layout.height else None
            fig.update_layout(title={"text": ""}, margin={"t": 60}, height=height)
            slide.figure = anon.figure(slide.figure)
        slide.heading, slide.takeaway = anon.text(slide.heading), anon.text(slide.takeaway)
        slide.notes = [(anon.text(h), [anon.text(i) for i in items]) for h, items in slide.notes]
        slide.ideas = [(anon.text(idea), n) for idea, n in slide.ideas]
    return Deck(council_id, name, anon.text(report["round"]), report.get("workshop_date"), slides,
                anon.text(peer_words))


def peer_set_words(con: duckdb.DuckDBPyConnection, council_id: str, peers: str, count: int) -> str:
    """The peer set in words for a slide heading ("all 23 other councils"), naming no other council: an
    explicit list of ids is only counted."""
    info = metrics.council_info(con, council_id) or {}
    n = f"{count} " if count else ""
    if peers == "all":
        return f"all {n}other councils"
    if peers == "peer_group" and info.get("peer_group"):
        return f"the {n}other councils in our peer group ({info['peer_group']})"
    if peers == "nation" and info.get("nation"):
        return f"the {n}other councils in {info['nation']}"
    if peers == "council_type" and info.get("council_type"):
        return f"the {n}other councils of our type ({info['council_type']})"
    return f"the {n}councils chosen for comparison" if count else "peers"


def _debrief_strip(fig: Any, view: dict[str, Any], themes: list[dict[str, Any]]) -> None:
    """The benchmark strip on a slide: the council's own theme names (as every other slide uses) instead of
    the sector's, and a legend for the diamond, the median bar, the box and the dots."""
    own: dict[str, list[str]] = {}
    for t in themes:
        own.setdefault(t["sector_theme"], []).append(t["theme"])
    ticks = list(fig.layout.yaxis.ticktext or ())
    for i, row in enumerate(view["rows"]):
        if i >= len(ticks) or not row["theme"] or row["theme"] not in own:
            continue
        head, sep, rest = ticks[i].partition("<br>")
        label = "<br>".join(plotly_escape(n) for n in own[row["theme"]])
        ticks[i] = label + sep + rest
    fig.update_yaxes(ticktext=ticks)
    extra = 80  # one row of legend, in debrief type, under the axis title
    fig.update_layout(showlegend=True, margin={"b": int(fig.layout.margin.b or 0) + extra},
                      height=int(fig.layout.height or 0) + extra)


#: Tallest a slide's chart may be and still fit one 1920×1080 screen with its headline and "How to read this"
#: (measured in Chromium: banner, slide controls, heading and a one-line takeaway take about 300 px).
MAX_CHART_HEIGHT = 720
#: What each further line of takeaway (about 88 characters of it at 1920 wide) takes from the chart.
TAKEAWAY_LINE_PX = 44
TAKEAWAY_LINE_CHARS = 88
#: Ideas on the notes slide: as many as the screen holds in large type; the rest are in the pack.
MAX_IDEAS = 8


def chart_height(slide: Slide) -> int:
    """The slide's chart height on a 1920×1080 screen: its own, but never more than leaves room for the
    headline, a takeaway of that many lines and "How to read this", so nothing needs scrolling."""
    lines = max(1, -(-len(slide.takeaway) // TAKEAWAY_LINE_CHARS))
    cap = MAX_CHART_HEIGHT - TAKEAWAY_LINE_PX * (lines - 1)
    own = int(slide.figure.layout.height or cap) if slide.figure is not None else cap
    return min(own, cap)


def notes_on_screen(notes: list[tuple[str, list[str]]], limit: int = MAX_IDEAS
                    ) -> tuple[list[list[tuple[str, list[str]]]], int]:
    """The notes slide on a wall: the first ``limit`` ideas, theme by theme as in the pack, in two columns
    of about equal length; and how many ideas are left for the pack."""
    shown: list[tuple[str, list[str]]] = []
    room = limit
    for heading, items in notes:
        if room <= 0:
            break
        shown.append((heading, items[:room]))
        room -= len(shown[-1][1])
    left = sum(len(items) for _h, items in notes) - (limit - room)
    sizes = [1 + len(items) for _h, items in shown]  # a heading is a line too
    half, run, split = sum(sizes) / 2, 0, len(shown)
    for i, size in enumerate(sizes):
        if run >= half:
            split = i
            break
        run += size
    return [shown[:split], shown[split:]], left


def ideas_by_theme(grouped: dict[str, list[str]]) -> list[tuple[str, list[str]]]:
    """Every distinct idea once, under the theme that raised it — or, for an idea raised on several themes,
    under all of them together ("A · B · C"), those groups first (most themes first), then theme by theme.

    Ideas are matched as :func:`common_ideas` matches them, so the heading's count is this list's length.
    """
    seen: dict[str, tuple[str, list[str]]] = {}
    for theme, items in sorted(grouped.items()):
        for item in items:
            key = " ".join(item.split()).casefold()
            text, themes = seen.setdefault(key, (" ".join(item.split()), []))
            if theme not in themes:
                themes.append(theme)
    groups: dict[tuple[str, ...], list[str]] = {}
    for text, themes in seen.values():
        groups.setdefault(tuple(themes), []).append(text)
    order = sorted(groups, key=lambda ts: (-len(ts), ts))
    # " · " between theme names, not "and": theme names themselves often contain "and".
    return [(" · ".join(ts), groups[ts]) for ts in order]


def common_ideas(grouped: dict[str, list[str]]) -> list[tuple[str, int]]:
    """Distinct ideas, the one raised on most themes first, with that number of themes.

    Ideas are matched by their words (case and spacing ignored); the wording shown is the first one met.
    Ties keep theme order, so the list is stable from one run to the next.
    """
    seen: dict[str, tuple[str, set[str]]] = {}
    for theme, items in sorted(grouped.items()):
        for item in items:
            key = " ".join(item.split()).casefold()
            text, themes = seen.setdefault(key, (" ".join(item.split()), set()))
            themes.add(theme)
    order = {key: i for i, key in enumerate(seen)}
    ranked = sorted(seen.items(), key=lambda kv: (-len(kv[1][1]), order[kv[0]]))
    return [(text, len(themes)) for _key, (text, themes) in ranked]
