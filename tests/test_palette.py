"""The five status colours stay apart for people with the three common colour-vision deficiencies.

Each deficiency is simulated at full severity (dichromacy: protanopia, deuteranopia, tritanopia) with the
model of Machado, Oliveira & Fernandes (2009), as colorspacious implements it, and colours are compared by
their distance in CAM02-UCS (Luo et al. 2006), a space where equal distances look about equally different.

The bar, 20 in CAM02-UCS between any two statuses: Matthew Petroff's colour-blind-safe colour sets
(github.com/mpetroff/color-sets) are generated with this very method (colorspacious, CVD severity 100,
CAM02-UCS) and a minimum distance of 20 for sets of six colours; five must do at least as well. A distance
of 1 is about a just-noticeable difference, so 20 is far beyond "barely different": two countries side by
side on a map, or a map and its legend chip, are told apart at a glance.

Against the white the maps draw between countries (country borders) a lower bar, 10: a border only has to
show as an edge, not name a category, and 10 is the bar a map package sets for telling classes apart "at the
size of a small country on a map" (countryatlas' check_palette). The light grey of "no data" is the one that
comes close to it, by design: it must read as "nothing here", lighter than every status with data.
"""

import itertools

import numpy as np
import pytest
from colorspacious import cspace_convert, deltaE

from gapmonitor.maps import COVERAGE_SCALE
from gapmonitor.statuses import BY_CODE, STATUSES

VISIONS = ("normal vision", "protanopia", "deuteranopia", "tritanopia")
CVD_TYPE = {"protanopia": "protanomaly", "deuteranopia": "deuteranomaly", "tritanopia": "tritanomaly"}
MIN_BETWEEN_STATUSES = 20
MIN_AGAINST_BORDER = 10
BORDER = "#ffffff"  # maps.py: marker_line_color and countrycolor

# The palette before issue 18: blue, purple, green, orange, grey. Blue and purple merge for protanopes
# and deuteranopes (the failure the issue reports), so the same check must reject it.
OLD_PALETTE = {"official": "#1f5f99", "official_and_citizen": "#6a4c93", "citizen_fills_gap": "#2a9d5c",
               "citizen_below_bar": "#e9a23b", "no_data": "#d4d4d4"}
CURRENT_PALETTE = {s.code: s.colour for s in STATUSES}


def srgb(hex_colour: str) -> np.ndarray:
    """#rrggbb as sRGB in 0..1."""
    h = hex_colour.lstrip("#")
    assert len(h) == 6, f"not a #rrggbb colour: {hex_colour!r}"
    return np.array([int(h[i:i + 2], 16) for i in (0, 2, 4)]) / 255


def seen(hex_colour: str, vision: str) -> np.ndarray:
    """The colour as a person with `vision` sees it (sRGB 0..1; a simulation may leave the gamut: clipped,
    as a screen would show it)."""
    rgb = srgb(hex_colour)
    if vision == "normal vision":
        return rgb
    cvd = {"name": "sRGB1+CVD", "cvd_type": CVD_TYPE[vision], "severity": 100}
    return np.clip(cspace_convert(rgb, cvd, "sRGB1"), 0, 1)


def difference(a: str, b: str, vision: str) -> float:
    """ΔE in CAM02-UCS between two colours as a person with `vision` sees them."""
    return float(deltaE(seen(a, vision), seen(b, vision), input_space="sRGB1", uniform_space="CAM02-UCS"))


def too_close(palette: dict[str, str], vision: str) -> list[str]:
    """The pairs of statuses (and statuses against the border white) closer than the bars, as words."""
    close = [f"{a} {palette[a]} vs {b} {palette[b]}: ΔE {difference(palette[a], palette[b], vision):.1f}"
             for a, b in itertools.combinations(palette, 2)
             if difference(palette[a], palette[b], vision) < MIN_BETWEEN_STATUSES]
    close += [f"{a} {palette[a]} vs the white border: ΔE {difference(palette[a], BORDER, vision):.1f}"
              for a in palette if difference(palette[a], BORDER, vision) < MIN_AGAINST_BORDER]
    return close


def test_the_simulation_is_the_published_one():
    """Sanity of the tool, from the model's known behaviour: a deuteranope sees pure red and pure green
    (#ff0000, #00ff00) far closer than a person with normal vision does, and a tritanope does not (red and
    green differ for them in the long/medium cones they keep). Greys are untouched by every simulation."""
    normal = difference("#ff0000", "#00ff00", "normal vision")
    assert difference("#ff0000", "#00ff00", "deuteranopia") < normal / 2
    assert difference("#ff0000", "#00ff00", "tritanopia") > normal / 2
    for vision in VISIONS:
        assert np.allclose(seen("#808080", vision), srgb("#808080"), atol=0.01)


@pytest.mark.parametrize("vision", VISIONS)
def test_statuses_stay_apart(vision):
    assert too_close(CURRENT_PALETTE, vision) == [], f"status colours too close for {vision}"


@pytest.mark.parametrize("vision", ["protanopia", "deuteranopia"])
def test_the_old_palette_fails_the_same_check(vision):
    """The check can fail: the old blue and purple are one colour to protanopes and deuteranopes."""
    close = too_close(OLD_PALETTE, vision)
    assert any("official #1f5f99 vs official_and_citizen #6a4c93" in c for c in close), close


def test_no_data_is_the_lightest_and_a_neutral_grey():
    """'No data' reads as nothing: a grey (no hue to mistake for a status), lighter than every status
    with data, for every vision."""
    no_data = BY_CODE["no_data"].colour
    r, g, b = srgb(no_data)
    assert r == g == b, f"no data is not a neutral grey: {no_data}"
    for vision in VISIONS:
        lightness = {c: cspace_convert(seen(c, vision), "sRGB1", "CAM02-UCS")[0] for c in CURRENT_PALETTE.values()}
        assert max(lightness, key=lightness.get) == no_data, (vision, lightness)


def test_coverage_scale_is_ordered_by_lightness_for_every_vision():
    """The coverage maps and grids use one sequential scale, read by lightness rather than hue: it must get
    darker at every step for every vision, so a deficiency never reverses or flattens it."""
    for vision in VISIONS:
        lightness = [cspace_convert(seen(colour, vision), "sRGB1", "CAM02-UCS")[0] for _, colour in COVERAGE_SCALE]
        steps = np.diff(lightness)
        assert (steps < -5).all(), (vision, [round(x, 1) for x in lightness])
