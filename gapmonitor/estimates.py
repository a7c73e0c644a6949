"""Estimates from placed citizen records (one per area x group x period, with its effective sample size
and a 95% interval, computed in DuckDB from weighted records), and the same estimates as the schema's
release rule shows them."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from gapmonitor import dimensions
from gapmonitor.sql import identifier

if TYPE_CHECKING:
    from gapmonitor.formats.records import RecordSpec


def from_records(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, spec: RecordSpec) -> pd.DataFrame:
    """One estimate per area (and, with country_totals, country) x period x combination of groups:
    every subset of the group columns, so totals and each breakdown come out of one pass. Records carry
    survey weights `w` (none given: 1.0 each). A yes/no measure gives a weighted percentage with the
    Wilson interval; a number, its weighted mean with an interval that stays at or above 0 when no value
    is negative. Both intervals use the Kish effective sample size, which is also the sample size stored."""
    if frame.empty:
        return pd.DataFrame()
    if "w" not in frame.columns:
        frame = frame.assign(w=1.0)
    groups = [f"g{i}" for i in range(len(spec.groups))]  # the group columns of `frame`
    g, all_g = [identifier(c) for c in groups], [identifier(f"all_{c}") for c in groups]
    sets = [[g[j] for j in range(len(groups)) if mask >> j & 1] for mask in range(2 ** len(groups))]
    selected = "".join(f"{c}, grouping({c}) as {a}, " for c, a in zip(g, all_g))
    parts = []
    # With country totals, a country's estimate takes all its records, and a record that no subnational
    # area holds counts there only; without, such records (placed in the country itself) give it.
    for level in ["area"] + (["country"] if spec.country_totals else []):
        grouping = ", ".join(f"({', '.join([identifier(level), 'year', 'time_detail', *s])})" for s in sets)
        # the squared deviations are summed about the file's mean ($centre): the variance does not change
        # with the point it is taken about, and near the mean the sum loses no digits to cancellation
        parts.append(f"""
            select {identifier(level)} as area, year, time_detail, {selected}
                sum(w) as sw, sum(w * w) as sw2, sum(w * y) / sum(w) as mean,
                sum(w * (y - $centre) ^ 2) - sum(w * (y - $centre)) ^ 2 / sum(w) as ss
            from records_placed
            {"where area <> country" if level == "area" and spec.country_totals else ""}
            group by grouping sets ({grouping})""")
    con.register("records_placed", frame)
    try:
        cells = con.execute(f"""
            with cells as ({" union all ".join(parts)}),
            sized as (  -- Kish: n_eff = (sum w)^2 / sum w^2, the records themselves when every weight is 1
                select *, sw * sw / sw2 as n_eff from cells
            ),
            spread as (  -- standard error of the weighted mean: the weighted variance
                -- (ss / sw) * n_eff / (n_eff - 1) over n_eff, i.e. sd / sqrt(n) when every weight is 1;
                -- none from a single record (n_eff 1)
                select *, case when n_eff > 1 then sqrt(greatest(ss, 0) / (sw * (n_eff - 1))) end as se from sized
            )
            select spread.*, a.name as area_name, {_interval(spec, frame)}
            from spread left join area as a on a.code = spread.area
            where {" and ".join(f"({a} = 1 or {c} is not null)" for c, a in zip(g, all_g)) or "true"}
            order by spread.area, year, n_eff desc
        """, {"centre": float(frame.y.mean())}).df()  # a record without a group value counts in totals, never as a group
    finally:
        con.unregister("records_placed")
    names = [g.name for g in spec.groups]
    dims = [dimensions.key((names[i], row[f"g{i}"]) for i in range(len(groups)) if row[f"all_g{i}"] == 0)
            for row in cells.to_dict("records")]
    # The effective n rounded DOWN: it decides suppression and the reliability flag, and 9.6 effective
    # respondents are fewer than 10. The 1e-9 keeps a float's 9.999999999999998 (ten weights of 0.1) at 10.
    sample_size = (cells.n_eff + 1e-9).apply(math.floor).astype(int)
    return pd.DataFrame({
        "row": range(1, len(cells) + 1), "series": spec.series_code, "series_description": spec.description,
        "indicator": spec.indicator, "unit": spec.unit or ("PERCENT" if spec.percentage else ""),
        "area": cells.area, "area_name": cells.area_name.fillna(""), "area_scheme": "area", "dims": dims,
        "year": cells.year.astype(int), "time_detail": cells.time_detail, "value": cells.value, "lower_bound": cells.lower,
        "upper_bound": cells.upper, "nature": "CGD", "source": "", "sample_size": sample_size,
    })


def _interval(spec: RecordSpec, frame: pd.DataFrame) -> str:
    """The value and its 95% interval, as select items over `mean`, `n_eff` and `se`.
    A percentage: Wilson's interval with the effective n, inside 0-100 by construction. A mean of a
    measure that is never negative (counts, litres, items per 100 m): the normal interval on the log
    scale (delta method: mean * exp(+-1.96 se / mean)). A mean of skewed counts has a right-skewed
    sampling distribution, and mean - 1.96 se can fall below 0 (-305 items/100 m); the log-scale interval
    stays above 0, is longer on the side of the skew, and comes close to the normal one when se is small
    beside the mean. A mean of all-zero values (se 0) is 0, from 0 to 0. A measure with negative values
    keeps the normal interval, mean +- 1.96 se."""
    if spec.percentage:
        return "100 * mean as value, 100 * wilson_lower(mean, n_eff) as lower, 100 * wilson_upper(mean, n_eff) as upper"
    if (frame.y >= 0).all():
        return ("mean as value, "
                "case when se is null then null when mean = 0 then 0.0 else mean * exp(-1.959964 * se / mean) end as lower, "
                "case when se is null then null when mean = 0 then 0.0 else mean * exp(1.959964 * se / mean) end as upper")
    return "mean as value, mean - 1.959964 * se as lower, mean + 1.959964 * se as upper"


def as_released(con: duckdb.DuckDBPyConnection, estimates: pd.DataFrame, subject: str = "people") -> pd.DataFrame:
    """Estimates with the schema's own reliability rule applied (about people, too few respondents:
    suppressed; about places, only flagged), so a preview shows an editor no small cell of people;
    complementary suppression follows on import."""
    shown = estimates[["area", "area_name", "dims", "time_detail", "value", "lower_bound", "upper_bound", "sample_size"]]
    con.register("estimates", shown)
    try:
        return con.execute("""
            with marked as (select *, reliability('citizen', sample_size, $subject) as reliability from estimates)
            select * from released_rows(marked)""", {"subject": subject}).df()
    finally:
        con.unregister("estimates")
