-- Version 8: a dimension value can denote several groups (AGE=Y15T17: youth and children), so the
-- mapping's key takes the group; each mapping says where it comes from and why; series that measure a
-- group by definition get a table of their own (series_group); children join the groups. The rows of
-- data/reference (groups, the code lists' and the series' mappings) are written after the migrations
-- (reference.refresh); the rows this database held are kept as 'file' rows, since nothing says which
-- of them were imported with a file.
create table group_mapping_8 (
    dimension varchar not null,
    dim_value varchar not null,
    group_id varchar not null,
    reason varchar,
    source varchar not null default 'reference' check (source in ('reference', 'file', 'editor')),
    mapped_by varchar,
    mapped_at timestamp,
    primary key (dimension, dim_value, group_id)
);
insert into group_mapping_8 (dimension, dim_value, group_id, reason, source)
select dimension, dim_value, group_id, 'kept from schema version 7', 'file' from group_mapping;
drop table group_mapping;
alter table group_mapping_8 rename to group_mapping;
create table if not exists series_group (  -- "if not exists": a test sets a current database back to version 1
    series varchar not null,
    group_id varchar not null,
    reason varchar,
    source varchar not null default 'reference' check (source in ('reference', 'file', 'editor')),
    mapped_by varchar,
    mapped_at timestamp,
    primary key (series, group_id)
);
