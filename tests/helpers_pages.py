"""AppTest help for pages whose numbers tables are built only when opened (pages/_layout/tables.py: ``folded``).

A test that reads everything a page shows (for names, small groups, unsafe text) opens every such expander
first with :func:`open_folded`, so it reads the tables a user can open, exactly as when every expander's
content was sent collapsed.
"""

from __future__ import annotations

from typing import Any


def folded_keys(at: Any) -> list[str]:
    """The keys of the expanders on this run that track their state (``st.expander(..., key=k,
    on_change="rerun")``).  Streamlit names such an expander's widget ``$$ID-<digest>-<key>``."""
    keys = []
    for box in at.expander:
        widget_id = getattr(box.proto, "id", "") or ""
        if widget_id.startswith("$$ID-") and widget_id.count("-") >= 2:
            keys.append(widget_id.split("-", 2)[2])
    return keys


def open_folded(at: Any, timeout: float | None = None) -> Any:
    """Open every lazily built expander on the page (and any that opening reveals) and rerun; ``at``."""
    for _ in range(3):  # an opened expander could hold another; a page has at most a few
        closed = [k for k in folded_keys(at) if not at.session_state[k]]
        if not closed:
            break
        for key in closed:
            at.session_state[key] = True
        at.run(timeout=timeout)
    return at
