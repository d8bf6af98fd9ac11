"""Data: what is loaded, importing files (the command line's validation), downloads, the demo database.

This page works on an empty database too: it is where every other page sends a user with no data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from mandate_core import access, demo, metrics, reports, storage, uploads, views
from pages import _layout as ui

GEN = "data_upload_gen"
DEMO_GEN = "data_demo_gen"
OUTCOME = "data_outcome"
DEMO_DONE = "data_demo_done"

#: The loaded table on screen: the columns a reader needs to find a council's rounds, at widths that fit a
#: 1280-pixel screen without a sideways scroll.  Nation, type, population and answers are in the download.
LOADED_ON_SCREEN = ("name", "council_id", "peer_group", "round", "workshop_date", "participants")
#: On screen the rows' list says where (the first row is in the download); the problem gets the room left.
PROBLEM_CONFIG = {
    "file": st.column_config.TextColumn("File", width=130),
    "rows": st.column_config.TextColumn("Rows", width=170, help="As a spreadsheet numbers them: the header is row 1."),
    "column": st.column_config.TextColumn("Column", width=110),
    "problem": st.column_config.TextColumn("Problem"),
}
COUNCILS_NAME = "data_councils_name"
LOADED_CONFIG = {
    "name": st.column_config.TextColumn("Council", width=210),
    "council_id": st.column_config.TextColumn("Id", width=110),
    "peer_group": st.column_config.TextColumn("Peer group", width=165),
    "round": st.column_config.TextColumn("Round", width=115),
    "workshop_date": st.column_config.TextColumn("Date", width=95),
    "participants": st.column_config.NumberColumn("People", width=65),
}


def _forget_outcome() -> None:
    st.session_state.pop(OUTCOME, None)


def _uploaded(file: Any) -> uploads.Upload:
    return uploads.Upload(name=str(getattr(file, "name", "upload")), data=bytes(file.getvalue()))


def _loaded_section(cat, sel, labels) -> None:  # noqa: ANN001 - Catalog, Selection
    st.header("What is loaded", anchor=False)
    s = views.loaded_summary(cat)
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
    if s["first_date"]:
        span = s["first_date"] if s["first_date"] == s["last_date"] else f"{s['first_date']} to {s['last_date']}"
        # The file name only: the server's folders are not the audience's business (and not for a projector).
        st.caption(f"Workshops from {span}; {s['several_rounds']} councils have more than one round. "
                   f"Database file: {views.md_escape(Path(ui.db_path()).name)}")
    rows = views.loaded_rows(cat)  # ui.table and ui.downloads anonymise it when the view requires
    with st.expander("Councils and rounds", expanded=not sel.debrief):
        ui.table(rows, column_order=LOADED_ON_SCREEN, hide_index=True, width="stretch", height=320,
                     column_config=LOADED_CONFIG)
        st.caption("Nation, council type, population and the number of answers are in the download.")
        with st.container(width=views.download_pair_px(sel.debrief)):  # CSV and XLSX side by side, left
            ui.downloads(rows, "councils-and-rounds", key="data_dl_loaded", columns=views.LOADED_COLUMNS)


def _show_outcome(cat) -> None:  # noqa: ANN001 - Catalog
    outcome = st.session_state.get(OUTCOME)
    if not isinstance(outcome, uploads.Outcome):
        return
    if outcome.ok:
        st.success(uploads.success_text(outcome), icon=":material/check_circle:")
        if outcome.files:  # rows read and stored per file, so a file read only in part shows at once
            st.dataframe([{"File": f["file"], "Rows read": f["read"], "Rows stored": f["stored"]}
                          for f in outcome.files], hide_index=True, width="stretch")
        if outcome.imported:
            ui.table(uploads.imported_rows(outcome, cat.name), hide_index=True, width="stretch")
        return
    st.error(uploads.web_headline(outcome), icon=":material/error:")
    shown = uploads.web_problems(outcome.problems, st.session_state.get(COUNCILS_NAME))
    st.dataframe(shown, column_order=tuple(PROBLEM_CONFIG), hide_index=True, width="stretch",
                 column_config=PROBLEM_CONFIG)
    st.caption(" ".join(filter(None, [outcome.more_text(),
                                      "Click a problem to read all of it, or download the list:"])))
    with st.container(width=views.download_pair_px(False)):
        ui.downloads(shown, "import-problems", key="data_dl_problems", columns=uploads.WEB_PROBLEM_COLUMNS)


def _import_section(cat) -> None:  # noqa: ANN001 - Catalog
    st.header("Import workshop results", anchor=False)
    gen = st.session_state.setdefault(GEN, 0)
    left, right = st.columns(2)
    councils_file = left.file_uploader(
        "Councils file (CSV or .xlsx)", type=list(uploads.ALLOWED_EXTENSIONS), key=f"data_councils_{gen}",
        max_upload_size=uploads.MAX_UPLOAD_MB, on_change=_forget_outcome,
        help="Optional when the councils are already loaded.",
    )
    response_files = right.file_uploader(
        "Responses files (CSV or .xlsx)", type=list(uploads.ALLOWED_EXTENSIONS), accept_multiple_files=True,
        key=f"data_responses_{gen}", max_upload_size=uploads.MAX_UPLOAD_MB, on_change=_forget_outcome,
        help="One or more files, one row per participant × theme × horizon.",
    ) or []
    with st.expander("What the files must contain"):
        st.markdown(uploads.FORMAT_HELP)
        st.caption("Templates to start from: the header and one example row each.")
        for kind in uploads.TEMPLATES:
            with st.container(width=views.download_pair_px(False)):
                ui.downloads(uploads.TEMPLATES[kind], f"{kind}-template", key=f"data_tpl_{kind}",
                             columns=uploads.template_columns(kind))

    responses = [_uploaded(f) for f in response_files]
    council_upload = _uploaded(councils_file) if councils_file is not None else None
    replace = st.checkbox("Replace rounds that are already loaded", key=f"data_replace_{gen}",
                          help="A council's round in these files that is already loaded is deleted and written "
                               "again from the file, whole.")
    if replace:
        st.warning(uploads.replace_warning(responses, cat), icon=":material/warning:")

    count = len(responses) + (1 if council_upload else 0)
    if st.button("Check and import", key="data_import", type="primary", disabled=count == 0,
                 icon=":material/upload:"):
        noun = "file" if count == 1 else "files"
        with st.status(f"Checking and importing {count} {noun}…", expanded=True) as status:
            st.write("Checking every row of every file…")
            outcome = uploads.import_uploads(ui.db_path(), council_upload, responses, replace=replace)
            if outcome.ok:
                names = [u.name for u in ([council_upload] if council_upload else []) + responses]
                try:  # written whatever happens here; a busy file must not turn it into a failure
                    access.record_to(ui.db_path(), _actor(), "import",
                                     ", ".join(names)[:500] + (" (replace)" if replace else ""))
                except storage.StoreError:
                    pass
            if outcome.ok:
                status.update(label="Imported", state="complete", expanded=False)
            else:  # the refusal itself is said once, below
                status.update(label="Checked: the files have problems", state="error", expanded=False)
        st.session_state[OUTCOME] = outcome
        st.session_state[COUNCILS_NAME] = uploads.sanitize_name(council_upload.name) if council_upload else None
        if outcome.ok:
            st.session_state[GEN] = gen + 1  # fresh, empty uploaders and an unticked replace box
            st.rerun()
    _show_outcome(cat)


def _downloads_section(cat, sel, labels) -> None:  # noqa: ANN001 - Catalog, Selection
    if cat.empty:
        return
    m = storage.min_group_size()
    st.header("Download the data behind the views", anchor=False)
    st.caption("Spreadsheet-safe CSV and Excel files with exactly the numbers the pages show; numbers behind "
               f"fewer than {m} participants are left out here too.")
    focus = sel.council

    def item(title: str, what: str, rows: Any, name: str, key: str, columns: Any = None) -> None:
        # The same layout as every other page: what it is, then the CSV and XLSX pair side by side, left.
        st.markdown(f"**{title}** — {what}")
        with st.container(width=views.download_pair_px(sel.debrief)):
            ui.downloads(rows, name, key=key, columns=columns)

    overview = views.sector_overview_rows(ui.cached(metrics.sector_overview, None, m))
    item("Sector overview", "every council's latest round: now, next step and ambition, and the gap",
         overview, "sector-overview", "data_dl_overview")
    matrix = ui.cached(metrics.theme_matrix, m)
    item("Theme matrix", "councils × sector themes: ambition, now and the gap",
         matrix, "theme-matrix", "data_dl_matrix",
         views.THEME_MATRIX_COLUMNS)
    if focus is not None:
        try:
            report = ui.cached(reports.council_report, focus, sel.round, m)
        except reports.ReportError as exc:
            st.caption(f"No report for the chosen council: {views.md_escape(exc)}.")
            return
        item("Council report", f"{views.md_escape(labels.get(focus, focus))}, "
             f"{views.md_escape(ui.clean(report['round']))} "
             f"({report['workshop_date']}): overall and theme by theme", views.report_rows(report),
             f"report-{focus}-{report['round']}", "data_dl_report")


def _demo_section(cat) -> None:  # noqa: ANN001 - Catalog
    st.header("Demo database", anchor=False)
    if st.session_state.pop(DEMO_DONE, False):
        st.success(f"The demo database was rebuilt: {len(cat.councils)} fictional councils are loaded.",
                   icon=":material/check_circle:")
    gen = st.session_state.setdefault(DEMO_GEN, 0)
    if cat.empty and not cat.councils:
        st.caption("Load the fictional demo councils to see what the dashboard does before importing your own.")
        label = "Yes, load the demo database"
    else:
        what = ("the demo data now loaded" if cat.is_demo else
                "everything now loaded, including imported results (back it up first with "
                "`python -m mandate_core export`)")
        st.caption(f"Rebuilding replaces {what} with the fictional demo councils.")
        label = "Yes, delete what is loaded and rebuild the demo database"
    confirm = st.checkbox(label, key=f"data_demo_confirm_{gen}")
    if st.button("Rebuild the demo database", key="data_demo_rebuild", disabled=not confirm,
                 icon=":material/restart_alt:"):
        with st.spinner("Rebuilding the demo database…"):
            kept = access.saved_access(ui.db_path())  # users and the record survive the new file
            demo.build_database(ui.db_path())
            access.restore_access(ui.db_path(), kept, _actor(), "demo rebuilt")
        st.session_state[DEMO_GEN] = gen + 1
        st.session_state[DEMO_DONE] = True
        st.session_state.pop(OUTCOME, None)
        st.rerun()


def _actor() -> str:
    who = ui.principal()
    return who.actor if who is not None else "unknown"


def render() -> None:
    cat = ui.catalog()
    who = ui.principal()
    sel = ui.selection()
    # Not on the wall either: in debrief mode nobody can import or wipe the data in front of the room.
    admin = who is not None and who.can_import and not sel.debrief
    labels = ui.council_labels(cat, sel)

    st.title("Data", anchor=False)
    st.caption("What is loaded, importing new workshop results, and the data behind every view.")
    _loaded_section(cat, sel, labels)
    st.divider()
    if admin:  # imports and the rebuild change or wipe the data: administrators only (SPEC §8)
        _import_section(cat)
        st.divider()
    elif who is not None and who.can_import:
        st.caption("Importing and rebuilding are off in debrief mode; turn it off to use them.")
    _downloads_section(cat, sel, labels)
    if admin:
        if not cat.empty:
            st.divider()
        _demo_section(cat)


ui.run_safely(render, __file__)
