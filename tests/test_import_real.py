"""Importing every real file of ../shared/realdata into a fresh demo database, checked against counts
made here from the file itself (csv, openpyxl, json, ElementTree and arithmetic), never against the
importer's own output: rows kept, series, areas, years and the population groups found. Each import
is then written, imported again (a no-op) and removed (the observations are as before).

Run with -s to see the table of what each file gave (and the import throughput)."""

import csv
import hashlib
import json
import math
import re
import time
import warnings
import xml.etree.ElementTree as ET
from collections import Counter
from functools import cache
from pathlib import Path

import duckdb
import openpyxl
import pytest
from conftest import REALDATA, ROOT, derived_rows

from gapmonitor import db, importer
from tests.actors import OPERATOR

pytestmark = pytest.mark.skipif(not REALDATA.exists(), reason=f"../shared/realdata is absent ({REALDATA})")

UN = REALDATA / "un_sdg_global_db"
UK = REALDATA / "open_sdg_uk"
RWANDA = REALDATA / "open_sdg_rwanda"
RWANDA_DATA = RWANDA / "2025_RWA-SDG_Data.sdmx.xml"
RWANDA_DSD = RWANDA / "RWA_2025_SDG_DSD.xml"
FRAMEWORK = REALDATA / "sdg_framework" / "Tier_Classification_of_SDG_Indicators_30_Nov_2022_web.xlsx"
LAD = UK / "geojsons" / "Local_Authority_Districts_December_2016_GB_BUC.geojson"
REFERENCE = ROOT / "data" / "reference"

# (file, read options, the groups the brief says must be found)
OBSERVATION_FILES = [
    (UN / "unsdg_4.1.1_t411.csv", {}, {"Women and girls"}),
    (UN / "unsdg_4.2.1_t421.csv", {}, set()),
    (UN / "unsdg_1.4.2_t142.csv", {}, set()),
    (UN / "unsdg_Goal5_export.csv", {}, {"Women and girls"}),
    (UN / "unsdg_Goal5_export.xlsx", {}, {"Women and girls"}),
    (UK / "data" / "indicator_8-5-2.csv", {"country": "GBR"}, {"Persons with disabilities"}),
    (UK / "data" / "indicator_5-2-1.csv", {"country": "GBR"}, set()),
    (UK / "data" / "indicator_1-2-1.csv", {"country": "GBR"}, set()),
    (UK / "data" / "indicator_11-3-1.csv", {"country": "GBR"}, set()),
    (RWANDA_DATA, {"country": "RWA", "structure": RWANDA_DSD}, {"Rural population"}),
]

# What the closing note shows: one line per file, printed at the end of the module (pytest -s).
REPORT: dict[str, dict] = {}


# ---------------------------------------------------------------------------------------------
# fixtures and database helpers


@pytest.fixture(scope="module", autouse=True)
def closing_table():
    yield
    if not REPORT:
        return
    columns = ["file", "format", "rows", "kept", "rejected", "skipped (why)", "series", "areas", "years", "groups",
               "seconds"]
    lines = [[str(r.get(c, "")) for c in columns] for r in REPORT.values()]
    widths = [min(60, max(len(c), *(len(line[i]) for line in lines))) for i, c in enumerate(columns)]
    print("\n\nReal files imported into a fresh demo database")
    print(" | ".join(c.ljust(w) for c, w in zip(columns, widths)))
    print("-+-".join("-" * w for w in widths))
    for line in lines:
        print(" | ".join(cell.ljust(w) for cell, w in zip(line, widths)))
    for name, r in REPORT.items():
        if r.get("problems"):
            print(f"\n{name}: problems, grouped")
            for text, n in r["problems"]:
                print(f"  {n:>5} x {text}")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def scalar(path: Path, sql: str, params=None):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()[0][0]


def rows_of(path: Path, sql: str, params=None) -> list:
    with db.connect(path) as con:
        return con.execute(sql, params or []).fetchall()


def run_preview(path: Path, file: Path, **options) -> importer.Preview:
    batch = importer.read(file, **options)
    with db.connect(path) as con:
        return importer.preview(con, batch, importer.checksum(file), options.get("country"))


def grouped(problems) -> list[tuple[str, int]]:
    """Problem messages with counts, names and numbers in them folded ("new area 'Kigali'" -> "new area '…'")."""
    def fold(message: str) -> str:
        message = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", message)
        message = re.sub(r"\[[^\]]*\]", "[…]", message)  # repaired-geometry details
        return re.sub(r"\b\d+(\.[0-9a-z]+)*\b", "n", message)
    counts = Counter(f"{p.severity}: {fold(p.message)}" + (f" [{p.column}]" if p.column else "") for p in problems)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


# ---------------------------------------------------------------------------------------------
# ground truth, read from the files without the code under test


@cache
def group_mapping() -> dict[tuple[str, str], set[str]]:
    """(dimension, value) -> group labels, from the reference CSVs every database is built from (a value
    can denote several groups: AGE=Y15T17 is youth and children)."""
    mapping: dict[tuple[str, str], set[str]] = {}
    with open(REFERENCE / "group_mapping.csv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            mapping.setdefault((r["dimension"], r["dim_value"]), set()).add(labels()[r["group_id"]])
    return mapping


@cache
def labels() -> dict[str, str]:
    with open(REFERENCE / "groups.csv", encoding="utf-8", newline="") as f:
        return {r["group_id"]: r["label"] for r in csv.DictReader(f)}


@cache
def series_groups() -> dict[str, set[str]]:
    """Series -> the group labels it measures by definition (data/reference/series_groups.csv)."""
    found: dict[str, set[str]] = {}
    with open(REFERENCE / "series_groups.csv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            if r["group_id"]:
                found.setdefault(r["series"], set()).add(labels()[r["group_id"]])
    return found


def groups_of(series: str, cells) -> set[str]:
    """The groups one record speaks for: its series' own, and each of its (dimension, value) cells'."""
    return series_groups().get(series, set()).union(*(group_mapping().get(cell, set()) for cell in cells))


def is_number(text) -> bool:
    """A value the database can hold: a finite number ('NaN', 'N', 'NV' and blanks are not)."""
    try:
        return math.isfinite(float(str(text).strip()))
    except ValueError:
        return False


# UN export columns that are identifiers or attributes, not dimensions (spellings as in the files)
UN_NOT_DIMENSIONS = {"", "Goal", "Target", "Indicator", "SeriesCode", "SeriesDescription", "GeoAreaCode", "GeoAreaName",
                     "TimePeriod", "Value", "Time_Detail", "TimeCoverage", "UpperBound", "LowerBound", "BasePeriod",
                     "Source", "GeoInfoUrl", "FootNote", "Nature", "Observation Status", "Reporting Type", "Units"}


def un_records(path: Path) -> list[dict]:
    if path.suffix == ".xlsx":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        rows = list(book.worksheets[0].iter_rows(values_only=True))
        header = ["" if c is None else str(c).strip() for c in rows[0]]
        return [{h: "" if c is None else str(c).strip() for h, c in zip(header, row) if h}
                for row in rows[1:] if any(c not in (None, "") for c in row)]
    with open(path, encoding="utf-8", newline="") as f:
        return [{k.strip().strip("[]"): v.strip() for k, v in r.items()} for r in csv.DictReader(f)]


def un_truth(path: Path) -> dict:
    records = un_records(path)
    kept = [r for r in records if is_number(r["Value"])]
    dims = sorted(set(records[0]) - UN_NOT_DIMENSIONS)
    identity = Counter((r["SeriesCode"], r["GeoAreaCode"], r["Time_Detail"] or r["TimePeriod"], *(r[d] for d in dims))
                       for r in kept)
    return {
        "rows": len(records),
        "kept": len(kept),
        "skipped": Counter(r["Value"] or "(blank)" for r in records if not is_number(r["Value"])),
        "duplicates": sum(n - 1 for n in identity.values()),
        "series": {r["SeriesCode"] for r in kept},
        "areas": {r["GeoAreaCode"] for r in kept},
        "years": {int(r["TimePeriod"][:4]) for r in kept},
        "group_rows": Counter(g for r in kept for g in groups_of(r["SeriesCode"], [(d, r[d]) for d in dims])),
    }


def open_sdg_year(text: str) -> int:
    """'2000 Q1' -> 2000, '2004/05' -> 2005, '2013/16' -> 2016 (a span counts for its last year)."""
    m = re.fullmatch(r"(\d{4})(?:\s*/\s*(\d{2}))?(?:\s+Q[1-4])?", text.strip())
    assert m, f"unexpected Year {text!r}"
    start = int(m.group(1))
    return start // 100 * 100 + int(m.group(2)) if m.group(2) else start


OPEN_SDG_ATTRIBUTES = {"Year", "Value", "GeoCode", "Series", "Units", "Unit measure", "Unit multiplier",
                       "Observation status"}


def open_sdg_truth(path: Path) -> dict:
    with open(path, encoding="utf-8", newline="") as f:
        records = [{k: v.strip() for k, v in r.items()} for r in csv.DictReader(f)]
    kept = [r for r in records if is_number(r["Value"])]
    identity = Counter(tuple(v for k, v in r.items() if k not in ("Value", "Observation status", "Unit multiplier"))
                       for r in kept)
    columns = set(records[0]) - OPEN_SDG_ATTRIBUTES
    return {
        "rows": len(records),
        "kept": len(kept),
        "skipped": Counter(r.get("Observation status") or "(blank)" for r in records if not is_number(r["Value"])),
        "duplicates": sum(n - 1 for n in identity.values()),
        # a national series per Series text and unit
        "series": {(r.get("Series", ""), r.get("Units", r.get("Unit measure", ""))) for r in kept},
        # a GeoCode is a subnational area; no GeoCode means the country itself
        "areas": {r.get("GeoCode") or "(country)" for r in kept},
        "years": {open_sdg_year(r["Year"]) for r in kept},
        # national series are the platform's own codes: no series of the UN list
        "group_rows": Counter(g for r in kept for g in groups_of("", [(c, r[c]) for c in columns])),
    }


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def rwanda_truth() -> dict:
    structure = ET.parse(RWANDA_DSD).getroot()
    dimension_list = next(e for e in structure.iter() if local(e.tag) == "DimensionList")
    dimensions = [e.get("id") for e in dimension_list if local(e.tag) in ("Dimension", "TimeDimension")]
    data = ET.parse(RWANDA_DATA).getroot()
    records = [{**series.attrib, **obs.attrib} for series in data.iter() if local(series.tag) == "Series"
               for obs in series if local(obs.tag) == "Obs"]
    kept = [r for r in records if is_number(r.get("OBS_VALUE", ""))]
    identity = Counter(tuple(r.get(d) for d in dimensions) for r in kept)
    return {
        "rows": len(records),
        "kept": len(kept),
        "skipped": Counter(r.get("OBS_VALUE") or "(blank)" for r in records if not is_number(r.get("OBS_VALUE", ""))),
        "duplicates": sum(n - 1 for n in identity.values()),
        "series": {r["SERIES"] for r in kept},
        "areas": {r["REF_AREA"] for r in kept},
        "years": {int(r["TIME_PERIOD"][:4]) for r in kept},
        "group_rows": Counter(g for r in kept for g in groups_of(r["SERIES"], [(d, r.get(d)) for d in dimensions])),
    }


def truth_of(file: Path) -> dict:
    if file.parent == UN:
        return un_truth(file)
    if file == RWANDA_DATA:
        return rwanda_truth()
    return open_sdg_truth(file)


# ---------------------------------------------------------------------------------------------
# observation files


@pytest.mark.parametrize("file, options, must_find", OBSERVATION_FILES, ids=[f.name for f, _, _ in OBSERVATION_FILES])
def test_real_file_imports_whole_once_and_removes(fresh, file, options, must_find):
    truth = truth_of(file)
    assert truth["kept"] > 0 and truth["duplicates"] == 0  # the real files hold no duplicate observations
    observations_before = scalar(fresh, "select count(*) from observation")

    started = time.perf_counter()
    preview = run_preview(fresh, file, **options)
    summary = preview.summary
    assert summary["rows to import"] == len(preview.rows) == truth["kept"]
    assert preview.rejected == summary["rows rejected"] == truth["duplicates"] == 0
    assert not preview.errors, preview.errors[:5]
    # every row not kept was told as skipped, row by row, naming the Value column and the file
    skipped = [p for p in preview.warnings if p.row is not None and p.column in ("Value", "OBS_VALUE")]
    assert len(skipped) == truth["rows"] - truth["kept"] == sum(truth["skipped"].values())
    assert all(p.file == file.name for p in preview.problems)
    assert summary["series"] == len(truth["series"])
    assert summary["areas"] == len(truth["areas"])
    assert summary["years"] == f"{min(truth['years'])}–{max(truth['years'])}"
    found = set() if summary["groups found"] == "none" else set(summary["groups found"].split(", "))
    assert found == set(truth["group_rows"])
    assert must_find <= found

    dataset = importer.apply(preview, by=OPERATOR, title=file.name, source="test: real data", path=fresh)
    seconds = time.perf_counter() - started
    assert dataset == preview.dataset_id
    assert scalar(fresh, "select count(*) from observation where dataset_id = ?", [dataset]) == truth["kept"]
    assert scalar(fresh, "select count(*) from observation") == observations_before + truth["kept"]
    assert scalar(fresh, "select count(distinct series) from observation where dataset_id = ?",
                  [dataset]) == len(truth["series"])
    assert scalar(fresh, "select count(distinct area) from observation where dataset_id = ?",
                  [dataset]) == len(truth["areas"])
    assert rows_of(fresh, "select min(year), max(year) from observation where dataset_id = ?",
                   [dataset])[0] == (min(truth["years"]), max(truth["years"]))
    # the groups as the gap rules see them: one observation counts once for each group it speaks for
    in_db = dict(rows_of(fresh, """
        select g.label, count(distinct (o.series, o.area, o.dims, o.time_detail))
        from observation_group as o join population_group as g using (group_id)
        where o.dataset_id = ? and o.group_id <> 'total' group by all""", [dataset]))
    assert in_db == dict(truth["group_rows"])
    # every observation points to an area, series and indicator that exist
    assert scalar(fresh, """
        select count(*) from observation as o
        left join area as a on a.code = o.area left join series as s on s.code = o.series
        left join indicator as i on i.code = s.indicator
        where o.dataset_id = ? and (a.code is null or s.code is null or i.code is null)""", [dataset]) == 0
    if options.get("country"):  # a national file's areas are the country and its subnational areas
        assert scalar(fresh, """select count(*) from observation as o join area as a on a.code = o.area
                                where o.dataset_id = ? and a.code <> ? and coalesce(a.parent, '') <> ?""",
                      [dataset, options["country"], options["country"]]) == 0
    assert rows_of(fresh, "select file_name, checksum, is_demo, kind from dataset where dataset_id = ?",
                   [dataset]) == [(file.name, importer.checksum(file), False, "official")]

    # only the file's indicators were rebuilt, and they came out as a full rebuild would
    rebuilt = derived_rows(fresh)
    with db.writing(fresh):
        pass
    assert derived_rows(fresh) == rebuilt

    # the same file again: recognised, nothing written (not one byte)
    written = digest(fresh)
    again = run_preview(fresh, file, **options)
    assert again.already == dataset
    assert importer.apply(again, by=OPERATOR, title="again", source="test", path=fresh) == dataset
    assert digest(fresh) == written
    assert scalar(fresh, "select count(*) from observation where dataset_id = ?", [dataset]) == truth["kept"]

    importer.remove(dataset, fresh, by=OPERATOR)
    assert scalar(fresh, "select count(*) from observation") == observations_before
    assert scalar(fresh, "select count(*) from dataset where dataset_id = ?", [dataset]) == 0

    REPORT[file.name] = {
        "file": file.name, "format": preview.batch.format, "rows": truth["rows"], "kept": truth["kept"],
        "rejected": preview.rejected,
        "skipped (why)": ", ".join(f"{n} {why}" for why, n in truth["skipped"].most_common()) or "0",
        "series": len(truth["series"]), "areas": len(truth["areas"]),
        "years": f"{min(truth['years'])}-{max(truth['years'])}",
        "groups": ", ".join(sorted(found)) or "none", "seconds": f"{seconds:.2f}",
        "problems": grouped(preview.problems),
    }


def test_uk_disability_rows_land_as_persons_with_disabilities(fresh):
    """UK 8-5-2: every row of disabled people ('Disabled (GSS harmonised)'; not 'Non-disabled ...') counts
    for persons with disabilities, with its value."""
    file = UK / "data" / "indicator_8-5-2.csv"
    with open(file, encoding="utf-8", newline="") as f:
        disabled = [r for r in csv.DictReader(f)
                    if r["Disability status"].strip().startswith("Disabled") and is_number(r["Value"])]
    assert len(disabled) > 100
    dataset = importer.apply(run_preview(fresh, file, country="GBR"), by=OPERATOR, title="8.5.2", source="ONS", path=fresh)
    assert scalar(fresh, "select count(*) from observation_group where dataset_id = ? and group_id = 'disability'",
                  [dataset]) == len(disabled)
    assert sorted(rows_of(fresh, """select value from observation
                                    where dataset_id = ? and dims like '%Disability status=Disabled%'""", [dataset])) \
        == sorted((float(r["Value"]),) for r in disabled)


# ---------------------------------------------------------------------------------------------
# reference files: the indicator framework and boundaries


def framework_truth() -> dict[str, tuple[str, str]]:
    """code -> (title, tier) from the 'Updated Tier classification' sheet, header on row 2."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(FRAMEWORK, read_only=True, data_only=True)
    rows = list(book["Updated Tier classification"].iter_rows(values_only=True))
    header = [str(c or "").strip() for c in rows[1]]
    indicator, tier = header.index("Indicator"), header.index("Tier Classification")
    found = {}
    for row in rows[2:]:
        text = " ".join(str(row[indicator] or "").split())
        m = re.match(r"(\d+\.[0-9a-z]+\.\d+) (.+)", text)
        if m:
            found[m.group(1)] = (m.group(2), " ".join(str(row[tier] or "").split()))
    return found


@pytest.mark.skipif(not FRAMEWORK.exists(), reason=f"../shared/realdata is absent ({FRAMEWORK})")
def test_framework_workbook_imports_as_reference(fresh):
    truth = framework_truth()
    assert len(truth) > 200
    observations_before = scalar(fresh, "select count(*) from observation")
    started = time.perf_counter()
    preview = run_preview(fresh, FRAMEWORK)
    assert preview.batch.format == "framework"
    assert preview.summary["indicators"] == len(truth)
    assert preview.summary["goals"] == len({code.split(".")[0] for code in truth}) == 17
    assert preview.rejected == 0 and not preview.errors
    dataset = importer.apply(preview, by=OPERATOR, title="Tier classification", source="IAEG-SDGs", path=fresh)
    seconds = time.perf_counter() - started
    in_db = {code: (title, tier) for code, title, tier in rows_of(fresh, "select code, title, tier from indicator")
             if code in truth}
    assert in_db == truth
    assert scalar(fresh, "select kind from dataset where dataset_id = ?", [dataset]) == "reference"
    assert scalar(fresh, "select count(*) from observation") == observations_before

    written = digest(fresh)
    again = run_preview(fresh, FRAMEWORK)
    assert again.already == dataset
    assert importer.apply(again, by=OPERATOR, title="again", source="test", path=fresh) == dataset
    assert digest(fresh) == written
    importer.remove(dataset, fresh, by=OPERATOR)
    assert scalar(fresh, "select count(*) from dataset where dataset_id = ?", [dataset]) == 0
    assert scalar(fresh, "select count(*) from observation") == observations_before
    REPORT[FRAMEWORK.name] = {
        "file": FRAMEWORK.name, "format": "framework", "rows": len(truth), "kept": preview.summary["indicators"],
        "rejected": preview.rejected, "skipped (why)": "goal header rows", "series": "-", "areas": "-", "years": "-",
        "groups": "-", "seconds": f"{seconds:.2f}", "problems": grouped(preview.problems),
    }


@pytest.mark.skipif(not LAD.exists(), reason=f"../shared/realdata is absent ({LAD})")
def test_lad_boundaries_import_as_subnational_areas_of_gbr(fresh):
    features = json.loads(LAD.read_text(encoding="utf-8"))["features"]
    codes = {f["properties"]["LAD16CD"]: f["properties"]["LAD16NM"] for f in features}
    assert len(codes) == len(features) == 380
    known = {c for c, in rows_of(fresh, "select local_code from area where parent = 'GBR' and kind = 'subnational'")}
    observations_before = scalar(fresh, "select count(*) from observation")

    started = time.perf_counter()
    preview = run_preview(fresh, LAD, country="GBR", code_property="LAD16CD", name_property="LAD16NM")
    assert preview.batch.format == "boundaries"
    assert preview.summary["areas"] == len(codes)
    assert preview.summary["new areas"] == len(set(codes) - known)
    assert preview.rejected == 0 and not preview.errors
    dataset = importer.apply(preview, by=OPERATOR, title="LAD 2016", source="ONS", path=fresh)
    seconds = time.perf_counter() - started
    drawn = rows_of(fresh, """select local_code, name, geometry is not null from area
                              where parent = 'GBR' and kind = 'subnational' and boundary_dataset = ?""", [dataset])
    assert {code: name for code, name, _ in drawn} == codes
    assert all(has_shape for _, _, has_shape in drawn)
    assert scalar(fresh, "select count(*) from observation") == observations_before

    written = digest(fresh)
    again = run_preview(fresh, LAD, country="GBR", code_property="LAD16CD", name_property="LAD16NM")
    assert again.already == dataset
    assert importer.apply(again, by=OPERATOR, title="again", source="test", path=fresh) == dataset
    assert digest(fresh) == written
    importer.remove(dataset, fresh, by=OPERATOR)
    assert scalar(fresh, "select count(*) from area where boundary_dataset = ? or (parent = 'GBR' and geometry is not null)",
                  [dataset]) == 0
    assert scalar(fresh, "select count(*) from observation") == observations_before
    REPORT[LAD.name] = {
        "file": LAD.name, "format": "boundaries", "rows": len(features), "kept": preview.summary["areas"],
        "rejected": preview.rejected, "skipped (why)": "0", "series": "-", "areas": len(codes), "years": "-",
        "groups": "-", "seconds": f"{seconds:.2f}", "problems": grouped(preview.problems),
    }


@pytest.mark.skipif(not (LAD.exists() and (UK / "data" / "indicator_11-3-1.csv").exists()),
                    reason=f"../shared/realdata is absent ({REALDATA})")
def test_lad_geocodes_of_11_3_1_join_imported_boundaries(fresh):
    """After the LAD boundaries, 11-3-1's local authority GeoCodes are those areas, not new ones."""
    lad_codes = {f["properties"]["LAD16CD"] for f in json.loads(LAD.read_text(encoding="utf-8"))["features"]}
    file = UK / "data" / "indicator_11-3-1.csv"
    with open(file, encoding="utf-8", newline="") as f:
        geocodes = {r["GeoCode"].strip() for r in csv.DictReader(f) if r["GeoCode"].strip()}
    importer.apply(run_preview(fresh, LAD, country="GBR", code_property="LAD16CD", name_property="LAD16NM"),
                   by=OPERATOR, title="LAD", source="ONS", path=fresh)
    preview = run_preview(fresh, file, country="GBR")
    assert set(preview.new_areas.local_code) == geocodes - lad_codes
    assert len(geocodes & lad_codes) > 300


# ---------------------------------------------------------------------------------------------
# throughput


@pytest.mark.skipif(not (UK / "data" / "indicator_8-5-2.csv").exists(), reason=f"../shared/realdata is absent ({REALDATA})")
def test_throughput_on_the_largest_real_file(fresh):
    file = UK / "data" / "indicator_8-5-2.csv"  # 9,261 rows: the largest real file by rows
    with open(file, encoding="utf-8", newline="") as f:
        rows = sum(1 for _ in csv.DictReader(f))
    t0 = time.perf_counter()
    batch = importer.read(file, country="GBR")
    t1 = time.perf_counter()
    with db.connect(fresh) as con:
        preview = importer.preview(con, batch, importer.checksum(file), "GBR")
    t2 = time.perf_counter()
    importer.apply(preview, by=OPERATOR, title="8.5.2", source="ONS", path=fresh)
    t3 = time.perf_counter()
    rate = rows / (t3 - t0)
    print(f"\n\nthroughput, {file.name} ({rows} rows, {len(preview.rows)} kept): read {t1 - t0:.2f} s, "
          f"preview {t2 - t1:.2f} s, write {t3 - t2:.2f} s; {rate:,.0f} rows/s end to end")
    assert rate > 500  # a very loose floor: measured at several thousand rows/s
