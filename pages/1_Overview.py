"""Overview: every council on the change spectrum, from now to its five-year ambition."""

from __future__ import annotations

import streamlit as st

from mandate_core import domain, findings, metrics
from mandate_core.charts import spectrum
from mandate_core.disclosure import fewer_than
from mandate_core.panels import overview
from mandate_core.text import md_escape
from pages import _layout as ui

LATEST = "Latest round"
NO_PEER_GROUP = "(no peer group)"


def _round_options(cat) -> list[str]:  # noqa: ANN001 - Catalog
    """Round labels, most recent workshop first."""
    latest: dict[str, object] = {}
    for rounds in cat.rounds.values():
        for r in rounds:
            label = str(r["round"])
            latest[label] = max(latest.get(label, r["workshop_date"]), r["workshop_date"])
    return [LATEST, *sorted(latest, key=lambda k: (latest[k], k), reverse=True)]


def _options(cat, field: str) -> list[str]:  # noqa: ANN001 - Catalog
    values = {str(c.get(field) or NO_PEER_GROUP) for c in cat.councils}
    return sorted(values)


def render() -> None:
    ctx = ui.context()
    cat, sel, m, labels = ctx.catalog, ctx.selection, ctx.min_group, ctx.labels
    ui.page_title("Sector overview", "Where every council's change programme is now, and how far it is willing to "
                                     "go in about five years.")

    cols = st.columns(4)
    nations = cols[0].multiselect("Nation", _options(cat, "nation"), key="ov_nation", placeholder="All nations")
    # Free-text labels: shown through the view's anonymiser (a peer group may be named after a council).
    types = cols[1].multiselect("Council type", _options(cat, "council_type"), key="ov_type",
                                placeholder="All types", format_func=ui.clean)
    groups = cols[2].multiselect("Peer group", _options(cat, "peer_group"), key="ov_peer_group",
                                 placeholder="All peer groups", format_func=ui.clean)
    anon = ui.anonymiser(sel)
    # An anonymised view offers the chosen council's own rounds only: peers' round labels may name them.
    rounds = [LATEST, *cat.round_labels(sel.council)] if anon is not None else _round_options(cat)
    if st.session_state.get("ov_round") not in rounds:
        st.session_state["ov_round"] = LATEST
    rnd = cols[3].selectbox("Round", rounds, key="ov_round",
                            help="Latest round: each council's most recent workshop. A round label: only the "
                                 "councils that ran a workshop with that label.")

    rows = ui.cached(metrics.sector_overview, None if rnd == LATEST else rnd, min_group=m)
    rows = [r for r in rows
            if (not nations or r["nation"] in nations)
            and (not types or r["council_type"] in types)
            and (not groups or (r.get("peer_group") or NO_PEER_GROUP) in groups)]
    coverage = findings.common.sector_coverage_note(rows, "overall")  # counts only: no council named
    if anon is not None:  # peers as "Peer N" in Peer-number order, no round labels or descriptors
        rows = anon.rows(rows)
    if not rows:
        st.info("No council matches these filters. Clear a filter to see more councils.")
        return

    on, off = spectrum.split_overview(rows)
    amb = findings.overview.band_counts(rows, "ambition")
    now = findings.overview.band_counts(rows, "now")
    tiles = st.columns(4)
    for col, band in zip(tiles, domain.BANDS, strict=False):
        noun = "council" if amb[band] == 1 else "councils"
        change, arrow = findings.overview.count_change(amb[band], now[band])
        col.metric(f"Aim for {band}", f"{amb[band]} {noun}", change, delta_color="off", delta_arrow=arrow,
                   help=f"Councils whose five-year ambition is {band}: {domain.BAND_MEANING[band]}.")
    tiles[3].metric("Councils shown", f"{len(on)} of {len(rows)}",
                    help=f"Councils with {fewer_than(m)} are not shown.")

    if sel.council and sel.council not in {r["council_id"] for r in on}:
        st.caption(md_escape(f"{labels.get(sel.council, sel.council)} is not in this selection."))

    ui.show(ui.figure(overview.sector, rows, m, focus=sel.council, labels=labels, **ui.look(sel)), key="ov_chart",
            numbers_table=False)
    if coverage:
        st.caption(coverage)
    if off:
        ui.text(findings.common.suppressed_councils_text(
            sorted(str(labels.get(r["council_id"], r["name"])) for r in off), m))

    numbers = ui.figure(overview.numbers, rows, m, labels=labels, anonymise=sel.anonymise,  # columns, not look
                        round_shown=None if rnd == LATEST else rnd, filtered=bool(nations or types or groups))
    ui.numbers_of(numbers, "ov_numbers", "ov_download", debrief=sel.debrief)


ui.run_safely(render, __file__)
