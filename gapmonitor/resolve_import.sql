-- One row per incoming observation (the registered table `incoming`; `batch_areas` holds the new
-- areas a reader found, Batch.new_areas), with its area and series
-- resolved against the database, and the first row of each duplicate group (same series, area,
-- dimensions and period).
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
    select 'code', local_code, code from area where kind = 'subnational' and parent = $country::varchar
    union all
    -- codes a reader has already resolved (citizen records), including the new areas its file brings
    select 'area', code, code from area
    union all
    select 'area', code, code from batch_areas where code not in (select code from area)  -- once per code
),
resolved as (
    select
        i.*,
        l.code as area_code,
        s.code is null as new_series,
        coalesce(s.indicator, ind.code) as series_indicator
    from incoming as i
    left join lookup as l on l.scheme = i.area_scheme and l.key = i.area
    left join series as s on s.code = i.series
    left join indicator as ind on ind.code = i.indicator
)
select
    *,
    -- an unknown code becomes a new area when the file says what it is: an M49 number with a name in
    -- a UN export (its regional groupings), or a subnational code in a national file
    area_code is null and (
        (area_scheme = 'm49' and try_cast(area as integer) is not null and area_name <> '')
        or (area_scheme = 'code' and $country::varchar is not null)
    ) as new_area,
    case when area_code is null then
        case when area_scheme = 'm49' then region_code(try_cast(area as integer)) else $country::varchar || '-' || area end
    end as new_area_code,
    case when area_scheme = 'm49' then 'region' else 'subnational' end as new_area_kind,
    min(row) over (partition by series, coalesce(area_code, area), dims, time_detail) as first_row
from resolved
