-- one row per setting: the confidentiality and reliability thresholds
select key, value from setting order by key
