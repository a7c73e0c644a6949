-- one row per country or area drawn by the app (not regions, not subnational units)
select code, m49, iso3, name, region, subregion, is_ldc, is_lldc, is_sids, lat, lon
from area
where kind = 'country'
order by name
