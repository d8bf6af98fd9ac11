"""The page's look: phone or desktop, and the style every page sends first."""

from __future__ import annotations

import re

import streamlit as st

from mandate_core.selection import Selection

#: Every page's heading sizes (the entry file sends it first): levels follow the page's outline (h1 title →
#: h2 sections, WCAG 1.3.1: no jumps) while a section heading keeps the size it had as a Streamlit subheader;
#: the debrief look and the slides set their own sizes after it.
HEADING_CSS = """
<style>
[data-testid="stMain"] h2 { font-size: 1.6rem; }
</style>
"""

#: Every page on a phone-sized screen (whatever its user agent): a little less padding, and nothing wider
#: than the screen — a wide table scrolls inside its own box, long words break, columns stack.
PHONE_CSS = """
<style>
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding-left: 0.9rem; padding-right: 0.9rem; }
  [data-testid="stMain"] [data-testid="stTable"] { overflow-x: auto; max-width: 100%; }
  [data-testid="stMain"] [data-testid="stMarkdownContainer"],
  [data-testid="stMain"] [data-testid="stCaptionContainer"] { overflow-wrap: anywhere; }
  [data-testid="stMain"] [data-testid="stHorizontalBlock"] { flex-wrap: wrap; }
  [data-testid="stMain"] [data-testid="stMetricValue"] > div { white-space: normal; }
  /* Plotly's toolbar would sit on the chart's title; a phone pinches to zoom instead. */
  [data-testid="stMain"] .js-plotly-plot .modebar-container { display: none; }
}
</style>
"""

#: A phone's browser says so in its User-Agent: "Mobi" (MDN's advice: every phone browser sends "Mobile"),
#: plus the phones that do not (old Windows Phone, Opera Mini).  Tablets send no "Mobi" and get the
#: desktop layout, which fits their 768 pixels and more.
_PHONE_AGENT = re.compile(r"Mobi|iPhone|iPod|Windows Phone|Opera Mini", re.IGNORECASE)


def narrow() -> bool:
    """Lay charts out for a phone (``narrow=True`` in the builders)?

    Decided by the browser's User-Agent header (``st.context.headers``), because the server never sees
    the viewport: Streamlit 1.67's ``st.context`` has headers, cookies, locale, theme and timezone but no
    width, and a script that reported the width back (a component, or a query parameter set by
    JavaScript) would cost a second run of every page and a visible jump on each first load, and does not
    run at all in AppTest.  The header is there on the very first run, the same on every rerun, and a
    phone always sends it.  What the header cannot tell (a desktop window dragged to phone width) still
    reflows through the CSS media queries in dashboard.py; only the charts keep their desktop layout.
    """
    try:
        agent = st.context.headers.get("User-Agent") or ""
    except Exception:  # no request behind this run (a bare script run): a desktop
        return False
    return is_phone_agent(agent)


def is_phone_agent(agent: str) -> bool:
    """Does this User-Agent header come from a phone's browser (not a tablet's, not a desktop's)?"""
    return bool(_PHONE_AGENT.search(agent or ""))


def look(sel: Selection) -> dict[str, bool]:
    """The layout keywords of every chart builder: ``debrief`` (type for a room) and ``narrow`` (a phone),
    so a page passes ``**ui.look(sel)`` and cannot forget one of them."""
    return {"debrief": sel.debrief, "narrow": narrow()}
