"""CSV the app writes for people to open in a spreadsheet, safe from formula injection (OWASP "CSV
Injection"): a text cell starting with =, +, -, @, a tab or a carriage return would be run as a
formula (=cmd|' /C calc'!A0 in a dataset title), so it gets a leading single quote and is shown as
text. Numbers stay numbers: a numeric column is never touched, nor is a text cell that is a plain
number such as -12.5."""

import re

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def neutralised(value):
    """A cell as it is safe to write: text that a spreadsheet would read as a formula, quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of a table with every text cell, and every column name, neutralised."""
    out = df.copy()
    out.columns = [neutralised(str(c)) for c in df.columns]
    for i in range(out.shape[1]):
        column = out.iloc[:, i]
        if not pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
            out.isetitem(i, column.astype(object).map(neutralised))  # whole: any dtype (Arrow, category) in
    return out


def to_csv(df: pd.DataFrame) -> bytes:
    """The table as UTF-8 CSV bytes, without its index, safe to open in a spreadsheet. Lines end in CRLF
    (RFC 4180): the csv module quotes a cell holding any character of the line ending, so a lone CR in
    a cell is quoted too, not taken for the end of a row."""
    return frame(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8")
