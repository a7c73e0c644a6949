-- Version 9: a subnational area remembers the import that added it (added_by), so removing that
-- import takes the area away when nothing else uses it; areas of the shipped reference, and those a
-- database of version 8 holds, have none and stay. A citizen dataset says what its records are about
-- (subject): people or households, whose estimates the confidentiality rule suppresses below the
-- minimum sample size, or places and things (water points, beaches), which hold no personal data.
-- Every dataset imported before was treated as about people, and stays so.
alter table area add column if not exists added_by varchar;  -- "if not exists": a test sets a current
-- database back to version 1
create table citizen_dataset_9 (
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
    subject varchar not null default 'people' check (subject in ('people', 'places'))
);
-- the columns of version 8 by name (subject: its default, 'people'); named, not *, so that a test can set a
-- database of a later version back to version 1
insert into citizen_dataset_9 by name select dataset_id, producer, producer_type, method, collection_start,
    collection_end, nso_review, participation_level, relevance, methodology, accuracy, timeliness, coherence,
    ethics, confidentiality, assessed_at, assessed_by, assessment_note from citizen_dataset;
drop table citizen_dataset;
alter table citizen_dataset_9 rename to citizen_dataset;
