"""Command line: python -m gapmonitor import|datasets|remove|map|unmap|unmapped ... (the same code as the Data page)."""

import argparse
import sys
from datetime import date
from pathlib import Path

from gapmonitor import db, group_suggestions, importer, stewardship
from gapmonitor.formats import ReadError, registry


def _options(args) -> dict:
    """The registry's options as given on the command line (--country, --structure, --records...)."""
    return {o.name: getattr(args, o.name) for f in registry.formats() for o in f.options}


def _import(args) -> int:
    path = db.ensure_database(args.db)
    try:
        with db.connect(path) as con:
            preview = importer.load(con, args.file, args.format, **_options(args))
    except ReadError as e:
        print(e.problem, file=sys.stderr)
        return 2
    batch = preview.batch
    print(f"{batch.file} ({registry.get(batch.format).label})")
    for key, value in preview.summary.items():
        print(f"  {key}: {value}")
    for problem in preview.problems:
        print(f"  {problem}")
    if preview.already:
        print(f"already imported as {preview.already}: nothing to do")
        return 0
    if args.dry_run:
        print("dry run: nothing written")
        return 0
    described = batch.dataset or {}  # a citizen template's own description; the options come first
    description = {"producer": args.producer, "producer_type": args.producer_type, "method": args.method,
                   "collection_start": args.collection_start and args.collection_start.isoformat(),
                   "collection_end": args.collection_end and args.collection_end.isoformat()}
    try:
        dataset = importer.apply(preview, title=args.title or described.get("title") or batch.file, source=args.source,
                                 licence=args.licence or described.get("licence", ""), kind=args.kind,
                                 description=description, accept_rejected=args.skip_rejected, path=path)
    except importer.ImportRefused as e:
        for problem in e.problems[:5]:
            print(problem, file=sys.stderr)
        print(f"{batch.file} not imported: {len(e.problems)} problem(s); fix the file, or pass --skip-rejected "
              "to import the other rows", file=sys.stderr)
        return 1
    except ValueError as e:  # a missing title, source or citizen description
        hint = "; give it with --producer, --producer-type, --method" if "citizen data needs" in str(e) else ""
        print(f"{batch.file} not imported: {e}{hint}", file=sys.stderr)
        return 1
    print(f"imported as {dataset}")
    return 0


def _datasets(args) -> int:
    with db.connect(args.db) as con:
        print(db.query(con, "data_sources").to_string(index=False))
    return 0


def _remove(args) -> int:
    try:
        importer.remove(args.dataset, args.db)
    except ValueError as e:
        print(e, file=sys.stderr)
        return 1
    print(f"removed {args.dataset}")
    return 0


def _map(args) -> int:
    try:
        if args.series:
            stewardship.map_series(args.series, args.group, args.by, args.why, args.db)
            print(f"series {args.series} now counts for {args.group}")
        else:
            stewardship.map_value(args.dimension, args.value, args.group, args.by, args.why, args.db)
            print(f"{args.dimension}={args.value!r} now counts for {args.group}")
    except ValueError as e:
        print(e, file=sys.stderr)
        return 1
    return 0


def _unmap(args) -> int:
    try:
        if args.series:
            stewardship.unmap_series(args.series, args.group, args.db)
            print(f"series {args.series} no longer counts for {args.group}")
        else:
            stewardship.unmap_value(args.dimension, args.value, args.group, args.db)
            print(f"{args.dimension}={args.value!r} no longer counts for {args.group}")
    except ValueError as e:
        print(e, file=sys.stderr)
        return 1
    return 0


def _suggested(suggestions: list[tuple[str, str]]) -> str:
    return ", ".join(g for g, _ in suggestions) or "-"


def _unmapped(args) -> int:
    with db.connect(args.db) as con:
        values = db.query(con, "unmapped_dimension_values")
        series = db.query(con, "series_without_group")
    values["suggested"] = [_suggested(group_suggestions.for_value(d, v)) for d, v in zip(values.dimension, values.value)]
    series["suggested"] = [_suggested(group_suggestions.for_series(c, d, i))
                           for c, d, i in zip(series.series, series.description, series.indicator)]
    print(f"Dimension values that count for no group ({len(values)}):")
    print(values.to_string(index=False) if len(values) else "  none")
    print(f"\nSeries with no group of their own ({len(series)}; their rows count for groups only through their "
          "dimensions; many are total-only on purpose):")
    print(series.to_string(index=False, max_colwidth=70) if len(series) else "  none")
    print("\nMap one: python -m gapmonitor map --dimension DIM --value VALUE --group GROUP --by NAME --why REASON")
    return 0


def _what(parser: argparse.ArgumentParser) -> None:
    """--dimension and --value, or --series: what is mapped."""
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--dimension", help="a dimension as written in the data, e.g. Age (with --value)")
    what.add_argument("--series", help="a series code in the data, e.g. SI_COV_DISAB")
    parser.add_argument("--value", help="the dimension's value as written in the data, e.g. 15+")
    parser.add_argument("--group", required=True, help="a group of the vocabulary: women, disability, rural, "
                                                       "poorest, migrants, children, youth, older, indigenous")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gapmonitor", description=__doc__)
    parser.add_argument("--db", type=Path, default=None, help="database file (default: $GAPMONITOR_DB or data/gapmonitor.duckdb)")
    commands = parser.add_subparsers(dest="command", required=True)

    imp = commands.add_parser("import", help="check a file, show what it holds and its problems, then import it")
    imp.add_argument("file", type=Path)
    imp.add_argument("--format", choices=[f.name for f in registry.formats()], help="default: detected from the file")
    taken = {}
    for f in registry.formats():  # each option once, for the formats that take it
        for o in f.options:
            taken.setdefault(o.name, (o, []))[1].append(f.name)
    for name, (o, names) in taken.items():
        imp.add_argument("--" + name.replace("_", "-"), type=Path if o.kind in ("file", "spec") else str,
                         metavar="FILE" if o.kind in ("file", "spec") else None, help=f"{o.help} ({', '.join(names)})")
    imp.add_argument("--title", help="dataset title (default: the citizen template's title, or the file name)")
    imp.add_argument("--source", required=True, help="who published the data, as you would cite it")
    imp.add_argument("--licence", default="", help="licence of the data, e.g. CC BY 4.0 (default: the citizen "
                                                   "template's)")
    imp.add_argument("--kind", choices=["official", "citizen"], default="official",
                     help="citizen: citizen-generated data, described by the options below (a citizen template "
                          "is always citizen data)")
    citizen = imp.add_argument_group("citizen data description (over what a citizen XLSX template's sheet "
                                     "'dataset' says; producer, producer type and method are required)")
    citizen.add_argument("--producer", help="who produced the data, e.g. a CSO or community group")
    citizen.add_argument("--producer-type", help="what kind of producer, e.g. 'Community-based organisation'")
    citizen.add_argument("--method", help="how the data were collected and the estimates made")
    citizen.add_argument("--collection-start", type=date.fromisoformat, help="first day of collection, YYYY-MM-DD")
    citizen.add_argument("--collection-end", type=date.fromisoformat, help="last day of collection, YYYY-MM-DD")
    imp.add_argument("--skip-rejected", action="store_true", help="import the valid rows when some rows have errors")
    imp.add_argument("--dry-run", action="store_true", help="only show the preview")
    imp.set_defaults(run=_import)

    commands.add_parser("datasets", help="list the datasets in the database").set_defaults(run=_datasets)
    rm = commands.add_parser("remove", help="remove an imported dataset")
    rm.add_argument("dataset")
    rm.set_defaults(run=_remove)

    mapping = commands.add_parser("map", help="count a dimension value or a series for a group (an editor's decision)")
    _what(mapping)
    mapping.add_argument("--by", required=True, help="who decides (stored with the mapping)")
    mapping.add_argument("--why", required=True, help="why the value or series denotes the group (stored)")
    mapping.set_defaults(run=_map)
    unmapping = commands.add_parser("unmap", help="remove an editor's mapping (the counts are as before it)")
    _what(unmapping)
    unmapping.set_defaults(run=_unmap)
    commands.add_parser("unmapped", help="list the dimension values and series that count for no group, with a "
                                         "suggested group").set_defaults(run=_unmapped)

    args = parser.parse_args(argv)
    if args.command in ("map", "unmap") and bool(args.dimension) != bool(args.value):
        parser.error("--dimension needs --value (or give --series)")
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
