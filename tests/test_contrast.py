"""Contrast (WCAG 2.2 AA, docs/accessibility.md): the ratio function against hand-computed values, every ink/background
pair the palette declares, and every colour the real figures draw with — so a literal cannot sneak back into a
chart builder, and a new ink cannot skip the check.

Worked values (WCAG 2.x relative luminance, L = 0.2126 R + 0.7152 G + 0.0722 B of the linearised channels):
- #777777: 0x77 = 119, 119/255 = 0.46667, ((0.46667 + 0.055) / 1.055) ** 2.4 = 0.18447, so on white
  (1 + 0.05) / (0.18447 + 0.05) = 4.478 — just under 4.5, the classic "grey that fails".
- #767676: 118/255 = 0.46275 -> 0.18116 -> 1.05 / 0.23116 = 4.542 — the lightest grey that passes.
- rgba(0,0,0,0.5) over white flattens to 0.5 * 255 = 127.5 -> #808080: 0.50196 -> 0.21586 ->
  1.05 / 0.26586 = 3.949.
- #D55E00 (Okabe–Ito vermillion, the old focus ink): R 213 -> 0.66539, G 94 -> 0.11193, B 0 -> 0;
  L = 0.14147 + 0.08005 = 0.22152, so 1.05 / 0.27152 = 3.867 on white: under 4.5 for text, as the issue said.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mandate_core import demo, disclosure, domain, findings, metrics, palette, reports, storage
from mandate_core.benchmarking import PeerSet
from mandate_core.charts import alignment, spectrum
from mandate_core.charts import benchmark as benchmark_charts
from mandate_core.charts import themes as theme_charts
from mandate_core.charts import trends as trend_charts
from mandate_core.palette import contrast_ratio, flatten, relative_luminance

# --- the ratio itself --------------------------------------------------------------------------------------


def test_luminance_of_black_white_and_mid_grey() -> None:
    assert relative_luminance("#FFFFFF") == pytest.approx(1.0)
    assert relative_luminance("#000000") == pytest.approx(0.0)
    assert relative_luminance("#808080") == pytest.approx(0.21586, abs=1e-5)
    assert relative_luminance("#FF0000") == pytest.approx(0.2126)  # one channel: its coefficient
    assert relative_luminance("#fff") == relative_luminance("white") == 1.0


def test_contrast_ratios_against_hand_computed_values() -> None:
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#FFFFFF", "#000000") == pytest.approx(21.0)  # order does not matter
    assert contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.478, abs=0.001)
    assert contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.542, abs=0.001)
    assert contrast_ratio("#D55E00", "#FFFFFF") == pytest.approx(3.867, abs=0.001)
    assert contrast_ratio("#999999", "#999999") == pytest.approx(1.0)


def test_transparent_colours_are_flattened_over_their_background() -> None:
    assert flatten("rgba(0,0,0,0.5)") == "#808080"
    assert contrast_ratio("rgba(0,0,0,0.5)", "#FFFFFF") == pytest.approx(3.949, abs=0.001)
    # A band zone is its colour at 16 % over white: sky blue (86, 180, 233) -> (228, 243, 251).
    assert flatten(palette.BAND_ZONE_COLOURS[domain.BETTER]) == "#E4F3FB"
    assert flatten("rgba(0,0,0,0)", "#123456") == "#123456"
    with pytest.raises(ValueError):
        palette.parse("blue")


# --- the declared pairs ------------------------------------------------------------------------------------


@pytest.mark.parametrize("pair", palette.CONTRAST_PAIRS, ids=[p.name for p in palette.CONTRAST_PAIRS])
def test_every_declared_pair_meets_wcag_aa(pair: palette.ContrastPair) -> None:
    ratio = contrast_ratio(pair.foreground, pair.background)
    need = palette.MIN_RATIO[pair.kind]
    assert ratio >= need, f"{pair.name}: {pair.foreground} on {pair.background} is {ratio:.2f}:1, needs {need}:1"


def test_the_pairs_cover_every_background_and_the_issue_s_failures() -> None:
    names = {p.name for p in palette.CONTRAST_PAIRS}
    for background in palette.BACKGROUNDS:
        assert f"focus on {background}" in names and f"peer dot on {background}" in names
        assert f"now horizon on {background}" in names and f"next horizon on {background}" in names
        for band in domain.BANDS:
            assert f"{band} mark on {background}" in names
    # The colours the accessibility issue measured as failing are gone from every ink and mark.
    used = {p.foreground.upper() for p in palette.CONTRAST_PAIRS}
    assert not used & {"#D55E00", "#999999", "#009E73", "#D9D9D9", "#56B4E9", "#E69F00", "#CC79A7"}
    assert palette.SUPPRESSED_COLOUR.upper() != "#D9D9D9"


# --- colour-blind safety of the band marks -----------------------------------------------------------------

#: Machado, Oliveira & Fernandes (2009) full-severity simulation matrices, applied to linear RGB.
CVD = {
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413),
                     (-0.011820, 0.042940, 0.968881)),
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216),
                   (-0.003882, -0.048116, 1.051998)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602),
                   (0.004733, 0.691367, 0.303900)),
}


def _lab(colour: str, matrix: Any = None) -> tuple[float, float, float]:
    r, g, b, _a = palette.parse(colour)

    def lin(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    rgb = [lin(r), lin(g), lin(b)]
    if matrix is not None:
        rgb = [min(1.0, max(0.0, sum(m * c for m, c in zip(row, rgb, strict=True)))) for row in matrix]
    x = (0.4124 * rgb[0] + 0.3576 * rgb[1] + 0.1805 * rgb[2]) / 0.95047
    y = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]
    z = (0.0193 * rgb[0] + 0.1192 * rgb[1] + 0.9505 * rgb[2]) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def _min_distance(colours: list[str], matrix: Any) -> float:
    labs = [_lab(c, matrix) for c in colours]
    return min(sum((p - q) ** 2 for p, q in zip(a, b, strict=True)) ** 0.5 for a, b in itertools.combinations(labs, 2))


@pytest.mark.parametrize("vision", [None, *CVD])
def test_band_marks_stay_apart_under_colour_blindness(vision: str | None) -> None:
    """Under each simulated deficiency the three band marks stay clearly distinct (CIE ΔE ≥ 20; about 2.3
    is a just-noticeable difference), and in plain greyscale New is the darkest of the three."""
    matrix = CVD[vision] if vision else None
    marks = [palette.BAND_MARK_COLOURS[b] for b in domain.BANDS]
    assert _min_distance(marks, matrix) >= 20.0
    lightness = [_lab(c)[0] for c in marks]
    assert lightness[2] < min(lightness[:2]) - 10


def test_darker_band_marks_do_not_cost_colour_blind_readers() -> None:
    """The hardest case (the closest pair under the worst simulated vision) is further apart with the marks
    than with the full-strength Okabe–Ito colours (Differently and New under tritanopia, ΔE 17)."""
    visions = [None, *CVD.values()]
    marks = [palette.BAND_MARK_COLOURS[b] for b in domain.BANDS]
    fills = [palette.BAND_COLOURS[b] for b in domain.BANDS]
    worst_fills = min(_min_distance(fills, m) for m in visions)
    assert worst_fills == pytest.approx(17.2, abs=0.2)
    assert min(_min_distance(marks, m) for m in visions) > worst_fills


# --- the figures draw only palette colours, and every ink and mark they use is declared --------------------

COLOUR_KEYS = {"color", "bgcolor", "bordercolor", "fillcolor", "arrowcolor", "gridcolor", "zerolinecolor",
               "linecolor", "paper_bgcolor", "plot_bgcolor"}
SPAN_COLOUR = re.compile(r"color:\s*(#[0-9A-Fa-f]{3,8}|rgba?\([^)]*\))")


def _colours(spec: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    """Every colour in a figure's JSON with where it sits: attribute values, and colours in label HTML."""
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key in ("template", "colorscale", "autocolorscale"):
                continue  # Plotly's default template, and the heatmap's scales (areas, not inks)
            if key in COLOUR_KEYS:
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, str):
                        yield (*path, key), item
            else:
                yield from _colours(value, (*path, key))
    elif isinstance(spec, list):
        for item in spec:
            yield from _colours(item, path)
    elif isinstance(spec, str):
        for match in SPAN_COLOUR.finditer(spec):
            yield (*path, "span"), match.group(1)


def _is_text(path: tuple[str, ...]) -> bool:
    return path[-1] == "span" or any(k in ("font", "textfont", "tickfont", "title_font") for k in path[-3:])


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every chart builder's figure on the demo data, normal and debrief."""
    db: Path = demo.build_database(tmp_path_factory.mktemp("contrast") / "demo.duckdb")
    m = disclosure.DEFAULT_MIN_GROUP
    out: dict[str, Any] = {}
    with storage.connect(db, read_only=True) as con:
        overview = metrics.sector_overview(con, None, min_group=m)
        council = next(r["council_id"] for r in overview if len(metrics.trend(con, r["council_id"], m)) >= 2)
        report = reports.council_report(con, council, None, min_group=m)
        rnd = report["round"]
        breakdown = metrics.group_breakdown(con, council, rnd, min_group=m)
        distribution = metrics.answer_distribution(con, council, rnd, min_group=m)
        theme = report["themes"][0]["theme"]
        matrix = metrics.theme_matrix(con, m)
        bars = findings.themes.focus_theme_bars(metrics.council_summary(con, council, rnd, m))
        view = findings.benchmark.benchmark_view(con, council, rnd, "position", "ambition", PeerSet.parse("all"), m)
        trend = metrics.trend(con, council, m)
        labels = {c["council_id"]: c["name"] for c in metrics.list_councils(con)}
    rounds = [str(r["round"]) for r in trend]
    dates = [str(r["workshop_date"]) for r in trend]
    series = findings.trends.trend_series(trend)
    for debrief in (False, True):
        d = "debrief" if debrief else "normal"
        out[f"overview {d}"] = spectrum.overview_dumbbell(overview, focus=council, labels=labels, debrief=debrief)
        out[f"council {d}"] = spectrum.council_spectrum(report, debrief=debrief, min_group=m)
        out[f"journey {d}"] = spectrum.overall_journey(report, debrief=debrief, min_group=m)
        out[f"risk {d}"] = spectrum.risk_chart(report, debrief=debrief, min_group=m)
        out[f"consensus {d}"] = spectrum.consensus_chart(report, "ambition", debrief=debrief, min_group=m)
        out[f"groups {d}"] = alignment.group_positions(breakdown, theme, "ambition", m, debrief=debrief)
        out[f"distribution {d}"] = alignment.distribution_chart(distribution, theme, "ambition", m, debrief=debrief)
        out[f"gap {d}"] = alignment.officer_member_gap_chart(report["themes"], "ambition", m, debrief=debrief)
        out[f"cross-party {d}"] = alignment.cross_party_chart(report["themes"], "ambition", debrief=debrief)
        for measure in findings.themes.MEASURES:
            grid = findings.themes.theme_grid(matrix, council, measure, labels)
            out[f"heatmap {measure} {d}"] = theme_charts.heatmap(grid, title="t", min_group=m, debrief=debrief)
        out[f"ranked bars {d}"] = theme_charts.ranked_bars(bars, title="t", min_group=m, debrief=debrief)
        out[f"benchmark {d}"] = benchmark_charts.strip(view, labels, title="t", min_group=m, debrief=debrief)
        out[f"trend {d}"] = trend_charts.horizons_over_rounds(series[0], rounds, dates, title="t", min_group=m,
                                                             debrief=debrief)
        out[f"trend themes {d}"] = trend_charts.themes_over_rounds(series, rounds, dates, "ambition", title="t",
                                                                  min_group=m, debrief=debrief)
    return out


def test_figures_draw_only_palette_colours(figures: dict[str, Any]) -> None:
    allowed = palette.palette_colours()
    stray = {(name, ".".join(path), colour) for name, fig in figures.items()
             for path, colour in _colours(json.loads(fig.to_json()))
             if palette.normal(colour) not in allowed}
    assert not stray, f"colours not from mandate_core/palette.py: {sorted(stray)[:12]}"


def test_every_ink_and_mark_the_figures_use_is_a_checked_pair(figures: dict[str, Any]) -> None:
    """Text colours must be declared as text pairs (4.5:1); marker and line colours as pairs of any kind —
    except white edges and transparent fills, which separate or reserve room and carry nothing."""
    text_inks = {palette.normal(p.foreground) for p in palette.CONTRAST_PAIRS if p.kind == "text"}
    any_ink = {palette.normal(p.foreground) for p in palette.CONTRAST_PAIRS}
    exempt = {palette.normal(c) for c in (palette.WHITE, palette.TRANSPARENT, "white")}
    seen_text, unchecked = set(), set()
    for name, fig in figures.items():
        spec = json.loads(fig.to_json())
        for path, colour in _colours(spec):
            c = palette.normal(colour)
            if _is_text(path):
                seen_text.add(c)
                if c not in text_inks:
                    unchecked.add((name, ".".join(path), colour, "text"))
            elif path[0] == "data" and path[-1] == "color" and c not in exempt and c not in any_ink:
                # a trace's marker or line: a mark, unless it is an area (a band fill with a dark outline,
                # a heatmap cell, a box): those are the palette's area colours
                areas = (*palette.BAND_COLOURS.values(), *palette.SCORE_COLOURS.values(), palette.BOX_FILL)
                if c not in {palette.normal(v) for v in areas}:
                    unchecked.add((name, ".".join(path), colour, "mark"))
    assert not unchecked, f"inks or marks without a declared contrast pair: {sorted(unchecked)[:12]}"
    assert palette.normal(palette.FOCUS_COLOUR) in seen_text  # the walk does see text colours


def test_band_fills_drawn_as_bars_have_a_dark_outline(figures: dict[str, Any]) -> None:
    """A pale band fill is under 3:1 on its zone, so a bar of it is outlined in the mark edge colour."""
    for name in ("ranked bars normal", "distribution normal"):
        bars = [t for t in figures[name].data if t.type == "bar" and t.x and any(v for v in t.x if v)]
        assert bars, name
        for bar in bars:
            assert palette.normal(bar.marker.line.color) == palette.normal(palette.MARK_EDGE), name
            assert bar.marker.line.width >= 0.75


@pytest.mark.parametrize("scale_name", ["AMBITION_SCALE", "GAP_SCALE"])
def test_every_heatmap_cell_keeps_its_number_readable(scale_name: str) -> None:
    """A heatmap cell's number is drawn in the dark ink on the cell's own colour: over 4.5:1 anywhere on
    the scale (Plotly's black-or-white pick left mid cells near 3.5:1), checked at 101 points of it."""
    from mandate_core.charts import themes

    scale = getattr(themes, scale_name)
    worst = min(palette.contrast_ratio(palette.INK, themes.scale_colour(scale, i / 100, 0.0, 1.0))
                for i in range(101))
    assert worst >= palette.MIN_RATIO["text"], f"{scale_name}: worst cell {worst:.2f}:1"



def test_no_colour_is_written_outside_the_palette() -> None:
    """Every colour has its one home in palette.py: a hex or rgba literal anywhere else in the core, the
    pages or the entry file would be a colour no contrast check sees (the Themes gap scale's middle was one)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    literal = re.compile(r"""["']#[0-9A-Fa-f]{3,8}["']|["']rgba?\(""")
    files = [*(root / "mandate_core").rglob("*.py"), *(root / "pages").rglob("*.py"), root / "dashboard.py"]
    found = [f"{p.relative_to(root)}:{n}" for p in files if p.name != "palette.py"
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if literal.search(line.split("#: ")[0])]
    assert len(files) > 60 and found == []
