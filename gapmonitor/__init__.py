"""SDG Gap Monitor: official and citizen SDG data for less visible groups, in DuckDB."""
