-- one row per series in the data that no series_group row gives a group, with its observations: its rows count
-- for groups only through their dimensions (many are total-only on purpose: forests, tariffs, "by sex" series)
select
    o.series,
    s.description,
    s.indicator,
    count(*) as rows
from observation as o
join public_dataset as d on d.dataset_id = o.dataset_id
left join series as s on s.code = o.series
where o.series not in (select series from series_group)
group by all
order by o.series
