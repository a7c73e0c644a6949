-- one row per indicator of goal $goal and group it is expected to cover: share of countries with data
select
    i.code as indicator,
    i.title as indicator_title,
    i.sort_key,
    g.group_id,
    g.label as group_label,
    g.sort as group_sort,
    count(*) as cells,
    count(*) filter (where has_official(c.status)) as official_cells,
    count(*) filter (where c.status = 'citizen_fills_gap') as filled_cells,
    coverage_pct(official_cells, count(*)) as official_pct,
    coverage_pct(official_cells + filled_cells, count(*)) as with_citizen_pct
from gap_cells($first_year, $last_year, $min_tier, $scope, endorsed_only := $endorsed_only, only_goal := $goal) as c
join indicator as i on i.code = c.indicator
join population_group as g on g.group_id = c.group_id
where i.goal = $goal
group by all
order by i.sort_key, g.sort
