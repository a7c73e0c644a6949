-- one row per country: the gap status of indicator $indicator for group $group_id
select
    a.code as area,
    a.name,
    a.region,
    a.is_sids,
    a.lat,
    a.lon,
    c.status
from gap_cells($first_year, $last_year, $min_tier, $scope, endorsed_only := $endorsed_only, only_indicator := $indicator) as c
join area as a on a.code = c.area
where c.indicator = $indicator and c.group_id = $group_id
order by a.name
