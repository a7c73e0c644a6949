"""Several files in one import (issue 20, part 2): a folder, a glob, several paths, a zip of data files;
each file its own dataset, all or nothing per file, one summary of all. The expected rows are counted
here from the files themselves (csv, openpyxl, ElementTree), never by the importer."""

import csv
import math
import re
import shutil
import warnings
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import duckdb
import openpyxl

from gapmonitor import importer
from gapmonitor.__main__ import main

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT.parent / "shared" / "realdata"
UN = REALDATA / "un_sdg_global_db"
SDMX = REALDATA / "peer_sdg_build" / "data" / "sdmx" / "multiple"
RWANDA = REALDATA / "open_sdg_rwanda"
BROKEN = ROOT / "tests" / "broken"
SMALL = ["unsdg_1.4.2_t142.csv", "unsdg_4.2.1_t421.csv"]


def is_number(text) -> bool:
    try:
        return math.isfinite(float(str(text).strip()))
    except ValueError:
        return False


def numeric_values(path: Path) -> int:
    """The rows of a UN export whose Value is a number (each is imported; a blank or text is not)."""
    if path.suffix == ".xlsx":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = ["" if c is None else str(c).strip() for c in next(rows)]
        value = header.index("Value")
        return sum(is_number(r[value]) for r in rows if r[value] is not None)
    with open(path, encoding="utf-8", newline="") as f:
        return sum(is_number(r["Value"]) for r in csv.DictReader(f))


def sdmx_observations(path: Path) -> int:
    """Observations of an SDMX-ML data message: its Obs elements (generic or structure-specific)."""
    return sum(1 for e in ET.parse(path).iter() if e.tag.rsplit("}", 1)[-1] == "Obs")


def rows(db: Path, sql: str, params=None) -> list:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def imported(db: Path) -> dict[str, tuple[str, int]]:
    """file_name -> (title, observations) of every imported dataset."""
    return {f: (t, n) for f, t, n in rows(db, """
        select d.file_name, d.title, count(o.dataset_id) from dataset d left join observation o using (dataset_id)
        where not d.is_demo group by all""")}


def summary_line(out: str, name: str) -> str:
    """The summary table's line of a file (the table comes last)."""
    table = out[out.index("Summary of"):]
    found = [line for line in table.splitlines() if line.strip().startswith(name + " ") or line.strip() == name]
    assert len(found) == 1, table
    return found[0]


def test_a_folder_imports_each_file_as_its_own_dataset_and_twice_is_already_imported(fresh, capsys):
    files = sorted(p for p in UN.iterdir() if p.suffix in (".csv", ".xlsx"))
    assert {p.name for p in files} >= {"unsdg_Goal5_export.csv", "unsdg_Goal5_export.xlsx"}
    expected = {p.name: numeric_values(p) for p in files}
    assert all(expected.values())

    assert main(["--db", str(fresh), "import", str(UN), "--source", "UN Statistics Division",
                 "--title", "UN export"]) == 0
    out = capsys.readouterr().out
    got = imported(fresh)
    # one dataset per file, the CSV and the XLSX of the Goal 5 export both (different files, different bytes)
    assert {f: n for f, (_, n) in got.items()} == expected
    assert {f: t for f, (t, _) in got.items()} == {p.name: f"UN export: {p.name}" for p in files}
    for p in files:
        line = summary_line(out, p.name)
        assert re.search(rf"\b{expected[p.name]}\s+0\s+imported as import-[0-9a-f]{{16}}$", line), line
    assert f"Summary of {len(files)} file(s): {len(files)} imported, 0 already imported" in out

    # the same folder again: every file is already there, nothing is written, and that is success
    before = rows(fresh, "select count(*) from observation")
    assert main(["--db", str(fresh), "import", str(UN), "--source", "UN Statistics Division"]) == 0
    again = capsys.readouterr().out
    for p in files:
        assert "already imported as import-" in summary_line(again, p.name)
    assert f"{len(files)} already imported" in again
    assert rows(fresh, "select count(*) from observation") == before


def test_a_zip_of_two_files_imports_both_named_by_the_archive(fresh, tmp_path, capsys):
    archive = tmp_path / "two.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in SMALL:
            zf.write(UN / name, name)
    assert main(["--db", str(fresh), "import", str(archive), "--source", "UN"]) == 0
    out = capsys.readouterr().out
    got = imported(fresh)
    assert {f: n for f, (_, n) in got.items()} == {f"two.zip:{n}": numeric_values(UN / n) for n in SMALL}
    # no --title: each dataset is titled by its name, as a single file is
    assert {t for t, _ in got.values()} == {f"two.zip:{n}" for n in SMALL}
    for name in SMALL:
        assert "imported as import-" in summary_line(out, f"two.zip:{name}")
    # the same bytes as a plain file are the same dataset: already imported
    assert main(["--db", str(fresh), "import", str(UN / SMALL[0]), str(UN / SMALL[1]), "--source", "UN"]) == 0
    assert "2 already imported" in capsys.readouterr().out


def test_a_broken_file_is_refused_alone_and_writes_nothing(fresh, tmp_path, capsys):
    folder = tmp_path / "mixed"
    folder.mkdir()
    good = folder / SMALL[1]
    shutil.copyfile(UN / SMALL[1], good)
    with open(UN / SMALL[0], encoding="utf-8") as f:  # a real export whose header misspells Value
        text = f.read()
    header, rest = text.split("\n", 1)
    (folder / "bad_header.csv").write_text(header.replace(",Value,", ",Valeur,") + "\n" + rest, encoding="utf-8")
    shutil.copyfile(BROKEN / "un_text_value.csv", folder / "text_value.csv")  # row 3's Value is 'about 12'
    (folder / "README.txt").write_text("not data\n", encoding="utf-8")
    datasets = rows(fresh, "select count(*) from dataset")[0][0]
    observations = rows(fresh, "select count(*) from observation")[0][0]

    assert main(["--db", str(fresh), "import", str(folder), "--source", "Test"]) == 1
    out = capsys.readouterr().out
    # the good file lands whole; nothing of the two bad ones is written
    assert imported(fresh) == {good.name: (good.name, numeric_values(good))}
    assert rows(fresh, "select count(*) from dataset")[0][0] == datasets + 1
    assert rows(fresh, "select count(*) from observation")[0][0] == observations + numeric_values(good)
    # the summary names each file and what became of it, with the first problem of a refused one
    assert re.search(r"not read: missing column\(s\) Value", summary_line(out, "bad_header.csv"))
    assert re.search(r"refused: .*row 3, column 'Value', value 'about 12'", summary_line(out, "text_value.csv"))
    assert "skipped: not a data file" in summary_line(out, "README.txt")
    assert "imported as import-" in summary_line(out, good.name)
    assert "2 refused or not read" in out

    # twice: the good one is already there, the bad ones are refused again, still nothing of theirs
    assert main(["--db", str(fresh), "import", str(folder), "--source", "Test"]) == 1
    again = capsys.readouterr().out
    assert "already imported as import-" in summary_line(again, good.name)
    assert "not read" in summary_line(again, "bad_header.csv")
    assert rows(fresh, "select count(*) from dataset")[0][0] == datasets + 1


def test_a_quoted_glob_expands_and_a_dry_run_writes_nothing(fresh, tmp_path, capsys):
    for name in SMALL:
        shutil.copyfile(UN / name, tmp_path / name)
    before = rows(fresh, "select count(*) from observation")
    assert main(["--db", str(fresh), "import", str(tmp_path / "unsdg_*.csv"), "--source", "UN", "--dry-run"]) == 0
    out = capsys.readouterr().out
    for name in SMALL:
        assert "would import as import-" in summary_line(out, name)
        assert f" {numeric_values(UN / name)} " in summary_line(out, name)
    assert "nothing written" in out
    assert rows(fresh, "select count(*) from observation") == before
    assert main(["--db", str(fresh), "import", str(tmp_path / "nothing_*.csv"), "--source", "UN"]) == 1
    assert "no file matches this pattern" in capsys.readouterr().out


def test_sdmx_folders_structure_files_serve_the_data_files(fresh, capsys):
    # peer sdg-build's 'multiple': one generic and one structure-specific data message, no structure message
    assert not any(importer.is_structure_message(p) for p in SDMX.iterdir())
    assert main(["--db", str(fresh), "import", str(SDMX), "--source", "sdg-build"]) == 0
    got = imported(fresh)
    assert {f: n for f, (_, n) in got.items()} == {p.name: sdmx_observations(p) for p in SDMX.iterdir()}
    capsys.readouterr()
    # Rwanda's platform: its DSD beside the structure-specific data; the DSD is no dataset, it reads the data
    dsd, data = RWANDA / "RWA_2025_SDG_DSD.xml", RWANDA / "2025_RWA-SDG_Data.sdmx.xml"
    assert importer.is_structure_message(dsd) and not importer.is_structure_message(data)
    assert main(["--db", str(fresh), "import", str(RWANDA), "--country", "RWA", "--source", "NISR", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"used as the structure of {data.name}" in summary_line(out, dsd.name)
    assert "would import as import-" in summary_line(out, data.name)
    assert "skipped" in summary_line(out, "LICENSE")


def test_expand_keeps_a_zipped_shapefile_whole_and_single_files_as_today(tmp_path):
    shapes = importer.expand([BROKEN / "shp_truncated.zip"], tmp_path)
    assert [(i.name, i.path) for i in shapes] == [("shp_truncated.zip", BROKEN / "shp_truncated.zip")]
    assert not importer.is_data_zip(BROKEN / "shp_truncated.zip")
    # a zip that names files outside itself: nothing unpacked outside the scratch folder
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../evil.csv", "x\n")
        zf.writestr("ok.csv", "x\n")
    scratch = tmp_path / "scratch"
    items = importer.expand([archive], scratch)
    assert [(i.name, i.path is None) for i in items] == [("evil.zip:../evil.csv", True), ("evil.zip:ok.csv", False)]
    assert "unsafe" in items[0].note and not (tmp_path / "evil.csv").exists()
    assert items[1].path.is_relative_to(scratch)


# ---------------------------------------------------------------------------------------------
# the Data page: several files in one upload (a real browser, as tests/test_browser_import.py)

def test_the_data_page_imports_several_uploads_each_as_a_dataset(tmp_path, browser):
    import pytest

    from gapmonitor import db
    from tests.actors import STEWARD, account, sign_in
    from tests.browser import CHROMIUM, open_page, running_app

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: the browser tests need Debian's chromium")
    db_path = tmp_path / "gapmonitor.duckdb"
    account(db.ensure_database(db_path), STEWARD)
    broken = tmp_path / "upload" / "text_value.csv"
    broken.parent.mkdir()
    shutil.copyfile(BROKEN / "un_text_value.csv", broken)
    with running_app(db_path, tmp_path / "streamlit.log") as url:
        visit = open_page(browser, url, "/data")
        page = visit.page
        sign_in(page, STEWARD.username)
        page.get_by_text("Import a file", exact=True).wait_for()
        page.locator("input[type=file]").first.set_input_files([str(UN / n) for n in SMALL] + [str(broken)])
        page.get_by_text("Preview of 3 files: nothing is written yet").wait_for(timeout=60_000)
        visit.wait_done()
        page.get_by_label("Source (publisher, as you would cite it)").fill("UN")
        page.get_by_role("button", name="Import all").click()
        page.get_by_text("2 of 3 files imported").wait_for(timeout=60_000)
        visit.wait_done()
        assert visit.problems() == {"external requests": [], "console errors": [], "exception boxes": []}
        visit.close()
    got = imported(db_path)
    assert {f: n for f, (_, n) in got.items()} == {n: numeric_values(UN / n) for n in SMALL}
