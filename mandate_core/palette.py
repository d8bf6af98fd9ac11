"""Colours, from one colour-blind-safe palette (Okabe–Ito), so a band looks the same on every screen.

Better / Differently / New keep fixed colours everywhere (docs/dashboard.md#across-pages).  They were picked from
Okabe–Ito to stay distinct under deuteranopia, protanopia and tritanopia.

Every colour a chart, the debrief pack or the page CSS draws with lives here, in three kinds, because
WCAG 2.2 AA asks different things of each (docs/accessibility.md):

- **areas** (band zones, heatmap cells, stacked-bar fills): the Okabe–Ito colours themselves and their
  pale tints.  An area is a background for text and marks, or carries its value as text in it, or has a
  dark outline (``MARK_EDGE``) where its edge is what must be seen.
- **marks** (dots, diamonds, lines, outlines): at least 3:1 against every background they are drawn on
  (WCAG 1.4.11).  The bands' marks are darker versions of the same three hues.
- **inks** (text): at least 4.5:1 against every background they are drawn on (WCAG 1.4.3), the band
  tints included, since labels and values sit inside the plot.

``CONTRAST_PAIRS`` declares every foreground × background pair so that ``tests/test_contrast.py`` checks
them all; a new colour used for text or marks must be added there too.
"""

from __future__ import annotations

from typing import NamedTuple

from .domain import BANDS, BETTER, DIFFERENTLY, NEW

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

#: Darker versions of the Okabe–Ito hues, for text and thin marks: each is at least 4.5:1 on white and on
#: every band tint (the full-strength blue is 4.4:1 on the New tint, vermillion 3.3:1, grey 2.4:1).
INKS: dict[str, str] = {
    "blue": "#00659E",
    "vermillion": "#A94800",
    "bluish_green": "#00785A",
    "grey": "#666666",
    "black": "#000000",
}

WHITE = "#FFFFFF"
#: Text and axis ink: near-black, set explicitly so Streamlit's chart theme cannot fade it to grey.
INK = "#1A1A1A"
#: Secondary text (notes under a title, "compare with care").
MUTED_INK = "#444444"
#: Small notes inside a plot ("not shown — small group").
NOTE_INK = "#555555"
#: Outlines of marks and areas, the zero line, the arrows' neighbours: dark enough to be a mark anywhere.
MARK_EDGE = "#333333"
ARROW_COLOUR = "#555555"
#: Decoration only (nothing is read from them, WCAG 1.4.11 does not apply): grid lines and row rules.
GRID_COLOUR = "#E5E5E5"
ROW_RULE_COLOUR = "#E3E3E3"
DOTTED_GRID_COLOUR = "#E0E0E0"
SEPARATOR_COLOUR = "#BBBBBB"
TRANSPARENT = "rgba(0,0,0,0)"
#: Half-transparent white behind a note inside the plot, so a line under it does not cut the words.
NOTE_BACKGROUND = "rgba(255,255,255,0.85)"
NOTE_BACKGROUND_STRONG = "rgba(255,255,255,0.9)"

BAND_COLOURS: dict[str, str] = {
    BETTER: OKABE_ITO["sky_blue"],
    DIFFERENTLY: OKABE_ITO["orange"],
    NEW: OKABE_ITO["reddish_purple"],
}
#: Strength of the pale band zones behind a spectrum chart.
ZONE_ALPHA = 0.16


def _rgba(colour: str, alpha: float) -> str:
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha:g})"


#: Pale versions of the band colours for the shaded zones behind a spectrum chart.
BAND_ZONE_COLOURS: dict[str, str] = {band: _rgba(BAND_COLOURS[band], ZONE_ALPHA) for band in BANDS}
#: The band colours as marks (a council's dot on the Overview): the same hues darkened until they are over
#: 3:1 on their own zone.  New is the darkest, so the three also differ in lightness; under simulated
#: deuteranopia, protanopia and tritanopia their closest pair is further apart than the full-strength
#: colours' closest pair (tests/test_contrast.py).  Position on the axis says the band too, so colour is never
#: the only cue.
BAND_MARK_COLOURS: dict[str, str] = {
    BETTER: "#4087AF",
    DIFFERENTLY: "#B17A00",
    NEW: "#7A4964",
}
#: Darker versions of the band colours for text (band names over the pale zones), over 4.5:1 everywhere.
BAND_TEXT_COLOURS: dict[str, str] = {
    BETTER: "#336C8B",
    DIFFERENTLY: "#8A5F00",
    NEW: "#8E5474",
}

#: The answer spread's six score segments (Alignment): each score a shade of its band's colour (1 = the
#: colour itself, less = mixed with white), the extremes and score 4 full and the other score of each band
#: lighter, so a band's two scores can be told apart in the bar and in the legend (Plotly's legend swatches
#: do not show an opacity).  Each segment has a MARK_EDGE outline, which carries the 3:1 against white.
SCORE_SHADE: dict[int, float] = {1: 1.0, 2: 0.55, 3: 0.55, 4: 1.0, 5: 0.55, 6: 1.0}


def _shade(colour: str, strength: float) -> str:
    rgb = [int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]
    return "#" + "".join(f"{round(255 - (255 - c) * strength):02X}" for c in rgb)


SCORE_COLOURS: dict[int, str] = {
    score: _shade(BAND_COLOURS[BETTER if score <= 2 else DIFFERENTLY if score <= 4 else NEW], strength)
    for score, strength in SCORE_SHADE.items()
}

HORIZON_COLOURS: dict[str, str] = {
    "now": INKS["grey"],
    "next": INKS["bluish_green"],  # not sky blue: that is the Better band
    "ambition": INKS["blue"],
}
ROLE_COLOURS: dict[str, str] = {"officer": OKABE_ITO["black"], "member": INKS["vermillion"]}
#: Everyone (all participants of a theme) on the Alignment chart.
TOTAL_COLOUR = "#444444"
#: Political groups on the Alignment chart: neither a band nor a role colour, told apart by shape too.
GROUP_COLOURS: tuple[str, ...] = (INKS["bluish_green"], INKS["blue"], INKS["grey"])
#: The officer–member gap when the two sides are about level.
LEVEL_COLOUR = INKS["grey"]
#: The focus council against its peers: its name, diamond, frame and value label.
FOCUS_COLOUR = INKS["vermillion"]
PEER_COLOUR = "#767676"
#: Benchmark boxes (the peers' middle half): a pale area with a mark-strength outline.
BOX_FILL = "rgba(153,153,153,0.25)"
BOX_LINE = "#6E6E6E"
#: A hidden heatmap cell: a grey that still stands out from the white gaps around it (3:1).
SUPPRESSED_COLOUR = "#8C8C8C"
#: The middle of the Themes grid's gap scale (no gap): near-white, so only a gap has a colour.
GAP_MIDPOINT = "#F7F7F7"
#: The line from now to ambition on the Overview, and the zone edges of the 0–1 dot plots.
CONNECTOR_COLOUR = "#7A7A7A"
THRESHOLD_COLOUR = "#767676"
ZERO_LINE_COLOUR = "#777777"
#: Legend keys in neutral grey (colour means the band, shape means the horizon).
KEY_COLOUR = "#444444"
#: Grey tints of the named zones behind a 0–1 dot plot (the lowest zone darkest); their words sit on top.
ZONE_TINTS: tuple[str, ...] = ("rgba(0,0,0,0.06)", "rgba(0,0,0,0.03)", "rgba(0,0,0,0)")
#: Trend lines, one per theme: the inks (the lines run over the band zones, and their names are text).
LINE_COLOURS: tuple[str, ...] = (INKS["blue"], INKS["vermillion"], INKS["bluish_green"], INKS["black"])
#: The debrief pack's accent (cover rule, theme headings over white).
PACK_ACCENT = OKABE_ITO["blue"]
PACK_RULE = "#D9D9D9"
#: The join QR code: pure black on white, the most contrast a phone's camera can get from a projector.
QR_DARK, QR_LIGHT = "#000", "#fff"


# --- contrast ----------------------------------------------------------------------------------------------


def parse(colour: str) -> tuple[int, int, int, float]:
    """``#RRGGBB``, ``#RGB`` or ``rgba(r,g,b,a)`` as (r, g, b, alpha)."""
    c = colour.strip()
    if c.startswith("#"):
        h = c[1:]
        if len(h) == 3:
            h = "".join(ch * 2 for ch in h)
        return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16), 1.0
    if c.startswith("rgb"):
        parts = [p.strip() for p in c[c.index("(") + 1:c.rindex(")")].split(",")]
        alpha = float(parts[3]) if len(parts) == 4 else 1.0
        return int(parts[0]), int(parts[1]), int(parts[2]), alpha
    if c.lower() == "white":
        return 255, 255, 255, 1.0
    raise ValueError(f"not a colour: {colour!r}")


def flatten(colour: str, over: str = WHITE) -> str:
    """The solid colour a (half-transparent) ``colour`` shows over ``over``."""
    r, g, b, a = parse(colour)
    br, bg, bb, _ = parse(flatten(over) if parse(over)[3] < 1 else over)
    mix = [round(a * f + (1 - a) * k) for f, k in ((r, br), (g, bg), (b, bb))]
    return "#" + "".join(f"{v:02X}" for v in mix)


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of a solid colour (sRGB, linearised)."""
    r, g, b, _a = parse(flatten(colour))

    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast ratio (1–21) of ``foreground`` drawn over ``background`` (transparency flattened)."""
    fg = relative_luminance(flatten(foreground, flatten(background)))
    bg = relative_luminance(flatten(background))
    hi, lo = max(fg, bg), min(fg, bg)
    return (hi + 0.05) / (lo + 0.05)


class ContrastPair(NamedTuple):
    """A foreground drawn on a background somewhere in the app; ``kind`` text needs 4.5:1, mark 3:1."""

    name: str
    foreground: str
    background: str
    kind: str


#: Every background something is drawn on: white, the three band zones, the dot plots' grey zones.
BACKGROUNDS: dict[str, str] = {
    "white": WHITE,
    **{f"{band} zone": flatten(BAND_ZONE_COLOURS[band]) for band in BANDS},
    **{f"grey zone {i + 1}": flatten(tint) for i, tint in enumerate(ZONE_TINTS)},
}
#: Of those, what a plot with band zones has (text and marks on a spectrum sit on white or a zone).
BAND_BACKGROUNDS = {k: v for k, v in BACKGROUNDS.items() if k == "white" or k.endswith(" zone")}
MIN_RATIO = {"text": 4.5, "mark": 3.0}


def _pairs() -> list[ContrastPair]:
    text = {"ink": INK, "muted ink": MUTED_INK, "note ink": NOTE_INK, "arrow": ARROW_COLOUR, "edge ink": MARK_EDGE,
            "focus": FOCUS_COLOUR, "key": KEY_COLOUR, "total": TOTAL_COLOUR,
            **{f"{b} text": c for b, c in BAND_TEXT_COLOURS.items()},
            **{f"{h} horizon": c for h, c in HORIZON_COLOURS.items()},
            **{f"{r} role": c for r, c in ROLE_COLOURS.items()},
            **{f"{k} ink": c for k, c in INKS.items()},
            **{f"trend line {i + 1}": c for i, c in enumerate(LINE_COLOURS)},
            **{f"group {i + 1}": c for i, c in enumerate(GROUP_COLOURS)}}
    marks = {"mark edge": MARK_EDGE, "peer dot": PEER_COLOUR, "box outline": BOX_LINE,
             "connector": CONNECTOR_COLOUR, "threshold line": THRESHOLD_COLOUR, "zero line": ZERO_LINE_COLOUR,
             "level bar": LEVEL_COLOUR, **{f"{b} mark": c for b, c in BAND_MARK_COLOURS.items()}}
    pairs = [ContrastPair(f"{n} on {bn}", fg, bg, "text") for n, fg in text.items() for bn, bg in BACKGROUNDS.items()]
    pairs += [ContrastPair(f"{n} on {bn}", fg, bg, "mark") for n, fg in marks.items() for bn, bg in BACKGROUNDS.items()]
    # Peer dots and the median line also sit on a benchmark box over a band zone.
    pairs += [ContrastPair(f"{n} on box over {bn}", fg, flatten(BOX_FILL, bg), "mark")
              for n, fg in (("peer dot", PEER_COLOUR), ("median", INK), ("focus diamond", FOCUS_COLOUR))
              for bn, bg in BAND_BACKGROUNDS.items()]
    # A hidden heatmap cell against the white gaps between cells.
    pairs.append(ContrastPair("hidden cell on white", SUPPRESSED_COLOUR, WHITE, "mark"))
    # The debrief pack: ink, muted ink and the accent headings on its white page.
    pairs += [ContrastPair(f"pack {n} on white", fg, WHITE, "text")
              for n, fg in (("ink", INK), ("muted", NOTE_INK), ("accent", PACK_ACCENT))]
    # Numbers written inside band-coloured cells and bar segments (the heatmap, the answer spread).
    pairs += [ContrastPair(f"ink on {b} fill", INK, c, "text") for b, c in BAND_COLOURS.items()]
    pairs += [ContrastPair(f"ink on pale {b} fill", INK, flatten(_rgba(c, 0.55)), "text")
              for b, c in BAND_COLOURS.items()]
    pairs += [ContrastPair(f"ink on score {k} segment", INK, c, "text") for k, c in SCORE_COLOURS.items()]
    pairs += [ContrastPair(f"segment edge on score {k} segment", MARK_EDGE, c, "mark")
              for k, c in SCORE_COLOURS.items()]
    return pairs


CONTRAST_PAIRS: list[ContrastPair] = _pairs()


def palette_colours() -> set[str]:
    """Every colour this module names, upper-cased: what a chart may draw with."""
    found: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, str) and (value.startswith("#") or value.startswith("rgb")):
            found.add(normal(value))
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, (tuple, list)):
            for v in value:
                walk(v)

    for name, value in globals().items():
        if name.isupper():
            walk(value)
    return found


def normal(colour: str) -> str:
    """A colour string in one spelling (upper case, no spaces), for comparing."""
    return colour.replace(" ", "").upper()
