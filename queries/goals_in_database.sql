-- one row per goal: how many of its indicators are in this database for $scope (some observation of one
-- of their series in the data shown), of those with series in the catalogue and of the framework's
with framework as (
    select goal, count(*) as framework_indicators
    from indicator
    group by goal
),
catalogue as (
    select i.goal, count(distinct s.indicator) as indicators_with_series
    from series as s
    join indicator as i on i.code = s.indicator
    group by i.goal
),
present as (
    select i.goal, count(*) as indicators_in_database
    from indicator_in_scope as d
    join indicator as i on i.code = d.indicator
    where d.scope = $scope
    group by i.goal
)
select
    g.goal,
    g.short_title,
    coalesce(f.framework_indicators, 0) as framework_indicators,
    coalesce(c.indicators_with_series, 0) as indicators_with_series,
    coalesce(p.indicators_in_database, 0) as indicators_in_database,
    coalesce(p.indicators_in_database, 0) > 0 as in_database
from goal as g
left join framework as f on f.goal = g.goal
left join catalogue as c on c.goal = g.goal
left join present as p on p.goal = g.goal
order by g.goal
