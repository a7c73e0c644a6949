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
select * from estimates_of(visible)
