-- How each incoming observation resolves (the registered table `incoming`, whose `_pos` is the
-- row's position in it; `batch_areas` holds the new areas a reader found, Batch.new_areas): its area
-- and series against the database, and the first row of its duplicate group (same series, area,
-- dimensions and period; its own row if it has no duplicate). Only these columns: the row's cells
-- stay in `incoming`, not copied (a million rows of text).
with lookup as (
    -- M49 numbers name countries and regions (UN SDG exports)
    select 'm49' as scheme, cast(m49 as varchar) as key, code
    from area where kind in ('country', 'region') and m49 is not null
    union all
    select 'iso3', iso3, code from area where kind = 'country'
    union all
    -- other codes (SDMX REF_AREA, Open SDG GeoCode): for a global file, any country's ISO3, ISO2 or
    -- M49 code; for a national file ($country chosen), that country's own codes, and otherwise the
    -- codes of its subnational areas
    select 'code', unnest([iso3, iso2, cast(m49 as varchar)]), code
    from area where kind = 'country' and ($country::varchar is null or code = $country::varchar)
    union all
    -- and the codes others write for a country (Eurostat's EL and UK): data/reference/country_aliases.csv
    select 'code', a.alias, area.code
    from read_csv($aliases, header = true, all_varchar = true) as a join area on area.code = a.code
    where area.kind = 'country' and ($country::varchar is null or area.code = $country::varchar)
    union all
    select 'code', local_code, code from area where kind = 'subnational' and parent = $country::varchar
    union all
    -- codes a reader has already resolved (citizen records), including the new areas its file brings
    select 'area', code, code from area
    union all
    select 'area', code, code from batch_areas where code not in (select code from area)  -- once per code
),
resolved as (  -- one narrow row per incoming row: the text cells stay in `incoming`
    select
        i._pos, i.row,
        l.code as area_code,
        s.code is null as new_series,
        coalesce(s.indicator, ind.code) as series_indicator,
        hash(i.series, coalesce(l.code, i.area), i.dims, i.time_detail) as key_hash,
        -- an unknown code becomes a new area when the file says what it is: an M49 number with a name in
        -- a UN export (its regional groupings), or a subnational code in a national file
        l.code is null and (
            (i.area_scheme = 'm49' and try_cast(i.area as integer) is not null and i.area_name <> '')
            or (i.area_scheme = 'code' and $country::varchar is not null)
        ) as new_area,
        case when l.code is null then
            case when i.area_scheme = 'm49' then region_code(try_cast(i.area as integer)) else $country::varchar || '-' || i.area end
        end as new_area_code,
        case when i.area_scheme = 'm49' then 'region' else 'subnational' end as new_area_kind
    from incoming as i
    left join lookup as l on l.scheme = i.area_scheme and l.key = i.area
    left join series as s on s.code = i.series
    left join indicator as ind on ind.code = i.indicator
),
-- duplicates (same series, area, dimensions and period) by a grouped count, first of the keys' hashes:
-- a million rows' hashes are a small table, a window or a count over their text keys a large one; only
-- the rows whose hash is shared are compared by their text (read again from `incoming`)
collided as (select key_hash from resolved group by key_hash having count(*) > 1),
shared as (
    select r._pos, r.row, r.key_hash, i.series, coalesce(r.area_code, i.area) as area_key, i.dims, i.time_detail
    from resolved as r join incoming as i using (_pos)
    where r.key_hash in (select key_hash from collided)
),
duplicated as (
    select _pos, min(row) over (partition by key_hash, series, area_key, dims, time_detail) as first_row,
        count(*) over (partition by key_hash, series, area_key, dims, time_detail) as n
    from shared
)
select
    r._pos, r.row, r.area_code, r.new_series, r.series_indicator, r.new_area, r.new_area_code, r.new_area_kind,
    coalesce(case when d.n > 1 then d.first_row end, r.row) as first_row
from resolved as r
left join duplicated as d using (_pos)
