-- Small macros the other files and the queries use.

-- The area code of an M49 region: M49-001 (World), M49-002 (Africa)...
create macro region_code(m49) as 'M49-' || lpad(cast(m49 as varchar), 3, '0');

-- A key that sorts indicator codes as people read them: 1.2.1 < 1.10.1 < 1.a.1.
create macro indicator_sort_key(code) as array_to_string(list_transform(string_split(code, '.'),
    lambda p: case when regexp_matches(p, '^[0-9]+$') then lpad(p, 3, '0') else 'z' || p end), '.');

-- Which data a page shows: 'all', 'demo' (the built-in illustrative data) or 'user' (imported data).
create macro in_scope(is_demo, scope) as scope = 'all' or (scope = 'demo') = is_demo;

-- 95% Wilson score interval of a proportion p (0 to 1) observed in n trials.
create macro wilson_lower(p, n) as
    (p + 1.959964 ^ 2 / (2 * n) - 1.959964 * sqrt(p * (1 - p) / n + 1.959964 ^ 2 / (4 * n * n)))
    / (1 + 1.959964 ^ 2 / n);

create macro wilson_upper(p, n) as
    (p + 1.959964 ^ 2 / (2 * n) + 1.959964 * sqrt(p * (1 - p) / n + 1.959964 ^ 2 / (4 * n * n)))
    / (1 + 1.959964 ^ 2 / n);

-- The dimension key of an observation (observation.dims, written by gapmonitor/dimensions.py:
-- 'Location=RURAL|Sex=FEMALE', '' for the total; a '%', '|' or '=' in a name or value is written %25,
-- %7C, %3D). SQL reads keys only through these macros. Matching a key against group_mapping compares
-- its parts as written with dims_part of each mapping row: no decoding per observation.
create macro dims_escape(t) as replace(replace(replace(t, '%', '%25'), '|', '%7C'), '=', '%3D');

create macro dims_unescape(t) as replace(replace(replace(t, '%7C', '|'), '%3D', '='), '%25', '%');  -- '%25' last

create macro dims_part(dimension, dim_value) as dims_escape(dimension) || '=' || dims_escape(dim_value);

create macro dims_parts(dims) as string_split(dims, '|');

create macro dims_pairs(dims) as
    list_transform(list_filter(dims_parts(dims), lambda p: p <> ''),
        lambda p: {'dimension': dims_unescape(split_part(p, '=', 1)), 'dim_value': dims_unescape(split_part(p, '=', 2))});
