"""The citizen data template: aggregated estimates a citizen data producer publishes (placeholder:
being written)."""

OBSERVATIONS_SHEET = "observations"


def is_template_header(columns: list[str]) -> bool:
    return {"indicator", "period", "value", "sample_size"} <= set(columns)


def read(path):
    raise NotImplementedError
