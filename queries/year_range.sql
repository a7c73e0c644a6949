-- one row: the first and last year of all released observations
select min(year) as first_year, max(year) as last_year
from released_observation
