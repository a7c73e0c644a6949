-- one row per citizen dataset the actor ($role, $organisation, $username) may follow: for the office every
-- one, the queue first (submitted, oldest first), then returned, published and superseded; for a
-- contributor those submitted by their organisation or themselves; for a viewer none. With the last
-- decision and its reasons (never a private note)
with visible as (
    select c.*, d.title, d.source, d.licence, d.is_demo, d.created_at,
        s.display_name as submitter_name, s.organisation as submitter_organisation
    from citizen_dataset as c
    join dataset as d using (dataset_id)
    left join account as s on s.username = c.submitted_by
    where sees_submission($role, $organisation, $username, c.submitted_by, s.organisation)
),
decisions as (  -- of each dataset: when it was submitted, and the office's last decision (comments aside)
    select
        dataset_id,
        min(decided_at) filter (where decision = 'submitted') as submitted_at,
        arg_max(decision, decided_at) filter (where decision not in ('submitted', 'comment')) as last_decision,
        arg_max(reasons, decided_at) filter (where decision not in ('submitted', 'comment')) as last_reasons,
        max(decided_at) filter (where decision not in ('submitted', 'comment')) as decided_at,
        count(*) filter (where decision = 'comment') as comments
    from review
    group by dataset_id
)
select
    v.dataset_id,
    v.title,
    v.producer,
    v.status,
    v.version,
    coalesce(v.lineage, v.dataset_id) as lineage,
    v.submitted_by,
    v.submitter_name,
    v.submitter_organisation,
    coalesce(r.submitted_at, v.created_at) as submitted_at,
    r.last_decision,
    r.last_reasons,
    r.decided_at,
    coalesce(r.comments, 0) as comments,
    v.nso_review,
    q.tier_rank,
    v.subject,
    v.consent_basis,
    v.licence,
    v.is_demo
from visible as v
join citizen_quality as q using (dataset_id)
left join decisions as r using (dataset_id)
order by case v.status when 'submitted' then 0 when 'returned' then 1 when 'published' then 2 else 3 end,
    submitted_at, v.title
