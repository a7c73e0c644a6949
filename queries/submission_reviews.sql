-- one row per event in the history of every version of citizen dataset $dataset (submitted, comments,
-- decisions with their reasons), for an actor who may follow it ($role, $organisation, $username); the
-- reviewers' private notes for the office only
with this as (
    select coalesce(lineage, dataset_id) as lineage
    from citizen_dataset
    where dataset_id = $dataset
)
select
    e.event_at,
    v.version,
    v.dataset_id,
    e.decision,
    e.reasons,
    case when is_steward($role) then e.private_note end as private_note,
    coalesce(a.display_name, e.by_account) as by_name,
    a.organisation as by_organisation
from dataset_event as e
join citizen_dataset as v using (dataset_id)
join this on coalesce(v.lineage, v.dataset_id) = this.lineage
left join account as s on s.username = v.submitted_by
left join account as a on a.username = e.by_account
where sees_submission($role, $organisation, $username, v.submitted_by, s.organisation)
order by e.event_at, v.version
