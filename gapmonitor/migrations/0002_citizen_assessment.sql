-- Version 2: an editor's quality assessment of a citizen dataset is recorded with who made it, when and
-- a note; a new import starts unassessed (every criterion 0: the low tier); estimates behind fewer than
-- reliable_sample_size respondents are flagged (the threshold starts at 30, as in a new database).
-- "if not exists": a database whose version was set back by hand (tests/test_demo.py) has them already.
alter table citizen_dataset add column if not exists assessed_at timestamp;
alter table citizen_dataset add column if not exists assessed_by varchar;
alter table citizen_dataset add column if not exists assessment_note varchar;
alter table citizen_dataset alter column nso_review set default 'not reviewed';
alter table citizen_dataset alter column participation_level set default 1;
alter table citizen_dataset alter column relevance set default 0;
alter table citizen_dataset alter column methodology set default 0;
alter table citizen_dataset alter column accuracy set default 0;
alter table citizen_dataset alter column timeliness set default 0;
alter table citizen_dataset alter column coherence set default 0;
alter table citizen_dataset alter column ethics set default 0;
alter table citizen_dataset alter column confidentiality set default 0;
insert or ignore into setting values ('reliable_sample_size', 30);
