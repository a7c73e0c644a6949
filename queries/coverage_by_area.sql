-- one row per country: the share of its expected cells with data, over all goals or one ($goal); no row
-- when no indicator (of the goal) is in this database for $scope: nothing is expected, not 0% covered
with covered as (
    select
        area,
        count(*) filter (where has_official(status)) as official,
        count(*) filter (where status = 'citizen_fills_gap') as filled
    from covered_cells($first_year, $last_year, $min_tier, $scope, endorsed_only := $endorsed_only, only_goal := $goal::integer)
    group by area
),
expected as (  -- every country is expected to cover the same (indicator, group) pairs
    select count(*) as cells
    from expected_pairs($scope)
    where $goal::integer is null or goal = $goal::integer
),
counts as (
    select a.code as area, x.cells, coalesce(c.official, 0) as official_cells, coalesce(c.filled, 0) as filled_cells
    from area as a
    cross join expected as x
    left join covered as c on c.area = a.code
    where a.kind = 'country' and x.cells > 0
)
select
    a.code as area,
    a.name,
    a.region,
    a.is_sids,
    a.lat,
    a.lon,
    x.cells,
    x.official_cells,
    x.filled_cells,
    coverage_pct(x.official_cells, x.cells) as official_pct,
    coverage_pct(x.official_cells + x.filled_cells, x.cells) as with_citizen_pct
from counts as x
join area as a on a.code = x.area
order by a.name
