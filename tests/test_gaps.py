"""The gap rules (gapmonitor/schema/gap_rules.sql: gap_cells), one test per rule, on tiny hand-made tables.

The expected statuses are worked out by hand from the rules on the About page."""

import pytest

from conftest import add

WINDOW = (2021, 2025)  # a five-year window
MEDIUM = 2


def status(con, area="AAA", group="women", window=WINDOW, min_tier=MEDIUM, scope="all"):
    rows = con.execute("select status from gap_cells(?, ?, ?, ?) where area = ? and group_id = ?",
                       [*window, min_tier, scope, area, group]).fetchall()
    assert len(rows) == 1, rows
    return rows[0][0]


def test_official_data_alone_is_official(tiny):
    add(tiny, "off", "AAA", "Sex=FEMALE", 2023)
    assert status(tiny) == "official"


def test_official_and_citizen_meeting_the_bar(tiny):
    add(tiny, "off", "AAA", "Sex=FEMALE", 2023)
    add(tiny, "hi", "AAA", "Sex=FEMALE", 2024, sample_size=200)
    assert status(tiny) == "official_and_citizen"


def test_official_with_citizen_below_the_bar_stays_official(tiny):
    add(tiny, "off", "AAA", "Sex=FEMALE", 2023)
    add(tiny, "lo", "AAA", "Sex=FEMALE", 2024, sample_size=200)
    assert status(tiny) == "official"


def test_citizen_data_meeting_the_bar_fills_the_gap(tiny):
    add(tiny, "hi", "AAA", "Sex=FEMALE", 2024, sample_size=200)
    assert status(tiny) == "citizen_fills_gap"


def test_citizen_data_below_the_bar(tiny):
    add(tiny, "lo", "AAA", "Sex=FEMALE", 2024, sample_size=200)
    assert status(tiny) == "citizen_below_bar"


def test_lowering_the_bar_lets_low_tier_data_fill_the_gap(tiny):
    add(tiny, "lo", "AAA", "Sex=FEMALE", 2024, sample_size=200)
    assert status(tiny, min_tier=1) == "citizen_fills_gap"


def test_no_observation_is_no_data(tiny):
    add(tiny, "off", "BBB", "Sex=FEMALE", 2023)  # another country's data does not count
    assert status(tiny) == "no_data"


def test_total_alone_does_not_cover_a_group(tiny):
    add(tiny, "off", "AAA", "", 2023)
    assert status(tiny) == "no_data"


def test_observation_outside_the_window_does_not_count(tiny):
    add(tiny, "off", "AAA", "Sex=FEMALE", 2020)  # one year before 2021
    assert status(tiny) == "no_data"
    assert status(tiny, window=(2020, 2024)) == "official"


def test_window_bounds_are_inclusive(tiny):
    add(tiny, "off", "AAA", "Sex=FEMALE", 2021)
    add(tiny, "off", "BBB", "Sex=FEMALE", 2025)
    assert status(tiny) == "official"
    assert status(tiny, area="BBB") == "official"


def test_citizen_value_below_the_confidentiality_threshold_does_not_count(tiny):
    add(tiny, "hi", "AAA", "Sex=FEMALE", 2024, sample_size=9)  # threshold is 10
    assert status(tiny) == "no_data"
    add(tiny, "hi", "BBB", "Sex=FEMALE", 2024, sample_size=10)
    assert status(tiny, area="BBB") == "citizen_fills_gap"


def test_subnational_citizen_data_counts_for_its_country(tiny):
    add(tiny, "hi", "AAA-1", "Sex=FEMALE", 2024, sample_size=50)
    assert status(tiny) == "citizen_fills_gap"
    assert status(tiny, area="BBB") == "no_data"


def test_a_cross_tabulated_value_counts_for_each_of_its_groups(tiny):
    add(tiny, "off", "AAA", "Location=RURAL|Sex=FEMALE", 2023)
    assert status(tiny, group="women") == "official"
    assert status(tiny, group="rural") == "official"


def test_unmapped_dimension_values_do_not_count(tiny):
    add(tiny, "off", "AAA", "Sex=MALE", 2023)
    assert status(tiny) == "no_data"


def test_cells_exist_only_where_the_group_is_expected(tiny):
    add(tiny, "off", "AAA", "Sex=FEMALE", 2023)
    cells = tiny.execute("select indicator, area, group_id from gap_cells(2021, 2025, 2, 'all') order by all").fetchall()
    # 1 indicator x 2 countries (subnational units are not cells) x 2 expected groups; no migrants
    assert cells == [("1.1.1", "AAA", "rural"), ("1.1.1", "AAA", "women"),
                     ("1.1.1", "BBB", "rural"), ("1.1.1", "BBB", "women")]


def test_coverage_counts_only_expected_cells(tiny):
    from gapmonitor import db

    add(tiny, "off", "AAA", "Sex=FEMALE", 2023)
    add(tiny, "hi", "BBB", "Sex=FEMALE", 2023, sample_size=100)
    add(tiny, "off", "AAA", "Migratory status=MIGRANT", 2023)  # migrants are not expected here
    rows = db.query(tiny, "coverage_by_goal_and_group", first_year=2021, last_year=2025, min_tier=2, scope="all", endorsed_only=False)
    women = rows[rows.group_id == "women"].iloc[0]
    rural = rows[rows.group_id == "rural"].iloc[0]
    assert (women.cells, women.official_cells, women.filled_cells) == (2, 1, 1)
    assert (women.official_pct, women.with_citizen_pct) == (50.0, 100.0)
    assert (rural.cells, rural.official_cells, rural.with_citizen_pct) == (2, 0, 0.0)
    assert "migrants" not in set(rows.group_id)


def test_scope_counts_only_the_data_shown(tiny):
    tiny.execute("update dataset set is_demo = true where dataset_id = 'off'")  # before any row: cell_year
    # is rebuilt from the data at each write, so the flag must be set when the rows are added
    add(tiny, "off", "AAA", "Sex=FEMALE", 2023)  # demo official data
    add(tiny, "hi", "AAA", "Sex=FEMALE", 2023, sample_size=100)  # the user's citizen data
    assert status(tiny, scope="all") == "official_and_citizen"
    assert status(tiny, scope="demo") == "official"
    assert status(tiny, scope="user") == "citizen_fills_gap"


@pytest.mark.parametrize(
    "criteria, tier",
    [
        # relevance, methodology, accuracy, timeliness, coherence, ethics, confidentiality
        ((2, 2, 2, 2, 2, 2, 2), 3),  # 14: high
        ((2, 1, 1, 1, 2, 2, 2), 3),  # 11, none at 0, ethics and confidentiality full: high
        ((2, 2, 0, 2, 2, 2, 2), 2),  # 12 but accuracy 0: not high; medium
        ((2, 2, 2, 2, 2, 1, 2), 2),  # 13 but ethics only partly met: medium
        ((1, 1, 1, 1, 1, 1, 1), 2),  # 7, ethics and confidentiality partly met: medium
        ((1, 1, 1, 1, 0, 1, 1), 1),  # 6: low
        ((2, 2, 2, 2, 2, 0, 2), 1),  # 12 but no ethics: low
    ],
)
def test_quality_tier_rule(tiny, criteria, tier):
    tiny.execute("update citizen_dataset set relevance = ?, methodology = ?, accuracy = ?, timeliness = ?, "
                 "coherence = ?, ethics = ?, confidentiality = ? where dataset_id = 'hi'", list(criteria))
    assert tiny.execute("select tier_rank from citizen_quality where dataset_id = 'hi'").fetchone()[0] == tier


def test_wilson_interval_matches_the_formula():
    import duckdb
    from math import sqrt

    from gapmonitor import db

    con = duckdb.connect()
    db.create_schema(con)
    # p = 0.5, n = 100: centre 0.5, half-width z*sqrt(0.25/100 + z^2/40000) / (1 + z^2/100)
    z = 1.959964
    half = z * sqrt(0.25 / 100 + z * z / 40000) / (1 + z * z / 100)
    lo, hi = con.execute("select wilson_lower(0.5, 100), wilson_upper(0.5, 100)").fetchone()
    assert lo == pytest.approx(0.5 - half) and hi == pytest.approx(0.5 + half)
    assert lo == pytest.approx(0.4038, abs=1e-4)  # published value for 50/100 (Wilson 1927; Newcombe 1998)
    # p = 0: the interval starts at 0 and is not degenerate
    lo, hi = con.execute("select wilson_lower(0.0, 20), wilson_upper(0.0, 20)").fetchone()
    assert lo == pytest.approx(0.0, abs=1e-12) and hi == pytest.approx(z * z / 20 / (1 + z * z / 20))


def test_years_at_both_ends_of_the_bit_range_count(tiny):
    # cell keeps the years as bits 1950..2075; a window at either end finds its year and nothing else
    add(tiny, "off", "AAA", "Sex=FEMALE", 1950)
    add(tiny, "off", "BBB", "Sex=FEMALE", 2075)
    assert status(tiny, window=(1950, 1950)) == "official"
    assert status(tiny, area="BBB", window=(2075, 2075)) == "official"
    assert status(tiny, window=(1951, 2075)) == "no_data"
    assert status(tiny, area="BBB", window=(1950, 2074)) == "no_data"


def test_a_year_beyond_the_bit_range_counts_as_its_end(tiny):
    add(tiny, "off", "AAA", "Sex=FEMALE", 1900)
    assert status(tiny, window=(1890, 1910)) == "official"  # a window around it still finds it
    assert status(tiny, window=(1951, 2025)) == "no_data"


def test_the_year_bits_agree_with_the_year_by_year_evidence(demo):
    """gap_cells (from cell, years as bits) against the rule restated over cell_year for many windows,
    bars, scopes and the endorsed-only switch, on the demo data."""
    first, last = demo.execute("select min(year), max(year) from cell_year").fetchall()[0]
    windows = [(f, l) for f in range(first, last + 1, 5) for l in (f, f + 4, last) if l <= last]
    restated = """
        with flags as (
            select indicator, area, group_id, bool_or(has_official) as o,
                max(case when $endorsed then endorsed_tier else citizen_tier end) as t
            from cell_year
            where year between $first and $last and ($scope = 'all' or ($scope = 'demo') = is_demo)
            group by all
        )
        select e.indicator, a.code, e.group_id, case
            when o and t >= $tier then 'official_and_citizen' when o then 'official'
            when t >= $tier then 'citizen_fills_gap' when t > 0 then 'citizen_below_bar' else 'no_data' end
        -- expected cells are those of indicators in this database for the scope (not loaded is not no data)
        from expected_group as e join indicator_in_scope as d on d.indicator = e.indicator and d.scope = $scope
        cross join area as a
        left join flags as f on f.indicator = e.indicator and f.area = a.code and f.group_id = e.group_id
        where a.kind = 'country'
    """
    ours = "select * from gap_cells($first, $last, $tier, $scope, endorsed_only := $endorsed)"
    differing = f"select count(*) from ((({ours}) except ({restated})) union all (({restated}) except ({ours})))"
    checked = 0
    for f, l in windows:
        for tier in (1, 2, 3):
            for scope, endorsed in (("all", False), ("demo", True), ("user", False)):
                params = {"first": f, "last": l, "tier": tier, "scope": scope, "endorsed": endorsed}
                assert demo.execute(differing, params).fetchall() == [(0,)], params
                checked += 1
    assert checked > 100
