"""What several topics say alike: the level words and their thresholds (consensus, alignment, gap,
risk), whether a slice is shown, chart-title widths, name lists, the coverage notes, the rounding a table
shows and the file-name slug.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .. import disclosure, domain
from .. import text as text_mod
from ..anonymise import peer_labels
from ..text import num, shown_value

OVERALL = "Overall"


#: Characters a title line may hold before it wraps.  Debrief type is twice the size, and a debrief chart
#: spans a 1920-pixel projector (sidebar closed, ~1760 px): 80 characters of 40-pixel type fill most of it.
#: On a narrower screen the debrief CSS (dashboard.py) shrinks a chart's title to its width.
TITLE_WIDTH = 90


TITLE_WIDTH_DEBRIEF = 80


def title_html(text: str, debrief: bool = False) -> str:
    """A takeaway title for Plotly: escaped (it carries council and theme names) and wrapped to fit a chart
    on a 1280-pixel screen, at the sentence's own joints where it can (see :func:`mandate_core.text.wrap_title`)."""
    return text_mod.title_html(text, TITLE_WIDTH_DEBRIEF if debrief else TITLE_WIDTH)


def title_lines(text: str, debrief: bool = False) -> int:
    return text_mod.title_lines(text, TITLE_WIDTH_DEBRIEF if debrief else TITLE_WIDTH)


#: Columns that could point at a council other than by name; blanked for peers in debrief downloads.
_IDENTIFYING = ("nation", "council_type", "peer_group", "population", "workshop_date", "latest_workshop_date")


def anonymise_rows(
    rows: Sequence[Mapping[str, Any]], labels: Mapping[str, str], focus: str | None, debrief: bool
) -> list[dict[str, Any]]:
    """Rows for a table or download: in debrief mode peers lose their id, name and descriptors."""
    out = []
    for row in rows:
        item = dict(row)
        cid = item.get("council_id")
        if debrief and cid is not None and cid != focus:
            # A row an anonymiser already labelled keeps its label (see mandate_core.anonymise).
            label = labels.get(str(cid)) or (str(cid) if str(cid) in labels.values() else "Peer")
            item["council_id"] = label
            if "name" in item:
                item["name"] = label
            for key in _IDENTIFYING:
                if key in item:
                    item[key] = None
        out.append(item)
    return out


def names_list(items: Sequence[str], limit: int = 6) -> str:
    """"A, B and C" — at most ``limit`` names, then "and N more"."""
    items = list(items)
    if len(items) > limit:
        rest = len(items) - limit
        items = items[:limit] + [f"{rest} more"]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def natural_key(text: str) -> tuple[object, ...]:
    """Sort key that puts "Peer 2" before "Peer 10"."""
    return tuple(int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", text))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def round_as_shown(value: Any, metric: str = "position", digits: int | None = None) -> Any:
    """A number rounded as :func:`fmt` writes it on the page (or to ``digits``), kept a number so a
    spreadsheet can still sum it; anything else unchanged."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return value
    return round(float(value), digits if digits is not None else 2 if metric == "consensus" else 1)


def slug(text: object) -> str:
    """A file-name part: lower case, letters and digits joined by hyphens."""
    return re.sub(r"[^A-Za-z0-9]+", "-", str(text)).strip("-").lower()


#: Width in pixels of the row that holds a view's "Download CSV" and "Download XLSX" buttons, so the pair
#: sits side by side on the left on every page and screen (not spread across the page's width); debrief
#: mode's larger type needs a wider row.
DOWNLOAD_PAIR_PX = 360


DOWNLOAD_PAIR_PX_DEBRIEF = 540


def download_pair_px(debrief: bool = False) -> int:
    return DOWNLOAD_PAIR_PX_DEBRIEF if debrief else DOWNLOAD_PAIR_PX


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


def shown(slice_: Mapping[str, Any] | None) -> bool:
    """Whether a SLICE (docs/cli.md#report) carries numbers (not suppressed, not missing)."""
    return bool(slice_) and not slice_.get("suppressed") and slice_.get("position") is not None


def band_and_value(slice_: Mapping[str, Any]) -> str:
    """ "New (4.7)" — the band first, because the band is what people remember."""
    return f"{slice_['band']} ({num(slice_['position'])})"


def _level(value: float, low: float, high: float, words: tuple[str, str, str]) -> str:
    """The word (lowest first in ``words``) for a 0–1 score: below ``low``, up to ``high``, or at or above it.

    Judged on the value as printed (2 places), so that a word never disagrees with the number beside it.
    """
    value = shown_value(value, 2)
    if value >= high:
        return words[2]
    if value < low:
        return words[0]
    return words[1]


def consensus_level(value: float) -> str:
    """high / moderate / low, with the thresholds named above (on the value as printed, 2 places)."""
    return _level(value, CONSENSUS_LOW, CONSENSUS_HIGH, ("low", "moderate", "high"))


def alignment_level(value: float) -> str:
    """How close the political groups are, in words (on the value as printed, 2 places)."""
    return _level(value, ALIGNMENT_LOW, ALIGNMENT_HIGH, ("divided", "partly aligned", "closely aligned"))


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


def debrief_labels(ids: Iterable[str], focus: str | None, focus_name: str | None = None,
                   key: str = "") -> dict[str, str]:
    """Labels for debrief mode: the focus council keeps its name, every other council is "Peer N".

    Numbering is :func:`mandate_core.anonymise.peer_labels`, shared by every page and the pack.
    """
    names = {focus: focus_name or focus} if focus is not None else {}
    return peer_labels(ids, focus, names, True, key)


def _aim(count: int) -> str:
    return "aims" if count == 1 else "aim"


def suppressed_councils_text(names: Sequence[str], min_group: int) -> str:
    """The line under the Overview chart naming the councils left off it."""
    return f"Not shown ({min_group}+ participants needed, to protect anonymity): " + ", ".join(names)


def gap_side(gap: float) -> int:
    """+1 members further, −1 officers further, 0 about level (on the gap as printed, 1 place)."""
    value = shown_value(gap, 1)
    return 1 if value >= GAP_LEVEL - 1e-9 else -1 if value <= -GAP_LEVEL + 1e-9 else 0


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
                f"{_quoted(names)} {'has' if len(names) == 1 else 'have'} {disclosure.TOO_FEW}.")
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
                f"{disclosure.TOO_FEW}.")
    partial = [r for r in rows if 0 < (r.get("themes_covered") or 0) < (r.get("themes") or 0)]
    if not partial:
        return None
    n = len(partial)
    return (f"{n} {'cell leaves' if n == 1 else 'cells leave'} out one of the council's themes with "
            f"{disclosure.TOO_FEW}; the cell covers the council's other themes on that sector theme.")
