-- one row per event in the public review history of published citizen dataset $dataset: the events of its
-- versions up to this one (submitted, comments, decisions and their reasons; an earlier version returned or
-- superseded keeps its own), by whom (the organisation); never a private note, never a newer version still
-- in review, nothing of a dataset that is not published
with this as (
    select coalesce(c.lineage, c.dataset_id) as lineage, c.version
    from citizen_dataset as c
    join public_dataset as d using (dataset_id)
    where c.dataset_id = $dataset
)
select
    e.event_at,
    v.version,
    e.decision,
    e.reasons,
    a.organisation as by_organisation
from dataset_event as e
join citizen_dataset as v using (dataset_id)
join this on coalesce(v.lineage, v.dataset_id) = this.lineage and v.version <= this.version
left join account as a on a.username = e.by_account
order by e.event_at, v.version
