-- one row per subnational area of country $area: the gap status of indicator $indicator for group
-- $group_id in $first_year..$last_year, in the data of $scope. The rule of a subnational cell: the gap
-- rules (gap_status, meets_bar in gapmonitor/schema/gap_rules.sql) applied to the area's own released
-- values only. Official data for the whole country does not count for a district: official statistics
-- seldom break down by district, so a district with citizen data meeting the bar and no official value of
-- its own is where citizen data fills the gap. Any citizen data is data that meets the lowest bar (as in
-- covered_cells); suppressed estimates are not data.
with rows as (
    select o.*
    from released_observation as o
    join series as s on s.code = o.series
    join area as a on a.code = o.area
    where s.indicator = $indicator
        and a.parent = $area and a.kind = 'subnational'
        and o.value is not null
        and o.year between $first_year and $last_year
        and in_scope(o.is_demo, $scope)
),
evidence as (
    select
        g.area,
        bool_or(g.kind = 'official') as has_official,
        coalesce(bool_or(g.kind = 'citizen' and meets_bar(q.tier_rank, c.nso_review, $min_tier, $endorsed_only)),
                 false) as meets_bar,
        coalesce(bool_or(g.kind = 'citizen' and meets_bar(q.tier_rank, c.nso_review, 1, $endorsed_only)),
                 false) as has_citizen,
        count(*) filter (where g.kind = 'official') as official_values,
        count(*) filter (where g.kind = 'citizen') as citizen_values
    from groups_of(rows) as g
    left join citizen_quality as q on q.dataset_id = g.dataset_id
    left join citizen_dataset as c on c.dataset_id = g.dataset_id
    where g.group_id = $group_id
    group by g.area
)
select
    a.code as area,
    a.name,
    gap_status(coalesce(e.has_official, false), coalesce(e.meets_bar, false), coalesce(e.has_citizen, false))
        as status,
    coalesce(e.official_values, 0) as official_values,
    coalesce(e.citizen_values, 0) as citizen_values
from public_area as a
left join evidence as e on e.area = a.code
where a.parent = $area and a.kind = 'subnational'
order by a.name
