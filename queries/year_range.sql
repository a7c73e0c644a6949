-- one row: the first and last year of the released observations in scope (every observation of a public
-- dataset is a row of released_observation, a suppressed one too, and years are never withheld: so read
-- the table, without the view's join to the withheld cells)
select min(o.year) as first_year, max(o.year) as last_year
from observation as o
join public_dataset as d using (dataset_id)
where in_scope(d.is_demo, $scope)
