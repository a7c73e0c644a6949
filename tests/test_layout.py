"""The architecture the layout promises: pages hold no SQL and never touch duckdb."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE_FILES = sorted((ROOT / "pages").glob("*.py")) + [ROOT / "app.py"]
# a string that opens like a SQL statement: a leading keyword, then the clause that names a table
SQL = re.compile(r"^\s*(select|with|insert|update|delete|create|drop|alter)\b.*\b(from|into|set|table|view|as)\b",
                 re.IGNORECASE | re.DOTALL)


def test_pages_do_not_import_duckdb():
    for path in PAGE_FILES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, (ast.Import, ast.ImportFrom)) else []
            module = node.module if isinstance(node, ast.ImportFrom) else ""
            assert "duckdb" not in names and "duckdb" != module, f"{path.name} imports duckdb"
            if isinstance(node, ast.ImportFrom):
                assert not (module == "gapmonitor" and "db" in names), f"{path.name} imports the db module"


def test_pages_hold_no_sql():
    for path in PAGE_FILES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert not SQL.search(node.value), f"{path.name} holds SQL: {node.value[:60]!r}"


def test_the_sql_detector_detects_sql():
    # the check above would be worthless if it could not see a query
    assert SQL.search("select code from area")
    assert SQL.search("SELECT *\n FROM observation")
    assert SQL.search("  with x as (select 1) select * from x")
    assert not SQL.search("Click a country to open its profile, or select one from the list")
