-- one row per indicator with released values at the subnational areas of country $area in the data of
-- $scope (any year): its title, expected groups, the groups its subnational values speak for, and how
-- many areas have a value
with rows as (
    select o.*, s.indicator
    from released_observation as o
    join series as s on s.code = o.series
    join area as a on a.code = o.area
    where a.parent = $area and a.kind = 'subnational' and o.value is not null and in_scope(o.is_demo, $scope)
),
found as (
    select indicator, list(distinct group_id) as groups, count(distinct area) as areas
    from groups_of(rows)
    group by indicator
)
select
    i.code as indicator,
    i.title,
    (select list(e.group_id order by e.group_id) from expected_group as e where e.indicator = i.code)
        as expected_groups,
    f.groups,
    f.areas
from found as f
join indicator as i on i.code = f.indicator
order by i.sort_key
