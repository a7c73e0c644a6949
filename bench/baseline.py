"""The pandas baseline: the same four results as the app's queries, computed the way a typical dashboard
would write them. The tables are read into pandas frames once (as a dashboard caches them); each
interaction then filters and groups those frames in Python.

The rules are the app's (gapmonitor/schema/), restated in pandas:
- released observations: official ones, and citizen ones from at least `min_sample_size` respondents and
  not withheld as a complement (the table `withheld`, which the app's writes keep up to date);
- each observation counts for the groups its dimension key maps to (group_mapping) and the group its
  series measures by definition (series_group), a key '' for the total; subnational areas count for
  their country;
- cells are expected only for indicators in the database for the scope (an observation of one of their
  series in it); the others are 'not in this database';
- a citizen dataset's quality tier is the citizen_quality rule over its seven criteria;
- a cell (indicator, country, expected group) in the years first_year..last_year is official_and_citizen,
  official, citizen_fills_gap, citizen_below_bar or no_data by the gap_cells rule;
- coverage percentages are rounded as DuckDB's round() does (half away from zero).

Vectorised, idiomatic pandas: low-cardinality text columns of the cached frame are categoricals, groups
are found once per distinct dimension key, nothing loops over rows.
"""

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

CRITERIA = ["relevance", "methodology", "accuracy", "timeliness", "coherence", "ethics", "confidentiality"]
OFFICIAL = ("official", "official_and_citizen")


def quality_tier(criteria: pd.DataFrame) -> pd.Series:
    """The citizen_quality rule: 3 high, 2 medium, 1 low, from the seven criteria (0, 1 or 2 each)."""
    score = criteria[CRITERIA].sum(axis=1)
    high = ((score >= 11) & (criteria[CRITERIA[:5]].min(axis=1) >= 1)
            & (criteria.ethics == 2) & (criteria.confidentiality == 2))
    medium = (score >= 7) & (criteria.ethics >= 1) & (criteria.confidentiality >= 1)
    return pd.Series(np.select([high, medium], [3, 2], 1), index=criteria.index)


def coverage_pct(part: pd.Series, whole: pd.Series) -> pd.Series:
    """round(100 * part / whole, 1), rounding halves away from zero like DuckDB; NaN where whole is 0."""
    pct = 100.0 * part / whole.where(whole != 0)
    return np.floor(pct * 10 + 0.5) / 10


def groups_of_keys(keys: pd.Series, mapping: pd.DataFrame) -> pd.DataFrame:
    """(dims, group_id) for each distinct dimension key: '' is the total; 'Location=RURAL|Sex=FEMALE'
    counts for every group one of its parts maps to."""
    keys = pd.Series(keys.unique(), name="dims")
    parts = keys[keys != ""].to_frame().assign(part=lambda d: d.dims.str.split("|")).explode("part")
    split = parts.part.str.split("=")
    parts = parts.assign(dimension=split.str[0], dim_value=split.str[1].fillna(""))
    mapped = parts.merge(mapping, on=["dimension", "dim_value"])[["dims", "group_id"]]
    return pd.concat([pd.DataFrame({"dims": [""], "group_id": ["total"]}), mapped], ignore_index=True)


class Baseline:
    """The frames a dashboard would cache, and one method per interaction."""

    def __init__(self, path: str | Path):
        with duckdb.connect(str(path), read_only=True) as con:
            obs = con.execute("select dataset_id, series, area, dims, year, time_detail, sample_size from observation").df()
            withheld = con.execute("select dataset_id, series, area, dims, time_detail from withheld").df()
            datasets = con.execute("select dataset_id, kind, is_demo from dataset").df()
            criteria = con.execute("select * from citizen_dataset").df()
            series = con.execute("select code, indicator from series").df()
            self.areas = con.execute("select code, name, region, is_sids, lat, lon, kind, parent from area").df()
            self.indicators = con.execute("select code, goal, title, sort_key from indicator").df()
            self.groups = con.execute("select group_id, label, sort from population_group").df()
            mapping = con.execute("select dimension, dim_value, group_id from group_mapping").df()
            series_groups = con.execute("select series, group_id from series_group").df()
            self.expected = con.execute("select indicator, group_id from expected_group").df()
            self.min_sample_size = con.execute("select value from setting where key = 'min_sample_size'").fetchall()[0][0]

        # released observations, with their dataset's kind and quality tier
        tiers = pd.Series(quality_tier(criteria).to_numpy(), index=criteria.dataset_id)
        obs = obs.merge(datasets, on="dataset_id")
        # the indicators in the database for each scope: any observation of theirs, released or not
        present = pd.DataFrame({"indicator": obs.series.map(series.set_index("code").indicator), "is_demo": obs.is_demo})
        present = present.drop_duplicates()
        self.in_scope = {"all": set(present.indicator), "demo": set(present.indicator[present.is_demo]),
                         "user": set(present.indicator[~present.is_demo])}
        obs = obs[(obs.kind == "official") | (obs.sample_size >= self.min_sample_size)]
        key = ["dataset_id", "series", "area", "dims", "time_detail"]
        obs = obs[~pd.MultiIndex.from_frame(obs[key]).isin(pd.MultiIndex.from_frame(withheld[key]))]
        official = (obs.kind == "official").to_numpy()
        tier = obs.dataset_id.map(tiers).fillna(0).astype(int).where(~official & (obs.kind == "citizen").to_numpy(), 0)
        # series -> indicator, area -> its country, dimension key -> groups
        country = self.areas.parent.fillna(self.areas.code)
        rows = pd.DataFrame({
            "series": obs.series.to_numpy(),
            "indicator": obs.series.map(series.set_index("code").indicator).astype("category"),
            "country": obs.area.map(pd.Series(country.to_numpy(), index=self.areas.code)).astype("category"),
            "dims": obs.dims.to_numpy(),
            "year": obs.year.to_numpy(),
            "is_demo": obs.is_demo.to_numpy(),
            "official": official,
            "tier": tier.to_numpy(),
        })
        keys = groups_of_keys(rows.dims, mapping)
        by_key = rows.merge(keys, on="dims")
        by_series = rows.merge(series_groups, on="series")  # a group a dimension gives too is counted once
        self.og = (pd.concat([by_key, by_series], ignore_index=True).drop(columns=["dims", "series"])
                   .astype({"group_id": "category"}).reset_index(drop=True))
        self.countries = self.areas[self.areas.kind == "country"].drop(columns=["kind", "parent"])
        self.countries = self.countries.rename(columns={"code": "area"})

    # -- the gap rules ------------------------------------------------------------------------------

    def _cells(self, rules: dict, indicators=None, country: str | None = None, indicator: str | None = None,
               group_id: str | None = None) -> pd.DataFrame:
        """One row per expected cell (indicator, area, group_id) with its status, for the subset asked."""
        og = self.og
        keep = og.year.between(rules["first_year"], rules["last_year"])
        if rules["scope"] != "all":
            keep &= og.is_demo == (rules["scope"] == "demo")
        expected = self.expected[self.expected.indicator.isin(self.in_scope[rules["scope"]])]
        countries = self.countries[["area"]]
        if indicators is not None:
            keep &= og.indicator.isin(indicators)
            expected = expected[expected.indicator.isin(indicators)]
        if indicator is not None:
            keep &= (og.indicator == indicator) & (og.group_id == group_id)
            expected = expected[(expected.indicator == indicator) & (expected.group_id == group_id)]
        if country is not None:
            keep &= og.country == country
            countries = countries[countries.area == country]
        flags = (og[keep].groupby(["indicator", "country", "group_id"], observed=True)
                 .agg(has_official=("official", "any"), best_tier=("tier", "max"))
                 .reset_index().rename(columns={"country": "area"})
                 .astype({"indicator": str, "area": str, "group_id": str}))
        cells = expected.merge(countries, how="cross").merge(flags, how="left", on=["indicator", "area", "group_id"])
        has = cells.has_official.fillna(False).astype(bool)
        best = cells.best_tier.fillna(0)
        bar = rules["min_tier"]
        cells["status"] = np.select(
            [has & (best >= bar), has, best >= bar, best > 0],
            ["official_and_citizen", "official", "citizen_fills_gap", "citizen_below_bar"], "no_data")
        return cells[["indicator", "area", "group_id", "status"]]

    def _with_labels(self, cells: pd.DataFrame) -> pd.DataFrame:
        indicators = self.indicators.rename(columns={"code": "indicator", "title": "indicator_title"})
        groups = self.groups.rename(columns={"label": "group_label", "sort": "group_sort"})
        return cells.merge(indicators, on="indicator").merge(groups, on="group_id")

    @staticmethod
    def _coverage(cells: pd.DataFrame, by: list[str], below_bar: bool = False) -> pd.DataFrame:
        counts = cells.assign(
            official_cells=cells.status.isin(OFFICIAL), filled_cells=cells.status == "citizen_fills_gap",
            below_bar_cells=cells.status == "citizen_below_bar",
        ).groupby(by, sort=False).agg(
            cells=("status", "size"), official_cells=("official_cells", "sum"), filled_cells=("filled_cells", "sum"),
            below_bar_cells=("below_bar_cells", "sum"),
        ).reset_index()
        if not below_bar:
            counts = counts.drop(columns="below_bar_cells")
        return counts.assign(
            official_pct=coverage_pct(counts.official_cells, counts.cells),
            with_citizen_pct=coverage_pct(counts.official_cells + counts.filled_cells, counts.cells),
        )

    # -- the four interactions ----------------------------------------------------------------------

    def coverage_by_indicator_and_group(self, goal: int, **rules) -> pd.DataFrame:
        """a. The gap matrix of one goal (queries/coverage_by_indicator_and_group.sql): every expected
        (indicator, group), those not in the database with no cells."""
        codes = self.indicators.code[self.indicators.goal == goal]
        cells = self._with_labels(self._cells(rules, indicators=codes))
        by = ["indicator", "indicator_title", "sort_key", "group_id", "group_label", "group_sort"]
        counts = self._coverage(cells, by)
        pairs = self._with_labels(self.expected[self.expected.indicator.isin(codes)])[by]
        out = pairs.merge(counts, on=by, how="left")
        out.insert(len(by), "in_database", out.indicator.isin(self.in_scope[rules["scope"]]))
        out = out.fillna({"cells": 0, "official_cells": 0, "filled_cells": 0})
        return out.astype({c: int for c in ("cells", "official_cells", "filled_cells")}).sort_values(
            ["sort_key", "group_sort"], ignore_index=True)

    def coverage_by_goal_and_group(self, **rules) -> pd.DataFrame:
        """b. The overview heatmap (queries/coverage_by_goal_and_group.sql)."""
        cells = self._with_labels(self._cells(rules))
        by = ["goal", "group_id", "group_label", "group_sort"]
        return self._coverage(cells, by, below_bar=True).sort_values(["goal", "group_sort"], ignore_index=True)

    def status_by_indicator_and_group(self, area: str, **rules) -> pd.DataFrame:
        """c. A country profile (queries/status_by_indicator_and_group.sql)."""
        by = ["goal", "indicator", "indicator_title", "sort_key", "group_id", "group_label", "group_sort"]
        cells = self._with_labels(self._cells(rules, country=area))
        out = self._with_labels(self.expected)[by].merge(cells[by + ["status"]], on=by, how="left")
        out.insert(len(by), "in_database", out.status.notna())
        out["status"] = out.status.fillna("not_in_database")
        return out.sort_values(["goal", "sort_key", "group_sort"], ignore_index=True)

    def gap_status_by_area(self, indicator: str, group_id: str, **rules) -> pd.DataFrame:
        """d. The map data of one indicator and group (queries/gap_status_by_area.sql)."""
        cells = self._cells(rules, indicator=indicator, group_id=group_id)
        out = self.countries.merge(cells, on="area", how="left").fillna({"status": "not_in_database"})
        return out[["area", "name", "region", "is_sids", "lat", "lon", "status"]].sort_values("name", ignore_index=True)


def run(baseline: Baseline, name: str, **params) -> pd.DataFrame:
    """The baseline's result for a query name and the parameters the app passes (extra ones ignored)."""
    rules = {k: params[k] for k in ("first_year", "last_year", "min_tier", "scope")}
    assert not params.get("endorsed_only"), "the baseline implements the rules without the endorsed-only filter"
    if name == "coverage_by_indicator_and_group":
        return baseline.coverage_by_indicator_and_group(params["goal"], **rules)
    if name == "coverage_by_goal_and_group":
        return baseline.coverage_by_goal_and_group(**rules)
    if name == "status_by_indicator_and_group":
        return baseline.status_by_indicator_and_group(params["area"], **rules)
    if name == "gap_status_by_area":
        return baseline.gap_status_by_area(params["indicator"], params["group_id"], **rules)
    raise ValueError(f"no baseline for {name}")


# -- e. the import baseline: pandas.read_csv plus an insert into DuckDB --------------------------------

def import_csv(csv_path: str | Path, db_path: str | Path, dataset_id: str = "baseline-import") -> int:
    """Import a UN SDG export the straightforward way: pandas.read_csv, build the dimension key and resolve
    M49 codes with pandas, insert into the observation table in one transaction. No validation, no
    preview, no derived tables; returns the number of rows written."""
    from gapmonitor.dimensions import TOTAL_CODES
    from gapmonitor.formats.unsdg import NOT_DIMENSIONS

    frame = pd.read_csv(csv_path, dtype={"GeoAreaCode": str})
    frame = frame.loc[:, ~frame.columns.str.startswith("Unnamed")]
    key = pd.Series("", index=frame.index)
    for dimension in sorted(c for c in frame.columns if c not in NOT_DIMENSIONS):
        value = frame[dimension].fillna("").astype(str).str.strip()
        part = (dimension + "=" + value).where(~value.str.upper().isin(("", *TOTAL_CODES)), "")
        key = key.where(part == "", key.where(key == "", key + "|") + part)
    with duckdb.connect(str(db_path)) as con:
        m49 = con.execute("select cast(m49 as varchar) as m49, code from area "
                          "where kind in ('country', 'region') and m49 is not null").df()
        rows = pd.DataFrame({
            "series": frame.SeriesCode,
            "area": frame.GeoAreaCode.map(m49.set_index("m49").code),
            "dims": key,
            "year": frame.TimePeriod.astype(int),
            "time_detail": frame.Time_Detail.fillna(frame.TimePeriod).astype(str),
            "value": pd.to_numeric(frame.Value, errors="coerce"),
            "nature": frame.Nature,
            "source": frame.Source,
            "footnote": frame.FootNote,
        }).dropna(subset=["area", "value"])
        con.execute("begin transaction")
        con.execute("insert into dataset (dataset_id, kind, title, source, is_demo) "
                    "values (?, 'official', 'Baseline import', 'pandas baseline', false)", [dataset_id])
        con.register("incoming", rows)
        con.execute("""
            insert into observation (dataset_id, series, area, dims, year, time_detail, value, nature, source, footnote)
            select $dataset, series, area, dims, year, time_detail, value, nature, source, footnote from incoming
        """, {"dataset": dataset_id})
        con.unregister("incoming")
        con.execute("commit")
    return len(rows)


def load_only(csv_path: str | Path, db_path: str | Path) -> int:
    """Not an import: DuckDB's own CSV reader loads the file into a new table of the database (column
    types detected), with no checks, no mapping and no derived tables. A reference point for e: about
    the least any import of this file into this database costs here (the fastest way found; bench/README.md
    compares others). Returns the number of rows loaded."""
    with duckdb.connect(str(db_path)) as con:
        con.execute("create table loaded as select * from read_csv(?)", [str(csv_path)])
        return con.execute("select count(*) from loaded").fetchall()[0][0]
