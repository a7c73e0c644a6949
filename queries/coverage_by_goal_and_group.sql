-- one row per goal and group: the expected cells of all countries and how many have data (of the
-- indicators in this database for $scope: a goal with none has no rows; goals_in_database says so)
with covered as (
    select
        i.goal,
        c.group_id,
        count(*) filter (where has_official(c.status)) as official,
        count(*) filter (where c.status = 'citizen_fills_gap') as filled,
        count(*) filter (where c.status = 'citizen_below_bar') as below_bar
    from covered_cells($first_year, $last_year, $min_tier, $scope, endorsed_only := $endorsed_only) as c
    join indicator as i on i.code = c.indicator
    group by i.goal, c.group_id
),
expected as (
    select goal, group_id, count(*) * country_count() as cells
    from expected_pairs($scope)
    group by goal, group_id
),
counts as (
    select
        x.*,
        coalesce(c.official, 0) as official_cells,
        coalesce(c.filled, 0) as filled_cells,
        coalesce(c.below_bar, 0) as below_bar_cells
    from expected as x
    left join covered as c on c.goal = x.goal and c.group_id = x.group_id
)
select
    x.goal,
    g.group_id,
    g.label as group_label,
    g.sort as group_sort,
    x.cells,
    x.official_cells,
    x.filled_cells,
    x.below_bar_cells,
    coverage_pct(x.official_cells, x.cells) as official_pct,
    coverage_pct(x.official_cells + x.filled_cells, x.cells) as with_citizen_pct
from counts as x
join population_group as g on g.group_id = x.group_id
where x.cells > 0
order by x.goal, g.sort
