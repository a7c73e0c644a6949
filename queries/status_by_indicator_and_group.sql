-- one row per indicator and expected group for country $area: its gap status
select
    i.goal,
    i.code as indicator,
    i.title as indicator_title,
    i.sort_key,
    g.group_id,
    g.label as group_label,
    g.sort as group_sort,
    c.status
from gap_cells($first_year, $last_year, $min_tier, $scope, endorsed_only := $endorsed_only, only_area := $area) as c
join indicator as i on i.code = c.indicator
join population_group as g on g.group_id = c.group_id
where c.area = $area
order by i.goal, i.sort_key, g.sort
