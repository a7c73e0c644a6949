-- one row per country: the share of its expected cells with data, over all goals or one ($goal)
with cells as (
    select c.area, c.status
    from gap_cells($first_year, $last_year, $min_tier, $scope, endorsed_only := $endorsed_only, only_goal := $goal::integer) as c
)
select
    a.code as area,
    a.name,
    a.region,
    a.is_sids,
    a.lat,
    a.lon,
    count(*) as cells,
    count(*) filter (where has_official(status)) as official_cells,
    count(*) filter (where status = 'citizen_fills_gap') as filled_cells,
    coverage_pct(official_cells, count(*)) as official_pct,
    coverage_pct(official_cells + filled_cells, count(*)) as with_citizen_pct
from cells
join area as a on a.code = cells.area
group by a.code, a.name, a.region, a.is_sids, a.lat, a.lon
order by a.name
