-- Version 7: a '%', '|' or '=' inside a dimension name or value is percent-encoded in observation.dims
-- ('%25', '%7C', '%3D'), so that a key always splits back into the names and values it was made of.
-- In a key written before, '|' and '=' are only separators and a '%' can only be part of a value, so
-- encoding every '%' makes it a key of the new kind. group_mapping holds names and values, not keys:
-- it stays as it is.
update observation set dims = replace(dims, '%', '%25') where contains(dims, '%');
