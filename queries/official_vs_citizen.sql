-- one row per released estimate of citizen dataset $dataset that has an official value for the same
-- indicator, area, group and year (in the same unit): the difference, and whether the official value
-- lies within the citizen estimate's 95% interval. A citizen estimate of an official series is set
-- against that series only; one of the producer's own series (same_series false) against every
-- official series of the indicator, as a rougher check. Only single-group and total values are
-- compared, so that 'women aged 15-24' is never set against 'women'.
with single as (
    select og.*, s.indicator, upper(s.unit) as unit
    from observation_group as og
    join series as s on s.code = og.series
    where len(dims_pairs(og.dims)) <= 1
),
citizen as (select * from single where dataset_id = $dataset),
official as (select * from single where kind = 'official')
select
    c.indicator,
    c.area,
    a.name as area_name,
    g.label as group_label,
    c.year,
    c.series as citizen_series,
    c.value as citizen_value,
    c.lower_bound,
    c.upper_bound,
    c.sample_size,
    c.reliability,
    o.series as official_series,
    o.value as official_value,
    round(c.value - o.value, 2) as difference,
    o.value between c.lower_bound and c.upper_bound as official_within_interval,
    c.series = o.series as same_series
from citizen as c
join official as o using (indicator, area, group_id, year, unit)
join area as a on a.code = c.area
join population_group as g on g.group_id = c.group_id
where (c.series = o.series or c.series not in (select series from official))
    and in_scope(o.is_demo, $scope)
order by c.indicator, a.name, g.sort, c.year, o.series
