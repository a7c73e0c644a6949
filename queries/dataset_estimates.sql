-- one row per estimate of dataset $dataset as released: a suppressed one keeps its row, without value,
-- interval or sample size
select
    s.indicator,
    o.series,
    s.description as series_description,
    s.unit,
    o.area,
    a.name as area_name,
    coalesce(a.parent, a.code) as country,
    o.dims,
    o.time_detail as period,
    o.year,
    o.value,
    o.lower_bound,
    o.upper_bound,
    o.sample_size,
    o.reliability
from released_observation as o
join series as s on s.code = o.series
join area as a on a.code = o.area
where o.dataset_id = $dataset
order by s.indicator, o.series, a.name, o.dims, o.year
