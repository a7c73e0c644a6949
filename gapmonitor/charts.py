"""Charts as pure functions: DataFrame in, Plotly figure out (no Streamlit here)."""

import pandas as pd
import plotly.graph_objects as go

from gapmonitor import i18n
from gapmonitor.i18n import N_, _
from gapmonitor.maps import COVERAGE_SCALE, percent
from gapmonitor.statuses import STATUSES

# The kinds of observation (keys of the queries), as a series' name shows them.
KINDS = {"official": N_("official"), "citizen": N_("citizen")}


def coverage_heatmap(df: pd.DataFrame, row: str, column: str, value: str, row_order: list[str],
                     column_order: list[str], hover_label: str) -> go.Figure:
    """A rows x columns heatmap of a 0-100 coverage percentage, the figure written in each cell. Every
    row of row_order is drawn, blank where it has no value (an indicator or goal not in this database)."""
    grid = df.pivot_table(index=row, columns=column, values=value, aggfunc="first", dropna=False)
    grid = grid.reindex(index=row_order, columns=[c for c in column_order if c in grid.columns])
    fig = go.Figure(go.Heatmap(
        z=grid.to_numpy(), x=list(grid.columns), y=list(grid.index), zmin=0, zmax=100,
        colorscale=COVERAGE_SCALE, texttemplate="%{z:.0f}", hoverongaps=False,
        hovertemplate="%{y}<br>%{x}<br>" + _("{label}: {value}", label=hover_label, value=percent("%{z:.1f}"))
                      + "<extra></extra>",
        colorbar=dict(title=dict(text="%"), thickness=12),
    ))
    fig.update_layout(height=max(260, 34 * len(grid.index) + 120), margin=dict(l=0, r=0, t=10, b=0),
                      xaxis=dict(side="top", tickangle=-30), yaxis=dict(autorange="reversed"),
                      separators=i18n.plotly_separators())
    return fig


def status_matrix(df: pd.DataFrame, row: str, column: str, row_order: list[str],
                  column_order: list[str]) -> go.Figure:
    """A rows x columns grid of gap statuses in the status colours; blank where a group is not expected."""
    codes = {s.code: i for i, s in enumerate(STATUSES)}
    grid = df.assign(k=df.status.map(codes)).pivot_table(index=row, columns=column, values="k", aggfunc="first")
    grid = grid.reindex(index=[r for r in row_order if r in grid.index],
                        columns=[c for c in column_order if c in grid.columns])
    n = len(STATUSES)
    scale = [[edge, s.colour] for i, s in enumerate(STATUSES) for edge in (i / n, (i + 1) / n)]
    labels = grid.apply(lambda col: col.map(lambda k: STATUSES[int(k)].label if pd.notna(k) else ""))
    fig = go.Figure(go.Heatmap(
        z=grid.to_numpy(), x=list(grid.columns), y=list(grid.index), zmin=-0.5, zmax=n - 0.5,
        colorscale=scale, showscale=False, customdata=labels.to_numpy(), xgap=2, ygap=2, hoverongaps=False,
        hovertemplate="%{y}<br>%{x}<br><b>%{customdata}</b><extra></extra>",
    ))
    fig.update_layout(height=max(240, 26 * len(grid.index) + 110), margin=dict(l=0, r=0, t=10, b=0),
                      xaxis=dict(side="top", tickangle=-30), yaxis=dict(autorange="reversed"),
                      separators=i18n.plotly_separators())
    return fig


def _floats(values: pd.Series) -> list:
    """Numbers as Plotly draws them, a missing one as NaN (no point), never None or pandas' NA."""
    return values.astype(float).tolist()


def time_series(df: pd.DataFrame, unit: str) -> go.Figure:
    """Values over time: official series as lines, citizen estimates as points with their interval.
    Written as plain data and given to Plotly unchecked: a country with many groups and areas has a
    hundred lines or more, and Plotly's checks took about 2 ms a line (tests/test_charts.py checks the
    figure passes them)."""
    traces = []
    for (kind, label), part in df.groupby(["kind", "label"], sort=True):
        part = part.sort_values("year")
        citizen = kind == "citizen"
        trace = dict(type="scatter", x=part.year.tolist(), y=_floats(part.value),
                     name=f"{label} ({_(KINDS[kind]) if kind in KINDS else kind})", mode="markers" if citizen else "lines+markers",
                     marker=dict(symbol="diamond" if citizen else "circle", size=9 if citizen else 6),
                     line=dict(dash="solid"))
        if citizen and part.upper_bound.notna().any():
            trace["error_y"] = dict(type="data", symmetric=False, thickness=1,
                                    array=_floats(part.upper_bound - part.value),
                                    arrayminus=_floats(part.value - part.lower_bound))
        traces.append(trace)
    xaxis = dict(title=dict(text=_("Year")), **({"dtick": 1} if df.year.nunique() < 12 else {}))
    layout = dict(height=380, margin=dict(l=0, r=0, t=10, b=0), yaxis=dict(title=dict(text=unit)), xaxis=xaxis,
                  legend=dict(orientation="h", y=-0.2), separators=i18n.plotly_separators())
    return go.Figure(dict(data=traces, layout=layout), _validate=False)
