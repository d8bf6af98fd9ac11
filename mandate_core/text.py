"""The one home for text on its way to a screen: escaping for Markdown and Plotly, number formats, wrapping.

User text (council, round, theme, file and peer-set names, e-mail addresses, error messages quoting them)
reaches two renderers that read markup: Streamlit's Markdown (titles, captions, alerts, button labels)
and Plotly's HTML-like labels (titles, ticks, hovers, annotations).  Each gets exactly one escape here,
so a name like ``*Test* [x](y) <img onerror=…>`` shows as the characters typed everywhere.  Numbers are
written here once, so a table, a chart label and a sentence never round the same value differently.
"""

from __future__ import annotations

import html
import re
import string
import textwrap

#: What a missing (or suppressed) number shows as: a dash, never a zero.
MISSING = "–"


# --- escaping ---------------------------------------------------------------------------------------------


def md_escape(text: object) -> str:
    """User text made inert for Markdown: every ASCII punctuation mark is backslash-escaped.

    CommonMark allows a backslash before any ASCII punctuation, so links, images, emphasis, headings,
    HTML, maths (``$...$``) and Streamlit's ``:colour[...]`` directives all show as the characters typed.
    Runs of whitespace (newlines included) become one space, so a name cannot start a new Markdown block
    (an indented code block, a list) or break the line it sits in.
    """
    flat = " ".join(str(text).split())
    return "".join("\\" + ch if ch in string.punctuation else ch for ch in flat)


def plotly_escape(text: object) -> str:
    """User text shown as text in Plotly's HTML-like labels: ``&``, ``<`` and ``>`` become entities.

    Plotly reads only a few tags (``<b>``, ``<br>``, ``<span style>``, ``<a href>``) and entities in its
    strings; escaping these three keeps a name from opening a tag.  Quotes stay as typed (Plotly puts the
    text in an SVG text node, not in an attribute), so a name like ``O'Brien`` is not shown as ``&#x27;``.
    """
    return html.escape(str(text), quote=False)


def html_escape(text: object) -> str:
    """Text (user text included) made inert in an HTML page or attribute: ``&``, ``<``, ``>`` and both quotes
    become entities (the debrief pack, the join screen's QR code)."""
    return html.escape(str(text), quote=True)


_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def plain(text: object) -> str:
    """A Plotly label (``<b>``, ``<br>``, ``<span>``, entities) as the words it shows: line breaks as spaces,
    tags dropped, entities decoded, runs of spaces as one — for a text alternative, a table or a slide."""
    flat = _TAG.sub("", _BREAK.sub(" ", str(text or "")))
    return " ".join(html.unescape(flat).split())


# --- numbers ----------------------------------------------------------------------------------------------


def num(value: float) -> str:
    """One decimal place: finer digits suggest a precision a workshop of twenty people does not have."""
    return f"{value:.1f}"


def shown_value(value: float, places: int) -> float:
    """The value as it is printed, so that a word never disagrees with the number beside it
    (0.6996 is printed 0.70, so it must read "high", not "moderate")."""
    return float(f"{value:.{places}f}")


def fmt(value: float | None, metric: str = "position") -> str:
    """A metric value the way every table and label writes it: a gap signed to one place (a change has a
    direction), a consensus to two places (its thresholds are 0.5 and 0.7), any other value to one place,
    and a missing value as a dash."""
    if value is None:
        return MISSING
    if metric == "gap":
        return f"{value:+.1f}"
    if metric == "consensus":
        return f"{value:.2f}"
    return f"{value:.1f}"


# --- wrapping ---------------------------------------------------------------------------------------------


def wrap_title(text: str, width: int) -> list[str]:
    """A takeaway title on as few lines as fit ``width`` characters, broken at the sentence's own joints
    ("; ", ": ", ", ") where one of them gives a first line at least half as long, else between words."""
    flat = " ".join(str(text).split())
    if len(flat) <= width:
        return [flat]
    for joint in ("; ", ": ", ", "):
        cut = flat.rfind(joint, 0, width)
        if cut >= width // 2:
            return [flat[: cut + 1], *wrap_title(flat[cut + 2:], width)]
    return textwrap.wrap(flat, width) or [flat]


def shorten(text: object, limit: int) -> str:
    """``text`` on one line of at most ``limit`` characters, cut with "…" only when it is longer (the full
    text stays in the hover)."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def wrap_label(text: object, width: int, max_lines: int | None = None) -> str:
    """A chart label for Plotly: escaped, broken between words into lines of ``width`` characters (Plotly
    needs ``<br>``), and with ``max_lines`` the last line holding the rest, shortened — every axis label, row
    label and phone label is wrapped by this one rule, so a theme name reads the same on every chart."""
    lines = textwrap.wrap(" ".join(str(text).split()), width) or [""]
    if max_lines is not None and len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], shorten(" ".join(lines[max_lines - 1:]), width)]
    return "<br>".join(plotly_escape(line) for line in lines)


def title_html(text: str, width: int) -> str:
    """A takeaway title for Plotly: escaped (it carries council and theme names) and on as few lines of
    ``width`` characters as it needs, broken at the sentence's own joints (:func:`wrap_title`)."""
    return "<br>".join(plotly_escape(line) for line in wrap_title(text, width) or [text])


def title_lines(text: str, width: int) -> int:
    """How many lines :func:`title_html` gives ``text`` (the chart's top margin grows with them)."""
    return title_html(text, width).count("<br>") + 1
