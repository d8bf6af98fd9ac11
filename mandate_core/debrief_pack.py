"""The offline debrief pack: one self-contained HTML file with every debrief slide.

A facilitator may present where there is no network, or hand the pack to the council afterwards.  So it
embeds plotly.js once (no server, no CDN), escapes every piece of user text, and prints one slide per
page.  The slides arrive already anonymised (see :mod:`mandate_core.debrief`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from . import palette
from .text import html_escape

#: Colours come from the palette (contrast-checked in tests/test_contrast.py); the rest is static CSS.
_ROOT = (f":root {{ --ink: {palette.INK}; --muted: {palette.NOTE_INK}; --rule: {palette.PACK_RULE}; "
         f"--accent: {palette.PACK_ACCENT}; --paper: {palette.WHITE}; }}")
_CSS = _ROOT + """
* { box-sizing: border-box; }
body { margin: 0; font-family: "Source Sans Pro", "Segoe UI", "Helvetica Neue", Arial, sans-serif;
       color: var(--ink); background: var(--paper); }
header.cover { padding: 48px 56px 24px; border-bottom: 4px solid var(--accent); }
header.cover h1 { font-size: 40px; margin: 0 0 8px; }
header.cover p { font-size: 20px; color: var(--muted); margin: 4px 0; }
section.slide { padding: 32px 56px 40px; border-bottom: 1px solid var(--rule); min-height: 90vh; }
section.slide .number { font-size: 16px; color: var(--muted); letter-spacing: .04em; text-transform: uppercase; }
section.slide .number .who { display: none; }
section.slide h2 { font-size: 34px; margin: 6px 0 4px; }
section.slide p.takeaway { font-size: 24px; margin: 4px 0 18px; }
section.slide .chart { max-width: 100%; overflow-x: auto; }
section.slide details, section.slide .how { font-size: 18px; color: var(--muted); margin-top: 16px; }
section.slide ul.notes { font-size: 20px; line-height: 1.45; }
section.slide ul.notes li { margin-bottom: 10px; white-space: pre-wrap; }
section.slide h3 { font-size: 24px; margin: 18px 0 6px; color: var(--accent); }
section.slide table.numbers { border-collapse: collapse; font-size: 16px; margin-top: 8px; }
section.slide table.numbers th, section.slide table.numbers td { border: 1px solid var(--rule); padding: 4px 10px;
  text-align: left; }
footer { padding: 24px 56px; color: var(--muted); font-size: 14px; }
/* Print: one slide a page on A4 or Letter, landscape (the paper is the printer's choice).  Every page box is
   at least 259 x 190 mm inside the margins; a slide is a fixed 184 mm tall block that never breaks, and its
   chart is drawn at a fixed size and zoomed (server-side, per slide) to fit what its words leave. */
@page { size: landscape; margin: 10mm; }
@media print {
  header.cover, footer { display: none; }
  section.slide { page-break-after: always; break-after: page; break-inside: avoid; page-break-inside: avoid;
                  min-height: 0; height: 184mm; overflow: hidden; border: none; padding: 0; margin: 0; }
  section.slide:last-of-type { page-break-after: auto; break-after: auto; }
  section.slide .number { font-size: 10pt; }
  section.slide .number .who { display: inline; }
  section.slide h2 { font-size: 20pt; margin: 2mm 0 1mm; }
  section.slide p.takeaway { font-size: 14pt; margin: 0 0 2mm; }
  section.slide .chart { zoom: var(--print-zoom, 0.6); overflow: visible; break-inside: avoid; }
  section.slide .how { font-size: 10pt; margin-top: 2mm; line-height: 1.3; }
  section.slide .notes-body { columns: 2; column-gap: 10mm; }
  section.slide .notes-body.dense { columns: 3; }
  section.slide .notes-group { break-inside: avoid; }
  section.slide h3 { font-size: 12pt; margin: 0 0 1mm; padding-top: 2mm; }
  section.slide ul.notes { font-size: 11pt; line-height: 1.3; margin: 0 0 2mm; padding-left: 5mm; }
  section.slide ul.notes li { margin-bottom: 1mm; }
  section.slide .notes-body.dense ul.notes { font-size: 9pt; }
  section.slide details.numbers { display: none; }
  details { display: block; }
  details > summary { list-style: none; }
}
"""


@dataclass
class PackSlide:
    """What the pack needs of a slide: words, and a figure or a list of text items."""

    title: str
    takeaway: str
    how_to_read: str
    figure: Any | None = None
    notes: list[tuple[str, list[str]]] = field(default_factory=list)  # (heading, items)


_e = html_escape


def _plain(markdown_text: str) -> str:
    """How-to-read texts are written with light Markdown; the pack shows them as plain text."""
    return re.sub(r"[*_`]", "", markdown_text)


#: Every chart is drawn at this size (CSS px) — the debrief's own proportions, which no page width changes —
#: and zoomed for print by :func:`print_zoom`.
CHART_PX = (1280, 860)
#: The printed slide (see the CSS): 184 mm tall and 259 mm wide (Letter landscape inside 10 mm margins), in
#: CSS px (96 per inch), and what the fixed parts of a slide take: the number line, the heading, gaps.
PRINT_PX = (259 * 96 / 25.4, 184 * 96 / 25.4)
PRINT_FIXED_PX = 105
#: Characters a printed line holds at the takeaway's 14 pt and "How to read this"'s 10 pt, across 259 mm
#: (kept low, so the estimate errs towards a smaller chart rather than a clipped text).
TAKEAWAY_CHARS, HOW_CHARS = 105, 175
TAKEAWAY_LINE_PX, HOW_LINE_PX = 25, 18
#: Notes longer than this (characters) print in three narrower columns and smaller type.
DENSE_NOTES_CHARS = 2400


def print_zoom(chart_height: int, title: str, takeaway: str, how: str) -> float:
    """How much a chart is zoomed in print so that it, the slide's words and its heading fit one page.

    The words' height is estimated from their length; the chart takes the rest, never more than the page
    width allows.
    """
    lines = -(-len(takeaway) // TAKEAWAY_CHARS)
    how_lines = sum(max(1, -(-len(par) // HOW_CHARS)) for par in how.split("\n\n") if par.strip()) or 1
    words = PRINT_FIXED_PX + (1 + len(title) // 80) * 10 + lines * TAKEAWAY_LINE_PX + how_lines * HOW_LINE_PX
    room = max(120.0, PRINT_PX[1] - words)
    return round(min(PRINT_PX[0] / CHART_PX[0], room / max(chart_height, 1)), 3)


def pack_html(council_name: str, round_label: str, workshop_date: str | None,
              slides: Sequence[PackSlide], *, generated: dt.date | None = None) -> str:
    """The whole pack as one HTML document (UTF-8), openable offline in any browser."""
    import plotly.graph_objects as go
    import plotly.io as pio
    from plotly.offline import get_plotlyjs

    from .charts.base import TOOLBAR_CONFIG

    parts = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(council_name)} — Innovation Mandate debrief</title>",
        f"<style>{_CSS}</style>",
        f'<script type="text/javascript">{get_plotlyjs()}</script>',
        "</head>", "<body>",
        '<header class="cover">',
        f"<h1>{_e(council_name)}</h1>",
        f"<p>Innovation Mandate debrief — {_e(round_label)}"
        + (f", workshop of {_e(workshop_date)}" if workshop_date else "") + "</p>",
        "<p>Other councils are shown as Peer 1, Peer 2, … Numbers behind too few people are not shown.</p>",
        "</header>",
        "<main>",
    ]
    who = f"{_e(council_name)} · {_e(round_label)} · "
    for number, slide in enumerate(slides, start=1):
        parts += [
            f'<section class="slide" id="slide-{number}" aria-labelledby="slide-{number}-title">',
            f'<div class="number"><span class="who">{who}</span>Slide {number} of {len(slides)}</div>',
            f'<h2 id="slide-{number}-title">{_e(slide.title)}</h2>',
            f'<p class="takeaway">{_e(slide.takeaway)}</p>',
        ]
        how = _plain(slide.how_to_read)
        if slide.figure is not None:
            fig = slide.figure
            height = min(int(fig.layout.height or CHART_PX[1]), CHART_PX[1])
            fig = go.Figure(fig).update_layout(width=CHART_PX[0], height=height, autosize=False)
            chart = pio.to_html(fig, include_plotlyjs=False, full_html=False,
                                config={**TOOLBAR_CONFIG, "responsive": False},
                                div_id=f"chart-{number}", default_width=f"{CHART_PX[0]}px",
                                default_height=f"{height}px")
            zoom = print_zoom(height, slide.title, slide.takeaway, how)
            # The chart's text alternative is the slide's takeaway; its numbers follow in a table.
            parts.append(f'<div class="chart" role="figure" aria-label="{_e(slide.takeaway)}" '
                         f'style="--print-zoom: {zoom:.3f}">{chart}</div>')
            parts.append(_numbers_html(fig))
        if slide.notes:
            dense = sum(len(h) + sum(len(i) for i in items) for h, items in slide.notes) > DENSE_NOTES_CHARS
            parts.append(f'<div class="notes-body{" dense" if dense else ""}">')
            for heading, items in slide.notes:
                parts.append('<div class="notes-group">')
                parts.append(f"<h3>{_e(heading)}</h3>")
                parts.append('<ul class="notes">' + "".join(f"<li>{_e(item)}</li>" for item in items) + "</ul>")
                parts.append("</div>")
            parts.append("</div>")
        parts.append(f'<div class="how"><strong>How to read this:</strong> {_e(how)}</div>')
        parts.append("</section>")
    made = (generated or dt.date.today()).isoformat()
    parts.append("</main>")
    parts += [f"<footer>Made with the Innovation Mandate dashboard on {made}.</footer>", "</body>", "</html>"]
    return "\n".join(parts)


def _numbers_html(fig: Any) -> str:
    """A chart's numbers as an HTML table under it, collapsed (charts.base.figure_table: only what the
    chart draws, so nothing hidden and the same Peer labels)."""
    from .charts.base import figure_table

    rows = figure_table(fig)
    if not rows:
        return ""
    columns = list(rows[0])
    head = "".join(f'<th scope="col">{_e(c)}</th>' for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_e(r.get(c, ''))}</td>" for c in columns) + "</tr>" for r in rows)
    return (f'<details class="numbers"><summary>The numbers behind this chart</summary>'
            f'<table class="numbers"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></details>')


def pack_filename(council_name: str, workshop_date: str | None) -> str:
    """``debrief-<council>-<date>.html``, safe on every operating system."""
    stem = re.sub(r"[^A-Za-z0-9]+", "-", council_name).strip("-")[:60] or "council"
    return f"debrief-{stem}-{workshop_date or 'undated'}.html"
