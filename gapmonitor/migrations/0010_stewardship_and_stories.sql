-- Version 10: stewardship (issue 19) and stories (issue 15). A citizen dataset gets a status
-- (submitted, returned, published, superseded), who submitted it, its versions (lineage, version) and
-- its consent basis; every dataset a database already holds was put in by an editor, so it is
-- published, version 1 (no lineage), submitted by no one. New tables: accounts, the review history,
-- the audit log, and stories of saved views ("if not exists": a test sets a current database back
-- to version 1).
create table citizen_dataset_10 (
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
insert into citizen_dataset_10 by name select * from citizen_dataset;
drop table citizen_dataset;
alter table citizen_dataset_10 rename to citizen_dataset;

-- Who may sign in, and as what (version 10). Viewers need no account. Passwords are argon2id hashes;
-- an account signed in through an identity provider (st.login) has none and is matched by e-mail.
create table if not exists account (
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
create table if not exists review (
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
create table if not exists audit_log (
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
create table if not exists story (
    story_id varchar primary key,      -- in the story's link: ?story=<id>
    title varchar not null,
    description varchar,
    created_by varchar not null,
    created_at timestamp not null default current_timestamp,
    updated_at timestamp not null default current_timestamp
);

create table if not exists story_step (
    story_id varchar not null,
    position integer not null,         -- 1, 2, 3...
    title varchar not null,
    note varchar,                      -- the presenter's note (speaker notes in the slides)
    page varchar not null,             -- the page's URL path: goal-5, country, citizen
    params varchar not null            -- the view's URL query string: indicator=5.2.1&group=rural...
);
