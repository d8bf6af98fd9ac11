"""Data: what is loaded, importing files (the command line's validation), downloads, the demo database.

This page works on an empty database too: it is where every other page sends a user with no data.
"""

from __future__ import annotations

import streamlit as st

from mandate_core import findings, metrics, reports
from mandate_core.disclosure import fewer_than
from mandate_core.panels import Panel, council, overview, themes
from mandate_core.text import md_escape
from pages import _data_admin
from pages import _layout as ui

#: The loaded table on screen: the columns a reader needs to find a council's rounds, at widths that fit a
#: 1280-pixel screen without a sideways scroll.  Nation, type, population and answers are in the download.
LOADED_ON_SCREEN = ("name", "council_id", "peer_group", "round", "workshop_date", "participants")
LOADED_CONFIG = {
    "name": st.column_config.TextColumn("Council", width=210),
    "council_id": st.column_config.TextColumn("Id", width=110),
    "peer_group": st.column_config.TextColumn("Peer group", width=165),
    "round": st.column_config.TextColumn("Round", width=115),
    "workshop_date": st.column_config.TextColumn("Date", width=95),
    "participants": st.column_config.NumberColumn("People", width=65),
}


def _loaded_section(cat, sel, labels) -> None:  # noqa: ANN001 - Catalog, Selection
    st.header("What is loaded", anchor=False)
    s = findings.data.loaded_summary(cat)
    if cat.empty:
        st.info("Nothing is loaded yet. Import a councils file and a responses file below, or rebuild the "
                "demo database at the bottom of this page to explore the dashboard with fictional councils.",
                icon=":material/inbox:")
        if not cat.councils:
            return
    cols = st.columns(4)
    cols[0].metric("Councils", s["councils"])
    cols[1].metric("Workshop rounds", s["rounds"])
    cols[2].metric("Participants", f"{s['participants']:,}")
    cols[3].metric("Answers", f"{s['answers']:,}")
    caption = findings.data.loaded_caption(s, ui.db_path())  # dates, councils with several rounds, the file's name
    if caption:
        st.caption(caption)
    rows = findings.data.loaded_rows(cat)  # ui.table and ui.downloads anonymise it when the view requires
    with st.expander("Councils and rounds", expanded=not sel.debrief):
        ui.table(rows, column_order=LOADED_ON_SCREEN, hide_index=True, width="stretch", height=320,
                     column_config=LOADED_CONFIG)
        st.caption("Nation, council type, population and the number of answers are in the download.")
        ui.download_pair(rows, "councils-and-rounds", "data_dl_loaded", debrief=sel.debrief,
                         columns=findings.data.LOADED_COLUMNS)


def _downloads_section(ctx: ui.PageContext) -> None:
    cat, sel, labels, m = ctx.catalog, ctx.selection, ctx.labels, ctx.min_group
    if cat.empty:
        return
    st.header("Download the data behind the views", anchor=False)
    st.caption("Spreadsheet-safe CSV and Excel files with exactly the numbers the pages show; numbers behind "
               f"{fewer_than(m)} are left out here too.")
    focus = sel.council

    def item(title: str, what: str, panel: Panel, key: str) -> None:
        # The same layout as every other page: what it is, then the CSV and XLSX pair side by side, left —
        # the very files the Overview, Themes and Council pages offer (the same panels).
        st.markdown(f"**{title}** — {what}")
        ui.panel_files(panel, key, debrief=sel.debrief)

    item("Sector overview", "every council's latest round: now, next step and ambition, and the gap",
         ui.figure(overview.numbers, ui.cached(metrics.sector_overview, None, min_group=m), m, labels=labels,
                   anonymise=sel.anonymise), "data_dl_overview")
    item("Theme matrix", "councils × sector themes: ambition, now and the gap",
         ui.shared(themes.numbers, ui.cached(metrics.theme_matrix, m), m), "data_dl_matrix")
    if focus is not None:
        try:
            report = ui.cached(reports.council_report, focus, sel.round, min_group=m)
        except reports.ReportError as exc:
            st.caption(f"No report for the chosen council: {md_escape(exc)}.")
            return
        item("Council report", f"{md_escape(labels.get(focus, focus))}, "
             f"{md_escape(ui.clean(report['round']))} "
             f"({report['workshop_date']}): overall and theme by theme",
             ui.figure(council.numbers, report, m), "data_dl_report")


def render() -> None:
    ctx = ui.context(need_data=False)
    cat, sel, labels = ctx.catalog, ctx.selection, ctx.labels
    who = ui.principal()
    # Not on the wall either: in debrief mode nobody can import or wipe the data in front of the room.
    admin = who is not None and who.can_import and not sel.debrief

    ui.page_title("Data", "What is loaded, importing new workshop results, and the data behind every view.")
    _loaded_section(cat, sel, labels)
    st.divider()
    if admin:  # imports and the rebuild change or wipe the data: administrators only (docs/signin.md)
        _data_admin.import_section(cat)
        st.divider()
    elif who is not None and who.can_import:
        st.caption("Importing and rebuilding are off in debrief mode; turn it off to use them.")
    _downloads_section(ctx)
    if admin:
        if not cat.empty:
            st.divider()
        _data_admin.demo_section(cat)


ui.run_safely(render, __file__)
