"""Reading a file of raw citizen records: every cell as text, as written (so messages can quote it).
The records path (formats/records.py) and the Data page's mapping form read files only through here."""

from functools import lru_cache
from pathlib import Path

import pandas as pd

from gapmonitor.formats import check_csv_text, fatal


def load(path: str | Path, nrows: int | None = None) -> pd.DataFrame:
    """The records of a file, one row a record, every cell as text. Read once per file version: the
    mapping form asks for columns and values on every rerun. Callers must not change the frame."""
    path = Path(path)
    stat = path.stat()
    return _read_text_cells(str(path), stat.st_mtime_ns, stat.st_size, nrows)


def notes(path: str | Path) -> list[tuple[str, str, str | None]]:
    """What reading the file left out or changed, as (level, message, column) for the import's problems."""
    return []


def columns_of(path: str | Path) -> list[str]:
    """The column names of a records file (for the mapping form)."""
    return list(load(path, nrows=0).columns)


def values_of(path: str | Path, column: str, limit: int = 40) -> list[str]:
    """The most frequent values of a column (for mapping yes/no answers and groups)."""
    return list(load(path)[column].str.strip().value_counts().index[:limit])


@lru_cache(maxsize=4)
def _read_text_cells(name: str, mtime_ns: int, size: int, nrows: int | None) -> pd.DataFrame:
    path = Path(name)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            return pd.read_excel(path, dtype=str, keep_default_na=False, nrows=nrows).fillna("")
        except Exception as e:
            raise fatal(path, f"not a readable Excel workbook ({type(e).__name__})") from e
    check_csv_text(path)
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", nrows=nrows)
