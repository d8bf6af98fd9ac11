"""Panels: the unit of presentation that a page, the debrief deck and a chart's numbers all share.

A panel is one finding as it is shown: its figure, the takeaway sentence that is the figure's title (and a
slide's headline), its "How to read this", its text alternative and the rows of its numbers.  Each topic
module (overview, council, alignment, themes, benchmark, trends) builds its panels from metric results and
the view's threshold and look; a page lays the panels out (``ui.show``, pages/_layout/charts.py), the deck picks,
resizes and anonymises them (``debrief.py``), and "the numbers behind this chart" read the panel's rows —
so a chart, its words and its numbers are written once, whichever screen shows them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mandate_core.charts.base import figure_alt, figure_table


@dataclass(eq=False)
class Panel:
    """One finding, ready for any screen.  Built once per distinct input and shared read-only (a page's
    cache hands the same panel to every session), so nothing may change it after it is built."""

    #: Stable name ("council.themes"): the debrief slide's key and the base of the page's widget keys.
    key: str
    #: The one-sentence finding: the figure's title, a slide's headline, the text when there is no figure.
    takeaway: str
    how_to_read: str
    figure: Any | None = None
    #: The section or slide heading, where the panel has one ("Where we are most ambitious").
    heading: str = ""
    #: The numbers behind the figure, when they are not simply what the figure draws (None: read them off
    #: the figure itself, so they can hold nothing the figure does not).
    rows: Sequence[dict[str, Any]] | None = None

    @property
    def alt(self) -> str:
        """The text alternative a screen reader gets: the figure's takeaway title as plain words."""
        return figure_alt(self.figure) if self.figure is not None else self.takeaway

    def numbers(self) -> list[dict[str, Any]]:
        """The panel's numbers as table rows (its own rows, else what its figure draws)."""
        if self.rows is not None:
            return [dict(r) for r in self.rows]
        return figure_table(self.figure) if self.figure is not None else []


def figure_title(fig: Any) -> str:
    """A figure's title as a sentence (line breaks as spaces, bold dropped), for a builder that writes its own
    title: the takeaway a slide shows as its headline."""
    title = fig.layout.title.text or ""
    return title.replace("<br>", " ").replace("<b>", "").replace("</b>", "")


def text_panel(key: str, takeaway: str, how_to_read: str, heading: str = "") -> Panel:
    """A finding with no chart to draw (nothing large enough to show): the sentence alone."""
    return Panel(key, takeaway, how_to_read, None, heading)
