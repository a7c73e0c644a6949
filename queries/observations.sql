-- one row per released observation of indicator $indicator, optionally for one group, one country
-- (with its subnational units) and a range of years; official and citizen rows side by side
select
    o.kind,
    o.series,
    s.description as series_description,
    s.unit,
    o.area,
    a.name as area_name,
    coalesce(a.parent, a.code) as country,
    o.dims,
    og.group_id,
    o.year,
    o.value,
    o.lower_bound,
    o.upper_bound,
    o.sample_size,
    o.nature,
    d.title as dataset,
    o.is_demo
from released_observation as o
join series as s on s.code = o.series
join area as a on a.code = o.area
join dataset as d on d.dataset_id = o.dataset_id
left join observation_group as og
    on og.dataset_id = o.dataset_id and og.series = o.series and og.area = o.area
    and og.dims = o.dims and og.year = o.year
where s.indicator = $indicator
    and ($group_id::varchar is null or og.group_id = $group_id::varchar)
    and ($country::varchar is null or coalesce(a.parent, a.code) = $country::varchar)
    and o.year between $first_year and $last_year
    and in_scope(o.is_demo, $scope)
order by o.series, a.name, o.dims, o.year, o.kind
