"""Estimates from placed citizen records (one per area x group x period, with its sample size and a 95%
interval, computed in DuckDB), and the same estimates as the schema's release rule shows them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from gapmonitor import dimensions
from gapmonitor.sql import identifier

if TYPE_CHECKING:
    from gapmonitor.formats.records import RecordSpec


def from_records(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, spec: RecordSpec) -> pd.DataFrame:
    """One estimate per area (and, with country_totals, country) x period x combination of groups:
    every subset of the group columns, so totals and each breakdown come out of one pass. A yes/no
    measure gives a percentage with the Wilson interval; a number, its mean with a normal interval."""
    if frame.empty:
        return pd.DataFrame()
    groups = [f"g{i}" for i in range(len(spec.groups))]  # the group columns of `frame`
    g, all_g = [identifier(c) for c in groups], [identifier(f"all_{c}") for c in groups]
    sets = [[g[j] for j in range(len(groups)) if mask >> j & 1] for mask in range(2 ** len(groups))]
    selected = "".join(f"{c}, grouping({c}) as {a}, " for c, a in zip(g, all_g))
    parts = []
    for level in ["area"] + (["country"] if spec.country_totals else []):
        grouping = ", ".join(f"({', '.join([identifier(level), 'year', 'time_detail', *s])})" for s in sets)
        parts.append(f"""
            select {identifier(level)} as area, year, time_detail, {selected} count(*) as n, avg(y) as mean, stddev_samp(y) as sd
            from records_placed
            {"where area <> country" if level == "country" else ""}  -- records placed in the country itself
            group by grouping sets ({grouping})""")
    if spec.yes:
        value = "100 * mean as value, 100 * wilson_lower(mean, n) as lower, 100 * wilson_upper(mean, n) as upper"
    else:
        value = "mean as value, mean - 1.959964 * sd / sqrt(n) as lower, mean + 1.959964 * sd / sqrt(n) as upper"
    con.register("records_placed", frame)
    try:
        cells = con.execute(f"""
            with cells as ({" union all ".join(parts)})
            select cells.*, a.name as area_name, {value}
            from cells left join area as a on a.code = cells.area
            where {" and ".join(f"({a} = 1 or {c} is not null)" for c, a in zip(g, all_g)) or "true"}
            order by cells.area, year, n desc
        """).df()  # a record without a group value counts in totals, never as a group of its own
    finally:
        con.unregister("records_placed")
    names = [g.name for g in spec.groups]
    dims = [dimensions.key((names[i], row[f"g{i}"]) for i in range(len(groups)) if row[f"all_g{i}"] == 0)
            for row in cells.to_dict("records")]
    return pd.DataFrame({
        "row": range(1, len(cells) + 1), "series": spec.series_code, "series_description": spec.description,
        "indicator": spec.indicator, "unit": spec.unit or ("PERCENT" if spec.yes else ""),
        "area": cells.area, "area_name": cells.area_name.fillna(""), "area_scheme": "area", "dims": dims,
        "year": cells.year.astype(int), "time_detail": cells.time_detail, "value": cells.value, "lower_bound": cells.lower,
        "upper_bound": cells.upper, "nature": "CGD", "source": "", "sample_size": cells.n,
    })


def as_released(con: duckdb.DuckDBPyConnection, estimates: pd.DataFrame) -> pd.DataFrame:
    """Estimates with the schema's own reliability rule applied (too few respondents: suppressed), so
    a preview shows an editor no small cell; complementary suppression follows on import."""
    shown = estimates[["area", "area_name", "dims", "time_detail", "value", "lower_bound", "upper_bound", "sample_size"]]
    con.register("estimates", shown)
    try:
        return con.execute("""
            with marked as (select *, reliability('citizen', sample_size) as reliability from estimates)
            select * from released_rows(marked)""").df()
    finally:
        con.unregister("estimates")
