"""Reference data against the official sources: goals and indicators against the IAEG-SDGs tier
classification in ../shared/realdata, areas against UN M49 and the LDC/LLDC/SIDS lists."""

import csv
import json
from pathlib import Path

import pytest

from conftest import REALDATA
from gapmonitor.goals import GOALS

ROOT = Path(__file__).resolve().parents[1]
FRAMEWORK = REALDATA / "sdg_framework" / "Tier_classification_30_Nov_2022_clean.csv"
needs_framework = pytest.mark.skipif(not FRAMEWORK.exists(), reason="../shared/realdata (IAEG-SDGs framework) is absent")

# Official SDG colours (UN Department of Global Communications, SDG guidelines).
OFFICIAL_COLOURS = ["#E5243B", "#DDA63A", "#4C9F38", "#C5192D", "#FF3A21", "#26BDE2", "#FCC30B", "#A21942",
                    "#FD6925", "#DD1367", "#FD9D24", "#BF8B2E", "#3F7E44", "#0A97D9", "#56C02B", "#00689D", "#19486A"]


def read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def framework() -> list[dict]:
    return read(FRAMEWORK)


def test_seventeen_goals_with_official_colours_and_five_themes():
    assert [g.number for g in GOALS] == list(range(1, 18))
    assert [g.colour for g in GOALS] == OFFICIAL_COLOURS
    people = [g.number for g in GOALS if g.theme == "People"]
    planet = [g.number for g in GOALS if g.theme == "Planet"]
    prosperity = [g.number for g in GOALS if g.theme == "Prosperity"]
    assert (people, planet, prosperity) == ([1, 2, 3, 4, 5], [6, 12, 13, 14, 15], [7, 8, 9, 10, 11])
    assert [g.theme for g in GOALS[15:]] == ["Peace", "Partnership"]


@needs_framework
def test_goal_titles_are_the_official_ones():
    official = {int(r["goal_num"]): r["goal_text"].strip() for r in framework()}
    assert {g.number: g.title for g in GOALS} == official


@needs_framework
def test_indicator_codes_and_titles_are_the_official_ones():
    official = {}
    for r in framework():
        code = r["indicator_num"].strip()
        official.setdefault(code, " ".join(r["indicator"].split()[1:]))  # drop the leading code
    ours = {r["code"]: r["title"] for r in read(ROOT / "data/reference/indicators.csv")}
    assert ours == official
    assert len(ours) == 248  # the classification's 248 rows, each with its own code (231 unique indicators)


@needs_framework
def test_demo_series_belong_to_official_indicators():
    codes = {r["indicator_num"].strip() for r in framework()}
    series = read(ROOT / "data/demo/series.csv")
    assert {s["indicator"] for s in series} <= codes
    assert len({s["series_code"] for s in series}) == len(series)


@pytest.mark.skipif(not (REALDATA / "un_sdg_global_db").exists(), reason="../shared/realdata is absent")
def test_demo_series_found_in_real_exports_keep_their_official_descriptions():
    ours = {s["series_code"]: s for s in read(ROOT / "data/demo/series.csv")}
    seen = 0
    for path in (REALDATA / "un_sdg_global_db").glob("*.csv"):
        for r in read(path):
            s = ours.get(r["SeriesCode"])
            if s:
                seen += 1
                assert s["indicator"] == r["Indicator"] and s["unit"] == r["Units"]
                assert s["series_description"] == r["SeriesDescription"].strip()
    assert seen > 0


def test_areas_follow_m49_with_the_un_country_groups():
    areas = read(ROOT / "data/reference/areas.csv")
    assert len({a["m49"] for a in areas}) == len(areas) == 248
    count = lambda flag: sum(a[flag] == "1" for a in areas)  # noqa: E731
    # 44 LDCs (1 Jan 2025), 32 LLDCs, 58 SIDS (38 UN members + 20 others), as listed by UN-OHRLLS
    assert (count("is_ldc"), count("is_lldc"), count("is_sids")) == (44, 32, 58)
    by_iso = {a["iso3"]: a for a in areas}
    assert by_iso["AFG"]["m49"] == "4" and by_iso["AFG"]["is_ldc"] == by_iso["AFG"]["is_lldc"] == "1"
    assert by_iso["KEN"]["region"] == "Africa" and by_iso["TUV"]["is_sids"] == "1"
    assert all(a["lat"] and a["lon"] for a in areas), "every area needs a point for the map"


def test_every_drawn_country_with_an_m49_code_is_an_area():
    topo = json.loads((ROOT / "static/world_110m.json").read_text(encoding="utf-8"))
    drawn = {g["id"] for g in topo["objects"]["countries"]["geometries"] if g.get("id")}
    areas = {a["iso3"] for a in read(ROOT / "data/reference/areas.csv")}
    # Taiwan has no M49 code of its own in UNSD's list; every other drawn shape is an M49 area
    assert drawn - areas == {"TWN"}
