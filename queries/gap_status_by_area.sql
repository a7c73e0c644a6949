-- one row per country: the gap status of indicator $indicator for group $group_id, or 'not_in_database'
-- in every country when the indicator is not in this database for $scope (gap_cells has no cell of it);
-- no rows when the group is not expected for the indicator
select
    a.code as area,
    a.name,
    a.region,
    a.is_sids,
    a.lat,
    a.lon,
    coalesce(c.status, 'not_in_database') as status
from area as a
left join gap_cells($first_year, $last_year, $min_tier, $scope, endorsed_only := $endorsed_only, only_indicator := $indicator) as c
    on c.area = a.code and c.indicator = $indicator and c.group_id = $group_id
where a.kind = 'country'
    and exists (select 1 from expected_group as e where e.indicator = $indicator and e.group_id = $group_id)
order by a.name
