"""Panels: the unit of presentation that a page, the debrief deck and a chart's numbers all share.

A panel is one finding as it is shown: its figure, the takeaway sentence that is the figure's title (and a
slide's headline), its "How to read this", its text alternative and the rows of its numbers.  Each topic
module (overview, council, alignment, themes, benchmark, trends) builds its panels from metric results and
the view's threshold and look (and a numbers panel: the table of a page's numbers and its downloads,
:func:`numbers_panel`); a page lays the panels out (``ui.show``, pages/_layout/charts.py), the deck picks,
resizes and anonymises them (``debrief.py``), and "the numbers behind this chart" read the panel's rows —
so a chart, its words and its numbers are written once, whichever screen shows them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mandate_core import rows as row_schemas
from mandate_core.charts.base import figure_alt, figure_table
from mandate_core.text import plain

#: The label over a chart's numbers table, and over a page's table of several charts' numbers.
NUMBERS_HEADING = "The numbers behind this chart"
NUMBERS_HEADING_MANY = "The numbers behind these charts"


@dataclass(frozen=True, eq=False)
class File:
    """One download of a panel's numbers: the view's rows with its context columns in front (which council,
    round, peer set, horizon and threshold: docs/formats.md), and the name that says what is inside."""

    stem: str
    rows: Sequence[dict[str, Any]]
    columns: Sequence[str] | None = None
    #: What the file holds, said over its buttons when it needs saying ("Each peer's value behind the dots").
    caption: str = ""
    #: Added to the page's widget key, for a panel's second and later files.
    suffix: str = ""


def view_file(view: str, rows: Sequence[dict[str, Any]], stem_parts: Sequence[object], *,
              columns: Sequence[str] | None = None, caption: str = "", suffix: str = "", **context: Any) -> File:
    """The download of one view (mandate_core.rows: its schema, context columns and file name), so every
    file of a view, whichever page offers it, has the same columns and the same kind of name."""
    return File(row_schemas.file_stem(*stem_parts), row_schemas.with_context(view, rows, **context), columns,
                caption, suffix)


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
    #: A numbers panel's table as the page shows it (:func:`numbers_panel`), and the files it downloads as.
    table: Sequence[dict[str, Any]] | None = None
    files: tuple[File, ...] = ()

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
    """A figure's title as the sentence it shows (:func:`text.plain`: line breaks as spaces, tags dropped,
    entities decoded), for a builder that writes its own title: the takeaway a slide shows as its headline,
    which each medium escapes its own way — so a theme typed "R&D" reads "R&D", never "R&amp;D"."""
    return plain(fig.layout.title.text or "")


def text_panel(key: str, takeaway: str, how_to_read: str, heading: str = "") -> Panel:
    """A finding with no chart to draw (nothing large enough to show): the sentence alone."""
    return Panel(key, takeaway, how_to_read, None, heading)


def numbers_panel(key: str, heading: str, table: Sequence[dict[str, Any]], *files: File, says: str = "") -> Panel:
    """The numbers behind a page's charts as one panel: the table the page shows under ``heading`` (``says``
    over it, when the table needs a word of its own) and the files it downloads as, built together from
    one view's rows so the screen and the file cannot disagree."""
    return Panel(key, says, "", None, heading, table=table, files=files)
