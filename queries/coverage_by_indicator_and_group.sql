-- one row per indicator of goal $goal and group it is expected to cover: share of countries with data;
-- an indicator not in this database for $scope keeps its rows, with in_database false, no cells and no
-- percentages (not in this database, which is not 0% coverage)
with covered as (
    select
        indicator,
        group_id,
        count(*) filter (where has_official(status)) as official,
        count(*) filter (where status = 'citizen_fills_gap') as filled
    from covered_cells($first_year, $last_year, $min_tier, $scope, endorsed_only := $endorsed_only, only_goal := $goal)
    group by indicator, group_id
),
counts as (
    select
        e.indicator,
        e.group_id,
        p.indicator is not null as in_database,
        case when p.indicator is not null then country_count() else 0 end as cells,
        coalesce(c.official, 0) as official_cells,
        coalesce(c.filled, 0) as filled_cells
    from expected_group as e
    left join expected_pairs($scope) as p on p.indicator = e.indicator and p.group_id = e.group_id
    left join covered as c on c.indicator = e.indicator and c.group_id = e.group_id
)
select
    i.code as indicator,
    i.title as indicator_title,
    i.sort_key,
    g.group_id,
    g.label as group_label,
    g.sort as group_sort,
    x.in_database,
    x.cells,
    x.official_cells,
    x.filled_cells,
    coverage_pct(x.official_cells, x.cells) as official_pct,
    coverage_pct(x.official_cells + x.filled_cells, x.cells) as with_citizen_pct
from counts as x
join indicator as i on i.code = x.indicator
join population_group as g on g.group_id = x.group_id
where i.goal = $goal
order by i.sort_key, g.sort
