-- one row per indicator and expected group for country $area: its gap status, or 'not_in_database' for
-- an indicator with no series in the data of $scope (in_database false: it has no cells, so it is neither
-- counted nor shown as no data)
select
    i.goal,
    i.code as indicator,
    i.title as indicator_title,
    i.sort_key,
    g.group_id,
    g.label as group_label,
    g.sort as group_sort,
    c.status is not null as in_database,
    coalesce(c.status, 'not_in_database') as status
from expected_group as e
join indicator as i on i.code = e.indicator
join population_group as g on g.group_id = e.group_id
left join gap_cells($first_year, $last_year, $min_tier, $scope, endorsed_only := $endorsed_only, only_area := $area) as c
    on c.indicator = e.indicator and c.group_id = e.group_id and c.area = $area
order by i.goal, i.sort_key, g.sort
