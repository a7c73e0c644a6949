-- one row per citizen dataset with estimates in country $area or its subnational units: how many it
-- releases with a value, and how many are suppressed
select
    d.dataset_id,
    d.title,
    c.producer,
    c.producer_type,
    c.nso_review,
    c.participation_level,
    q.tier_rank,
    q.score,
    count(*) filter (where o.value is not null) as observations,
    count(*) filter (where o.reliability = 'suppressed') as suppressed,
    count(distinct o.area) filter (where a.kind = 'subnational') as subnational_units,
    string_agg(distinct s.indicator, ', ' order by s.indicator) as indicators,
    min(o.year) as first_year,
    max(o.year) as last_year,
    bool_or(o.is_demo) as is_demo
from released_observation as o
join dataset as d on d.dataset_id = o.dataset_id
join citizen_dataset as c on c.dataset_id = o.dataset_id
join citizen_quality as q on q.dataset_id = o.dataset_id
join area as a on a.code = o.area
join series as s on s.code = o.series
where coalesce(a.parent, a.code) = $area and in_scope(o.is_demo, $scope)
group by all
order by q.tier_rank desc, d.title
