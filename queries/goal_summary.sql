-- one row: headline figures of goal $goal (indicators, series, expected cells and their coverage); the
-- expected cells are of the indicators in this database for $scope only (expected_pairs): with none,
-- cells is 0 and the percentages are null (not in this database, which is not 0% coverage)
with goal_indicators as (
    select code from indicator where goal = $goal
),
catalogue as (
    select
        (select count(*) from goal_indicators) as framework_indicators,
        count(distinct s.indicator) as indicators_with_series,
        count(*) as series,
        (select count(*) from indicator_in_scope
         where scope = $scope and indicator in (select code from goal_indicators)) as indicators_in_database
    from series as s
    where s.indicator in (select code from goal_indicators)
),
cells as (
    select
        (select count(*) from expected_pairs($scope) where goal = $goal) * country_count() as cells,
        count(*) filter (where has_official(status)) as official_cells,
        count(*) filter (where status = 'citizen_fills_gap') as filled_cells,
        count(*) filter (where status = 'citizen_below_bar') as below_bar_cells
    from covered_cells($first_year, $last_year, $min_tier, $scope, endorsed_only := $endorsed_only, only_goal := $goal)
),
in_data as (  -- the goal's series with some observation in the data of $scope (observation: every public row is released)
    select count(distinct o.series) as series_in_database
    from observation as o
    join public_dataset as d on d.dataset_id = o.dataset_id
    join series as s on s.code = o.series
    where s.indicator in (select code from goal_indicators) and in_scope(d.is_demo, $scope)
),
citizen as (
    select count(distinct o.dataset_id) as citizen_datasets
    from released_observation as o
    join series as s on s.code = o.series
    where o.kind = 'citizen' and s.indicator in (select code from goal_indicators)
        and in_scope(o.is_demo, $scope)
)
select
    catalogue.*,
    cells.*,
    coverage_pct(official_cells, cells.cells) as official_pct,
    coverage_pct(official_cells + filled_cells, cells.cells) as with_citizen_pct,
    in_data.series_in_database,
    citizen.citizen_datasets
from catalogue, cells, in_data, citizen
