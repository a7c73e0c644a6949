-- one row: citizen dataset $dataset, whatever its status, with its description, submission and quality
-- assessment, for an actor who may follow it ($role, $organisation, $username; none for anyone else)
select
    d.dataset_id,
    d.title,
    d.source,
    d.licence,
    d.is_demo,
    d.file_name,
    d.created_at,
    c.* exclude (dataset_id),  -- producer ... consent_basis
    coalesce(c.lineage, c.dataset_id) as first_version,
    s.display_name as submitter_name,
    s.organisation as submitter_organisation,
    q.score,
    q.tier_rank
from dataset as d
join citizen_dataset as c using (dataset_id)
join citizen_quality as q using (dataset_id)
left join account as s on s.username = c.submitted_by
where d.dataset_id = $dataset and sees_submission($role, $organisation, $username, c.submitted_by, s.organisation)
