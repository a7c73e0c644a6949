"""Records to estimates (gapmonitor/estimates.py): survey weights with the Kish effective sample size,
intervals that stay in the measure's range, and the preview's release rule by what the records are
about. Every expected number is worked here by hand (the arithmetic is in the comments) or computed
from the records with Python's statistics module and the formulas written out, never by the code
under test."""

import math
import statistics

import duckdb
import pandas as pd
import pytest

from gapmonitor import db, estimates
from gapmonitor.formats.records import GroupColumn, RecordSpec

Z = 1.959964


@pytest.fixture
def con():
    c = duckdb.connect()
    db.create_schema(c)  # the area table and the wilson_* macros; thresholds 10 and 30
    yield c
    c.close()


def spec(yes: bool, groups: list[GroupColumn] | None = None) -> RecordSpec:
    return RecordSpec(indicator="6.1.1", description="d", measure="m", yes=["yes"] if yes else [], country="MWI",
                      area_column="district", period="2024", groups=groups or [])


def records(y: list[float], w: list[float] | None = None, area: str = "MW-ZO", **groups) -> pd.DataFrame:
    frame = pd.DataFrame({"row": range(2, len(y) + 2), "country": "MWI", "area": area, "year": 2024,
                          "time_detail": "2024", "y": [float(v) for v in y], **groups})
    return frame if w is None else frame.assign(w=[float(v) for v in w])


def only(estimated: pd.DataFrame) -> pd.Series:
    assert len(estimated) == 1
    return estimated.iloc[0]


def wilson(p: float, n: float) -> tuple[float, float]:
    """The Wilson score interval, in percent, written out."""
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return 100 * (centre - half), 100 * (centre + half)


def test_a_weighted_proportion_with_the_effective_n_worked_by_hand(con):
    # yes, no, yes, yes, no with weights 1, 2, 1, 3, 1:
    #   sum w = 8, sum w*y = 1 + 1 + 3 = 5, p = 5/8 = 0.625 (unweighted it would be 3/5 = 60%)
    #   sum w^2 = 1 + 4 + 1 + 9 + 1 = 16, n_eff = 8^2 / 16 = 4
    # Wilson with p = 0.625, n = 4, z^2 = 3.841459: centre (0.625 + 0.480182) / 1.960365 = 0.563763,
    # half 1.959964 * sqrt(0.058594 + 0.060023) / 1.960365 = 0.344339: 21.94% to 90.81%
    got = only(estimates.from_records(con, records([1, 0, 1, 1, 0], [1, 2, 1, 3, 1]), spec(yes=True)))
    assert got.value == pytest.approx(62.5)
    assert got.sample_size == 4
    assert (got.lower_bound, got.upper_bound) == pytest.approx((21.9427, 90.8101), abs=1e-3)
    assert got.unit == "PERCENT"


def test_a_weighted_mean_of_a_measure_with_negative_values_keeps_the_normal_interval(con):
    # -2, 6, 10, 4 with weights 1, 1, 2, 4: sum w = 8, sum w*y = -2 + 6 + 20 + 16 = 40, mean 5
    # sum w^2 = 1 + 1 + 4 + 16 = 22, n_eff = 64/22 = 2.909, stored as 2 (rounded down)
    # deviations -7, 1, 5, -1; sum w*d^2 = 49 + 1 + 50 + 4 = 104; weighted variance 104/8 = 13,
    # times n_eff/(n_eff - 1) = 64/42; se^2 = that / n_eff = 13 * 22/42 = 6.809524, se = 2.609506
    # 5 -+ 1.959964 * 2.609506 = 5 -+ 5.114539: -0.114539 to 10.114539 (below 0: the measure can be)
    got = only(estimates.from_records(con, records([-2, 6, 10, 4], [1, 1, 2, 4]), spec(yes=False)))
    assert got.value == pytest.approx(5.0)
    assert got.sample_size == 2
    assert (got.lower_bound, got.upper_bound) == pytest.approx((-0.114539, 10.114539), abs=1e-5)


def test_a_weighted_mean_of_a_non_negative_measure_has_the_log_scale_interval(con):
    # 2, 6, 10, 4 with weights 1, 1, 2, 4: sum w*y = 2 + 6 + 20 + 16 = 44, mean 44/8 = 5.5, n_eff 2.909 -> 2
    # deviations -3.5, 0.5, 4.5, -1.5; sum w*d^2 = 12.25 + 0.25 + 40.5 + 9 = 62; 62/8 = 7.75;
    # se^2 = 7.75 * 22/42 = 4.059524, se = 2.014826; se/mean = 0.366332, times 1.959964 = 0.717998
    # 5.5 * exp(-0.717998) = 5.5 * 0.487728 = 2.682504; 5.5 * exp(0.717998) = 5.5 * 2.050323 = 11.276779
    got = only(estimates.from_records(con, records([2, 6, 10, 4], [1, 1, 2, 4]), spec(yes=False)))
    assert got.value == pytest.approx(5.5)
    assert got.sample_size == 2
    assert (got.lower_bound, got.upper_bound) == pytest.approx((2.682504, 11.276779), abs=1e-5)


def test_a_skewed_count_gets_a_lower_bound_above_zero(con):
    # items per 100 m on five beaches: 0, 0, 0, 1, 99 (no weights given: each 1). Mean 100/5 = 20;
    # deviations -20, -20, -20, -19, 79: squares 400 * 3 + 361 + 6241 = 7802, sd^2 = 7802/4 = 1950.5;
    # se = sqrt(1950.5 / 5) = 19.750949. The normal interval would start at 20 - 38.711150 = -18.71 items;
    # on the log scale: 1.959964 * 19.750949 / 20 = 1.935557, 20 * exp(-1.935557) = 20 * 0.144344 = 2.886876
    # and 20 * exp(1.935557) = 20 * 6.927905 = 138.558104
    got = only(estimates.from_records(con, records([0, 0, 0, 1, 99]), spec(yes=False)))
    assert got.value == pytest.approx(20.0)
    assert got.sample_size == 5
    assert got.lower_bound >= 0
    assert (got.lower_bound, got.upper_bound) == pytest.approx((2.886876, 138.558104), abs=1e-5)


def test_a_mean_of_zeros_and_a_single_record_divide_by_nothing(con):
    zeros = only(estimates.from_records(con, records([0, 0, 0]), spec(yes=False)))
    assert (zeros.value, zeros.lower_bound, zeros.upper_bound, zeros.sample_size) == (0.0, 0.0, 0.0, 3)
    one = only(estimates.from_records(con, records([7]), spec(yes=False)))
    assert one.value == 7.0 and one.sample_size == 1
    assert pd.isna(one.lower_bound) and pd.isna(one.upper_bound)  # no spread from one record: no interval


def test_the_effective_n_is_rounded_down(con):
    # weights 1, 1, 1, 1, 2: (6)^2 / (1 + 1 + 1 + 1 + 4) = 36/8 = 4.5 effective records: 4, never 5
    assert only(estimates.from_records(con, records([1, 0, 1, 0, 1], [1, 1, 1, 1, 2]), spec(yes=True))).sample_size == 4
    # ten weights of 0.1 are ten effective records: 1^2 / (10 * 0.01) = 10, though floats make it 9.999...
    assert only(estimates.from_records(con, records([1] * 10, [0.1] * 10), spec(yes=True))).sample_size == 10


def test_weights_of_one_give_the_unweighted_estimates(con):
    """Two districts, a sex column with a blank: totals and breakdowns with all weights 1 (and with no
    weight column at all) equal count, mean, Wilson with n, and mean -+ 1.96 sd / sqrt(n)."""
    y_share = [1, 0, 1, 1, 0, 1, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0]
    y_level = [3.5, -1.0, 2.0, 8.25, 4.0, 0.5, -2.5, 6.0, 1.0, 3.0, 7.5, 2.25, 0.0, 5.0, -0.75, 9.0]
    sex = ["F", "M", "F", "M", None, "F", "M", "F", "F", "M", "M", "F", "M", None, "F", "M"]
    area = ["MW-ZO"] * 9 + ["MW-MG"] * 7
    groups = [GroupColumn("sex", "Sex")]
    cells = {}
    for i in range(len(sex)):
        for key in ((area[i], ""), (area[i], f"Sex={sex[i]}") if sex[i] else None):
            if key:
                cells.setdefault(key, []).append(i)
    for yes, ys in ((True, y_share), (False, y_level)):
        frame = pd.DataFrame({"row": range(2, 18), "country": "MWI", "area": area, "year": 2024,
                              "time_detail": "2024", "y": [float(v) for v in ys], "g0": sex})
        for given in (frame.assign(w=1.0), frame):
            got = {(e.area, e.dims): e for e in estimates.from_records(con, given, spec(yes, groups)).itertuples()}
            assert set(got) == set(cells)
            for key, rows in cells.items():
                values = [ys[i] for i in rows]
                n, mean = len(values), statistics.fmean(values)
                e = got[key]
                assert e.sample_size == n
                if yes:
                    assert e.value == pytest.approx(100 * mean, rel=1e-12)
                    assert (e.lower_bound, e.upper_bound) == pytest.approx(wilson(mean, n), rel=1e-12)
                else:
                    half = Z * statistics.stdev(values) / math.sqrt(n)
                    assert e.value == pytest.approx(mean, rel=1e-12)
                    assert (e.lower_bound, e.upper_bound) == pytest.approx((mean - half, mean + half), rel=1e-12)


def test_the_preview_suppresses_small_estimates_of_people_only(con):
    rows = pd.DataFrame({"area": ["MW-ZO", "MW-ZO"], "area_name": ["Zomba"] * 2, "dims": ["", "Sex=Female"],
                         "time_detail": ["2024"] * 2, "value": [40.0, 50.0], "lower_bound": [30.0, 20.0],
                         "upper_bound": [50.0, 80.0], "sample_size": [40, 3]})
    people = estimates.as_released(con, rows)  # the default: records about people
    assert list(people.reliability) == ["reliable", "suppressed"]
    assert people.value.isna().tolist() == [False, True] and pd.isna(people.sample_size[1])
    places = estimates.as_released(con, rows, subject="places")
    assert list(places.reliability) == ["reliable", "low reliability"]  # 3 < 30: flagged, but shown
    assert places.value.tolist() == [40.0, 50.0] and places.sample_size.tolist() == [40, 3]
