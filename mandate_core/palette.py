"""Colours, from one colour-blind-safe palette (Okabe–Ito), so a band looks the same on every screen.

Better / Differently / New keep fixed colours everywhere (SPEC §7).  They were picked from Okabe–Ito to
stay distinct under deuteranopia, protanopia and tritanopia and in greyscale (light → mid → dark).
"""

from __future__ import annotations

from .domain import BETTER, DIFFERENTLY, NEW

OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
    "grey": "#999999",
}

BAND_COLOURS: dict[str, str] = {
    BETTER: OKABE_ITO["sky_blue"],
    DIFFERENTLY: OKABE_ITO["orange"],
    NEW: OKABE_ITO["reddish_purple"],
}
#: Pale versions of the band colours for the shaded zones behind a spectrum chart.
BAND_ZONE_COLOURS: dict[str, str] = {
    BETTER: "rgba(86,180,233,0.16)",
    DIFFERENTLY: "rgba(230,159,0,0.16)",
    NEW: "rgba(204,121,167,0.16)",
}

HORIZON_COLOURS: dict[str, str] = {
    "now": OKABE_ITO["grey"],
    "next": OKABE_ITO["bluish_green"],  # not sky blue: that is the Better band
    "ambition": OKABE_ITO["blue"],
}
ROLE_COLOURS: dict[str, str] = {"officer": OKABE_ITO["black"], "member": OKABE_ITO["vermillion"]}
#: The focus council against its peers.
FOCUS_COLOUR = OKABE_ITO["vermillion"]
PEER_COLOUR = OKABE_ITO["grey"]
SUPPRESSED_COLOUR = "#D9D9D9"
