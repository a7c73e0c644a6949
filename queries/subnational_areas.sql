-- one row per subnational area of country $area: its boundary and how many values it has released
-- (suppressed citizen estimates are not counted)
with data as (
    select
        o.area,
        count(*) as observations,
        count(*) filter (where o.kind = 'citizen') as citizen_observations,
        count(distinct s.indicator) as indicators
    from released_observation as o
    join series as s on s.code = o.series
    where o.area in (select code from area where parent = $area and kind = 'subnational')  -- first: 3× faster
        and o.year between $first_year and $last_year and in_scope(o.is_demo, $scope) and o.value is not null
    group by o.area
)
select
    a.code,
    a.local_code,
    a.name,
    a.geometry,
    coalesce(d.observations, 0) as observations,
    coalesce(d.citizen_observations, 0) as citizen_observations,
    coalesce(d.indicators, 0) as indicators
from public_area as a
left join data as d on d.area = a.code
where a.parent = $area and a.kind = 'subnational'
order by a.name
