-- one row per dataset: what it is, where it comes from, whether it is demo data, how many rows
select
    d.dataset_id,
    d.kind,
    d.title,
    d.source,
    d.licence,
    d.is_demo,
    count(o.series) as observations
from dataset as d
left join observation as o on o.dataset_id = d.dataset_id
group by all
order by d.kind desc, d.title
