"""The dimension model (gapmonitor/dimensions.py, the macro dims_pairs): keys written one way by every
builder, read one way by SQL, with '|', '=' and '%' inside names and values kept apart from the
separators; one list of total codes."""

import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import REALDATA, add

from gapmonitor import db, derived, dimensions

ROOT = Path(__file__).resolve().parents[1]
DSD = REALDATA / "open_sdg_rwanda" / "RWA_2025_SDG_DSD.xml"

# (dimension, value) rows, each as a reader could meet them, with the key a person writes down from the rule
ROWS = [
    ([("Sex", "FEMALE"), ("Age", "15-24")], "Age=15-24|Sex=FEMALE"),          # sorted by dimension
    ([("Sex", "_T"), ("Location", "RURAL")], "Location=RURAL"),               # a total leaves the key
    ([("Sex", "bothsex"), ("Age", " ")], ""),                                 # totals in any case; blank
    ([("Disability status", "PD|severe")], "Disability status=PD%7Csevere"),  # the part separator, escaped
    ([("Age", "a=b"), ("Quantile", "Q1")], "Age=a%3Db|Quantile=Q1"),          # the name separator, escaped
    ([("Income", "Bottom 40%")], "Income=Bottom 40%25"),                      # the escape character itself
    ([("Note", "%7C")], "Note=%257C"),                                        # text that looks like an escape
]


@pytest.mark.parametrize("pairs, expected", ROWS)
def test_key_follows_the_rule(pairs, expected):
    assert dimensions.key(pairs) == expected


def test_the_three_builders_agree():
    """key (a row), frame_keys (pandas columns) and sql_key (DuckDB) give the same key for every row."""
    names = ["Sex", "Age", "Location", "Disability status", "Quantile", "Income", "Note"]
    frame = pd.DataFrame([{n: dict(pairs).get(n, "") for n in names} for pairs, _ in ROWS])
    expected = [key for _, key in ROWS]
    assert [dimensions.key(zip(names, row)) for row in frame.itertuples(index=False)] == expected
    assert list(dimensions.frame_keys(frame, names)) == expected
    columns = {n: f"c{i}" for i, n in enumerate(names)}
    sql, params = dimensions.sql_key(columns)
    con = duckdb.connect()
    con.register("cells", frame.apply(lambda c: c.str.strip()).set_axis([columns[n] for n in names], axis=1))  # as readers trim
    assert [k for k, in con.execute(f"select {sql} from cells", params).fetchall()] == expected


def test_dims_pairs_reads_back_what_key_wrote():
    con = duckdb.connect()
    db.create_schema(con)
    for pairs, key in ROWS:
        kept = sorted((d, v.strip()) for d, v in pairs if not dimensions.is_total(v))
        got = con.execute("select dims_pairs(?)", [key]).fetchall()[0][0]
        assert [(p["dimension"], p["dim_value"]) for p in got] == kept
        # the parts as written, one per pair: what group_mapping rows are matched against
        assert [con.execute("select dims_part(?, ?)", [d, v]).fetchall()[0][0] for d, v in kept] == \
            [part for part in key.split("|") if part]


def test_a_value_holding_the_separator_counts_for_its_group(tiny):
    """'PD|severe' is one value: mapped to rural here, it makes the observation count for rural people,
    and for no group named 'severe'. Split on '|' as text, it would count for no group at all."""
    tiny.execute("insert into group_mapping (dimension, dim_value, group_id) values ('Disability status', 'PD|severe', 'rural')")
    add(tiny, "off", "AAA", dimensions.key([("Disability status", "PD|severe")]), 2020)
    assert tiny.execute("select group_id from observation_group").fetchall() == [("rural",)]
    assert tiny.execute("select group_id, area from cell_year").fetchall() == [("rural", "AAA")]


def test_complementary_suppression_reads_keys_through_the_macro(tiny):
    """Three cells of one breakdown whose value holds '=': the smallest (5) is withheld, and its next
    smallest sibling (12) with it; the largest (40) is released."""
    assert tiny.execute("select value from setting where key = 'min_sample_size'").fetchall() == [(10,)]
    for value, n in (("a=1", 5), ("a=2", 12), ("a=3", 40)):
        add(tiny, "hi", "AAA", dimensions.key([("Sex", "FEMALE"), ("Age", value)]), 2020, sample_size=n)
    derived.withhold(tiny)
    withheld = tiny.execute("select dims, reason from withheld order by dims").fetchall()
    assert withheld == [("Age=a%3D1|Sex=FEMALE", "primary"), ("Age=a%3D2|Sex=FEMALE", "secondary")]


@pytest.mark.skipif(not DSD.exists(), reason=f"real data not available at {DSD}")
def test_every_total_code_of_the_sdg_code_lists_is_a_total():
    """Every code the Rwanda DSD's code lists name as a total or 'no breakdown' is in TOTAL_CODES."""
    text = DSD.read_text(encoding="utf-8")
    totals = set(re.findall(r'<structure:Code id="([^"]+)">\s*<common:Name xml:lang="en">'
                            r'(?:Total|[^<]*no breakdown)[^<]*<', text, flags=re.IGNORECASE))
    assert totals == {"_T"}  # what the file says: one code, in every code list
    assert totals <= set(dimensions.TOTAL_CODES)


def test_no_code_outside_the_model_parses_a_key():
    """Keys are split only in dimensions.py and the macro dims_pairs (schema/helpers.sql)."""
    allowed = {ROOT / "gapmonitor" / "dimensions.py", ROOT / "gapmonitor" / "schema" / "helpers.sql"}
    parse = re.compile(r"string_split\(\s*[\w.]*dims|dims[\w.\]\[)]*\.(str\.)?split\(|split_part\([^)]*'='")
    found = [f"{p.relative_to(ROOT)}:{i}" for p in [*ROOT.glob("gapmonitor/**/*.*"), *ROOT.glob("queries/*.sql"),
                                                   *ROOT.glob("pages/*.py")]
             if p.suffix in (".py", ".sql") and p not in allowed
             for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if parse.search(line)]
    assert found == []
