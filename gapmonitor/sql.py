"""SQL text the app writes itself: values are always bound as parameters ($name); the only names
that enter SQL text are identifiers, and they go through identifier(). A test scans the code for any
other way in (tests/test_sql_text.py)."""


def identifier(name: str) -> str:
    """A table or column name as a quoted SQL identifier: "Children's age", "a""b". Any text is safe."""
    return '"' + str(name).replace('"', '""') + '"'
