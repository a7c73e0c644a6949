"""Charts as pure functions (gapmonitor/charts.py): what they draw, from DataFrames made here."""

import math

import pandas as pd
import plotly.graph_objects as go

from gapmonitor import charts


def test_time_series_draws_official_lines_and_citizen_points_with_their_interval_and_passes_plotlys_checks():
    rows = pd.DataFrame({
        "kind": ["official", "official", "official", "citizen", "citizen"],
        "label": ["Women", "Women", "Total", "Women · Turkana", "Women · Turkana"],
        "year": [2021, 2019, 2020, 2022, 2023],
        "value": [40.0, 35.0, 50.0, 60.0, float("nan")],
        "lower_bound": [None, None, None, 52.0, None],
        "upper_bound": [None, None, None, 69.0, None],
    })
    fig = charts.time_series(rows, "Percent")
    checked = go.Figure(fig.to_dict())  # Plotly's own checks, which the app skips for speed: they pass
    by_name = {t.name: t for t in checked.data}
    assert set(by_name) == {"Women (official)", "Total (official)", "Women · Turkana (citizen)"}
    women = by_name["Women (official)"]
    assert list(women.x) == [2019, 2021] and list(women.y) == [35.0, 40.0]  # in time order
    assert women.mode == "lines+markers" and women.error_y.array is None
    citizen = by_name["Women · Turkana (citizen)"]
    assert citizen.mode == "markers" and citizen.marker.symbol == "diamond"
    assert list(citizen.error_y.array)[0] == 9.0 and list(citizen.error_y.arrayminus)[0] == 8.0
    assert math.isnan(list(citizen.y)[1])  # a suppressed estimate: no point, not a zero
    assert checked.layout.yaxis.title.text == "Percent" and checked.layout.xaxis.dtick == 1
