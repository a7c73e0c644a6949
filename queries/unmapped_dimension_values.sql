-- one row per dimension value in the data that counts for no group (no group_mapping row names it), with
-- its observations and datasets: what an editor may map (an unmapped value is counted for no group)
with keys as (  -- each dimension key once per dataset: a key is split into its pairs once, not once per row
    select dims, dataset_id, count(*) as n
    from observation
    where dims <> '' and dataset_id in (select dataset_id from public_dataset)
    group by all
),
pairs as (
    select unnest(dims_pairs(dims)) as pair, dataset_id, n
    from keys
)
select
    pair.dimension as dimension,
    pair.dim_value as value,
    sum(n)::bigint as rows,
    count(distinct dataset_id) as datasets
from pairs
where not exists (
    select 1 from group_mapping as m where m.dimension = pair.dimension and m.dim_value = pair.dim_value
)
group by all
order by rows desc, dimension, value
