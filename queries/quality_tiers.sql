-- one row per citizen-data quality tier, highest first: the thresholds a dataset must reach to be in it
-- (the rule citizen_quality applies), as the About page states them
select
    tier_rank,
    min_score,
    min_first_five,
    min_ethics,
    min_confidentiality
from quality_tier
order by tier_rank desc
