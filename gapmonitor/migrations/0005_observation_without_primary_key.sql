-- Version 5: observation without its primary key. Its index was nine tenths of the file at the size of
-- the UN database; the importer checks that its rows' keys are unique instead. DuckDB cannot drop a
-- primary key in place, so the table is made again (as in schema/tables.sql of version 5) and its rows
-- copied; its key columns stay not null, as the key made them.
create table observation_v5 (
    dataset_id varchar not null,
    series varchar not null,
    area varchar not null,
    dims varchar not null,
    year integer not null,
    time_detail varchar not null,
    value double not null,
    lower_bound double,
    upper_bound double,
    nature varchar,
    source varchar,
    footnote varchar,
    sample_size integer
);
insert into observation_v5 by name select * from observation;
drop table observation;
alter table observation_v5 rename to observation;
