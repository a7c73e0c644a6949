-- one row per released observation of indicator $indicator and group it speaks for (or none),
-- optionally for one group, one country (with its subnational units) and a range of years; official
-- and citizen rows side by side
with rows as (
    -- the indicator's rows first, so only they have their dimensions split into groups
    select o.*, s.description as series_description, s.unit, a.name as area_name,
        coalesce(a.parent, a.code) as country
    from released_observation as o
    join series as s on s.code = o.series
    join area as a on a.code = o.area
    where s.indicator = $indicator
        and o.year between $first_year and $last_year
        and in_scope(o.is_demo, $scope)
        and ($country::varchar is null or coalesce(a.parent, a.code) = $country::varchar)
),
groups as (select dataset_id, series, area, dims, time_detail, group_id from groups_of(rows))
select
    r.kind,
    r.series,
    r.series_description,
    r.unit,
    r.area,
    r.area_name,
    r.country,
    r.dims,
    g.group_id,
    r.year,
    r.value,
    r.lower_bound,
    r.upper_bound,
    r.sample_size,
    r.reliability,
    r.nature,
    d.title as dataset,
    r.is_demo
from rows as r
left join groups as g
    on g.dataset_id = r.dataset_id and g.series = r.series and g.area = r.area and g.dims = r.dims
    and g.time_detail = r.time_detail
join dataset as d on d.dataset_id = r.dataset_id
where $group_id::varchar is null or g.group_id = $group_id::varchar
order by r.series, r.area_name, r.dims, r.year, r.kind
