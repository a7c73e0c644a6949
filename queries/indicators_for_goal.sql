-- one row per indicator of goal $goal that has at least one series, with its expected groups and whether
-- it is in this database for $scope (in_database: some observation of one of its series in the data shown)
select
    i.code as indicator,
    i.title,
    i.tier,
    count(distinct s.code) as series,
    string_agg(distinct s.code, ', ' order by s.code) as series_codes,
    list(distinct e.group_id order by e.group_id) filter (where e.group_id is not null) as expected_groups,
    in_database(i.code, $scope) as in_database
from indicator as i
join series as s on s.indicator = i.code
left join expected_group as e on e.indicator = i.code
where i.goal = $goal
group by i.code, i.title, i.tier, i.sort_key
order by i.sort_key
