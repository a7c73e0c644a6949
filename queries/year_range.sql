-- one row: the first and last year of the released observations in scope
select min(year) as first_year, max(year) as last_year
from released_observation
where in_scope(is_demo, $scope)
