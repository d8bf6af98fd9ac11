"""The Data page's administrator sections: importing workshop files, and rebuilding the demo database.

Layout only: checks, words and the import are in mandate_core.uploads, findings.data and demo.
pages/7_Data.py shows these sections only to an administrator outside debrief mode, as both change or
wipe the data.  A change is recorded as the signed-in principal, or "unknown".
"""

from __future__ import annotations

import streamlit as st

from mandate_core import access, demo, findings, uploads
from mandate_core.catalog import Catalog
from pages import _layout as ui

GEN = "data_upload_gen"
DEMO_GEN = "data_demo_gen"
OUTCOME = "data_outcome"
DEMO_DONE = "data_demo_done"
COUNCILS_NAME = "data_councils_name"
#: On screen the rows' list says where (the first row is in the download); the problem gets the room left.
PROBLEM_CONFIG = {
    "file": st.column_config.TextColumn("File", width=130),
    "rows": st.column_config.TextColumn("Rows", width=170, help="As a spreadsheet numbers them: the header is row 1."),
    "column": st.column_config.TextColumn("Column", width=110),
    "problem": st.column_config.TextColumn("Problem"),
}


def _forget_outcome() -> None:
    st.session_state.pop(OUTCOME, None)


def _show_outcome(cat: Catalog) -> None:
    outcome = st.session_state.get(OUTCOME)
    if not isinstance(outcome, uploads.Outcome):
        return
    if outcome.ok:
        st.success(uploads.success_text(outcome), icon=":material/check_circle:")
        if outcome.files:  # rows read and stored per file, so a file read only in part shows at once
            st.dataframe(uploads.file_rows(outcome), hide_index=True, width="stretch")
        if outcome.imported:
            ui.table(uploads.imported_rows(outcome, cat.name), hide_index=True, width="stretch")
        return
    st.error(uploads.web_headline(outcome), icon=":material/error:")
    shown = uploads.web_problems(outcome.problems, st.session_state.get(COUNCILS_NAME))
    st.dataframe(shown, column_order=tuple(PROBLEM_CONFIG), hide_index=True, width="stretch",
                 column_config=PROBLEM_CONFIG)
    st.caption(uploads.problems_caption(outcome))
    ui.download_pair(shown, "import-problems", "data_dl_problems", columns=uploads.WEB_PROBLEM_COLUMNS)


def import_section(cat: Catalog) -> None:
    """Upload, check and import; the outcome is kept in the session so it survives the rerun after."""
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
            ui.download_pair(uploads.TEMPLATES[kind], f"{kind}-template", f"data_tpl_{kind}",
                             columns=uploads.template_columns(kind))

    responses = [uploads.upload_of(f) for f in response_files]
    council_upload = uploads.upload_of(councils_file) if councils_file is not None else None
    replace = st.checkbox("Replace rounds that are already loaded", key=f"data_replace_{gen}",
                          help="A council's round in these files that is already loaded is deleted and written "
                               "again from the file, whole.")
    if replace:
        st.warning(uploads.replace_warning(responses, cat), icon=":material/warning:")

    count = len(responses) + (1 if council_upload else 0)
    if st.button("Check and import", key="data_import", type="primary", disabled=count == 0,
                 icon=":material/upload:"):
        with st.status(uploads.checking_label(count), expanded=True) as status:
            st.write("Checking every row of every file…")
            outcome = uploads.import_uploads(ui.db_path(), council_upload, responses, replace=replace)
            if outcome.ok:
                access.try_record_to(ui.db_path(), access.actor_of(ui.principal(), "unknown"), "import",
                                     uploads.import_detail(council_upload, responses, replace))
                status.update(label="Imported", state="complete", expanded=False)
            else:  # the refusal itself is said once, below
                status.update(label="Checked: the files have problems", state="error", expanded=False)
        st.session_state[OUTCOME] = outcome
        st.session_state[COUNCILS_NAME] = uploads.sanitize_name(council_upload.name) if council_upload else None
        if outcome.ok:
            st.session_state[GEN] = gen + 1  # fresh, empty uploaders and an unticked replace box
            st.rerun()
    _show_outcome(cat)


def demo_section(cat: Catalog) -> None:
    """Rebuild the demo database, only once its box is ticked: it replaces whatever is loaded."""
    st.header("Demo database", anchor=False)
    if st.session_state.pop(DEMO_DONE, False):
        st.success(f"The demo database was rebuilt: {len(cat.councils)} fictional councils are loaded.",
                   icon=":material/check_circle:")
    gen = st.session_state.setdefault(DEMO_GEN, 0)
    caption, label = findings.data.demo_rebuild_words(cat)
    st.caption(caption)
    confirm = st.checkbox(label, key=f"data_demo_confirm_{gen}")
    if st.button("Rebuild the demo database", key="data_demo_rebuild", disabled=not confirm,
                 icon=":material/restart_alt:"):
        with st.spinner("Rebuilding the demo database…"):  # users and the record survive the new file
            demo.rebuild_keeping_access(ui.db_path(), access.actor_of(ui.principal(), "unknown"))
        st.session_state[DEMO_GEN] = gen + 1
        st.session_state[DEMO_DONE] = True
        st.session_state.pop(OUTCOME, None)
        st.rerun()
