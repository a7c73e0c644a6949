-- one row per goal and group: the expected cells of all countries and how many have data
with cells as (
    select i.goal, c.group_id, c.status
    from gap_cells($first_year, $last_year, $min_tier, $scope, endorsed_only := $endorsed_only) as c
    join indicator as i on i.code = c.indicator
)
select
    cells.goal,
    g.group_id,
    g.label as group_label,
    g.sort as group_sort,
    count(*) as cells,
    count(*) filter (where has_official(status)) as official_cells,
    count(*) filter (where status = 'citizen_fills_gap') as filled_cells,
    count(*) filter (where status = 'citizen_below_bar') as below_bar_cells,
    coverage_pct(official_cells, count(*)) as official_pct,
    coverage_pct(official_cells + filled_cells, count(*)) as with_citizen_pct
from cells
join population_group as g using (group_id)
group by cells.goal, g.group_id, g.label, g.sort
order by cells.goal, g.sort
