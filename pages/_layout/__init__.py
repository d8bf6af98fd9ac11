"""The layout helpers every page shares, as one namespace: ``from pages import _layout as ui``.

This is layout only: anything that computes lives in mandate_core.  Each helper has one home here, by what
it is for, so someone carrying the project on can guess where it lives:

- ``reads``     typed, cached calls to the core behind the access guard; the catalog; the database path
- ``cache``     figures, panels and tables built once per process and shared by every session
- ``view``      the page context (selection, threshold, shown names), the anonymiser, the empty-store stop
- ``phone``     phone or desktop (``narrow``, ``look``) and the style every page sends first
- ``tables``    text and tables anonymised as the view requires, folded expanders, the council report
- ``charts``    a panel on the page: chart, "How to read this" and the numbers behind it
- ``files``     a numbers panel's table and its CSV and XLSX files; downloads of the rows behind a view
- ``safety``    store faults and refusals as calm messages; sections that rerun alone
"""

from __future__ import annotations

from mandate_core.selection import Selection
from pages._layout.cache import figure, kept_with, shared
from pages._layout.charts import chart, numbers, plotly_chart, show
from pages._layout.files import download_pair, downloads, numbers_of, panel_files
from pages._layout.phone import HEADING_CSS, PHONE_CSS, is_phone_agent, look, narrow
from pages._layout.reads import cached, cached_shared, catalog, db_path, principal
from pages._layout.safety import ENTRY_RAN, STORE_FAULTS, run_safely, section, show_store_fault
from pages._layout.tables import clean, council_report, folded, grid, page_title, table, takeaway_header, text
from pages._layout.view import (
    CONTEXT_KEY,
    DATA_PAGE,
    PageContext,
    anon_key,
    anonymiser,
    build_context,
    context,
    council_labels,
    require_data,
    selection,
)

__all__ = [
    "CONTEXT_KEY", "DATA_PAGE", "ENTRY_RAN", "HEADING_CSS", "PHONE_CSS", "PageContext", "STORE_FAULTS", "Selection",
    "anon_key", "anonymiser", "build_context", "cached", "cached_shared", "catalog", "chart", "clean", "context",
    "council_labels", "council_report", "db_path", "download_pair", "downloads", "figure", "folded", "grid",
    "is_phone_agent", "kept_with", "look", "narrow", "numbers", "numbers_of", "page_title", "panel_files",
    "plotly_chart", "principal", "require_data", "run_safely", "section", "selection", "shared", "show",
    "show_store_fault", "table", "takeaway_header", "text",
]
