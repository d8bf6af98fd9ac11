"""The Council topic in words: one council's overall position, risk appetite, themes and consensus as sentences.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import domain
from ..text import fmt, num
from .common import IN_FIVE_YEARS, band_and_value, consensus_level, quoted, risk_level, risk_words, shown


def overall_sentence(overall: Mapping[str, Any], min_group: int) -> str:
    """ "Overall the council wants to move from Better (2.1) now to New (4.7) in five years." """
    now, nxt, amb = overall.get("now"), overall.get("next"), overall.get("ambition")
    if not (shown(now) and shown(amb)):
        return ("The council's overall position is not shown: too few participants answered for now or "
                f"for the ambition to show it without identifying anyone ({min_group} needed).")
    via = f", via {band_and_value(nxt)} as the next step" if shown(nxt) else ""
    if amb["position"] < now["position"] - 1e-9:
        return (f"Overall the council's ambition, {band_and_value(amb)}, sits below where it says it is "
                f"now, {band_and_value(now)}.")
    if now["band"] == amb["band"]:
        return (f"Overall the council wants to go further within {amb['band']}: from "
                f"{num(now['position'])} now to {num(amb['position'])} {IN_FIVE_YEARS}{via}.")
    return (f"Overall the council wants to move from {band_and_value(now)} now to "
            f"{band_and_value(amb)} {IN_FIVE_YEARS}{via}.")


def risk_sentence(overall: Mapping[str, Any], min_group: int) -> str:
    """Risk appetite now and for the ambition, in Orange Book words."""
    now, amb = overall.get("now") or {}, overall.get("ambition") or {}
    r_now = now.get("risk") if shown(now) else None
    r_amb = amb.get("risk") if shown(amb) else None
    if r_now is None and r_amb is None:
        return (f"Risk appetite is not shown: it needs a theme where at least {min_group} participants gave "
                "a risk score.")
    if r_now is None:
        return f"Risk appetite for the ambition: {risk_words(r_amb)}."
    if r_amb is None:
        return f"Risk appetite now: {risk_words(r_now)}."
    if risk_level(r_now) == risk_level(r_amb):
        return (f"Risk appetite stays {risk_level(r_amb)}: {num(r_now)} now, "
                f"{num(r_amb)} for the ambition.")
    verb = "rises" if r_amb > r_now else "falls"
    return f"Risk appetite {verb} from {risk_words(r_now)} now to {risk_words(r_amb)} for the ambition."


def council_themes_takeaway(report: Mapping[str, Any]) -> str:
    """Title of the per-theme spectrum: how many themes aim for New, or the biggest leap."""
    themes = [t for t in report.get("themes", []) if shown(t.get("ambition"))]
    if not themes:
        return "No theme has results that can be shown"
    new = sum(1 for t in themes if t["ambition"]["band"] == domain.NEW)
    leaps = [t for t in themes if t.get("gap") is not None]
    if new and new < len(themes):
        head = f"{new} of {len(themes)} themes aim for New {IN_FIVE_YEARS}"
    elif new:
        head = f"Every theme aims for New {IN_FIVE_YEARS}"
    else:
        head = f"No theme aims for New {IN_FIVE_YEARS}"
    if leaps:
        big = max(leaps, key=lambda t: (t["gap"], t["theme"]))
        if big["gap"] > 0:
            return f"{head}; the biggest leap is {quoted(big['theme'], 40)} (+{num(big['gap'])})"
    return head


def risk_takeaway(report: Mapping[str, Any], min_group: int) -> str:
    """Title of the risk chart (the overall risk sentence without its full stop)."""
    return risk_sentence(report.get("overall", {}), min_group).rstrip(".")


def consensus_takeaway(report: Mapping[str, Any], horizon: str) -> str:
    """Title of the consensus chart: on how many themes people agree, and where they agree least."""
    values = [(t["theme"], t[horizon]["consensus"]) for t in report.get("themes", []) if shown(t.get(horizon))]
    if not values:
        return "No theme has results that can be shown"
    levels = [consensus_level(v) for _, v in values]
    high, low, k = levels.count("high"), levels.count("low"), len(values)
    if high == k:
        head = "Agreement is high on the one theme" if k == 1 else f"Agreement is high on all {k} themes"
    else:
        head = f"Agreement is high on {high} of {k} themes"
    if low:
        theme, value = min(values, key=lambda tv: (tv[1], tv[0]))
        return f"{head}; lowest on {quoted(theme, 40)} ({fmt(value, 'consensus')}, low)"
    # The chart's top row pools every theme; say so when it reads differently from the themes, so the
    # title never contradicts a bar under it (pooled answers spread more when themes differ).
    overall = (report.get("overall") or {}).get(horizon)
    if shown(overall) and high == k and consensus_level(overall["consensus"]) != "high":
        value = overall["consensus"]
        return f"{head}, {consensus_level(value)} ({fmt(value, 'consensus')}) with all themes pooled"
    return head


def consensus_sentence(value: float) -> str:
    """One consensus value with its word, e.g. "0.62 (moderate)"."""
    return f"{fmt(value, 'consensus')} ({consensus_level(value)})"
