-- one row per estimate of dataset $dataset as released: a suppressed one keeps its row, without value,
-- interval or sample size; nothing of a dataset that is not public (macro estimates_of in schema/release.sql)
with chosen as (
    select * from public_dataset where dataset_id = $dataset
)
select * from estimates_of(chosen)
