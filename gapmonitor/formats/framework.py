"""The official IAEG-SDGs tier classification workbook: the indicator framework (codes, titles,
targets, tiers, custodian agencies). Goal header rows are interleaved with the indicators; the
header is the second row of the "Updated Tier classification" sheet; a target is written only on
the first indicator of that target."""

import re
import warnings
from pathlib import Path

import pandas as pd

from gapmonitor.formats import Batch, fatal
from gapmonitor.formats.registry import Format
from gapmonitor.i18n import N_, _

SHEET = "Updated Tier classification"
INDICATOR = re.compile(r"^\s*(\d{1,2})\.([0-9a-z]{1,2})\.(\d{1,2})\s+(.+)$", re.S)


def read(path: str | Path) -> Batch:
    """Read the workbook into Batch.indicators (code, goal, target, title, tier, custodian)."""
    import openpyxl

    path = Path(path)
    batch = Batch(file=path.name, format="framework")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # print areas the workbook defines oddly; harmless
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:
        raise fatal(path, _("not a readable Excel workbook ({error})", error=f"{type(e).__name__}: {e}")) from e
    if SHEET not in book.sheetnames:
        raise fatal(path, _("no sheet named {sheet!r}; sheets: {sheets}. Is this the IAEG-SDGs tier classification "
                            "workbook?", sheet=SHEET, sheets=", ".join(book.sheetnames)))
    rows = list(book[SHEET].iter_rows(values_only=True))
    header_at = next((i for i, r in enumerate(rows[:10]) if r and any(str(c or "").strip() == "Indicator" for c in r)), None)
    if header_at is None:
        raise fatal(path, _("no header row with an 'Indicator' column in the first 10 rows of {sheet!r}", sheet=SHEET))
    header = [str(c or "").strip() for c in rows[header_at]]
    col = {name: header.index(name) for name in header if name}

    def cell(row, *names):
        for name in names:
            if name in col and col[name] < len(row) and row[col[name]] is not None:
                return " ".join(str(row[col[name]]).split())
        return ""

    found, seen = [], {}
    for line, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        text = cell(row, "Indicator")
        m = INDICATOR.match(text)
        if not m:
            if text and not text.startswith("Goal"):
                batch.problem("warning", _("not an indicator row: skipped"), line, "Indicator", text[:60])
            continue
        code = f"{m.group(1)}.{m.group(2)}.{m.group(3)}"
        if code in seen:
            batch.problem("error", _("indicator {code} appears again (first on row {row})", code=code, row=seen[code]),
                          line, "Indicator", code)
            continue
        seen[code] = line
        found.append({"code": code, "goal": int(m.group(1)), "target": f"{m.group(1)}.{m.group(2)}",
                      "title": m.group(4).strip(), "tier": cell(row, "Tier Classification"),
                      "custodian": cell(row, "Custodian Agency(ies)"), "row": line})
    if not found:
        raise fatal(path, _("no indicator rows (like '1.1.1 Proportion of ...') in sheet {sheet!r}", sheet=SHEET))
    batch.indicators = pd.DataFrame(found)
    return batch


FORMAT = Format(
    name="framework", label=N_("IAEG-SDGs tier classification workbook (XLSX)"), read=lambda path, con: read(path),
    recognise=lambda f: f.workbook and SHEET in f.sheets, sign=N_("the tier classification (.xlsx)"), order=30,
    writes="indicators", kind="reference", suffixes=(".xlsx",),
)
