"""The vocabulary of the Innovation Mandate, in one place.

Band names, thresholds, horizons, roles, nations, risk levels and the sector theme keys are pinned by
the product contract (docs/metrics.md#the-scales, docs/formats.md#sector-themes).  Every importer check, metric, chart
and table reads them from here so that a label can never drift between the command line, the pages and the downloads.
"""

from __future__ import annotations

BETTER = "Better"
DIFFERENTLY = "Differently"
NEW = "New"
BANDS: tuple[str, ...] = (BETTER, DIFFERENTLY, NEW)

#: What each band means, in words a councillor would use (docs/metrics.md#the-scales, glossed with the iESE model).
BAND_MEANING: dict[str, str] = {
    BETTER: "do what we already do, but better (service efficiency)",
    DIFFERENTLY: "do what we already do, in a different way (redesign around need)",
    NEW: "do something not done before (design out the need)",
}

#: Lower edges of the Differently and New bands on the 1–6 change scale (docs/metrics.md#the-scales).
DIFFERENTLY_FROM = 2.5
NEW_FROM = 4.5

CHANGE_MIN, CHANGE_MAX = 1, 6
RISK_MIN, RISK_MAX = 1, 5
#: Orange Book risk appetite levels.
RISK_LEVELS: dict[int, str] = {1: "Averse", 2: "Minimal", 3: "Cautious", 4: "Open", 5: "Eager"}

# A list of names that have labels (horizons, roles, metrics, peer sets) is its labels' keys, in order: each
# name is written once, so none can lack a label.
HORIZON_LABELS: dict[str, str] = {
    "now": "Now",
    "next": "Next step (1–2 years)",
    "ambition": "Ambition (about 5 years)",
}
HORIZONS: tuple[str, ...] = tuple(HORIZON_LABELS)

ROLE_LABELS: dict[str, str] = {"officer": "Officers", "member": "Members"}
ROLES: tuple[str, ...] = tuple(ROLE_LABELS)

NATIONS: tuple[str, ...] = ("England", "Scotland", "Wales", "Northern Ireland")

SECTOR_THEMES: dict[str, str] = {
    "economy": "Inclusive economy and growth",
    "communities": "Empowering families and communities",
    "health": "Health, care and wellbeing",
    "environment": "Climate, environment and net zero",
    "place": "Place, housing and infrastructure",
    "learning": "Children, education and skills",
    "digital": "Digital and customer services",
    "organisation": "Workforce, finance and organisation",
}

METRIC_LABELS: dict[str, str] = {
    "position": "Position on the change spectrum (1–6)",
    "gap": "Ambition gap (ambition − now)",
    "risk": "Risk appetite (1–5)",
    "consensus": "Consensus (0–1)",
}
METRICS: tuple[str, ...] = tuple(METRIC_LABELS)
#: Cross-party alignment is no benchmark metric, but its charts and tables name it alike.
ALIGNMENT_LABEL = "Cross-party alignment (0–1)"

PEER_SET_LABELS: dict[str, str] = {
    "peer_group": "Same peer group",
    "nation": "Same nation",
    "council_type": "Same council type",
    "all": "All councils",
}
PEER_SETS: tuple[str, ...] = tuple(PEER_SET_LABELS)


def band_of(mean: float) -> str:
    """Band of a mean change score, with half-open thresholds (docs/metrics.md#position-and-band)."""
    if mean < DIFFERENTLY_FROM:
        return BETTER
    if mean < NEW_FROM:
        return DIFFERENTLY
    return NEW


def risk_label(mean: float) -> str:
    """Nearest Orange Book level for a mean risk score (for words, never for arithmetic)."""
    level = min(RISK_MAX, max(RISK_MIN, int(mean + 0.5)))
    return RISK_LEVELS[level]
