"""Computed measures of citizen records (gapmonitor/expressions.py): the grammar's accepted and refused
texts, and the values DuckDB computes from text cells. Every expected value is worked by hand."""

import ast
import hashlib
import math
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from gapmonitor import expressions
from gapmonitor.formats import ReadError

COLUMNS = ["beach", "item_bottles", "item_bags", "length_m", "litter/plastic", "litter/glass", "beach name", "time"]
MISSING = {"", "NA", "n/a"}


@pytest.fixture(scope="module")
def con():
    with duckdb.connect() as c:
        yield c


def refused(text: str, columns=COLUMNS) -> str:
    with pytest.raises(ReadError) as e:
        expressions.parse(text, columns, "survey.csv")
    assert e.value.problem.file == "survey.csv" and e.value.problem.severity == "fatal"
    return e.value.problem.message


@pytest.mark.parametrize("text, columns, yes_no", [
    ("sum(item_*) / length_m * 100", ("item_bottles", "item_bags", "length_m"), False),  # the file's order
    ('sum("litter/*")', ("litter/plastic", "litter/glass"), False),
    ("sum(item_bags, item_bottles, item_bags)", ("item_bags", "item_bottles"), False),  # each column once
    ('sum("litter/plastic", item_b?gs)', ("litter/plastic", "item_bags"), False),  # exact names and ? globs too
    ("time > 30", ("time",), True),
    ("(time >= 30)", ("time",), True),
    ("-length_m × 2 ÷ 4", ("length_m",), False),
    ('"beach name"', ("beach name",), False),
    ("beach name", ("beach name",), False),  # exactly a column name is that column, spaces and all
    ("litter/plastic", ("litter/plastic",), False),  # ... even when it reads as a division
    ('"litter/plastic" / "litter/glass"', ("litter/plastic", "litter/glass"), False),
    ("sum", (), False),  # a column named sum is not the function
])
def test_accepted_measures_read_their_columns(text, columns, yes_no):
    cols = COLUMNS + ["sum"] if text == "sum" else COLUMNS
    measure = expressions.parse(text, cols, "survey.csv")
    assert measure.columns == (columns or ("sum",))
    assert measure.yes_no is yes_no


@pytest.mark.parametrize("text, message", [
    ("lenght_m * 100", "no column 'lenght_m' (in the measure 'lenght_m * 100'); closest: length_m"),
    ("beach nmae", "no column 'beach nmae'; closest: beach name"),  # a misspelt name, not a broken formula
    ("sum(tiem_*)", "no column 'tiem_*'"),
    ("time > 30 > 40", "unexpected '>' at character 11"),
    ("time +", "the measure ends too soon"),
    ("sum()", "unexpected ')' at character 5"),
    ("sum(item_*", "the measure ends too soon"),
    ("2time", "no column '2time'; closest: time"),
    ("2 * 3 4", "unexpected '4' at character 7"),
    ("length_m / widht", "no column 'widht' (in the measure 'length_m / widht')"),
    ("time ! 3", "unexpected character '!' at character 6"),
    ('"beach', "a quoted name is not closed (the quote at character 1)"),
    ("(time > 30) + 1", "the comparison '>' at character 7 can only be the whole measure"),
    ("length_m * (time < 5)", "the comparison '<' at character 18 can only be the whole measure"),
    ("time; drop table area", "unexpected character ';' at character 5"),
    ("3", "it reads no column"), ("2 > 1", "it reads no column"),  # a constant measures nothing
])
def test_refused_measures_say_where(text, message):
    assert message in refused(text)


EXPORT = ["household/district", "water/minutes", "litter/item_cups", "litter/item_nets", "beach-length_m",
          "a/time", "b/time"]  # a survey export's columns: group paths, Kobo '/' and ODK Central '-'


@pytest.mark.parametrize("text, columns", [
    ("minutes > 30", ("water/minutes",)),  # a question by its name, as the spec names columns
    ("sum(item_*) / length_m * 100", ("litter/item_cups", "litter/item_nets", "beach-length_m")),
    ('sum("litter/item_*")', ("litter/item_cups", "litter/item_nets")),  # a glob of full paths still works
])
def test_a_survey_exports_columns_are_named_by_their_questions(text, columns):
    assert expressions.parse(text, EXPORT, "export.csv").columns == columns


def test_a_question_name_that_two_groups_share_must_be_named_in_full():
    assert "the column 'time' could be any of a/time, b/time" in refused("time > 3", EXPORT)


def test_python_is_never_run():
    # a call in the text is not a formula: the quote, or a call's parenthesis, is refused at its position;
    # and the module holds no eval or exec to run anything with
    assert "unexpected character \"'\" at character 12" in refused("__import__('os').system('true')")
    assert "unexpected '(' at character 11" in refused("__import__(1)")
    assert "no column '__import__'" in refused("__import__ + 1")
    tree = ast.parse(Path(expressions.__file__).read_text(encoding="utf-8"))
    called = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert not called & {"eval", "exec", "compile", "__import__", "getattr"}


def test_names_and_numbers_never_enter_the_sql_text():
    hostile = 'x"); drop table area; --'
    measure = expressions.parse(f'"{hostile.replace(chr(34), 2 * chr(34))}" * 1.5e2 + 7', [hostile], "f.csv")
    assert measure.columns == (hostile,)
    text, numbers = expressions.measure_sql(measure)
    assert numbers == [150.0, 7.0]  # 1.5e2 parsed: bound as parameters, in the order of their ?
    assert "drop" not in text and "150" not in text and "7" not in text and text.count("?") == 2


def frame(**columns) -> pd.DataFrame:
    return pd.DataFrame(columns, dtype="str")


def test_a_sum_per_length_by_hand(con):
    records = frame(item_a=["3", "", "1", " 4 ", "2", "1"], item_b=["2", "5", "NA", "1", "x", "1"],
                    length_m=["50", "100", "25", "200", "10", "0"])
    measure = expressions.parse("sum(item_*) / length_m * 100", list(records.columns), "f.csv")
    got = expressions.evaluate(con, records, measure, MISSING, blanks_as_zero=True)
    # (3+2)/50*100 = 10; (0+5)/100*100 = 5; (1+0)/25*100 = 4; (4+1)/200*100 = 2.5 (cells trimmed);
    # 'x' is not a number: no value; length 0: division by zero, no value
    assert got.y.tolist()[:4] == [10.0, 5.0, 4.0, 2.5]
    assert math.isnan(got.y[4]) and math.isnan(got.y[5])
    assert got.not_number.tolist() == [False, False, False, False, True, False]
    assert not got.blank.any()  # blanks count as 0
    assert got.bad_cells.values.tolist() == [[4, "item_b", "x"]]
    assert got.blanks == {"item_a": 1, "item_b": 1, "length_m": 0}

    apart = expressions.evaluate(con, records, measure, MISSING, blanks_as_zero=False)
    # a blank is no value now: records 1 ('' in item_a) and 2 ('NA' in item_b) have none
    assert apart.y.tolist()[:1] == [10.0] and apart.y[[1, 2]].isna().all() and apart.y[3] == 2.5
    assert apart.blank.tolist() == [False, True, True, False, False, False]


def test_a_threshold_is_one_or_zero_and_odd_numbers_are_not_numbers(con):
    records = frame(time=["10", "45", "30", "30.5", "inf", "1e2", "", "1,5"])
    measure = expressions.parse("time > 30", ["time"], "f.csv")
    got = expressions.evaluate(con, records, measure, MISSING)
    # 10, 30: no; 45, 30.5, 1e2 = 100: yes; inf and '1,5' are not numbers; '' is blank
    assert got.y[[0, 1, 2, 3, 5]].tolist() == [0.0, 1.0, 0.0, 1.0, 1.0]
    assert got.y[[4, 6, 7]].isna().all()
    assert got.bad_cells.value.tolist() == ["inf", "1,5"] and got.blank.tolist() == [False] * 6 + [True, False]


def test_unary_minus_and_precedence(con):
    records = frame(a=["2", "-3"], b=["4", "6"])
    measure = expressions.parse("-a + b × 3 ÷ (1 + 1)", ["a", "b"], "f.csv")
    # -2 + 4*3/2 = 4; 3 + 6*3/2 = 12
    assert expressions.evaluate(con, records, measure, MISSING).y.tolist() == [4.0, 12.0]


def test_series_slug_is_stable_and_tells_formulas_apart():
    assert expressions.slug("main_water_source") == "MAIN_WATER_SOURCE"  # a column: as it always was
    canonical = "\x1f".join(["name:sum", "symbol:(", "pattern:item_*", "symbol:)", "symbol:/", "name:length_m",
                             "symbol:*", "number:100", "end:"])
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:6].upper()
    assert expressions.slug("sum(item_*) / length_m * 100") == f"SUM_ITEM_LENGTH_M_100_{digest}"
    assert expressions.slug("sum(item_*)/length_m*100") == f"SUM_ITEM_LENGTH_M_100_{digest}"  # spacing aside
    assert expressions.slug("a / b") != expressions.slug("a * b")


@pytest.mark.parametrize("text, compares", [
    ("time > 30", True), ("(time <> 0)", True), ("time", False), ("a + 30", False), ("beach name", False),
])
def test_compares_from_the_text_alone(text, compares):
    assert expressions.compares(text) is compares
