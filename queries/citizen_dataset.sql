-- one row: public citizen dataset $dataset with its description (subject: what its records are about, people or
-- places), quality assessment, tier, and whether it meets the quality bar chosen ($min_tier, $endorsed_only)
select
    d.dataset_id,
    d.title,
    d.source,
    d.licence,
    d.is_demo,
    d.file_name,
    d.created_at,
    c.* exclude (dataset_id),  -- producer ... subject
    q.score,
    q.tier_rank,
    meets_bar(q.tier_rank, c.nso_review, $min_tier, $endorsed_only) as meets_bar
from public_dataset as d
join citizen_dataset as c using (dataset_id)
join citizen_quality as q using (dataset_id)
where d.dataset_id = $dataset
