-- Rebuild cell_year, the gap rules' evidence, from the released observations: of every indicator, or
-- only of the indicators in $indicators (a write that changed only their data).
delete from cell_year where $indicators is null or list_contains($indicators, indicator);
insert into cell_year
select
    s.indicator,
    coalesce(a.parent, a.code) as area,
    og.group_id,
    og.year,
    og.is_demo,
    bool_or(og.kind = 'official') as has_official,
    -- the best tier of the citizen data that meets the lowest bar (every tier does), and of the citizen
    -- data that meets it with endorsed_only (meets_bar): cell then tests each bar on these two
    coalesce(max(q.tier_rank) filter (where og.kind = 'citizen' and meets_bar(q.tier_rank, c.nso_review, 1, false)), 0)
        as citizen_tier,
    coalesce(max(q.tier_rank) filter (where og.kind = 'citizen' and meets_bar(q.tier_rank, c.nso_review, 1, true)), 0)
        as endorsed_tier
from observation_group as og
join series as s on s.code = og.series
join area as a on a.code = og.area
left join citizen_quality as q on q.dataset_id = og.dataset_id
left join citizen_dataset as c on c.dataset_id = og.dataset_id
where $indicators is null or list_contains($series, og.series)  -- their series: the scan filters
group by all
order by s.indicator, area;  -- zone maps then let a filter on one indicator skip the rest

-- Rebuild cell from cell_year: per scope, the years of each kind of evidence as bits; for each bar
-- (min_tier 1-3, endorsed_only or not; bar_years picks the column) the years whose citizen data meets
-- it. A year's best data meets a bar if any of its data does; endorsed_tier is already of endorsed
-- data only, so its review status is not tested again.
delete from cell where $indicators is null or list_contains($indicators, indicator);
insert into cell
with changed as (
    select * from cell_year where $indicators is null or list_contains($indicators, indicator)
),
scoped as (
    select case when is_demo then 'demo' else 'user' end as scope, * from changed
    union all
    select 'all', * from changed
)
select
    scope,
    i.goal,
    indicator,
    area,
    group_id,
    years_with(year, has_official),
    years_with(year, meets_bar(citizen_tier, null, 1, false)) as citizen_1,
    years_with(year, meets_bar(citizen_tier, null, 2, false)) as citizen_2,
    years_with(year, meets_bar(citizen_tier, null, 3, false)) as citizen_3,
    years_with(year, meets_bar(endorsed_tier, null, 1, false)) as endorsed_1,
    years_with(year, meets_bar(endorsed_tier, null, 2, false)) as endorsed_2,
    years_with(year, meets_bar(endorsed_tier, null, 3, false)) as endorsed_3
from scoped
join indicator as i on i.code = scoped.indicator
where area in (select code from area where kind = 'country')
group by scope, i.goal, indicator, area, group_id
order by scope, goal, indicator, area;  -- zone maps then let a filter on one goal or indicator skip the rest

-- Rebuild indicator_in_scope: the indicators with some observation in each scope. Every observation of a
-- public dataset is a row of released_observation (a suppressed one too, without its value), so the table
-- is read without the view's join to the withheld cells; any area and any year count.
delete from indicator_in_scope where $indicators is null or list_contains($indicators, indicator);
insert into indicator_in_scope
with present as (
    select distinct s.indicator, d.is_demo
    from observation as o
    join public_dataset as d on d.dataset_id = o.dataset_id
    join series as s on s.code = o.series
    where $indicators is null or list_contains($series, o.series)
)
select distinct scope, indicator
from (
    select case when is_demo then 'demo' else 'user' end as scope, indicator from present
    union all
    select 'all', indicator from present
)
order by scope, indicator;

-- Rebuild expected_in_scope whole (expected_group can change for any indicator; it is small).
delete from expected_in_scope;
insert into expected_in_scope
select d.scope, i.goal, e.indicator, e.group_id
from expected_group as e
join indicator as i on i.code = e.indicator
join indicator_in_scope as d on d.indicator = e.indicator
order by d.scope, i.goal, e.indicator;
