-- one row per area and series of indicator $indicator that has a value for group $group_id in
-- $first_year..$last_year in the data of $scope: the countries when $country is null, else the
-- subnational areas of $country (each area once per series, with or without a value). For each kind, the
-- latest value: official; citizen, released and meeting the quality bar ($min_tier, $endorsed_only); and
-- citizen − official in the latest year with both. Only values of the group itself: the total (no
-- dimension), or values whose every dimension value maps to the group, of a series that measures no other
-- group by definition, so that 'women aged 15-24' never stands for women. Among values of one year: the
-- one with the fewest dimensions, then a higher tier, then a larger sample.
with rows as (
    select o.*, s.description as series_description, s.unit
    from released_observation as o
    join series as s on s.code = o.series
    join area as a on a.code = o.area
    where s.indicator = $indicator
        and o.value is not null
        and o.year between $first_year and $last_year
        and in_scope(o.is_demo, $scope)
        and case when $country::varchar is null then a.kind = 'country'
                 else a.kind = 'subnational' and a.parent = $country::varchar end
),
own_parts as (select list(dims_part(dimension, dim_value)) as parts from group_mapping where group_id = $group_id),
shown as (  -- the group's own values; citizen ones only where their dataset meets the bar
    select g.*, q.tier_rank, d.title as dataset,
        coalesce(nullif(array_to_string(list_transform(dims_pairs(g.dims), lambda p: p.dimension || ' ' || p.dim_value),
                                        ', '), ''), 'whole group') as breakdown,
        row_number() over (partition by g.area, g.series, g.kind
                           order by g.year desc, g.time_detail desc, len(dims_pairs(g.dims)), g.dims,
                                    q.tier_rank desc nulls last,
                                    g.sample_size desc nulls last, g.dataset_id) as recency
    from groups_of(rows) as g
    join dataset as d on d.dataset_id = g.dataset_id
    left join citizen_quality as q on q.dataset_id = g.dataset_id
    left join citizen_dataset as c on c.dataset_id = g.dataset_id
    where g.group_id = $group_id
        and (g.dims = '' or (list_has_all((select parts from own_parts), dims_parts(g.dims))
                             and not exists (select 1 from series_group as sg
                                             where sg.series = g.series and sg.group_id <> $group_id)))
        and (g.kind = 'official' or meets_bar(q.tier_rank, c.nso_review, $min_tier, $endorsed_only))
),
official as (select * from shown where kind = 'official' and recency = 1),
citizen as (select * from shown where kind = 'citizen' and recency = 1),
pairs as (  -- a citizen value against the official one of the same year (the same breakdown first)
    select c.area, c.series, c.year, c.value - o.value as difference, o.value as official, c.value as citizen,
        row_number() over (partition by c.area, c.series
                           order by c.year desc, c.dims = o.dims desc, c.recency, o.recency) as recency
    from shown as c
    join shown as o on o.area = c.area and o.series = c.series and o.year = c.year
    where c.kind = 'citizen' and o.kind = 'official'
),
present as (select distinct series, series_description, unit from shown)
select
    a.code as area,
    a.name,
    a.lat,
    a.lon,
    p.series,
    p.series_description,
    p.unit,
    o.value as official_value,
    o.year as official_year,
    o.breakdown as official_breakdown,
    o.dataset as official_dataset,
    c.value as citizen_value,
    c.year as citizen_year,
    c.breakdown as citizen_breakdown,
    c.dataset as citizen_dataset,
    c.lower_bound as citizen_lower,
    c.upper_bound as citizen_upper,
    c.sample_size as citizen_sample_size,
    c.reliability as citizen_reliability,
    c.tier_rank as citizen_tier,
    d.difference as difference_value,
    d.year as difference_year,
    d.official as difference_official,
    d.citizen as difference_citizen
from public_area as a
cross join present as p
left join official as o on o.area = a.code and o.series = p.series
left join citizen as c on c.area = a.code and c.series = p.series
left join pairs as d on d.area = a.code and d.series = p.series and d.recency = 1
where case when $country::varchar is null then a.kind = 'country'
           else a.kind = 'subnational' and a.parent = $country::varchar end
order by p.series, a.name
