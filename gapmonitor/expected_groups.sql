-- Add the groups each indicator with series is expected to be disaggregated by (idempotent).
-- The 2030 Agenda (para. 74g) and the indicator framework ask for data "disaggregated by income,
-- sex, age, race, ethnicity, migratory status, disability and geographic location" where relevant.
-- Read here as: every indicator has its total; every indicator about people (its official title
-- matches derived.PEOPLE) expects those groups, the age groups only where the title speaks of age; and a group is
-- expected wherever some data for the indicator is disaggregated by it.
insert into expected_group
with rules (group_id, pattern) as (
    values
        ('total', ''),
        ('women', $people), ('rural', $people), ('poorest', $people),
        ('disability', $people), ('migrants', $people), ('indigenous', $people),
        ('youth', '\bage\b|youth|young'), ('older', '\bage\b|older|pension'),
        ('children', '\bage\b|child|infant|under-five|under 5|adolescent|girls|school|birth')
),
by_title as (
    select i.code as indicator, r.group_id
    from indicator as i
    cross join rules as r
    where i.code in (select indicator from series)
        and regexp_matches(lower(i.title), r.pattern)
),
by_data as (  -- of every indicator, or only of those in $indicators (a write that changed only them)
    select distinct s.indicator, og.group_id
    from observation_group as og
    join series as s on s.code = og.series
    where $indicators is null or list_contains($series, og.series)
)
select distinct indicator, group_id
from (select * from by_title union all select * from by_data)
where (indicator, group_id) not in (select (indicator, group_id) from expected_group)
