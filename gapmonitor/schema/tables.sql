-- The tables that hold what users bring and decide: reference data, datasets, observations, the
-- statistical office's assessments and settings. Changed only by numbered migrations (migrations/);
-- every other object (macros, views, derived tables) is made again from the other files of this folder.
-- No foreign keys: DuckDB refuses any update of a row that a foreign key points to (an indicator's
-- title, an area's boundary). The importer resolves every code before writing, and a test checks
-- that no row points nowhere.
-- Official and citizen observations share one table; the dataset says which kind a row is.

create table meta (
    key varchar primary key,
    value varchar not null
);

create table setting (
    key varchar primary key,
    value integer not null
);

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
    boundary_dataset varchar,          -- the import that gave the geometry
    added_by varchar                   -- the import that added the area (none: shipped or kept); see remove
);

create table population_group (
    group_id varchar primary key,      -- canonical vocabulary: women, disability, rural...
    label varchar not null,
    sort integer not null,
    definition varchar not null
);

-- Who counts for which group. Where a row comes from: 'reference' rows are the shipped tables of
-- data/reference (made again from the files at every migration); 'file' rows came with an import (a
-- records spec's groups) or from before schema 8; 'editor' rows are an editor's decision, with who,
-- when and why. A mapping never changes observations, only how they are counted.

-- A dimension value as written in SDG data (Sex=FEMALE, AGE=Y15T17...) and a group it denotes; a value
-- can denote several (AGE=Y15T17: youth and children).
create table group_mapping (
    dimension varchar not null,
    dim_value varchar not null,
    group_id varchar not null,
    reason varchar,
    source varchar not null default 'reference' check (source in ('reference', 'file', 'editor')),
    mapped_by varchar,
    mapped_at timestamp,
    primary key (dimension, dim_value, group_id)
);

-- A series that measures a group by definition (SI_COV_DISAB: persons with severe disabilities): every
-- value of it counts for that group, whatever its dimensions say besides.
create table series_group (
    series varchar not null,
    group_id varchar not null,
    reason varchar,
    source varchar not null default 'reference' check (source in ('reference', 'file', 'editor')),
    mapped_by varchar,
    mapped_at timestamp,
    primary key (series, group_id)
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
    assessment_note varchar,
    subject varchar not null default 'people' check (subject in ('people', 'places')),
        -- people or households (confidentiality suppression applies); places and things (it does not)
    -- Stewardship (version 10). Only 'published' datasets reach the public views (released_observation);
    -- a contributor's upload is 'submitted' until a steward publishes it or returns it with reasons.
    status varchar not null default 'published'
        check (status in ('submitted', 'returned', 'published', 'superseded')),
    submitted_by varchar,              -- the contributor's account (none: imported by a steward, or before version 10)
    lineage varchar,                   -- the dataset_id of its first version (none: this is the first)
    version integer not null default 1,
    consent_basis varchar              -- how the people it is about agreed (informed consent, public record...)
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

-- Who may sign in, and as what (version 10). Viewers need no account. Passwords are argon2id hashes;
-- an account signed in through an identity provider (st.login) has none and is matched by e-mail.
create table account (
    username varchar primary key,
    display_name varchar not null,
    organisation varchar,              -- a contributor's organisation; a steward's office
    role varchar not null check (role in ('contributor', 'steward', 'administrator')),
    password_hash varchar,
    email varchar,
    active boolean not null default true,
    created_at timestamp not null default current_timestamp,
    created_by varchar not null
);

-- The review history of citizen datasets: a contributor's submission, then the steward's decisions.
-- `reasons` are public (the contributor and, once published, the dataset's page); `private_note` is
-- the office's own and never shown outside its stewards.
create table review (
    dataset_id varchar not null,
    decided_at timestamp not null default current_timestamp,
    by_account varchar not null,
    decision varchar not null
        check (decision in ('submitted', 'comment', 'returned', 'published', 'published and endorsed')),
    reasons varchar,
    private_note varchar
);

-- Every write, appended in the transaction of the write itself: who, when, what and why. The app has
-- no statement that updates or deletes a row of it (a test scans the code).
create table audit_log (
    seq bigint not null,               -- 1, 2, 3... in the order of the writes (writers take turns)
    logged_at timestamp not null,
    actor varchar not null,            -- an account, or the command line's operating-system user
    role varchar not null,
    action varchar not null,           -- import, remove, mapping, assessment, decision, threshold, account...
    target varchar,                    -- the dataset, mapping, account or story it changed
    detail varchar,                    -- what changed
    reason varchar                     -- why, as the person gave it
);

-- Saved views in named stories, for presenting (version 10). A step is a page and its URL state, so it
-- is drawn live from the database each time it is shown. No key on (story_id, position): DuckDB checks
-- a key before the end of a transaction, and reordering rewrites every position of a story.
create table story (
    story_id varchar primary key,      -- in the story's link: ?story=<id>
    title varchar not null,
    description varchar,
    created_by varchar not null,
    created_at timestamp not null default current_timestamp,
    updated_at timestamp not null default current_timestamp
);

create table story_step (
    story_id varchar not null,
    position integer not null,         -- 1, 2, 3...
    title varchar not null,
    note varchar,                      -- the presenter's note (speaker notes in the slides)
    page varchar not null,             -- the page's URL path: goal-5, country, citizen
    params varchar not null            -- the view's URL query string: indicator=5.2.1&group=rural...
);
