"""SDMX-CSV 1.0 (the UN global dataflow's columns): a header row of concept IDs, codes as values."""

from pathlib import Path

import pandas as pd

from gapmonitor.i18n import N_, _

from . import Batch, check_csv_text, fatal
from .registry import COUNTRY, Format
from .sdmx import COLUMNS, finish, observation, text

REQUIRED_CSV_COLUMNS = ["SERIES", "REF_AREA", "TIME_PERIOD", "OBS_VALUE"]


def read_sdmx_csv(path) -> Batch:
    """Read an SDMX-CSV 1.0 file (a header row of concept IDs, codes as values)."""
    if Path(path).is_file():
        check_csv_text(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, skip_blank_lines=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise fatal(path, _("file not found"))
    except pd.errors.EmptyDataError:
        raise fatal(path, _("file is empty"))
    except (pd.errors.ParserError, UnicodeDecodeError) as e:
        raise fatal(path, _("not readable as CSV: {error}", error=e))
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in REQUIRED_CSV_COLUMNS if c not in frame.columns]
    if missing:
        raise fatal(path, _("not SDMX-CSV: missing column(s) {columns}", columns=", ".join(missing)), column=missing[0])
    # SDMX-CSV puts the dimensions before OBS_VALUE and the attributes after it.
    dimensions = [c for c in frame.columns[: frame.columns.get_loc("OBS_VALUE")] if c != "DATAFLOW"]
    batch = Batch(Path(path).name, "sdmx-csv")
    rows = [observation(batch, i + 2, record, dimensions)  # line 1 is the header
            for i, record in enumerate(frame.to_dict("records"))
            if any(text(v) for v in record.values())]
    return finish(batch, rows)


FORMAT = Format(
    name="sdmx-csv", label=N_("SDMX-CSV"), read=lambda path, con, country=None: read_sdmx_csv(path),
    recognise=lambda f: "OBS_VALUE" in f.header, sign=N_("SDMX-CSV (OBS_VALUE)"), order=50, options=(COUNTRY,),
    columns=COLUMNS,
)
