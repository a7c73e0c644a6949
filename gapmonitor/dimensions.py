"""The dimension model. An observation's group dimensions are one canonical key, `observation.dims`:
'name=value' parts sorted by name and joined by '|' ('Location=RURAL|Sex=FEMALE'; '' for the total).
Keys are written here only (key for Python rows, frame_keys for pandas columns, sql_key for a DuckDB
reader) and read in SQL only through the macro dims_pairs (gapmonitor/schema/helpers.sql), which
undoes the escaping: a '%', '|' or '=' inside a name or value is written %25, %7C, %3D."""

import pandas as pd

from gapmonitor.sql import identifier

# Dimension values that mean "no breakdown": the dimension is left out of the key. One list for every
# reader. From the SDG SDMX code lists (the Rwanda DSD's CL_SEX, CL_AGE, CL_URBANISATION, CL_DISABILITY,
# CL_QUANTILE...): _T total or no breakdown; _Z not applicable; _X not available; _N non response (no
# breakdown given). From the UN Global SDG Indicators Database export: BOTHSEX, ALLAREA, ALLAGE, and NA.
TOTAL_CODES = ("_T", "_Z", "_X", "_N", "BOTHSEX", "ALLAREA", "ALLAGE", "NA")
_ESCAPES = (("%", "%25"), ("|", "%7C"), ("=", "%3D"))  # '%' first, so an escape is never escaped again


def is_total(value) -> bool:
    """Whether a dimension value says "no breakdown" (blank, or one of TOTAL_CODES in any case)."""
    return value is None or (not isinstance(value, str) and pd.isna(value)) or str(value).strip().upper() in ("", *TOTAL_CODES)


def escape(text: str) -> str:
    for raw, code in _ESCAPES:
        text = text.replace(raw, code)
    return text


def key(pairs) -> str:
    """The key of (dimension, value) pairs: totals and blanks left out, sorted by dimension."""
    return "|".join(f"{escape(str(d))}={escape(str(v))}" for d, v in sorted(pairs, key=lambda p: p[0]) if not is_total(v))


def frame_keys(frame: pd.DataFrame, columns: list[str], keep: pd.DataFrame | None = None) -> pd.Series:
    """key() of every row of a frame whose `columns` hold text, a column at a time (no Python per row).
    `keep` (same shape, booleans) can leave more cells out than the totals."""
    out = pd.Series("", index=frame.index, dtype=object)
    for d in sorted(columns):
        cells = frame[d].fillna("").astype(str)
        value = cells
        for raw, code in _ESCAPES:
            value = value.str.replace(raw, code, regex=False)
        use = ~cells.str.strip().str.upper().isin(("", *TOTAL_CODES))
        if keep is not None:
            use &= keep[d]
        part = (escape(d) + "=" + value).where(use, "")
        out = out.where(part == "", out.where(out == "", out + "|") + part)
    return out


def sql_key(columns: dict[str, str]) -> tuple[str, dict]:
    """A DuckDB expression giving key() of each row, and the parameters to bind with it: `columns` maps
    each dimension name to the column holding its cells as trimmed text ('' for blank). The names and
    the total codes are bound, never written into the SQL text."""
    if not columns:
        return "''", {}
    params, parts = {"total_codes": ["", *TOTAL_CODES]}, []
    for i, d in enumerate(sorted(columns)):
        params[f"dimension_{i}"] = escape(d) + "="
        cell = identifier(columns[d])
        # _ESCAPES, in SQL: about 0.1 s a million rows of three dimensions, on cells trimmed once
        escaped = f"replace(replace(replace({cell}, '%', '%25'), '|', '%7C'), '=', '%3D')"
        # concat_ws skips NULLs: a total or blank cell drops out of the key
        parts.append(f"case when not list_contains($total_codes, upper({cell})) then $dimension_{i} || {escaped} end")
    return "concat_ws('|', " + ", ".join(parts) + ")", params
