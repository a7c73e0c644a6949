-- one row per country where dataset $dataset has released estimates: the expected cells (indicator x
-- group) it covers in the period, and how many of them have no official data (the gaps it fills)
with mine as (
    select distinct s.indicator, coalesce(a.parent, a.code) as area, og.group_id
    from observation_group as og
    join series as s on s.code = og.series
    join area as a on a.code = og.area
    where og.dataset_id = $dataset and og.year between $first_year and $last_year
),
official as (
    select distinct indicator, area, group_id
    from cell_year
    where has_official and year between $first_year and $last_year and in_scope(is_demo, $scope)
)
select
    m.area,
    a.name,
    a.region,
    a.is_sids,
    a.lat,
    a.lon,
    count(*) as cells,
    count(*) filter (where o.area is null) as gaps_filled,
    coverage_pct(count(*) filter (where o.area is null), count(*)) as gaps_filled_pct,
    string_agg(distinct g.label, ', ' order by g.label) as groups
from mine as m
join expected_group as e using (indicator, group_id)
join area as a on a.code = m.area
join population_group as g on g.group_id = m.group_id
left join official as o using (indicator, area, group_id)
group by all
order by a.name
