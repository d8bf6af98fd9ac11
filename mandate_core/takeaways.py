"""Plain-words sentences for the Overview, Council and Alignment pages, computed from core results.

A chief executive glancing at a projected chart reads its title and nothing else, so every title here
states the one thing the data says ("Members want to go further than officers on 4 of 5 themes").  These
functions take the dictionaries :mod:`mandate_core.metrics` and :mod:`mandate_core.reports` return, never
re-derive a metric, and treat a suppressed slice as absent (its number is never put into words).  They
return plain text: whoever places it in HTML, Markdown or Plotly escapes it there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from . import domain
from .anonymise import peer_labels
from .text import fmt, num, shown_value

#: Consensus (Tastle & Wierman, 0–1) at or above this reads as "high" agreement.
CONSENSUS_HIGH = 0.7
#: Consensus below this reads as "low" agreement; between the two it is "moderate".
CONSENSUS_LOW = 0.5
#: Cross-party alignment at or above this: the groups are within one point of each other.
ALIGNMENT_HIGH = 0.8
#: Alignment below this: the groups are more than two points (a whole band) apart.
ALIGNMENT_LOW = 0.6
#: An officer–member gap smaller than this (in points on the 1–6 scale, as printed) reads as "about level".
GAP_LEVEL = 0.3

#: How the ambition horizon is said in a sentence.
IN_FIVE_YEARS = "in five years"


# --- small words -------------------------------------------------------------------------------------------


def shown(slice_: Mapping[str, Any] | None) -> bool:
    """Whether a SLICE (docs/cli.md#report) carries numbers (not suppressed, not missing)."""
    return bool(slice_) and not slice_.get("suppressed") and slice_.get("position") is not None


def band_and_value(slice_: Mapping[str, Any]) -> str:
    """ "New (4.7)" — the band first, because the band is what people remember."""
    return f"{slice_['band']} ({num(slice_['position'])})"


def consensus_level(value: float) -> str:
    """high / moderate / low, with the thresholds named above (on the value as printed, 2 places)."""
    value = shown_value(value, 2)
    if value >= CONSENSUS_HIGH:
        return "high"
    if value < CONSENSUS_LOW:
        return "low"
    return "moderate"


def alignment_level(value: float) -> str:
    """How close the political groups are, in words (on the value as printed, 2 places)."""
    value = shown_value(value, 2)
    if value >= ALIGNMENT_HIGH:
        return "closely aligned"
    if value < ALIGNMENT_LOW:
        return "divided"
    return "partly aligned"


def gap_words(gap: float) -> str:
    """Who wants to go further, for one officer–member gap (members − officers)."""
    side = gap_side(gap)
    if side > 0:
        return f"members further by {num(gap)}"
    if side < 0:
        return f"officers further by {num(-gap)}"
    return "about level"


def risk_words(value: float) -> str:
    """ "Open (3.7)" on the Orange Book scale (the level of the value as printed)."""
    return f"{risk_level(value)} ({num(value)})"


def risk_level(value: float) -> str:
    """Nearest Orange Book level of the printed value, so 2.45 (printed 2.5) reads Cautious, not Minimal."""
    return domain.risk_label(shown_value(value, 1))


def quoted(label: str, limit: int = 60) -> str:
    """A user's theme label inside a sentence, shortened so a title stays on one line."""
    text = " ".join(str(label).split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return f"“{text}”"


def anonymise(ids: Iterable[str], focus: str | None, focus_name: str | None = None, key: str = "") -> dict[str, str]:
    """Labels for debrief mode: the focus council keeps its name, every other council is "Peer N".

    Numbering is :func:`mandate_core.anonymise.peer_labels`, shared by every page and the pack.
    """
    names = {focus: focus_name or focus} if focus is not None else {}
    return peer_labels(ids, focus, names, True, key)


# --- Overview ------------------------------------------------------------------------------------------------


def band_counts(rows: Sequence[Mapping[str, Any]], horizon: str = "ambition") -> dict[str, int]:
    """Councils per band at one horizon, over the councils whose slice is shown."""
    counts = dict.fromkeys(domain.BANDS, 0)
    for row in rows:
        slice_ = row.get(horizon)
        if shown(slice_):
            counts[slice_["band"]] += 1
    return counts


def count_change(then: int, before: int) -> tuple[str, str]:
    """A tile's change in councils, in words, and the arrow to draw: "10 fewer than now" with a down arrow.

    The words carry no sign: an arrow and a minus together ("↓ -10") say the same thing twice.
    """
    diff = then - before
    if diff == 0:
        return "same as now", "off"
    return (f"{abs(diff)} more than now", "up") if diff > 0 else (f"{abs(diff)} fewer than now", "down")


def overview_takeaway(rows: Sequence[Mapping[str, Any]]) -> str:
    """What the sector wants, in one line, from :func:`metrics.sector_overview` rows."""
    counts = band_counts(rows, "ambition")
    total = sum(counts.values())
    if not total:
        return "No council in this selection has results that can be shown"
    top = max(domain.BANDS, key=lambda b: (counts[b], domain.BANDS.index(b)))
    if total == 1:
        return f"The one council shown aims for {top} {IN_FIVE_YEARS}"
    if counts[top] == total:
        return f"All {total} councils aim for {top} {IN_FIVE_YEARS}"
    lead = f"{counts[top]} of {total} councils {_aim(counts[top])} for {top} {IN_FIVE_YEARS}"
    now = band_counts(rows, "now")
    if top != domain.NEW and counts[domain.NEW]:
        return f"{lead}; {counts[domain.NEW]} {_aim(counts[domain.NEW])} for New"
    if top == domain.NEW:
        return f"{lead}, up from {now[domain.NEW]} there now"
    return lead


def _aim(count: int) -> str:
    return "aims" if count == 1 else "aim"


def suppressed_councils_text(names: Sequence[str], min_group: int) -> str:
    """The line under the Overview chart naming the councils left off it."""
    return f"Not shown ({min_group}+ participants needed, to protect anonymity): " + ", ".join(names)


# --- Council -----------------------------------------------------------------------------------------------


def overall_sentence(overall: Mapping[str, Any], min_group: int) -> str:
    """ "Overall the council wants to move from Better (2.1) now to New (4.7) in five years." """
    now, nxt, amb = overall.get("now"), overall.get("next"), overall.get("ambition")
    if not (shown(now) and shown(amb)):
        return ("The council's overall position is not shown: too few participants answered for now or "
                f"for the ambition to show it without identifying anyone ({min_group} needed).")
    via = f", via {band_and_value(nxt)} as the next step" if shown(nxt) else ""
    if amb["position"] < now["position"] - 1e-9:
        return (f"Overall the council's ambition, {band_and_value(amb)}, sits below where it says it is "
                f"now, {band_and_value(now)}.")
    if now["band"] == amb["band"]:
        return (f"Overall the council wants to go further within {amb['band']}: from "
                f"{num(now['position'])} now to {num(amb['position'])} {IN_FIVE_YEARS}{via}.")
    return (f"Overall the council wants to move from {band_and_value(now)} now to "
            f"{band_and_value(amb)} {IN_FIVE_YEARS}{via}.")


def risk_sentence(overall: Mapping[str, Any], min_group: int) -> str:
    """Risk appetite now and for the ambition, in Orange Book words."""
    now, amb = overall.get("now") or {}, overall.get("ambition") or {}
    r_now = now.get("risk") if shown(now) else None
    r_amb = amb.get("risk") if shown(amb) else None
    if r_now is None and r_amb is None:
        return (f"Risk appetite is not shown: it needs a theme where at least {min_group} participants gave "
                "a risk score.")
    if r_now is None:
        return f"Risk appetite for the ambition: {risk_words(r_amb)}."
    if r_amb is None:
        return f"Risk appetite now: {risk_words(r_now)}."
    if risk_level(r_now) == risk_level(r_amb):
        return (f"Risk appetite stays {risk_level(r_amb)}: {num(r_now)} now, "
                f"{num(r_amb)} for the ambition.")
    verb = "rises" if r_amb > r_now else "falls"
    return f"Risk appetite {verb} from {risk_words(r_now)} now to {risk_words(r_amb)} for the ambition."


def council_themes_takeaway(report: Mapping[str, Any]) -> str:
    """Title of the per-theme spectrum: how many themes aim for New, or the biggest leap."""
    themes = [t for t in report.get("themes", []) if shown(t.get("ambition"))]
    if not themes:
        return "No theme has results that can be shown"
    new = sum(1 for t in themes if t["ambition"]["band"] == domain.NEW)
    leaps = [t for t in themes if t.get("gap") is not None]
    if new and new < len(themes):
        head = f"{new} of {len(themes)} themes aim for New {IN_FIVE_YEARS}"
    elif new:
        head = f"Every theme aims for New {IN_FIVE_YEARS}"
    else:
        head = f"No theme aims for New {IN_FIVE_YEARS}"
    if leaps:
        big = max(leaps, key=lambda t: (t["gap"], t["theme"]))
        if big["gap"] > 0:
            return f"{head}; the biggest leap is {quoted(big['theme'], 40)} (+{num(big['gap'])})"
    return head


def risk_takeaway(report: Mapping[str, Any], min_group: int) -> str:
    """Title of the risk chart (the overall risk sentence without its full stop)."""
    return risk_sentence(report.get("overall", {}), min_group).rstrip(".")


def consensus_takeaway(report: Mapping[str, Any], horizon: str) -> str:
    """Title of the consensus chart: on how many themes people agree, and where they agree least."""
    values = [(t["theme"], t[horizon]["consensus"]) for t in report.get("themes", []) if shown(t.get(horizon))]
    if not values:
        return "No theme has results that can be shown"
    levels = [consensus_level(v) for _, v in values]
    high, low, k = levels.count("high"), levels.count("low"), len(values)
    if high == k:
        head = "Agreement is high on the one theme" if k == 1 else f"Agreement is high on all {k} themes"
    else:
        head = f"Agreement is high on {high} of {k} themes"
    if low:
        theme, value = min(values, key=lambda tv: (tv[1], tv[0]))
        return f"{head}; lowest on {quoted(theme, 40)} ({fmt(value, 'consensus')}, low)"
    # The chart's top row pools every theme; say so when it reads differently from the themes, so the
    # title never contradicts a bar under it (pooled answers spread more when themes differ).
    overall = (report.get("overall") or {}).get(horizon)
    if shown(overall) and high == k and consensus_level(overall["consensus"]) != "high":
        value = overall["consensus"]
        return f"{head}, {consensus_level(value)} ({fmt(value, 'consensus')}) with all themes pooled"
    return head


def consensus_sentence(value: float) -> str:
    """One consensus value with its word, e.g. "0.62 (moderate)"."""
    return f"{fmt(value, 'consensus')} ({consensus_level(value)})"


# --- Alignment ---------------------------------------------------------------------------------------------


def officer_member_takeaway(themes: Sequence[Mapping[str, Any]], horizon: str, min_group: int) -> str:
    """ "Members want to go further than officers on 4 of 5 themes" (docs/metrics.md#officermember-gap)."""
    gaps = [t["officer_member_gap"][horizon] for t in themes
            if (t.get("officer_member_gap") or {}).get(horizon) is not None]
    if not gaps:
        return (f"The officer–member gap is not shown: officers and members each need at least "
                f"{min_group} participants")
    members = sum(1 for g in gaps if gap_side(g) > 0)
    officers = sum(1 for g in gaps if gap_side(g) < 0)
    k = len(gaps)
    noun = "theme" if k == 1 else "themes"
    level = k - members - officers
    if k > 1 and 2 * level > k and (members or officers):
        extra = [f"members go further on {members}" if members else "",
                 f"officers on {officers}" if officers and members else
                 f"officers go further on {officers}" if officers else ""]
        return f"Officers and members are about level on {level} of {k} themes; " + ", ".join(e for e in extra if e)
    if members > officers:
        return f"Members want to go further than officers on {members} of {k} {noun}"
    if officers > members:
        return f"Officers want to go further than members on {officers} of {k} {noun}"
    if members == 0:
        return f"Officers and members are about level on all {k} {noun}" if k > 1 else \
            "Officers and members are about level"
    tail = f", level on {level}" if level else ""
    return f"Split: members go further on {members} of {k} {noun}, officers on {officers}{tail}"


def gap_side(gap: float) -> int:
    """+1 members further, −1 officers further, 0 about level (on the gap as printed, 1 place)."""
    value = shown_value(gap, 1)
    return 1 if value >= GAP_LEVEL - 1e-9 else -1 if value <= -GAP_LEVEL + 1e-9 else 0


def alignment_takeaway(themes: Sequence[Mapping[str, Any]], horizon: str) -> str:
    """How close the political groups are across themes (cross-party alignment)."""
    values = [(t["theme"], t["cross_party_alignment"][horizon]) for t in themes
              if (t.get("cross_party_alignment") or {}).get(horizon) is not None]
    if not values:
        return "Cross-party alignment is not shown: it needs two political groups large enough to show"
    levels = [alignment_level(v) for _, v in values]
    close, divided = levels.count("closely aligned"), levels.count("divided")
    k = len(values)
    if divided:
        return f"Political groups are divided on {divided} of {k} themes"
    if close == k:
        return f"Political groups are closely aligned on every theme shown ({k})"
    return f"Political groups are closely aligned on {close} of {k} themes"


def cell_label(row: Mapping[str, Any]) -> str:
    """The row name of a breakdown cell: All participants / Officers / Members / the group."""
    cell = row["cell"]
    if cell == "total":
        return "All participants"
    if cell == "officers":
        return "Officers"
    if cell == "members":
        return "Members"
    return str(row.get("group") or "No group given")


def group_positions_takeaway(rows: Sequence[Mapping[str, Any]], theme: str) -> str:
    """Title of the group positions chart for one theme × horizon (rows of metrics.group_breakdown)."""
    by_cell = {r["cell"]: r for r in rows if r["cell"] != "group"}
    groups = [r for r in rows if r["cell"] == "group" and not r["suppressed"]]
    where = f"on {quoted(theme, 40)}"
    if len(groups) >= 2:
        lo = min(groups, key=lambda r: (r["position"], cell_label(r)))
        hi = max(groups, key=lambda r: (r["position"], cell_label(r)))
        spread = hi["position"] - lo["position"]
        return (f"Party groups are {num(spread)} points apart {where}: "
                f"{quoted(cell_label(lo), 24)} {num(lo['position'])} to {quoted(cell_label(hi), 24)} "
                f"{num(hi['position'])}")
    off, mem = by_cell.get("officers"), by_cell.get("members")
    if off and mem and not off["suppressed"] and not mem["suppressed"]:
        gap = shown_value(mem["position"], 1) - shown_value(off["position"], 1)
        if gap >= GAP_LEVEL - 1e-9:
            return f"Members want to go further than officers {where} ({num(mem['position'])} vs " \
                   f"{num(off['position'])})"
        if gap <= -GAP_LEVEL + 1e-9:
            return f"Officers want to go further than members {where} ({num(off['position'])} vs " \
                   f"{num(mem['position'])})"
        return f"Officers and members are about level {where}"
    total = by_cell.get("total")
    if total and not total["suppressed"]:
        return f"Participants sit at {total['band']} ({num(total['position'])}) {where}"
    return f"Results {where} are too few to show"


def band_shares(counts: Mapping[int, int]) -> dict[str, float]:
    """Share of answers in each band from counts of scores 1–6."""
    total = sum(counts.values())
    if not total:
        return dict.fromkeys(domain.BANDS, 0.0)
    out = dict.fromkeys(domain.BANDS, 0.0)
    for score, c in counts.items():
        out[domain.band_of(float(score))] += c / total
    return out


def distribution_takeaway(rows: Sequence[Mapping[str, Any]], theme: str) -> str:
    """Title of the diverging bars: where most of the theme's answers sit."""
    total = next((r for r in rows if r["cell"] == "total" and not r["suppressed"]), None)
    where = f"on {quoted(theme, 40)}"
    if total is None or not total.get("counts"):
        return f"Answers {where} are too few to show"
    shares = band_shares({int(k): v for k, v in total["counts"].items()})
    top = max(domain.BANDS, key=lambda b: (shares[b], domain.BANDS.index(b)))
    pct = {b: round(100 * s) for b, s in shares.items()}
    if shares[top] > 0.5:
        return f"Most answers {where} are {top} ({pct[top]}%)"
    return (f"Answers {where} are spread: {pct[domain.BETTER]}% Better, {pct[domain.DIFFERENTLY]}% "
            f"Differently, {pct[domain.NEW]}% New")


# --- "How to read this" ---------------------------------------------------------------------------------


# --- aggregates that leave a hidden theme out (rule 3 of docs/disclosure.md) ------------------------------


def overall_coverage_note(report: Mapping[str, Any]) -> str | None:
    """Says which themes a council's overall figures leave out, or None when they cover every theme.

    An overall figure is built only from themes shown for that horizon, so a page that shows one must say
    when a theme is missing from it.  Read off the report itself, so it cannot disagree with the figures.
    """
    themes = list(report.get("themes") or [])
    left_out = {h: [t["theme"] for t in themes if (t.get(h) or {}).get("suppressed")] for h in domain.HORIZONS}
    if not themes or not any(left_out.values()):
        return None
    if all(left_out[h] == left_out["now"] for h in domain.HORIZONS):
        names = left_out["now"]
        covered = len(themes) - len(names)
        return (f"The overall figures cover {covered} of {len(themes)} themes: "
                f"{_quoted(names)} {'has' if len(names) == 1 else 'have'} too few participants to show.")
    parts = []
    for h in domain.HORIZONS:
        if left_out[h]:
            parts.append(f"{domain.HORIZON_LABELS[h].split(' (')[0].lower()} leaves out {_quoted(left_out[h])}")
    return ("The overall figures cover only the themes with enough participants to show: "
            + "; ".join(parts) + ".")


def _quoted(names: Sequence[str]) -> str:
    quoted = [f"“{n}”" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def sector_coverage_note(rows: Sequence[Mapping[str, Any]], what: str) -> str | None:
    """For the Overview and the Themes grid: how many councils' figures leave a hidden theme out."""
    if what == "overall":
        partial = [r for r in rows if any(
            (c := (r.get("coverage") or {}).get(h)) and 0 < c["themes_covered"] < c["themes"]
            for h in domain.HORIZONS)]
        if not partial:
            return None
        n = len(partial)
        return (f"For {n} {'council' if n == 1 else 'councils'}, the overall figures leave out a theme with "
                "too few participants to show.")
    partial = [r for r in rows if 0 < (r.get("themes_covered") or 0) < (r.get("themes") or 0)]
    if not partial:
        return None
    n = len(partial)
    return (f"{n} {'cell leaves' if n == 1 else 'cells leave'} out one of the council's themes with too few "
            "participants to show; the cell covers the council's other themes on that sector theme.")
