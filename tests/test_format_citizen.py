"""The citizen data template (data/templates/): the shipped CSV and XLSX read with no error and give the
rows they hold (counted here with csv and openpyxl, not by the reader); a template import writes its
rows with their sample sizes and its description, and is removed again; broken inputs each give a
problem naming file, row, column and value, and leave the database as it was; the command line takes
the description as options."""

import csv
import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import pytest
from conftest import ROOT

from gapmonitor import db, importer
from gapmonitor.formats import DESCRIPTION_FIELDS, ReadError, citizen
from tests.actors import OPERATOR

TEMPLATES = ROOT / "data" / "templates"
CSV = TEMPLATES / "citizen_data_template.csv"
XLSX = TEMPLATES / "citizen_data_template.xlsx"
DESCRIPTION = {"producer": "Example Community Monitors (fictional)", "producer_type": "Community-based organisation",
               "method": "Household questionnaire (illustrative)", "collection_start": "2023-02-01",
               "collection_end": "2023-11-30"}
GROUP_COLUMNS = ["Sex", "Age", "Location", "Quantile", "Disability status", "Migratory status", "Ethnicity"]


# ---------------------------------------------------------------------------------------------
# ground truth, read from the files without the reader


def csv_rows(path: Path) -> list[tuple[int, dict]]:
    with open(path, encoding="utf-8", newline="") as f:
        return [(number, r) for number, r in enumerate(csv.DictReader(f), start=2)]


def xlsx_rows(path: Path, sheet: str = "observations") -> list[tuple[int, dict]]:
    book = openpyxl.load_workbook(path, read_only=True)
    rows = list(book[sheet].iter_rows(values_only=True))
    book.close()
    header = rows[0]
    return [(number, {h: ("" if v is None else str(v)) for h, v in zip(header, r)})
            for number, r in enumerate(rows[1:], start=2) if any(v is not None for v in r)]


def expected(rows: list[tuple[int, dict]]) -> set[tuple]:
    """What each row should become: (row, area, groups, period, value, sample size)."""
    return {(number, r["area_code"] or r["country"], frozenset((g, r[g]) for g in GROUP_COLUMNS if r[g]),
             r["period"], float(r["value"]), int(r["sample_size"])) for number, r in rows}


def got(batch) -> set[tuple]:
    return {(o.row, o.area, frozenset(tuple(p.split("=")) for p in o.dims.split("|") if p), o.time_detail, o.value,
             int(o.sample_size)) for o in batch.observations.itertuples()}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def state(path: Path) -> tuple:
    """The database file's bytes and the rows of every table."""
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [t for t, in con.execute("select table_name from information_schema.tables "
                                          "where table_type = 'BASE TABLE' order by 1").fetchall()]
        counts = {t: con.execute(f'select count(*) from "{t}"').fetchall()[0][0] for t in tables}
    return digest(path), counts


def rows_of(path: Path, sql: str, params=None) -> list:
    with db.connect(path) as con:
        return con.execute(sql, params or []).fetchall()


def preview_of(file: Path, path: Path, fmt: str | None = None) -> importer.Preview:
    batch = importer.read(file, fmt)
    with db.connect(path) as con:
        return importer.preview(con, batch, importer.checksum(file))


# ---------------------------------------------------------------------------------------------
# the shipped templates


@pytest.mark.parametrize("template, rows", [(CSV, csv_rows), (XLSX, xlsx_rows)], ids=["csv", "xlsx"])
def test_template_reads_with_no_error_and_gives_its_rows(template, rows):
    assert importer.detect(template) == "citizen"
    batch = citizen.read(template)
    assert batch.format == "citizen" and batch.file == template.name
    assert [p for p in batch.problems if p.severity in ("error", "fatal")] == []
    truth = rows(template)
    assert len(truth) >= 5 and len(batch.observations) == len(truth)
    assert got(batch) == expected(truth)
    obs = batch.observations
    assert set(obs.nature) == {"CGD"}
    national = obs.area_scheme == "iso3"
    assert (obs.area[national] == "MWI").all() and (obs.area_scheme[~national] == "area").all()
    # every subnational area the rows name, once, with its name and country
    areas = {(r["area_code"], r["area_name"], r["country"]) for _, r in truth if r["area_code"]}
    assert areas and {tuple(a) for a in batch.new_areas[["code", "name", "parent"]].to_numpy()} == areas
    assert (batch.new_areas.code == batch.new_areas.local_code).all()
    # a blank series code is made from the indicator
    blank = {r["indicator"] for _, r in truth if not r["series"]}
    assert blank and {f"CGD_{i.replace('.', '_')}" for i in blank} <= set(obs.series)


def test_csv_and_xlsx_templates_hold_the_same_rows():
    assert expected(csv_rows(CSV)) == expected(xlsx_rows(XLSX))


def test_xlsx_description_lands_in_batch_dataset_and_csv_has_none():
    sheet = {r["field"]: r["value"] for _, r in xlsx_rows(XLSX, "dataset")}
    assert set(sheet) == set(DESCRIPTION_FIELDS)
    batch = citizen.read(XLSX)
    assert batch.dataset == sheet
    assert batch.dataset["producer"] == "Example Community Monitors (fictional)"
    assert citizen.read(CSV).dataset is None


def test_templates_say_the_numbers_are_illustrative_and_explain_every_column():
    with open(CSV, encoding="utf-8", newline="") as f:
        columns = next(csv.reader(f))
    readme = (TEMPLATES / "README.md").read_text(encoding="utf-8")
    guide = " ".join(str(v) for r in openpyxl.load_workbook(XLSX, read_only=True)["guide"].iter_rows(values_only=True)
                     for v in r if v is not None)
    for text in (readme, guide):
        assert "illustrative, not real data" in text
        assert all(c in text for c in columns + DESCRIPTION_FIELDS)
    assert all(f"`{c}`" in readme for c in columns)
    assert "--kind citizen" in readme and "--producer" in readme


# ---------------------------------------------------------------------------------------------
# importing a template, and removing it


def test_template_import_writes_rows_with_sample_sizes_and_is_removed(fresh):
    before = rows_of(fresh, "select count(*) from observation")[0][0]
    preview = preview_of(CSV, fresh)
    assert preview.errors == [] and preview.rejected == 0 and len(preview.rows) == len(csv_rows(CSV))
    dataset = importer.apply(preview, by=OPERATOR, title="Template", source="Example (fictional)", kind="citizen",
                             description=DESCRIPTION, path=fresh)
    written = rows_of(fresh, "select area, time_detail, value, sample_size, footnote from observation "
                             "where dataset_id = ?", [dataset])
    truth = {(r["area_code"] or r["country"], r["period"], float(r["value"]), int(r["sample_size"]))
             for _, r in csv_rows(CSV)}
    assert {w[:4] for w in written} == truth and len(written) == len(truth)
    assert all("Illustrative" in w[4] for w in written)
    assert rows_of(fresh, "select kind from dataset where dataset_id = ?", [dataset]) == [("citizen",)]
    about = rows_of(fresh, "select producer, producer_type, method, cast(collection_start as varchar), "
                           "cast(collection_end as varchar), nso_review from citizen_dataset where dataset_id = ?",
                    [dataset])
    assert about == [(*(DESCRIPTION[k] for k in ("producer", "producer_type", "method", "collection_start",
                                                "collection_end")), "not reviewed")]
    # confidentiality applies to it at once: the row behind fewer than 10 is suppressed
    small = min(int(r["sample_size"]) for _, r in csv_rows(CSV))
    assert small < 10
    assert rows_of(fresh, "select value, reliability from released_observation where dataset_id = ? and "
                          "sample_size is null", [dataset]) == [(None, "suppressed")]

    importer.remove(dataset, fresh, by=OPERATOR)
    assert rows_of(fresh, "select count(*) from observation")[0][0] == before
    assert rows_of(fresh, "select count(*) from citizen_dataset where dataset_id = ?", [dataset]) == [(0,)]
    assert rows_of(fresh, "select count(*) from dataset where dataset_id = ?", [dataset]) == [(0,)]


def test_xlsx_import_takes_its_description_from_the_sheet(fresh):
    preview = preview_of(XLSX, fresh)
    dataset = importer.apply(preview, by=OPERATOR, title="Template", source="Example (fictional)", kind="citizen", path=fresh)
    sheet = {r["field"]: r["value"] for _, r in xlsx_rows(XLSX, "dataset")}
    assert rows_of(fresh, "select producer, method, cast(collection_end as varchar) from citizen_dataset "
                          "where dataset_id = ?", [dataset]) == [(sheet["producer"], sheet["method"],
                                                                  sheet["collection_end"])]
    assert rows_of(fresh, "select count(*) from observation where dataset_id = ?", [dataset]) == [(len(xlsx_rows(XLSX)),)]


def test_csv_without_a_description_is_refused_and_changes_nothing(fresh):
    preview = preview_of(CSV, fresh)
    before = state(fresh)
    with pytest.raises(ValueError, match="producer"):
        importer.apply(preview, by=OPERATOR, title="t", source="s", kind="citizen", path=fresh)
    assert state(fresh) == before


def test_a_new_subnational_area_is_added_under_its_country(fresh, tmp_path):
    file = tmp_path / "new_area.csv"
    file.write_text("indicator,country,area_code,area_name,period,value,sample_size\n"
                    "6.1.1,MWI,EXAMPLE-ZC,Zomba City (example),2023,50,120\n"
                    "6.1.1,MWI,MW-ZO,Zomba,2023,40,300\n", encoding="utf-8")
    preview = preview_of(file, fresh)
    assert list(preview.new_areas.code) == ["EXAMPLE-ZC"]  # MW-ZO is in the demo database already
    dataset = importer.apply(preview, by=OPERATOR, title="t", source="s", description=DESCRIPTION, path=fresh)
    assert rows_of(fresh, "select name, kind, parent from area where code = 'EXAMPLE-ZC'") == [
        ("Zomba City (example)", "subnational", "MWI")]
    assert sorted(rows_of(fresh, "select area from observation where dataset_id = ?", [dataset])) == [
        ("EXAMPLE-ZC",), ("MW-ZO",)]


# ---------------------------------------------------------------------------------------------
# broken inputs: a problem names file, row, column and value; the database is unchanged


def edited(tmp_path: Path, name: str, row: int, changes: dict, blank_line_before: bool = False) -> Path:
    """The CSV template with some cells of one row (as numbered in the file) changed."""
    with open(CSV, encoding="utf-8", newline="") as f:
        records = list(csv.reader(f))
    header = records[0]
    for column, value in changes.items():
        records[row - 1][header.index(column)] = value
    path = tmp_path / name
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        for number, cells in enumerate(records, start=1):
            if blank_line_before and number == row:
                f.write("\n")
            writer.writerow(cells)
    return path


BROKEN = {
    # name: (row, {column: value}, severity seen where)
    "missing_sample_size.csv": (3, {"sample_size": ""}, "sample_size", ""),
    "text_value.csv": (4, {"value": "about 40"}, "value", "about 40"),
    "comma_decimal.csv": (2, {"value": "41,8"}, "value", "41,8"),
    "lower_above_value.csv": (5, {"lower_bound": "31.5"}, "lower_bound", "31.5"),
    "upper_below_value.csv": (2, {"upper_bound": "40"}, "upper_bound", "40"),
    "unknown_country.csv": (3, {"country": "XYZ"}, "country", "XYZ"),
    "zero_sample_size.csv": (3, {"sample_size": "0"}, "sample_size", "0"),
    "bad_period.csv": (6, {"period": "last year"}, "period", "last year"),
    "bad_indicator.csv": (2, {"indicator": "six"}, "indicator", "six"),
    "name_without_code.csv": (2, {"area_name": "Zomba"}, "area_name", "Zomba"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_row_is_named_and_the_import_refused(fresh, tmp_path, name):
    row, changes, column, value = BROKEN[name]
    file = edited(tmp_path, name, row, changes)
    preview = preview_of(file, fresh)  # the preview carries the reader's problems and its own
    problems = [p for p in preview.errors if (p.file, p.row, p.column, p.value) == (name, row, column, value)]
    assert problems, preview.problems
    assert preview.rejected == 1 and len(preview.rows) == len(csv_rows(CSV)) - 1
    before = state(fresh)
    with pytest.raises(importer.ImportRefused) as caught:
        importer.apply(preview, by=OPERATOR, title="t", source="s", kind="citizen", description=DESCRIPTION, path=fresh)
    assert f"{name}, row {row}, column '{column}'" in str(caught.value)
    assert state(fresh) == before


def test_country_the_database_does_not_know_is_refused_by_the_preview(fresh, tmp_path):
    """TWN is an ISO 3166-1 code (the reader accepts it) but not an M49 area, so not in the database:
    the importer's preview rejects the row."""
    file = edited(tmp_path, "unknown_to_database.csv", 3, {"country": "TWN"})
    assert [p for p in citizen.read(file).problems if p.severity == "error"] == []
    preview = preview_of(file, fresh)
    assert [(p.file, p.row, p.value) for p in preview.errors] == [(file.name, 3, "TWN")]
    before = state(fresh)
    with pytest.raises(importer.ImportRefused):
        importer.apply(preview, by=OPERATOR, title="t", source="s", description=DESCRIPTION, path=fresh)
    assert state(fresh) == before


def test_row_numbers_count_blank_lines_as_the_file_does(fresh, tmp_path):
    file = edited(tmp_path, "blank_line.csv", 4, {"sample_size": ""}, blank_line_before=True)
    lines = file.read_text(encoding="utf-8").split("\n")
    header = next(csv.reader([lines[0]]))
    assert lines[3] == "" and next(csv.reader([lines[4]]))[header.index("sample_size")] == ""  # line 5
    assert [(p.row, p.column) for p in citizen.read(file).problems if p.severity == "error"] == [(5, "sample_size")]


@pytest.mark.parametrize("dropped", ["sample_size", "country", "value"])
def test_missing_required_column_is_fatal_and_named(fresh, tmp_path, dropped):
    with open(CSV, encoding="utf-8", newline="") as f:
        records = list(csv.DictReader(f))
    columns = [c for c in records[0] if c != dropped]
    file = tmp_path / f"no_{dropped}.csv"
    with open(file, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(records)
    before = state(fresh)
    with pytest.raises(ReadError) as caught:
        importer.read(file, "citizen")
    problem = caught.value.problem
    assert problem.severity == "fatal" and problem.file == file.name and problem.column == dropped
    assert f"missing column(s) {dropped}" in problem.message and "found: indicator, series" in problem.message
    if dropped != "value":  # still recognised as the template: the reader names what is missing
        with pytest.raises(ReadError, match=dropped):
            importer.read(file)
    assert state(fresh) == before


def test_bad_date_in_the_dataset_sheet_is_an_error_naming_sheet_and_field(fresh, tmp_path):
    file = tmp_path / "bad_date.xlsx"
    shutil.copyfile(XLSX, file)
    book = openpyxl.load_workbook(file)
    sheet = book["dataset"]
    row = next(c.row for c in sheet["A"] if c.value == "collection_end")
    sheet.cell(row=row, column=2).value = "30/11/2023"
    book.save(file)
    batch = citizen.read(file)
    errors = [p for p in batch.problems if p.severity == "error"]
    assert len(errors) == 1
    assert errors[0].column == "collection_end" and errors[0].value == "30/11/2023" and errors[0].file == file.name
    assert "sheet 'dataset'" in errors[0].message and f"row {row}" in errors[0].message
    assert "collection_end" not in batch.dataset and len(batch.observations) == len(xlsx_rows(XLSX))
    preview = preview_of(file, fresh)
    before = state(fresh)
    with pytest.raises(importer.ImportRefused):
        importer.apply(preview, by=OPERATOR, title="t", source="s", kind="citizen", path=fresh)
    assert state(fresh) == before


def test_one_series_has_one_unit(tmp_path):
    file = edited(tmp_path, "two_units.csv", 3, {"unit": "NUMBER"})
    errors = [(p.row, p.column, p.value) for p in citizen.read(file).problems if p.severity == "error"]
    assert errors == [(3, "unit", "NUMBER")]


# ---------------------------------------------------------------------------------------------
# the command line


def cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gapmonitor", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_cli_imports_the_csv_template_with_its_description(fresh):
    before = state(fresh)
    refused = cli("--db", fresh, "import", CSV, "--kind", "citizen", "--source", "Example (fictional)")
    assert refused.returncode == 1 and "producer" in refused.stderr and "--producer" in refused.stderr
    assert state(fresh) == before

    done = cli("--db", fresh, "import", CSV, "--kind", "citizen", "--source", "Example (fictional)",
               "--licence", "CC BY 4.0", "--producer", DESCRIPTION["producer"],
               "--producer-type", DESCRIPTION["producer_type"], "--method", DESCRIPTION["method"],
               "--collection-start", DESCRIPTION["collection_start"], "--collection-end", DESCRIPTION["collection_end"])
    assert done.returncode == 0, done.stderr
    dataset = re.search(r"imported as (import-[0-9a-f]{16})", done.stdout).group(1)
    assert rows_of(fresh, "select producer, producer_type, method, cast(collection_start as varchar), "
                          "cast(collection_end as varchar) from citizen_dataset where dataset_id = ?", [dataset]) == [
        tuple(DESCRIPTION[k] for k in ("producer", "producer_type", "method", "collection_start", "collection_end"))]
    assert rows_of(fresh, "select kind, licence from dataset where dataset_id = ?", [dataset]) == [("citizen", "CC BY 4.0")]
    assert sorted(n for n, in rows_of(fresh, "select sample_size from observation where dataset_id = ?", [dataset])) \
        == sorted(int(r["sample_size"]) for _, r in csv_rows(CSV))

    bad = cli("--db", fresh, "import", CSV, "--source", "s", "--collection-start", "2023-13-01")
    assert bad.returncode != 0 and "collection-start" in bad.stderr


# ---------------------------------------------------------------------------------------------
# the country column: any code or name the one resolver knows (gapmonitor.country_codes)


def test_country_column_takes_alpha2_m49_names_and_eurostat_codes(fresh, tmp_path):
    file = tmp_path / "countries.csv"
    file.write_text("indicator,country,area_code,area_name,period,value,sample_size\n"
                    "6.1.1,MW,,,2023,40,100\n"            # row 2: alpha-2
                    "6.1.1,454,,,2022,41,100\n"           # row 3: M49
                    "6.1.1,Malawi,MW-ZO,Zomba,2023,42,100\n"  # row 4: a name, with an ISO 3166-2 area of it
                    "6.1.1,EL,,,2023,50,100\n"            # row 5: Greece as Eurostat writes it
                    "6.1.1,UK,,,2023,60,100\n"            # row 6: the United Kingdom as Eurostat writes it
                    "6.1.1,EL,GR-I,Attica,2023,51,100\n", encoding="utf-8")  # row 7: EL's alpha-2 is GR
    batch = citizen.read(file)
    assert not [p for p in batch.problems if p.severity == "error"]
    assert list(zip(batch.observations.row, batch.observations.area)) == [
        (2, "MWI"), (3, "MWI"), (4, "MW-ZO"), (5, "GRC"), (6, "GBR"), (7, "GR-I")]
    assert dict(zip(batch.new_areas.code, batch.new_areas.parent)) == {"MW-ZO": "MWI", "GR-I": "GRC"}
    preview = preview_of(file, fresh)
    assert not preview.errors and preview.rejected == 0
    assert sorted(preview.rows.area_code) == ["GBR", "GR-I", "GRC", "MW-ZO", "MWI", "MWI"]


def test_country_column_names_a_code_that_is_no_country_and_an_area_of_another(tmp_path):
    file = tmp_path / "wrong.csv"
    file.write_text("indicator,country,area_code,area_name,period,value,sample_size\n"
                    "6.1.1,XK,,,2023,40,100\n"            # Kosovo: no area of the database, no ISO code
                    "6.1.1,UK,GR-I,Attica,2023,51,100\n", encoding="utf-8")
    errors = {(p.row, p.column, p.value): p.message for p in citizen.read(file).problems if p.severity == "error"}
    assert set(errors) == {(2, "country", "XK"), (3, "area_code", "GR-I")}
    assert errors[(2, "country", "XK")].startswith("not a country") and "M49 number" in errors[(2, "country", "XK")]
    assert "another country" in errors[(3, "area_code", "GR-I")]
