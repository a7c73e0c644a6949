-- one row per estimate of citizen dataset $dataset, whatever its status, as publishing releases it (a
-- suppressed one keeps its row, without value, interval or sample size), for an actor who may follow it
-- ($role, $organisation, $username): what a steward reviews before publishing
with visible as (
    select d.*
    from dataset as d
    join citizen_dataset as c using (dataset_id)
    left join account as s on s.username = c.submitted_by
    where d.dataset_id = $dataset and sees_submission($role, $organisation, $username, c.submitted_by, s.organisation)
)
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
from released_of(visible) as o
join series as s on s.code = o.series
join area as a on a.code = o.area
order by s.indicator, o.series, a.name, o.dims, o.year
