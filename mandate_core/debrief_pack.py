"""The offline debrief pack: one self-contained HTML file with every debrief slide.

A facilitator may present where there is no network, or hand the pack to the council afterwards.  So it
embeds plotly.js once (no server, no CDN), escapes every piece of user text, and prints one slide per
page.  The slides arrive already anonymised (see :mod:`mandate_core.debrief`).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

_CSS = """
:root { --ink: #1A1A1A; --muted: #555; --rule: #D9D9D9; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "Source Sans Pro", "Segoe UI", "Helvetica Neue", Arial, sans-serif;
       color: var(--ink); background: #fff; }
header.cover { padding: 48px 56px 24px; border-bottom: 4px solid #0072B2; }
header.cover h1 { font-size: 40px; margin: 0 0 8px; }
header.cover p { font-size: 20px; color: var(--muted); margin: 4px 0; }
section.slide { padding: 32px 56px 40px; border-bottom: 1px solid var(--rule); min-height: 90vh; }
section.slide .number { font-size: 16px; color: var(--muted); letter-spacing: .04em; text-transform: uppercase; }
section.slide h2 { font-size: 34px; margin: 6px 0 4px; }
section.slide p.takeaway { font-size: 24px; margin: 4px 0 18px; }
section.slide .chart { width: 100%; }
section.slide details, section.slide .how { font-size: 18px; color: var(--muted); margin-top: 16px; }
section.slide ul.notes { font-size: 20px; line-height: 1.45; }
section.slide ul.notes li { margin-bottom: 10px; white-space: pre-wrap; }
section.slide h3 { font-size: 24px; margin: 18px 0 6px; }
footer { padding: 24px 56px; color: var(--muted); font-size: 14px; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  header.cover { page-break-after: always; border: none; }
  section.slide { page-break-after: always; break-after: page; min-height: auto; border: none; padding: 0; }
  section.slide:last-of-type { page-break-after: auto; }
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


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _plain(markdown_text: str) -> str:
    """How-to-read texts are written with light Markdown; the pack shows them as plain text."""
    return re.sub(r"[*_`]", "", markdown_text)


def pack_html(council_name: str, round_label: str, workshop_date: str | None,
              slides: Sequence[PackSlide], *, generated: dt.date | None = None) -> str:
    """The whole pack as one HTML document (UTF-8), openable offline in any browser."""
    import plotly.io as pio
    from plotly.offline import get_plotlyjs

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
    ]
    for number, slide in enumerate(slides, start=1):
        parts += [
            f'<section class="slide" id="slide-{number}">',
            f'<div class="number">Slide {number} of {len(slides)}</div>',
            f"<h2>{_e(slide.title)}</h2>",
            f'<p class="takeaway">{_e(slide.takeaway)}</p>',
        ]
        if slide.figure is not None:
            chart = pio.to_html(slide.figure, include_plotlyjs=False, full_html=False,
                                config={"displaylogo": False, "responsive": True},
                                div_id=f"chart-{number}", default_height="620px")
            parts.append(f'<div class="chart">{chart}</div>')
        for heading, items in slide.notes:
            parts.append(f"<h3>{_e(heading)}</h3>")
            parts.append('<ul class="notes">' + "".join(f"<li>{_e(item)}</li>" for item in items) + "</ul>")
        parts.append(f'<div class="how"><strong>How to read this:</strong> {_e(_plain(slide.how_to_read))}</div>')
        parts.append("</section>")
    made = (generated or dt.date.today()).isoformat()
    parts += [f"<footer>Made with the Innovation Mandate dashboard on {made}.</footer>", "</body>", "</html>"]
    return "\n".join(parts)


def pack_filename(council_name: str, workshop_date: str | None) -> str:
    """``debrief-<council>-<date>.html``, safe on every operating system."""
    stem = re.sub(r"[^A-Za-z0-9]+", "-", council_name).strip("-")[:60] or "council"
    return f"debrief-{stem}-{workshop_date or 'undated'}.html"
