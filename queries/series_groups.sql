-- one row per series and the group it measures by definition: where the mapping comes from and why
select
    s.series,
    g.label as population_group,
    s.reason,
    s.source,
    s.mapped_by,
    s.mapped_at
from series_group as s
join population_group as g using (group_id)
order by s.series, g.sort
