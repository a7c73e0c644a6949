"""The audit log (issue 19, item 4): every write appends one row (who, as what, when, what, why) in the
transaction of the write itself, so a write that fails leaves none; nothing in the code updates or
deletes a row; stewards read it filtered (queries/audit_log.sql), on its page and from the command line."""

import ast
import csv
import json
import re
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from gapmonitor import accounts, db, importer, stewardship
from gapmonitor.__main__ import main
from gapmonitor.accounts import NotAllowed
from tests.actors import CONTRIBUTOR, OPERATOR, PASSWORD, STEWARD, account

ROOT = Path(__file__).resolve().parents[1]
FILE = "SeriesCode,GeoAreaCode,GeoAreaName,TimePeriod,Value\nSP_LGL_LNDDOC,4,Afghanistan,2015,1.5\n"
ASSESSED = "cgd-disability-scorecard"  # a demo citizen dataset


def log(path: Path) -> list[dict]:
    with db.connect(path) as con:
        rows = con.execute("select seq, actor, role, action, target, detail, reason from audit_log order by seq").fetchall()
    return [{"seq": s, "actor": a, "role": r, "action": x, "target": t, "detail": json.loads(d) if d else None,
             "reason": why} for s, a, r, x, t, d, why in rows]


def preview(path: Path, file: Path):
    with db.connect(path) as con:
        return importer.load(con, file)


@pytest.fixture
def written(fresh, tmp_path):
    """The demo database after one write of each kind: an account, an import, a mapping, an assessment, the
    thresholds and a removal (the steward's writes as the steward A. Editor)."""
    file = tmp_path / "land.csv"
    file.write_text(FILE, encoding="utf-8")
    account(fresh, STEWARD)
    dataset = importer.apply(preview(fresh, file), by=STEWARD, title="Land rights", source="NSO", path=fresh)
    stewardship.map_series("AG_LND_FRST", "indigenous", "forests of indigenous lands (a test's decision)", fresh,
                           by=STEWARD)
    stewardship.save_assessment(ASSESSED, stewardship.Assessment(4, 2, 2, 1, 2, 1, 2, 2, "endorsed", "checked"),
                                fresh, by=STEWARD)
    stewardship.set_thresholds(12, 40, fresh, by=STEWARD)
    importer.remove(dataset, fresh, by=STEWARD)
    return fresh, dataset, file


def test_each_write_appends_one_row_with_its_actor_and_role(written):
    path, dataset, _ = written
    rows = log(path)
    assert [r["seq"] for r in rows] == list(range(1, 8))
    # the first row is the database's own first build; then one row per write, in order
    assert [(r["action"], r["actor"], r["role"], r["target"]) for r in rows] == [
        ("build", "gapmonitor", "administrator", "demo data"),
        ("account", OPERATOR.username, "administrator", STEWARD.username),
        ("import", "a.editor", "steward", dataset),
        ("mapping", "a.editor", "steward", "series AG_LND_FRST -> indigenous"),
        ("assessment", "a.editor", "steward", ASSESSED),
        ("threshold", "a.editor", "steward", "setting"),
        ("remove", "a.editor", "steward", dataset),
    ]
    account_row, imported, mapping, assessment, threshold, removal = rows[1:]
    assert account_row["detail"] == {"change": "created", "role": "steward", "organisation": STEWARD.organisation}
    assert PASSWORD not in json.dumps([r["detail"] for r in rows])  # never a password, not even hashed
    assert {k: imported["detail"][k] for k in ("title", "source", "kind", "format", "file")} == {
        "title": "Land rights", "source": "NSO", "kind": "official", "format": "un-sdg", "file": "land.csv"}
    assert mapping["detail"] == {"change": "added", "series": "AG_LND_FRST", "group_id": "indigenous"}
    assert mapping["reason"] == "forests of indigenous lands (a test's decision)"
    assert assessment["detail"]["nso_review"] == "endorsed" and assessment["detail"]["participation_level"] == 4
    # the thresholds before (the demo's defaults) and after
    assert threshold["detail"] == {"min_sample_size": 12, "reliable_sample_size": 40,
                                   "before": {"min_sample_size": 10, "reliable_sample_size": 30}}
    assert removal["detail"] is None
    with duckdb.connect(str(path), read_only=True) as con:
        # who made a mapping or an assessment is the signed-in steward, not a typed name
        assert con.execute("select mapped_by from series_group where series = 'AG_LND_FRST' and group_id = 'indigenous'"
                           ).fetchall() == [("A. Editor",)]
        assert con.execute("select assessed_by from citizen_dataset where dataset_id = ?", [ASSESSED]).fetchall() == [
            ("A. Editor",)]


def test_a_write_that_fails_or_is_refused_leaves_no_row_and_changes_nothing(written, monkeypatch):
    path, dataset, file = written
    before, rows = path.read_bytes(), log(path)
    failing = [
        (lambda: importer.apply(preview(path, file), by=CONTRIBUTOR, title="t", source="s", path=path), NotAllowed),
        (lambda: importer.remove("demo-official", path, by=STEWARD), ValueError),  # the demo cannot be removed
        (lambda: importer.remove("demo-official", path, by=CONTRIBUTOR), NotAllowed),
        (lambda: stewardship.map_series("AG_LND_FRST", "women", " ", path, by=STEWARD), ValueError),  # no reason
        (lambda: stewardship.map_series("AG_LND_FRST", "women", "x", path, by=CONTRIBUTOR), NotAllowed),
        (lambda: stewardship.set_thresholds(50, 40, path, by=STEWARD), ValueError),
        (lambda: stewardship.save_assessment("no-such-dataset", stewardship.Assessment(1, 0, 0, 0, 0, 0, 0, 0,
                                             "not reviewed"), path, by=STEWARD), ValueError),
        (lambda: accounts.create_account(OPERATOR, STEWARD.username, "Again", "steward", PASSWORD, path=path), ValueError),
        (lambda: accounts.deactivate(STEWARD, STEWARD.username, path), NotAllowed),
    ]
    for write, error in failing:
        with pytest.raises(error):
            write()
    # a failure after the body, while the derived tables are rebuilt in the same transaction: the entry goes too
    monkeypatch.setattr(db.derived, "refresh", lambda con, indicators=None: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        stewardship.set_thresholds(11, 35, path, by=STEWARD)
    assert log(path) == rows and path.read_bytes() == before


def test_the_same_file_imported_again_writes_nothing_and_logs_nothing(written):
    path, _, file = written
    first = importer.apply(preview(path, file), by=STEWARD, title="t", source="s", path=path)
    rows = log(path)
    assert importer.apply(preview(path, file), by=STEWARD, title="t", source="s", path=path) == first
    assert log(path) == rows


def test_the_log_is_filtered_by_action_actor_and_day(written):
    path, _, _ = written
    with db.connect(path) as con:
        today = con.execute("select current_date").fetchone()[0]

        def entries(**filters) -> list:
            return list(db.query(con, "audit_log", **{"action": None, "actor": None, "first_day": None,
                                                      "last_day": None, **filters}).seq)

        assert entries() == [7, 6, 5, 4, 3, 2, 1]  # newest first
        assert entries(action="mapping") == [4]
        assert entries(actor="a.editor") == [7, 6, 5, 4, 3]
        assert entries(actor="a.editor", action="account") == []
        assert entries(first_day=today, last_day=today) == [7, 6, 5, 4, 3, 2, 1]  # the last day counts whole
        yesterday = today.fromordinal(today.toordinal() - 1)
        assert entries(last_day=yesterday) == [] and entries(first_day=yesterday) == [7, 6, 5, 4, 3, 2, 1]


def test_the_command_line_writes_the_log_to_a_csv_file(written, tmp_path, capsys):
    path, dataset, _ = written
    out = tmp_path / "audit.csv"
    assert main(["--db", str(path), "audit", "--csv", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"7 entries written to {out}"
    with open(out, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["action"] for r in rows] == ["remove", "threshold", "assessment", "mapping", "import", "account", "build"]
    assert rows[0]["target"] == dataset and rows[0]["actor"] == "a.editor"
    assert main(["--db", str(path), "audit"]) == 0
    printed = capsys.readouterr().out
    assert "series AG_LND_FRST -> indigenous" in printed and "forests of indigenous lands" in printed


def test_a_steward_reads_and_filters_the_log_on_its_page(written, monkeypatch):
    path, _, _ = written
    monkeypatch.setenv("GAPMONITOR_DB", str(path))
    at = AppTest.from_file(str(ROOT / "pages/audit.py"), default_timeout=60)
    at.session_state["actor"] = STEWARD
    at.run()
    assert not at.exception and not at.error
    assert list(at.dataframe[0].value.seq) == [7, 6, 5, 4, 3, 2, 1]
    assert at.caption[0].value == "7 of 7 entries, newest first."
    assert len(at.get("download_button")) == 1
    at.selectbox[0].set_value("mapping").run()
    assert list(at.dataframe[0].value.action) == ["mapping"]
    at.selectbox[0].set_value(None).run()
    at.selectbox[1].set_value(OPERATOR.username).run()
    assert list(at.dataframe[0].value.target) == [STEWARD.username]


# ---- the code itself: every write passes its entry, and nothing rewrites the log ----

APP_CODE = sorted({*ROOT.glob("gapmonitor/**/*.py"), *ROOT.glob("pages/*.py"), *ROOT.glob("scripts/**/*.py"),
                   *ROOT.glob("bench/**/*.py"), ROOT / "app.py"})
SQL_CODE = sorted({*ROOT.glob("queries/*.sql"), *ROOT.glob("gapmonitor/**/*.sql")} - {*ROOT.glob("gapmonitor/migrations/*")})
REWRITES_THE_LOG = re.compile(
    r"\b(update\s+audit_log\b|delete\s+from\s+audit_log\b|truncate\s+(table\s+)?audit_log\b|"
    r"drop\s+table\s+(if\s+exists\s+)?audit_log\b|alter\s+table\s+audit_log\b|create\s+or\s+replace\s+table\s+audit_log\b|"
    r"insert\s+or\s+replace\s+into\s+audit_log\b)", re.IGNORECASE)


def writing_calls(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call) and (
        isinstance(n.func, ast.Attribute) and n.func.attr == "writing" or isinstance(n.func, ast.Name) and n.func.id == "writing")]


def test_every_write_outside_db_py_passes_its_audit_entry():
    # tests/ are left out: their fixtures write rows straight into a copy of the demo database
    calls = [(path, call) for path in APP_CODE if path.name != "db.py" for call in writing_calls(path)]
    assert len(calls) >= 8  # importer (2), stewardship (4), accounts (5)... : the scan does find them
    missing = [f"{path.relative_to(ROOT)}:{call.lineno}" for path, call in calls
               if not any(k.arg == "audit" and not (isinstance(k.value, ast.Constant) and k.value.value is None)
                          for k in call.keywords)]
    assert not missing, f"db.writing without audit=: {missing}"


def test_the_scan_finds_a_write_without_its_entry(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("with db.writing(path, indicators=[]) as con:\n    pass\n"
                      "with db.writing(path, audit=entry) as con:\n    pass\n", encoding="utf-8")
    assert [not any(k.arg == "audit" for k in c.keywords) for c in writing_calls(sample)] == [True, False]


def test_nothing_updates_or_deletes_a_row_of_the_audit_log_and_only_audit_py_appends():
    found, inserts = [], []
    for path in [*APP_CODE, *SQL_CODE]:
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in REWRITES_THE_LOG.finditer(text)]
        if re.search(r"insert\s+into\s+audit_log\b", text, re.IGNORECASE):
            inserts.append(str(path.relative_to(ROOT)))
    assert not found
    assert inserts == ["gapmonitor/audit.py"]
    assert REWRITES_THE_LOG.search("DELETE FROM audit_log where seq = 3")  # the pattern does catch one
    assert REWRITES_THE_LOG.search("update audit_log set reason = ''")
