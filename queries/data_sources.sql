-- one row per dataset: what it is, where it comes from, whether it is demo data, how many rows
select
    d.dataset_id,
    d.kind,
    d.title,
    d.source,
    d.licence,
    d.is_demo,
    d.file_name,
    d.created_at,
    count(o.series) as observations
from dataset as d
left join observation as o on o.dataset_id = d.dataset_id
group by all
order by d.is_demo, d.kind desc, d.title
