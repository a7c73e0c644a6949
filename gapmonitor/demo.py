"""The built-in demo dataset: a real series catalogue with illustrative, generated observations.

The series (data/demo/series.csv) and subnational units (ISO 3166-2) are real. Observation values and
the citizen datasets are generated, deterministically from one seed, and every one is flagged
is_demo so that each screen can say so.
"""

import zlib
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pycountry

from gapmonitor import accounts, audit, derived, dimensions
from gapmonitor.audit import Entry
from gapmonitor.i18n import N_

DATA = Path(__file__).resolve().parents[1] / "data"
DEMO = DATA / "demo"
SEED = 2030
LAST_YEAR = 2025
FIRST_YEAR = 2005
DEMO_SOURCE = "SDG Gap Monitor demo generator: illustrative demo data, not official statistics"

# Subnational units for citizen data (ISO 3166-2, from pycountry): Kenya's counties, Malawi's districts.
SUBNATIONAL = {"KEN": "County", "MWI": "District"}

# How often official data carries a dimension that its indicator expects (before country capacity):
# sex-disaggregated data is common, disability and migratory status rare.
DIMENSION_RATE = {"Sex": 0.8, "Location": 0.5, "Age": 0.45, "Quantile": 0.3,
                  "Disability status": 0.08, "Migratory status": 0.06, "Ethnicity": 0.05}
# The values written for a dimension, each with how much better (+) or worse (-) it fares than the
# total, on the latent scale of the generator: the less visible groups fare worse.
DIMENSION_VALUES = {"Sex": [("FEMALE", -0.4), ("MALE", 0.3)], "Location": [("RURAL", -0.6), ("URBAN", 0.4)],
                    "Age": [("15-24", -0.3), ("65+", -0.4)], "Quantile": [("Q1", -1.0), ("Q5", 0.9)],
                    "Disability status": [("PD", -0.7)], "Migratory status": [("MIGRANT", -0.4)],
                    "Ethnicity": [("INDIGENOUS", -0.7)]}
DIMENSION_GROUPS = {"Sex": ["women"], "Location": ["rural"], "Quantile": ["poorest"], "Age": ["youth"],
                    "Disability status": ["disability"], "Migratory status": ["migrants"],
                    "Ethnicity": ["indigenous"]}


def load(con: duckdb.DuckDBPyConnection) -> None:
    """Fill an empty database (schema already created) with the reference and demo data."""
    rng = np.random.default_rng(SEED)
    _load_subnational_units(con)
    series = pd.read_csv(DEMO / "series.csv", dtype={"indicator": str})
    con.register("series_csv", series)
    con.execute("""
        insert into series
        select series_code, indicator, series_description, unit, higher_is_better = 1 from series_csv
    """)
    _load_expected_groups(con, series)
    countries = con.execute("""
        select code, is_ldc, is_sids, m49 from area where kind = 'country' order by code
    """).df()
    expected = con.execute("""
        select s.series_code, list(e.group_id) as groups
        from series_csv as s join expected_group as e on e.indicator = s.indicator
        group by s.series_code
    """).df().set_index("series_code").groups
    dims = [
        {d for d, groups in DIMENSION_GROUPS.items() if set(groups) & set(expected.get(code, []))}
        | set(str(listed).split("|"))
        for code, listed in zip(series.series_code, series.dimensions.fillna(""))
    ]
    official = _official_observations(rng, series.assign(dims=dims), countries)
    _insert_dataset(con, "demo-official", "official", "Illustrative official statistics (demo)")
    _insert_observations(con, "demo-official", official)
    _load_citizen(con, series, official)
    con.unregister("series_csv")
    _load_story(con)
    # the log starts with the database itself (and the audit log page has a row to show on the demo)
    audit.record(con, Entry(accounts.SYSTEM, "build", "demo data", reason="the first start: the reference and "
                            "illustrative demo data"))


# One illustrative story, so that the Stories page and the presentation have something to show on the demo
# data: a view of a goal page, a country profile and a citizen dataset (their URL state). Stored in English;
# the pages show its words in the session's language (titles.localised: i18n.known).
DEMO_STORY = ("illustrative-demo-story", N_("Illustrative demo story: disability data in Kenya"),
              N_("Made with the illustrative demo data, to show how a story presents saved views; not official statistics."))
DEMO_STEPS = [
    (N_("Poverty data for persons with disabilities"), "goal-1",
     "indicator=1.1.1&group=disability&view=Gap+status&window=5&end=2025&bar=Medium&endorsed=no",
     N_("Illustrative data. Grey: no data at all; gold: citizen data fills the gap the official data leaves.")),
    (N_("Kenya: which groups the data sees"), "country", "area=KEN&goal=0&window=5&end=2025&bar=Medium&endorsed=no",
     N_("Illustrative data. Each cell is an indicator and a group, coloured by its gap status.")),
    (N_("The community scorecard behind it"), "citizen",
     "dataset=cgd-disability-scorecard&window=5&end=2025&bar=Medium&endorsed=no",
     N_("Illustrative data. Its quality tier and review status say how far it can be trusted.")),
]


def _load_story(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("insert into story (story_id, title, description, created_by) values (?, ?, ?, 'demo')", list(DEMO_STORY))
    con.executemany("insert into story_step (story_id, position, title, page, params, note) values (?, ?, ?, ?, ?, ?)",
                    [(DEMO_STORY[0], n, *step) for n, step in enumerate(DEMO_STEPS, 1)])


def _load_subnational_units(con: duckdb.DuckDBPyConnection) -> None:
    units = pd.DataFrame([
        {"code": s.code, "name": s.name, "parent": iso3}
        for iso3, kind in SUBNATIONAL.items()
        for s in pycountry.subdivisions.get(country_code=pycountry.countries.get(alpha_3=iso3).alpha_2)
        if s.type == kind
    ])
    con.register("units", units)
    con.execute("""
        insert into area (code, local_code, name, kind, parent) select code, code, name, 'subnational', parent from units
    """)
    con.unregister("units")


def _load_expected_groups(con: duckdb.DuckDBPyConnection, series: pd.DataFrame) -> None:
    by_dimension = pd.DataFrame(
        [
            {"indicator": s.indicator, "group_id": g}
            for s in series.itertuples()
            for d in str(s.dimensions if isinstance(s.dimensions, str) else "").split("|")
            for g in DIMENSION_GROUPS.get(d, [])
        ],
        columns=["indicator", "group_id"],
    )
    con.register("by_dimension", by_dimension)
    con.execute("insert into expected_group select distinct indicator, group_id from by_dimension")
    derived.add_expected_groups(con)
    con.unregister("by_dimension")


def _official_observations(rng, series: pd.DataFrame, countries: pd.DataFrame) -> pd.DataFrame:
    """Observations for every (series, country) pair that has data: sparser and older where capacity
    is lower (LDCs, SIDS, small territories), disaggregated by the dimensions in series.dims at the
    rates of DIMENSION_RATE."""
    capacity = np.where(countries.is_ldc, 0.5, np.where(countries.is_sids, 0.55, 0.85))
    capacity = np.clip(capacity + rng.normal(0, 0.08, len(countries)), 0.15, 0.98)
    pairs = pd.MultiIndex.from_product([series.index, countries.index], names=["s", "c"]).to_frame(index=False)
    series_rate = rng.uniform(0.55, 1.0, len(series))
    pairs["capacity"] = capacity[pairs.c]
    keep = rng.random(len(pairs)) < series_rate[pairs.s] * pairs.capacity
    pairs = pairs[keep].reset_index(drop=True)

    # Latest year: lagging further behind where capacity is low; then 2-8 earlier points.
    lag = rng.geometric(np.clip(pairs.capacity, 0.2, 0.95)) - 1
    pairs["last"] = LAST_YEAR - np.minimum(lag * 2, 12)
    pairs["n_years"] = rng.integers(2, 9, len(pairs))
    pairs["step"] = rng.integers(1, 4, len(pairs))
    years = pairs.loc[pairs.index.repeat(pairs.n_years)].rename_axis("pair").reset_index()
    years["year"] = years["last"] - years.groupby("pair").cumcount() * years.step
    years = years[years.year >= FIRST_YEAR].reset_index(drop=True)

    # A latent level per country and per series keeps values coherent across series and years.
    country_level = rng.normal(0, 1, len(countries)) - 1.2 * countries.is_ldc.to_numpy()
    pair_level = country_level[pairs.c] + rng.normal(0, 0.5, len(pairs))
    years["level"] = pair_level[years.pair] + 0.04 * (years.year - 2015) + rng.normal(0, 0.1, len(years))

    rows = [years.assign(dims="", shift=0.0)]
    for dimension, rate in DIMENSION_RATE.items():
        has = np.array([dimension in ds for ds in series.dims])
        pair_has = has[pairs.s] & (rng.random(len(pairs)) < rate * (0.4 + 0.6 * pairs.capacity.to_numpy()))
        sub = years[pair_has[years.pair.to_numpy()]]
        for value, shift in DIMENSION_VALUES[dimension]:
            rows.append(sub.assign(dims=dimensions.key([(dimension, value)]), shift=shift))
    obs = pd.concat(rows, ignore_index=True)
    return pd.DataFrame({
        "series": series.series_code.to_numpy()[obs.s], "area": countries.code.to_numpy()[obs.c],
        "dims": obs.dims, "year": obs.year.astype(int),
        "value": _scale(series.loc[obs.s], obs.level.to_numpy() + obs["shift"].to_numpy()),
        "nature": np.where(rng.random(len(obs)) < 0.8, "C", "E"),
    })


def _scale(series_rows: pd.DataFrame, level: np.ndarray) -> np.ndarray:
    """Map a latent level (higher = better off) into the plausible range of each row's series."""
    good = 1 / (1 + np.exp(-level))
    frac = np.where(series_rows.higher_is_better.to_numpy() == 1, good, 1 - good)
    lo, hi = series_rows.value_min.to_numpy(), series_rows.value_max.to_numpy()
    return np.round(lo + (hi - lo) * frac, 2)


def _level(series_rows: pd.DataFrame, value: np.ndarray) -> np.ndarray:
    """The inverse of _scale: the latent level behind a value."""
    lo, hi = series_rows.value_min.to_numpy(), series_rows.value_max.to_numpy()
    frac = np.clip((value - lo) / (hi - lo), 0.01, 0.99)
    good = np.where(series_rows.higher_is_better.to_numpy() == 1, frac, 1 - frac)
    return np.log(good / (1 - good))


def _insert_dataset(con, dataset_id: str, kind: str, title: str, licence: str = "CC BY 4.0") -> None:
    con.execute(
        "insert into dataset (dataset_id, kind, title, source, licence, is_demo) values (?, ?, ?, ?, ?, true)",
        [dataset_id, kind, title, DEMO_SOURCE, licence],
    )


def _insert_observations(con, dataset_id: str, obs: pd.DataFrame) -> None:
    """Insert generated rows; citizen proportions get their 95% Wilson interval from the schema's macros."""
    con.register("generated", obs.assign(dataset_id=dataset_id))
    has_n = "sample_size" in obs
    con.execute(f"""
        insert into observation
            (dataset_id, series, area, dims, year, time_detail, value, lower_bound, upper_bound, nature, source, sample_size)
        select g.dataset_id, g.series, g.area, g.dims, g.year, cast(g.year as varchar), g.value,
            {"case when s.unit = 'PERCENT' then round(100 * wilson_lower(g.value / 100, g.sample_size), 2) end" if has_n else "null"},
            {"case when s.unit = 'PERCENT' then round(100 * wilson_upper(g.value / 100, g.sample_size), 2) end" if has_n else "null"},
            {"'CGD'" if has_n else "g.nature"}, $source, {"g.sample_size" if has_n else "null"}
        from generated as g
        join series as s on s.code = g.series
    """, {"source": DEMO_SOURCE})
    con.unregister("generated")


def _load_citizen(con, series: pd.DataFrame, official: pd.DataFrame) -> None:
    """Citizen datasets from data/demo/citizen_datasets.csv, with observations for the groups,
    indicators, areas and years each one states, near the official level of its country."""
    specs = pd.read_csv(DEMO / "citizen_datasets.csv", dtype=str, keep_default_na=False)
    mapping = con.execute("select dimension, dim_value, group_id from group_mapping").fetchall()
    written = {dimensions.key([(d, v)]) for d, values in DIMENSION_VALUES.items() for v, _shift in values}
    group_dims = {group: dimensions.key([(d, v)]) for d, v, group in mapping if dimensions.key([(d, v)]) in written}
    shifts = {dimensions.key([(d, v)]): shift for d, values in DIMENSION_VALUES.items() for v, shift in values}
    totals = official[official.dims == ""].groupby(["series", "area"]).value.mean()
    percent = series[series.unit == "PERCENT"]
    for spec in specs.itertuples():
        # each dataset draws from its own stream: a change elsewhere in the demo leaves its values as they are
        own = np.random.default_rng([SEED, zlib.crc32(spec.dataset_id.encode())])
        chosen = percent[percent.indicator.isin(spec.indicators.split("|"))]
        if spec.subnational_of:
            units = con.execute("select code from area where parent = ? order by code",
                                [spec.subnational_of]).df().code.to_numpy()
            areas = own.choice(units, size=min(8, len(units)), replace=False)
        else:
            areas = np.array(spec.countries.split("|"))
        grid = pd.MultiIndex.from_product(
            [chosen.index, areas, [group_dims[g] for g in spec.groups.split("|")], [int(y) for y in spec.years.split("|")]],
            names=["s", "area", "dims", "year"],
        ).to_frame(index=False)
        rows = series.loc[grid.s].reset_index(drop=True)
        country = [spec.subnational_of] * len(grid) if spec.subnational_of else grid.area
        base = np.array([totals.get((c, a), np.nan) for c, a in zip(rows.series_code, country)])
        base = np.where(np.isnan(base), (rows.value_min + rows.value_max) / 2, base)
        level = _level(rows, base) + grid.dims.map(shifts).to_numpy() + own.normal(0, 0.3, len(grid))
        _insert_dataset(con, spec.dataset_id, "citizen", spec.title, spec.licence)
        con.execute(
            """insert into citizen_dataset (dataset_id, producer, producer_type, method, collection_start, collection_end,
                nso_review, participation_level, relevance, methodology, accuracy, timeliness, coherence, ethics,
                confidentiality, subject, assessed_by)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'demo generator')""",
            [spec.dataset_id, spec.producer, spec.producer_type, spec.method, spec.collection_start,
             spec.collection_end, spec.nso_review, int(spec.participation_level), int(spec.relevance),
             int(spec.methodology), int(spec.accuracy), int(spec.timeliness), int(spec.coherence),
             int(spec.ethics), int(spec.confidentiality), spec.subject],  # people, or places (water points)
        )
        _insert_observations(con, spec.dataset_id, pd.DataFrame({
            "series": rows.series_code, "area": grid.area, "dims": grid.dims, "year": grid.year,
            "value": _scale(rows, level),
            "sample_size": _sample_sizes(own, int(spec.sample_min), int(spec.sample_max), len(grid)),
        }))


def _sample_sizes(rng, low: int, high: int, n: int) -> np.ndarray:
    """Sample sizes from low to high, spread evenly on a log scale as survey samples are (many small
    ones, a few large): a dataset drawn from 5 to 600 has its share of cells under the thresholds."""
    return np.clip(np.exp(rng.uniform(np.log(low), np.log(high + 1), n)).astype(int), low, high)
