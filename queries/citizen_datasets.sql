-- one row per public citizen dataset in scope: producer, tier, review status and how much it holds
select
    d.dataset_id,
    d.title,
    c.producer,
    c.producer_type,
    q.tier_rank,
    c.nso_review,
    c.assessed_at is not null or d.is_demo as assessed,
    count(o.series) as estimates,
    count(o.series) filter (where o.reliability = 'suppressed') as suppressed,
    d.is_demo
from public_dataset as d
join citizen_dataset as c using (dataset_id)
join citizen_quality as q using (dataset_id)
left join released_observation as o on o.dataset_id = d.dataset_id
where in_scope(d.is_demo, $scope)
group by all
order by d.is_demo, q.tier_rank desc, d.title
