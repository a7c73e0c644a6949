"""Formats as a registry (gapmonitor/formats/registry.py): every reader is one module declaring its
FORMAT, and a new format is one new module that the importer and the command line then know."""

import contextlib
import io
import pkgutil
import textwrap
from pathlib import Path

import pytest

import gapmonitor.formats as formats_package
from gapmonitor import db, importer
from gapmonitor.__main__ import main
from gapmonitor.formats import registry

FORMATS_DIR = Path(formats_package.__path__[0])
NOT_FORMATS = {"registry"}  # the registry itself


def test_every_module_of_formats_declares_one_format():
    modules = {m.name for m in pkgutil.iter_modules(formats_package.__path__)} - NOT_FORMATS
    declared = {f.name for f in registry.formats()}
    assert len(declared) == len(modules), "one FORMAT a module, and no module without one"
    assert declared == {"un-sdg", "open-sdg", "sdmx-ml", "sdmx-csv", "citizen", "framework", "boundaries", "records"}


@pytest.mark.parametrize("form", registry.formats(), ids=lambda f: f.name)
def test_a_format_says_what_it_writes_and_is_told_apart(form):
    assert form.writes in ("observations", "indicators", "boundaries")
    assert form.kind in (None, "citizen", "reference")
    assert form.recognise is None or form.sign, "a detected format says how users tell it"


def test_the_unknown_format_message_names_every_detected_format(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(formats_package.ReadError) as e:
        registry.detect(path)
    for form in registry.formats():
        if form.recognise is not None:
            assert form.sign in e.value.problem.message


NEW_FORMAT = '''
"""A tab-separated file of series, area (ISO alpha-3), year and value: a format for the test only."""
import pandas as pd
from gapmonitor.formats import OBSERVATION_COLUMNS, Batch
from gapmonitor.formats.registry import Format, Option


def read(path, con, unit=None):
    frame = pd.read_csv(path, sep="\\t", dtype=str)
    batch = Batch(file=path.name, format="tsv-test")
    batch.observations = pd.DataFrame({
        "row": range(2, len(frame) + 2), "series": frame.series, "series_description": "", "indicator": "5.5.1",
        "unit": unit or "", "area": frame.area, "area_name": "", "area_scheme": "iso3", "dims": "",
        "year": frame.year.astype(int), "time_detail": frame.year, "value": frame.value.astype(float),
        "lower_bound": None, "upper_bound": None, "nature": "", "source": "", "sample_size": None,
    })[OBSERVATION_COLUMNS]
    return batch


FORMAT = Format(name="tsv-test", label="Tab-separated test file", read=read, recognise=lambda f: f.suffix == ".tsv",
                sign="a test file (.tsv)", order=5, options=(Option("unit", "the unit of every value"),),
                suffixes=(".tsv",))
'''


@pytest.fixture
def new_format_module():
    """A format module dropped into gapmonitor/formats, as a developer adding a format would."""
    path = FORMATS_DIR / "tsv_test_only.py"
    path.write_text(textwrap.dedent(NEW_FORMAT), encoding="utf-8")
    registry.formats.cache_clear()
    try:
        yield path
    finally:
        path.unlink()
        registry.formats.cache_clear()


def test_a_new_format_is_one_module(new_format_module, fresh, tmp_path):
    data = tmp_path / "seats.tsv"
    data.write_text("series\tarea\tyear\tvalue\nSG_GEN_PARL\tKEN\t2021\t21.8\nSG_GEN_PARL\tRWA\t2021\t61.3\n")
    assert importer.detect(data) == "tsv-test"
    with db.connect(fresh) as con:
        preview = importer.load(con, data, unit="PERCENT")
    assert preview.batch.format == "tsv-test" and preview.rejected == 0 and len(preview.rows) == 2
    assert set(preview.rows.unit) == {"PERCENT"}  # the format's own option reached its reader
    help_text = io.StringIO()
    with contextlib.redirect_stdout(help_text), pytest.raises(SystemExit):
        main(["import", "--help"])
    assert "tsv-test" in help_text.getvalue() and "--unit" in help_text.getvalue()
    assert main(["--db", str(fresh), "import", str(data), "--unit", "PERCENT", "--source", "test"]) == 0
    with db.connect(fresh) as con:
        assert con.execute("select count(*), min(value), max(value) from observation o join dataset d using (dataset_id) "
                           "where d.file_name = 'seats.tsv'").fetchall() == [(2, 21.8, 61.3)]
