"""What the importer takes, said once: the years a value may be for, and the size of a file (columns,
cells, rows). Every reader checks against these, so that a hostile or broken file is refused within
seconds with a plain message instead of running for minutes or storing a wrong year."""

import re

from gapmonitor.i18n import N_, _, format_number

FIRST_YEAR, LAST_YEAR = 1900, 2100
MAX_COLUMNS = 2_000        # columns of a CSV file or a workbook's sheet (the UN export has about 40)
MAX_CELL = 100_000         # characters in one cell (a footnote runs to a few hundred)
# Data rows of one file: twice the 10 M rows the benchmark imports. The UN export's rows are held in
# memory as Arrow columns while the preview is made; the other readers are slower long before this.
MAX_ROWS = 20_000_000

# The readers' words for these limits, in English (marked for the catalogue): a message shows one in the
# session's language with _(YEAR_RULE). The numbers are written out so that a translator writes them the
# language's way; the assertions below keep them equal to the limits.
YEAR_RULE = N_("a year has four digits, from 1900 to 2100")
# The year a period starts with: four digits and no fifth ('2015', '2015-Q1', '2004/05'; not '99999').
YEAR_START = r"^\s*(\d{4})(?:\D|$)"  # RE2 (DuckDB) has no look-ahead


def year(text: str) -> int | None:
    """The year a period such as 2015, 2015-Q1 or 2004/05 starts with, if it is one the app takes."""
    found = re.match(YEAR_START, text or "")
    return int(found.group(1)) if found and FIRST_YEAR <= int(found.group(1)) <= LAST_YEAR else None


def in_range(years):
    """Whether each year (a pandas Series of numbers) is one the app takes."""
    return years.between(FIRST_YEAR, LAST_YEAR)


def too_many_columns(count: int) -> str:
    """Why a file with `count` columns is refused, in the session's language."""
    return _("the file has {count} columns; the most the app takes is {most}", count=format_number(count),
             most=format_number(MAX_COLUMNS))


TOO_LONG = N_("a cell longer than 100,000 characters, the most the app takes")
TOO_MANY_ROWS = N_("the file has more than 20,000,000 data rows, the most the app takes: split it")
NOT_FINITE = N_("not a finite number (infinite, or too large for the app)")
assert f"from {FIRST_YEAR} to {LAST_YEAR}" in YEAR_RULE and f" {MAX_CELL:,} " in TOO_LONG \
    and f" {MAX_ROWS:,} " in TOO_MANY_ROWS, "the limits' words must say the limits"
