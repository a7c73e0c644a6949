-- one row per citizen dataset: the expected cells it fills where official data has none
with filled as (
    select indicator, area, group_id
    from covered_cells($first_year, $last_year, $min_tier, $scope, endorsed_only := $endorsed_only)
    where status = 'citizen_fills_gap'
),
contributions as (
    select distinct og.dataset_id, s.indicator, coalesce(a.parent, a.code) as area, og.group_id
    from observation_group as og
    join series as s on s.code = og.series
    join area as a on a.code = og.area
    join citizen_quality as q on q.dataset_id = og.dataset_id
    join citizen_dataset as c on c.dataset_id = og.dataset_id
    where og.kind = 'citizen'
        and og.year between $first_year and $last_year
        and meets_bar(q.tier_rank, c.nso_review, $min_tier, $endorsed_only)
        and in_scope(og.is_demo, $scope)
)
select
    d.dataset_id,
    d.title,
    c.producer,
    count(*) as cells_filled,
    count(distinct f.area) as countries,
    string_agg(distinct g.label, ', ' order by g.label) as groups,
    string_agg(distinct f.indicator, ', ' order by f.indicator) as indicators,
    bool_or(d.is_demo) as is_demo
from filled as f
join contributions as k using (indicator, area, group_id)
join dataset as d on d.dataset_id = k.dataset_id
join citizen_dataset as c on c.dataset_id = k.dataset_id
join population_group as g on g.group_id = f.group_id
group by d.dataset_id, d.title, c.producer
order by cells_filled desc, d.title
