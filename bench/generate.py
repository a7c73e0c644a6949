"""Build a benchmark database in the app's own schema, at a given scale, deterministically from a seed.

    python bench/generate.py --scale 1.0 [--out PATH] [--seed 2030]

Scale 1.0 is the full size of the benchmark: 5,000,000 official and 500,000 citizen observations over a
synthetic catalogue of 700 series (BENCH_0001 ...; 700 × the scale above 1) spread over the real
indicators, every country in the reference data (241) and 25 years (2001-2025), with group dimensions
from the real vocabulary of group_mapping (UN and SDMX spellings, two-dimension keys, and values that
map to no group).

The schema and the reference data are created the app's way (db.create_schema, reference.load); the
derived tables (expected groups, cell_year) by derived.refresh, as after every import. Everything
else is generated set-based in DuckDB SQL: rows come from range() and are kept or given values by
hash() of the seed and their coordinates, so the same seed gives the same database (see digest()).
"""

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from gapmonitor import db, derived, reference  # noqa: E402

# A database built by another generator or against another schema is rebuilt, not reused.
GENERATOR_VERSION = "2-" + hashlib.sha256(
    b"".join(p.read_bytes() for p in (*db.SCHEMA, derived.Path(derived.__file__).with_name("cell_years.sql")))
).hexdigest()[:12]
SEED = 2030
FULL_OFFICIAL = 5_000_000
FULL_CITIZEN = 500_000
N_SERIES = 700                      # at scale 1; more above it (series_for)
N_OFFICIAL_DATASETS = 3
N_CITIZEN_DATASETS = 50
FIRST_YEAR, LAST_YEAR = 2001, 2025
SUBNATIONAL_COUNTRIES = 20          # countries given 10 synthetic subnational units for citizen data
UNITS_PER_COUNTRY = 10
CREATED_AT = "2026-01-01 00:00:00"  # fixed, so that the digest does not depend on the clock
SOURCE = "SDG Gap Monitor benchmark generator (synthetic data)"

# Candidate official rows per (series, country) pair at a pair rate of 1, measured on the generator's own
# catalogue: the pair rate that yields a little more than the wanted rows is derived from it, and the
# exact number is then taken in hash order.
OFFICIAL_ROWS_PER_PAIR = 40.6

# The dimension keys a series may carry, per spelling family ('un' as in UN SDG exports, 'sdmx' as in
# SDMX data) and per flag of the series. Keys are canonical (sorted by dimension). Values that map to
# no group (Sex=MALE, Location=URBAN, Education level=...) are kept: real data has them.
DIMS = [
    ("un", "sex", "Sex=FEMALE"), ("un", "sex", "Sex=MALE"),
    ("un", "loc", "Location=RURAL"), ("un", "loc", "Location=URBAN"),
    ("un", "age", "Age=15-24"), ("un", "age", "Age=65+"), ("un", "age", "Age=25-64"),
    ("un", "qnt", "Quantile=Q1"), ("un", "qnt", "Quantile=Q5"),
    ("un", "dis", "Disability status=PD"),
    ("un", "mig", "Migratory status=MIGRANT"),
    ("un", "eth", "Ethnicity=INDIGENOUS"),
    ("un", "sex_loc", "Location=RURAL|Sex=FEMALE"),
    ("un", "sex_age", "Age=15-24|Sex=FEMALE"),
    ("un", "edu", "Education level=PRIMAR"),
    ("sdmx", "sex", "SEX=F"), ("sdmx", "sex", "SEX=M"),
    ("sdmx", "loc", "URBANISATION=R"), ("sdmx", "loc", "URBANISATION=U"),
    ("sdmx", "age", "AGE=Y15T24"), ("sdmx", "age", "AGE=Y_GE65"),
    ("sdmx", "qnt", "INCOME_WEALTH_QUANTILE=Q1"), ("sdmx", "qnt", "INCOME_WEALTH_QUANTILE=Q5"),
    ("sdmx", "dis", "DISABILITY_STATUS=PD"),
    ("sdmx", "mig", "Migratory status=MIGRANT"),
    ("sdmx", "eth", "Ethnicity=INDIGENOUS"),
    ("sdmx", "sex_loc", "SEX=F|URBANISATION=R"),
    ("sdmx", "sex_age", "AGE=Y15T24|SEX=F"),
    ("sdmx", "edu", "Education level=PRIMAR"),
]
# How often a series carries each dimension (the two-dimension keys: of the series that carry both).
FLAG_RATES = {"sex": 0.55, "loc": 0.35, "age": 0.30, "qnt": 0.20, "dis": 0.08, "mig": 0.06, "eth": 0.05,
              "sex_loc": 0.5, "sex_age": 0.5, "edu": 0.10}
# The keys citizen datasets report (they are about groups), '' being their total.
CITIZEN_DIMS = ["", "Sex=FEMALE", "Disability status=PD", "Location=RURAL", "Quantile=Q1",
                "Migratory status=MIGRANT", "Age=15-24", "Age=65+", "Ethnicity=INDIGENOUS",
                "Location=RURAL|Sex=FEMALE", "Disability status=PD|Sex=FEMALE"]


def rows_for(scale: float) -> tuple[int, int]:
    """Official and citizen observations at a scale (at least a few rows of each)."""
    return max(200, round(FULL_OFFICIAL * scale)), max(50, round(FULL_CITIZEN * scale))


def _u(*parts: str) -> str:
    """SQL for a uniform number in [0, 1) drawn by hash from the seed and the given SQL expressions."""
    return f"((hash($seed, {', '.join(parts)}) % 1000000) / 1000000.0)"


def series_for(scale: float) -> int:
    """Series in the catalogue: 700 up to scale 1, and as many more as the scale above it. The rows a
    (series, country) pair can hold are bounded (years, dimension keys), so 700 series give at most
    about 5.9 M official rows; a larger scale grows the catalogue, as a national database grows by new
    series and breakdowns, rather than stop short of its rows."""
    return max(N_SERIES, round(N_SERIES * scale))


def build(path: str | Path, scale: float = 1.0, seed: int = SEED, verbose: bool = True) -> dict:
    """Build the benchmark database at `path` (replaced if it exists); return what was built, with
    the time each step took and the digest of the data."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    n_official, n_citizen = rows_for(scale)
    timings = {}

    def step(name, started):
        timings[name] = round(time.perf_counter() - started, 2)
        if verbose:
            print(f"  {name}: {timings[name]:.1f} s", flush=True)

    t0 = time.perf_counter()
    con = duckdb.connect(str(tmp))
    try:
        t = time.perf_counter()
        db.create_schema(con)
        reference.load(con)
        step("schema and reference data", t)
        params = {"seed": seed}

        t = time.perf_counter()
        _catalogue(con, params, series_for(scale))
        _areas(con, params)
        _datasets(con, params)
        step("catalogue, areas, datasets", t)

        t = time.perf_counter()
        _official(con, params, scale, n_official)
        step(f"official observations ({n_official:,})", t)

        t = time.perf_counter()
        _citizen(con, params, n_citizen)
        step(f"citizen observations ({n_citizen:,})", t)

        t = time.perf_counter()
        derived.refresh(con)  # expected groups and cell_year, as after every import
        step("derived.refresh (expected groups, cell_year)", t)

        info = {"generator": GENERATOR_VERSION, "scale": scale, "seed": seed}
        counts = dict(zip(
            ["official", "citizen", "released_citizen", "series", "countries", "subnational", "cell_year",
             "expected_group"],
            con.execute("""
                select
                    (select count(*) from observation join dataset using (dataset_id) where kind = 'official'),
                    (select count(*) from observation join dataset using (dataset_id) where kind = 'citizen'),
                    (select count(*) from released_observation where kind = 'citizen' and reliability <> 'suppressed'),
                    (select count(*) from series),
                    (select count(*) from area where kind = 'country'),
                    (select count(*) from area where kind = 'subnational'),
                    (select count(*) from cell_year),
                    (select count(*) from expected_group)
            """).fetchall()[0],
        ))
        info["counts"] = counts
        info["digest"] = digest(con)
        con.execute("insert into meta values ('benchmark', ?)", [json.dumps(info, sort_keys=True)])
        t = time.perf_counter()
        con.execute("checkpoint")
        step("checkpoint", t)
    finally:
        con.close()
    os.replace(tmp, path)
    info["seconds"] = round(time.perf_counter() - t0, 1)
    info["steps"] = timings
    info["bytes"] = path.stat().st_size
    return info


def _catalogue(con: duckdb.DuckDBPyConnection, params: dict, n_series: int) -> None:
    """The series over the real indicators: every indicator gets one, the rest go to indicators drawn by
    hash; each series carries a set of dimension keys (its flags) in one spelling family."""
    con.execute("create temp table b_indicator as "
                "select code, row_number() over (order by sort_key) - 1 as idx from indicator")
    flags = ",\n".join(
        f"{_u(repr(name), 's.idx')} < {rate} as {name}" for name, rate in FLAG_RATES.items()
    )
    con.execute(f"""
        create temp table b_series as
        with s as (select range as idx from range(1, {n_series} + 1)),
        n as (select count(*) as n from b_indicator)
        select
            s.idx,
            'BENCH_' || lpad(cast(s.idx as varchar), 4, '0') as code,
            i.code as indicator,
            case when {_u("'family'", 's.idx')} < 0.2 then 'sdmx' else 'un' end as family,
            'bench-official-' || (1 + hash($seed, 'dataset', s.idx) % {N_OFFICIAL_DATASETS}) as dataset_id,
            {flags}
        from s cross join n
        join b_indicator as i
            on i.idx = case when s.idx <= n.n then s.idx - 1 else hash($seed, 'indicator', s.idx) % n.n end
    """, params)
    con.execute("""
        insert into series
        select code, indicator, 'Synthetic benchmark series', case when idx % 4 = 0 then 'NUMBER' else 'PERCENT' end,
            idx % 2 = 0
        from b_series order by idx
    """)
    con.register("dims_vocabulary", _frame(["family", "flag", "dims"], DIMS))
    # the dimension keys of each series: its total, and every key of its family whose flag it has
    # (a two-dimension key only if it also has both single dimensions)
    con.execute("""
        create temp table b_series_dims as
        select idx as sidx, code as series, '' as dims from b_series
        union all
        select s.idx, s.code, v.dims
        from b_series as s
        join dims_vocabulary as v on v.family = s.family
        where case v.flag
            when 'sex' then s.sex when 'loc' then s.loc when 'age' then s.age when 'qnt' then s.qnt
            when 'dis' then s.dis when 'mig' then s.mig when 'eth' then s.eth when 'edu' then s.edu
            when 'sex_loc' then s.sex and s.loc and s.sex_loc
            when 'sex_age' then s.sex and s.age and s.sex_age
        end
    """)
    con.unregister("dims_vocabulary")


def _frame(columns, rows):
    import pandas as pd

    return pd.DataFrame(rows, columns=columns)


def _areas(con: duckdb.DuckDBPyConnection, params: dict) -> None:
    """Countries with their capacity (LDCs and SIDS publish less), and synthetic subnational units for
    some countries, which citizen datasets report on (they count for their country)."""
    con.execute("""
        create temp table b_country as
        select code, row_number() over (order by code) as idx, name, lat, lon,
            case when is_ldc then 0.6 when is_sids then 0.7 else 1.0 end as capacity
        from area where kind = 'country'
    """)
    con.execute(f"""
        insert into area (code, local_code, name, kind, parent, lat, lon)
        with chosen as (
            select * from b_country order by hash($seed, 'subnational', idx) limit {SUBNATIONAL_COUNTRIES}
        )
        select c.code || '-B' || lpad(cast(u.k as varchar), 2, '0'), 'B' || lpad(cast(u.k as varchar), 2, '0'),
            c.name || ' (synthetic unit ' || u.k || ')', 'subnational', c.code, c.lat + u.k / 10, c.lon + u.k / 10
        from chosen as c, (select range as k from range(1, {UNITS_PER_COUNTRY} + 1)) as u
        order by c.code, u.k
    """, params)


def _datasets(con: duckdb.DuckDBPyConnection, params: dict) -> None:
    """A few official datasets, and 50 citizen datasets whose seven quality criteria vary (a third
    aiming high, a third medium, a third low), so that every quality tier occurs."""
    con.execute(f"""
        insert into dataset (dataset_id, kind, title, source, licence, is_demo, created_at)
        select 'bench-official-' || range, 'official', 'Synthetic official statistics ' || range || ' (benchmark)',
            '{SOURCE}', 'CC BY 4.0', false, timestamp '{CREATED_AT}'
        from range(1, {N_OFFICIAL_DATASETS} + 1)
        union all
        select 'bench-cgd-' || lpad(cast(range as varchar), 2, '0'), 'citizen',
            'Synthetic citizen dataset ' || range || ' (benchmark)', '{SOURCE}', 'CC BY 4.0', false,
            timestamp '{CREATED_AT}'
        from range(1, {N_CITIZEN_DATASETS} + 1)
    """)
    criterion = lambda name: (  # noqa: E731  0, 1 or 2, better where the dataset aims higher
        f"case when {_u(repr(name), 'd')} < aim then 2 when {_u(repr(name), 'd', '1')} < 0.7 then 1 else 0 end")
    con.execute(f"""
        insert into citizen_dataset (dataset_id, producer, producer_type, method, collection_start, collection_end,
            nso_review, participation_level, relevance, methodology, accuracy, timeliness, coherence, ethics,
            confidentiality)
        with d as (
            select range as d, [0.9, 0.6, 0.25][1 + range % 3] as aim from range(1, {N_CITIZEN_DATASETS} + 1)
        )
        select
            'bench-cgd-' || lpad(cast(d as varchar), 2, '0'),
            'Synthetic producer ' || d,
            ['Women''s organisation', 'Organisation of persons with disabilities', 'Youth network',
             'Community-based organisation', 'Research institute'][1 + d % 5],
            'Synthetic method',
            make_date(2010 + d % 10, 1, 1), make_date(2018 + d % 8, 12, 31),
            ['not reviewed', 'under review', 'endorsed'][cast(1 + hash($seed, 'review', d) % 3 as integer)],
            1 + hash($seed, 'participation', d) % 5,
            {criterion('relevance')}, {criterion('methodology')}, {criterion('accuracy')},
            {criterion('timeliness')}, {criterion('coherence')}, {criterion('ethics')},
            {criterion('confidentiality')}
        from d order by d
    """, params)


def _official(con: duckdb.DuckDBPyConnection, params: dict, scale: float, n_rows: int) -> None:
    """Official observations: a (series, country) pair has data with a probability that falls with the
    country's capacity; its data runs over a span of years up to a latest year that lags behind 2025
    (more in some pairs than others), with a few years missing; each of the series' dimension keys is
    reported for most pairs. The pair rate is set from the scale, and the exact number of rows is then
    taken in hash order."""
    (n_pairs,), = con.execute("select (select count(*) from b_series) * (select count(*) from b_country)").fetchall()
    # a margin for the spread of the number of pairs drawn (wide when few pairs are wanted)
    margin = 1.04 + 5 / (n_rows / OFFICIAL_ROWS_PER_PAIR) ** 0.5
    pair_rate = min(1.0, margin * n_rows / (n_pairs * OFFICIAL_ROWS_PER_PAIR * 0.864))  # 0.864: mean capacity
    con.execute(f"""
        create temp table b_pair as
        select s.idx as sidx, s.code as series, s.dataset_id, c.idx as cidx, c.code as area,
            -- latest year: 0 to 15 years behind, mostly recent
            {LAST_YEAR} - case
                when {_u("'lag'", 's.idx', 'c.idx')} < 0.45 then 0
                when {_u("'lag'", 's.idx', 'c.idx')} < 0.75 then 1 + hash($seed, 'lag1', s.idx, c.idx) % 3
                when {_u("'lag'", 's.idx', 'c.idx')} < 0.92 then 4 + hash($seed, 'lag2', s.idx, c.idx) % 5
                else 9 + hash($seed, 'lag3', s.idx, c.idx) % 7
            end as last_year,
            3 + hash($seed, 'span', s.idx, c.idx) % 23 as span
        from b_series as s cross join b_country as c
        where {_u("'pair'", 's.idx', 'c.idx')} < {pair_rate} * c.capacity
    """, params)
    con.execute(f"""
        insert into observation (dataset_id, series, area, dims, year, time_detail, value, nature, source)
        with candidate as (
            select p.dataset_id, p.series, p.area, d.dims, y.year, p.sidx, p.cidx
            from b_pair as p
            join b_series_dims as d on d.sidx = p.sidx
            join (select range as year from range({FIRST_YEAR}, {LAST_YEAR} + 1)) as y
                on y.year between greatest({FIRST_YEAR}, p.last_year - p.span + 1) and p.last_year
            where {_u("'year'", 'p.sidx', 'p.cidx', 'y.year')} < 0.85
                and (d.dims = '' or {_u("'dims'", 'p.sidx', 'p.cidx', 'd.dims')} < 0.7)
        ),
        kept as (
            select * from candidate order by hash($seed, 'keep', sidx, cidx, dims, year) limit {n_rows}
        )
        select dataset_id, series, area, dims, year, cast(year as varchar),
            round(100 * {_u("'value'", 'sidx', 'cidx', 'dims', 'year')}, 2),
            case when {_u("'nature'", 'sidx', 'cidx', 'year')} < 0.8 then 'C' else 'E' end,
            '{SOURCE}'
        from kept
        order by dataset_id, series, area, dims, year
    """, params)
    got = con.execute("select count(*) from observation").fetchall()[0][0]
    if got < n_rows:
        print(f"  warning: only {got:,} official observations could be generated (wanted {n_rows:,})", file=sys.stderr)


def _citizen(con: duckdb.DuckDBPyConnection, params: dict, n_rows: int) -> None:
    """Citizen observations: each dataset covers some series, some countries (or, for every fifth
    dataset, subnational units of two countries), a few groups and a collection window of years; 5% of
    its estimates come from fewer than 10 respondents (they never leave the database)."""
    con.register("citizen_dims", _frame(["dims"], [(d,) for d in CITIZEN_DIMS]))
    con.execute(f"""
        insert into observation (dataset_id, series, area, dims, year, time_detail, value, lower_bound, upper_bound,
                                 nature, source, sample_size)
        with d as (
            select range as d, 'bench-cgd-' || lpad(cast(range as varchar), 2, '0') as dataset_id,
                2008 + hash($seed, 'start', range) % 15 as first_year, 3 + hash($seed, 'length', range) % 6 as years
            from range(1, {N_CITIZEN_DATASETS} + 1)
        ),
        ds as (
            select d.*, s.idx as sidx, s.code as series
            from d cross join b_series as s where {_u("'cs'", 'd.d', 's.idx')} < 0.05
        ),
        sub_parents as (  -- every fifth dataset: the subnational units of two countries
            select d.d, p.parent
            from d cross join (select distinct parent from area where kind = 'subnational') as p
            where d.d % 5 = 0
            qualify row_number() over (partition by d.d order by hash($seed, 'cp', d.d, p.parent)) <= 2
        ),
        da as (
            select d.d, c.idx as aidx, c.code as area
            from d cross join b_country as c
            where d.d % 5 <> 0 and {_u("'ca'", 'd.d', 'c.idx')} < 0.07
            union all
            select sp.d, 1000 + hash(a.code) % 100000, a.code
            from sub_parents as sp join area as a on a.parent = sp.parent and a.kind = 'subnational'
        ),
        dd as (
            select d.d, g.dims from d cross join citizen_dims as g
            where {_u("'cg'", 'd.d', 'g.dims')} < 0.35
        ),
        candidate as (
            select ds.dataset_id, ds.series, da.area, dd.dims, y.year, ds.d, ds.sidx, da.aidx
            from ds
            join da on da.d = ds.d
            join dd on dd.d = ds.d
            join (select range as year from range({FIRST_YEAR}, {LAST_YEAR} + 1)) as y
                on y.year between ds.first_year and least({LAST_YEAR}, ds.first_year + ds.years - 1)
            where {_u("'cy'", 'ds.d', 'ds.sidx', 'da.aidx', 'dd.dims', 'y.year')} < 0.9
        ),
        kept as (
            select *,
                case when {_u("'small'", 'd', 'sidx', 'aidx', 'dims', 'year')} < 0.05
                    then 5 + hash($seed, 'n', d, sidx, aidx, dims, year) % 5
                    else 10 + hash($seed, 'n', d, sidx, aidx, dims, year) % 1990 end as sample_size,
                round(100 * {_u("'cv'", 'd', 'sidx', 'aidx', 'dims', 'year')}, 2) as value
            from candidate order by hash($seed, 'ckeep', d, sidx, aidx, dims, year) limit {n_rows}
        )
        select dataset_id, series, area, dims, year, cast(year as varchar), value,
            round(100 * wilson_lower(value / 100, sample_size), 2), round(100 * wilson_upper(value / 100, sample_size), 2),
            'CGD', '{SOURCE}', sample_size
        from kept
        order by dataset_id, series, area, dims, year
    """, params)
    con.unregister("citizen_dims")
    got = con.execute("select count(*) from observation where sample_size is not null").fetchall()[0][0]
    if got < n_rows:
        print(f"  warning: only {got:,} citizen observations could be generated (wanted {n_rows:,})", file=sys.stderr)


DIGEST_TABLES = ["observation", "dataset", "citizen_dataset", "series", "area", "expected_group", "cell_year"]


def digest(con: duckdb.DuckDBPyConnection) -> str:
    """A digest of the data (every row of the generated and derived tables, in any order)."""
    parts = []
    for table in DIGEST_TABLES:
        n, h = con.execute(f"select count(*), coalesce(sum(hash(t)), 0) from {table} as t").fetchall()[0]
        parts.append(f"{table}:{n}:{h}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def stored_info(path: str | Path) -> dict | None:
    """What bench/generate.py recorded in a database it built (None if it did not build it)."""
    path = Path(path)
    if not path.exists():
        return None
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            found = con.execute("select value from meta where key = 'benchmark'").fetchall()
    except duckdb.Error:
        return None
    return json.loads(found[0][0]) if found else None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 5,000,000 official + 500,000 citizen rows")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=None, help="database file (default $TMPDIR/gapmonitor-bench/bench-<scale>.duckdb)")
    args = parser.parse_args(argv)
    out = args.out or default_path(args.scale, args.seed)
    print(f"building {out} at scale {args.scale} (seed {args.seed})", flush=True)
    info = build(out, args.scale, args.seed)
    print(f"built in {info['seconds']:.1f} s: {json.dumps(info['counts'])}; {info['bytes'] / 1e6:.0f} MB; "
          f"digest {info['digest']}")
    return 0


def default_path(scale: float, seed: int = SEED) -> Path:
    """Where a benchmark database is kept between runs: outside the repository (it is large)."""
    suffix = "" if seed == SEED else f"-seed{seed}"
    return Path(tempfile.gettempdir()) / "gapmonitor-bench" / f"bench-{scale:g}{suffix}.duckdb"


if __name__ == "__main__":
    sys.exit(main())
