-- Schema version 3 of the SDG Gap Monitor database.
-- No foreign keys: DuckDB refuses any update of a row that a foreign key points to (an indicator's
-- title, an area's boundary). The importer resolves every code before writing, and a test checks
-- that no row points nowhere.
-- Official and citizen observations share one table; the dataset says which kind a row is.
-- Pages read only the views and macros at the end (released_observation, observation_group,
-- gap_cells): they apply confidentiality and the gap rules once, for every query.

create table meta (
    key varchar primary key,
    value varchar not null
);

create table setting (
    key varchar primary key,
    value integer not null
);

-- The area code of an M49 region: M49-001 (World), M49-002 (Africa)...
create macro region_code(m49) as 'M49-' || lpad(cast(m49 as varchar), 3, '0');

-- A key that sorts indicator codes as people read them: 1.2.1 < 1.10.1 < 1.a.1.
create macro indicator_sort_key(code) as array_to_string(list_transform(string_split(code, '.'),
    lambda p: case when regexp_matches(p, '^[0-9]+$') then lpad(p, 3, '0') else 'z' || p end), '.');

-- Which data a page shows: 'all', 'demo' (the built-in illustrative data) or 'user' (imported data).
create macro in_scope(is_demo, scope) as scope = 'all' or (scope = 'demo') = is_demo;

create table goal (
    goal integer primary key,
    short_title varchar not null,
    title varchar not null,
    colour varchar not null,
    theme varchar not null
);

create table indicator (
    code varchar primary key,          -- official code, e.g. 5.2.1
    goal integer not null,
    target varchar not null,           -- e.g. 5.2
    title varchar not null,
    tier varchar,                      -- IAEG-SDGs tier classification
    custodian varchar,                 -- custodian agencies
    sort_key varchar not null          -- sorts 1.10.1 after 1.9.1 and 1.a.1 after 1.10.1
);

create table series (
    code varchar primary key,          -- UN SDG database series code, e.g. VC_VAW_MARR
    indicator varchar not null,
    description varchar not null,
    unit varchar not null,
    higher_is_better boolean
);

create table area (
    code varchar primary key,          -- countries: ISO alpha-3; regions: M49-001...; subnational: see local_code
    local_code varchar not null,       -- the code its source uses (subnational: unique within the parent)
    m49 integer,                       -- UN M49 numeric code (countries and regions)
    iso3 varchar,
    iso2 varchar,
    name varchar not null,
    kind varchar not null check (kind in ('country', 'subnational', 'region')),
    region varchar,
    subregion varchar,
    is_ldc boolean not null default false,
    is_lldc boolean not null default false,
    is_sids boolean not null default false,
    parent varchar,                    -- the country of a subnational area
    lat double,
    lon double,
    geometry varchar,                  -- subnational boundaries as GeoJSON (WGS84, simplified)
    boundary_dataset varchar           -- the import that gave the geometry
);

create table population_group (
    group_id varchar primary key,      -- canonical vocabulary: women, disability, rural...
    label varchar not null,
    sort integer not null,
    definition varchar not null
);

-- A dimension value (as written in SDG data: Sex=FEMALE, URBANISATION=R...) and the group it denotes.
create table group_mapping (
    dimension varchar not null,
    dim_value varchar not null,
    group_id varchar not null,
    primary key (dimension, dim_value)
);

-- The groups each indicator is expected to be disaggregated by (Open SDG: expected disaggregations).
create table expected_group (
    indicator varchar not null,
    group_id varchar not null,
    primary key (indicator, group_id)
);

create table dataset (
    dataset_id varchar primary key,
    kind varchar not null check (kind in ('official', 'citizen', 'reference')),
    title varchar not null,
    source varchar not null,
    licence varchar,
    is_demo boolean not null,
    created_at timestamp not null default current_timestamp,
    file_name varchar,
    checksum varchar
);

-- Citizen datasets: who produced them, how, and the quality assessment (criteria scored 0, 1 or 2,
-- participation on the Copenhagen Framework's ladder 1-5). A new import is unassessed (assessed_at
-- null, every criterion 0: the low tier) until an editor fills in the assessment.
create table citizen_dataset (
    dataset_id varchar primary key,
    producer varchar not null,
    producer_type varchar not null,
    method varchar not null,
    collection_start date,
    collection_end date,
    nso_review varchar not null default 'not reviewed'
        check (nso_review in ('not reviewed', 'under review', 'endorsed')),
    participation_level integer not null default 1 check (participation_level between 1 and 5),
    relevance integer not null default 0 check (relevance between 0 and 2),
    methodology integer not null default 0 check (methodology between 0 and 2),
    accuracy integer not null default 0 check (accuracy between 0 and 2),
    timeliness integer not null default 0 check (timeliness between 0 and 2),
    coherence integer not null default 0 check (coherence between 0 and 2),
    ethics integer not null default 0 check (ethics between 0 and 2),
    confidentiality integer not null default 0 check (confidentiality between 0 and 2),
    assessed_at timestamp,
    assessed_by varchar,
    assessment_note varchar
);

create table observation (
    dataset_id varchar not null,
    series varchar not null,
    area varchar not null,
    dims varchar not null,             -- canonical dimension key, sorted: 'Location=RURAL|Sex=FEMALE'; '' = total
    year integer not null,             -- the year the period counts for in the gap rules
    time_detail varchar not null,      -- the period as its source gives it: 2019, 2000 Q1, 2004/05
    value double not null,
    lower_bound double,
    upper_bound double,
    nature varchar,                    -- UN SDG nature code: C, CA, E, G, M, N
    source varchar,
    footnote varchar,
    sample_size integer                -- citizen data: respondents or records behind the value
    -- One row per (dataset_id, series, area, dims, time_detail): the importer checks it. Not a primary
    -- key: its index would be nine tenths of the file at the size of the UN database, and every import
    -- would copy it, extend it and write it out again.
);

-- Quality tier of each citizen dataset: a transparent rule over the seven criteria (About page).
create view citizen_quality as
select
    dataset_id,
    relevance + methodology + accuracy + timeliness + coherence + ethics + confidentiality as score,
    case
        when relevance + methodology + accuracy + timeliness + coherence + ethics + confidentiality >= 11
            and least(relevance, methodology, accuracy, timeliness, coherence) >= 1
            and ethics = 2 and confidentiality = 2 then 3
        when relevance + methodology + accuracy + timeliness + coherence + ethics + confidentiality >= 7
            and ethics >= 1 and confidentiality >= 1 then 2
        else 1
    end as tier_rank
from citizen_dataset;

-- Confidentiality, applied here so that no page, chart, map or download can get around it. A citizen
-- estimate behind fewer respondents or records than min_sample_size (or behind an unknown number) is
-- suppressed, and so is a cell that would give a suppressed one back by subtraction (the table
-- `withheld`, gapmonitor/suppression.sql). A suppressed row stays visible, marked 'suppressed', but
-- value, bounds and sample size are null. Below reliable_sample_size an estimate is released and
-- marked 'low reliability'. Official data is released as published. The thresholds are rows of
-- `setting`, which editors change.
create macro suppressed(kind, n) as
    kind = 'citizen' and coalesce(n, 0) < (select value from setting where key = 'min_sample_size');

create macro reliability(kind, n) as
    case
        when kind <> 'citizen' then null
        when suppressed(kind, n) then 'suppressed'
        when n < (select value from setting where key = 'reliable_sample_size') then 'low reliability'
        else 'reliable'
    end;

-- A figure as released: nothing of a suppressed estimate.
create macro released(x, reliability) as case when reliability = 'suppressed' then null else x end;

-- Citizen estimates withheld: 'primary' (too few respondents) or 'secondary' (complementary). Derived:
-- rebuilt with every write.
create table withheld (
    dataset_id varchar not null,
    series varchar not null,
    area varchar not null,
    dims varchar not null,
    time_detail varchar not null,
    reason varchar not null check (reason in ('primary', 'secondary')),
    primary key (dataset_id, series, area, dims, time_detail)
);

create view released_observation as
with marked as (
    select o.*, d.kind, d.is_demo,
        case when w.reason is not null then 'suppressed' else reliability(d.kind, o.sample_size) end as reliability
    from observation as o
    join dataset as d using (dataset_id)
    left join withheld as w using (dataset_id, series, area, dims, time_detail)
)
select * replace (
    released(value, reliability) as value,
    released(lower_bound, reliability) as lower_bound,
    released(upper_bound, reliability) as upper_bound,
    released(sample_size, reliability) as sample_size
)
from marked;

-- One row per released (not suppressed) observation and group it speaks for (an observation for rural women counts
-- for women and for rural people); a value with no dimension is the total.
create view observation_group as
select *, 'total' as group_id
from released_observation
where dims = '' and value is not null
union all
(with parts as (
    select *, unnest(string_split(dims, '|')) as part
    from released_observation
    where dims <> '' and value is not null
)
select parts.* exclude (part), m.group_id
from parts
join group_mapping as m
    on m.dimension = split_part(parts.part, '=', 1)
    and m.dim_value = split_part(parts.part, '=', 2));

-- The evidence for each cell, year by year: one row per indicator, country, group, year and origin
-- (demo or imported), saying whether official data exists and the best quality tier of the citizen
-- data (0: none). Derived from observation_group, so it holds released data only; rebuilt by
-- gapmonitor/cell_years.sql in the same transaction as every change to the data.
create table cell_year (
    indicator varchar not null,
    area varchar not null,             -- the country (subnational data counts for its country)
    group_id varchar not null,
    year integer not null,
    is_demo boolean not null,
    has_official boolean not null,
    citizen_tier integer not null,     -- 0 none, 1 low, 2 medium, 3 high
    endorsed_tier integer not null     -- the same, counting only datasets the statistical office endorsed
);

-- The same evidence per cell, ready for any window of years: one row per scope ('all', 'demo' or
-- 'user', the choices of in_scope), indicator, country and group, holding for each kind of evidence
-- the set of years that have it, as bits of a HUGEINT (bit y - 1950 for year y). A page's window is
-- then one bitwise AND per cell instead of a group-by over the years, which is what makes every
-- click fast at the size of the UN SDG database. Derived: rebuilt with cell_year.
create table cell (
    scope varchar not null,
    goal integer not null,             -- the indicator's goal (a page often asks for one)
    indicator varchar not null,
    area varchar not null,             -- a country (regions have no cells)
    group_id varchar not null,
    official hugeint not null,         -- the years with official data
    -- the years with citizen data of quality tier >= 1, >= 2, >= 3; then the same counting only datasets
    -- the statistical office endorsed. Columns, not lists: a scan that keeps a few rows of many (one
    -- country's cells) then reads only those rows' values, where a list column is read whole.
    citizen_1 hugeint not null,
    citizen_2 hugeint not null,
    citizen_3 hugeint not null,
    endorsed_1 hugeint not null,
    endorsed_2 hugeint not null,
    endorsed_3 hugeint not null
);

-- Years as bits: 1950-2075 (126 bits). A year outside counts as the nearest end (bit_year), in the
-- data and in a window alike, so a window still finds every year inside it; an import warns of such rows.
create macro bit_year(y) as least(greatest(y, 1950), 2075);

create macro year_bit(y) as 1::hugeint << (bit_year(y) - 1950);

create macro year_bits(first_year, last_year) as
    case when first_year > last_year then 0::hugeint else (year_bit(last_year) << 1) - year_bit(first_year) end;

-- The years y of the rows where condition holds, as bits (an aggregate).
create macro years_with(y, condition) as bit_or(case when condition then year_bit(y) else 0 end);

-- The gap rules, defined once. A cell is an indicator, country and expected group over the years
-- first_year..last_year, counting the data in scope. Citizen data "meets the bar" when its dataset's
-- quality tier is at least min_tier (1 low, 2 medium, 3 high) and, with endorsed_only, the statistical
-- office has endorsed the dataset (its NSO review status).
create macro gap_status(has_official, meets_bar, has_citizen) as
    case
        when has_official and meets_bar then 'official_and_citizen'
        when has_official then 'official'
        when meets_bar then 'citizen_fills_gap'
        when has_citizen then 'citizen_below_bar'
        else 'no_data'
    end;

-- The cells with some data in the window (every status but no_data): what coverage counts are made of.
-- Every cell is of an expected (indicator, group): data disaggregated by a group makes it expected
-- (expected_groups.sql). The optional only_* arguments narrow the cells (a page rarely needs all).
create macro covered_cells(first_year, last_year, min_tier, scope, endorsed_only := false,
                           only_goal := null, only_indicator := null, only_area := null) as table
with evidence as (
    select
        c.indicator,
        c.area,
        c.group_id,
        (c.official & year_bits(first_year, last_year)) <> 0 as has_official,
        (case when endorsed_only
            then case min_tier when 1 then c.endorsed_1 when 2 then c.endorsed_2 else c.endorsed_3 end
            else case min_tier when 1 then c.citizen_1 when 2 then c.citizen_2 else c.citizen_3 end
        end & year_bits(first_year, last_year)) <> 0 as meets_bar,
        (case when endorsed_only then c.endorsed_1 else c.citizen_1 end & year_bits(first_year, last_year)) <> 0
            as has_citizen
    from cell as c
    where c.scope = scope
        and (only_goal is null or c.goal = only_goal)
        and (only_indicator is null or c.indicator = only_indicator)
        and (only_area is null or c.area = only_area)
)
select indicator, area, group_id, gap_status(has_official, meets_bar, has_citizen) as status
from evidence
where has_official or has_citizen;

-- Every expected cell with its status: the covered ones, and no_data for the rest.
create macro gap_cells(first_year, last_year, min_tier, scope, endorsed_only := false,
                       only_goal := null, only_indicator := null, only_area := null) as table
with expected as (
    select e.indicator, e.group_id, a.code as area
    from expected_group as e
    join indicator as i on i.code = e.indicator
    cross join area as a
    where a.kind = 'country'
        and (only_goal is null or i.goal = only_goal)
        and (only_indicator is null or e.indicator = only_indicator)
        and (only_area is null or a.code = only_area)
)
select e.indicator, e.area, e.group_id, coalesce(c.status, 'no_data') as status
from expected as e
left join covered_cells(first_year, last_year, min_tier, scope, endorsed_only := endorsed_only,
                        only_goal := only_goal, only_indicator := only_indicator, only_area := only_area) as c
    using (indicator, area, group_id);

-- How many countries there are: each expected (indicator, group) is one cell per country.
create macro country_count() as (select count(*) from area where kind = 'country');

-- 95% Wilson score interval of a proportion p (0 to 1) observed in n trials.
create macro wilson_lower(p, n) as
    (p + 1.959964 ^ 2 / (2 * n) - 1.959964 * sqrt(p * (1 - p) / n + 1.959964 ^ 2 / (4 * n * n)))
    / (1 + 1.959964 ^ 2 / n);

create macro wilson_upper(p, n) as
    (p + 1.959964 ^ 2 / (2 * n) + 1.959964 * sqrt(p * (1 - p) / n + 1.959964 ^ 2 / (4 * n * n)))
    / (1 + 1.959964 ^ 2 / n);

-- Coverage counts, defined once for every query: a cell is covered officially when it has official
-- data (with or without citizen data); coverage is a percentage of expected cells.
create macro has_official(status) as status in ('official', 'official_and_citizen');

create macro coverage_pct(part, whole) as round(100.0 * part / nullif(whole, 0), 1);
