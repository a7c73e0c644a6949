"""Command line: python -m gapmonitor import|datasets|remove|map|unmap|unmapped|account|audit|check|restore ...
(the same code as the Data page). It acts as the operator of this machine, who can write the database file
anyway (an administrator, named "command line (<user>)" in the audit log); --as USER acts as that account
instead, with its role (password from $GAPMONITOR_PASSWORD or a prompt)."""

import argparse
import getpass
import glob
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

from gapmonitor import accounts, db, group_suggestions, importer, safe_csv, stewardship
from gapmonitor.formats import SUBJECTS, ReadError, registry


def _options(args) -> dict:
    """The registry's options as given on the command line (--country, --structure, --records...)."""
    return {o.name: getattr(args, o.name) for f in registry.formats() for o in f.options}


def _several(files: list[Path]) -> bool:
    """Whether the paths given make a several-file import: more than one, a folder, a data zip or a
    quoted glob; one plain file is imported as always."""
    if len(files) != 1:
        return True
    only = files[0]
    return only.is_dir() or importer.is_data_zip(only) or (not only.exists() and glob.has_magic(str(only)))


def _import(args) -> int:
    if _several(args.files):
        return _import_many(args)
    args.file = args.files[0]
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
    try:
        dataset = importer.apply(preview, by=args.actor, title=args.title or described.get("title") or batch.file, source=args.source,
                                 licence=args.licence or described.get("licence", ""), kind=args.kind,
                                 description=_description(args), accept_rejected=args.skip_rejected, path=path)
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
    if preview.already:  # imported by another writer while this one waited for its turn
        print(f"already imported as {dataset}: nothing to do")
        return 0
    print(f"imported as {dataset}")
    return 0


def _description(args) -> dict:
    """A citizen dataset's description as the options give it."""
    return {"producer": args.producer, "producer_type": args.producer_type, "method": args.method,
            "collection_start": args.collection_start and args.collection_start.isoformat(),
            "collection_end": args.collection_end and args.collection_end.isoformat(), "subject": args.subject}


def _import_many(args) -> int:
    """Several files (folders, globs, zips of data files): each previewed and imported on its own, all
    or nothing per file, then one summary of all. Exit 1 when any was refused or not read."""
    path = db.ensure_database(args.db)

    def load_one(file, fmt, name, **options):
        with db.connect(path) as con:  # a connection per file: it sees the files written before it
            return importer.load(con, file, fmt, name=name, **options)

    def report(outcome, preview):
        if preview is None:
            print(f"{outcome.item.name}: {outcome.result}\n")
            return
        print(f"{outcome.item.name} ({outcome.format})")
        for key, value in preview.summary.items():
            print(f"  {key}: {value}")
        shown = preview.errors[:5] + preview.warnings[:max(0, 5 - len(preview.errors))]
        for problem in shown:
            print(f"  {problem}")
        if len(preview.problems) > len(shown):
            print(f"  … and {len(preview.problems) - len(shown)} more problem(s) (import the file alone to see all)")
        print(f"  {outcome.result}\n")

    with tempfile.TemporaryDirectory(prefix="gapmonitor-import-") as scratch:
        items = importer.expand(args.files, scratch)
        outcomes = importer.import_each(
            items, load_one, by=args.actor, fmt=args.format, options=_options(args), dry_run=args.dry_run, title=args.title,
            source=args.source, licence=args.licence, kind=args.kind, description=_description(args),
            accept_rejected=args.skip_rejected, path=path, report=report)
    table = importer.summary(outcomes)
    counts = {word: sum(o.result.startswith(word) for o in outcomes)
              for word in ("imported", "would import", "already", "skipped")}
    failed = sum(not o.ok for o in outcomes)
    done = "would import" if args.dry_run else "imported"
    print(f"Summary of {len(outcomes)} file(s): {counts[done]} {done}, {counts['already']} already imported, "
          f"{counts['skipped']} skipped, {failed} refused or not read"
          f"{' (dry run: nothing written)' if args.dry_run else ''}")
    print(table.to_string(index=False) if len(table) else "  no files")
    return 0 if outcomes and all(o.ok for o in outcomes) else 1


def _datasets(args) -> int:
    with db.connect(args.db) as con:
        print(db.query(con, "data_sources").to_string(index=False))
    return 0


def _remove(args) -> int:
    try:
        importer.remove(args.dataset, args.db, by=args.actor)
    except ValueError as e:
        print(e, file=sys.stderr)
        return 1
    print(f"removed {args.dataset}")
    return 0


def _map(args) -> int:
    try:
        if args.series:
            stewardship.map_series(args.series, args.group, args.why, args.db, by=args.actor)
            print(f"series {args.series} now counts for {args.group}")
        else:
            stewardship.map_value(args.dimension, args.value, args.group, args.why, args.db, by=args.actor)
            print(f"{args.dimension}={args.value!r} now counts for {args.group}")
    except ValueError as e:
        print(e, file=sys.stderr)
        return 1
    return 0


def _unmap(args) -> int:
    try:
        if args.series:
            stewardship.unmap_series(args.series, args.group, args.db, by=args.actor)
            print(f"series {args.series} no longer counts for {args.group}")
        else:
            stewardship.unmap_value(args.dimension, args.value, args.group, args.db, by=args.actor)
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
    print("\nMap one: python -m gapmonitor map --dimension DIM --value VALUE --group GROUP --why REASON")
    return 0


PASSWORD_ENV = "GAPMONITOR_PASSWORD"          # the password of the account given with --as
NEW_PASSWORD_ENV = "GAPMONITOR_NEW_PASSWORD"  # the password given to an account by `account add` or `account password`


def _signed_in(user: str, path: Path) -> accounts.Actor | None:
    """The account --as names, signed in with its password ($GAPMONITOR_PASSWORD, else asked)."""
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        password = getpass.getpass(f"Password of {user}: ")
    return accounts.sign_in(user, password, path)


def _new_password(username: str, email: str | None = None) -> str | None:
    """A new account password: $GAPMONITOR_NEW_PASSWORD, else asked twice. None (no password: sign-in
    through the identity provider only) when none is given for an account with an e-mail address."""
    password = os.environ.get(NEW_PASSWORD_ENV)
    if password is None:
        password = getpass.getpass(f"New password of {username} (at least {accounts.PASSWORD_MIN} characters"
                                   f"{'; none: sign-in through the identity provider only' if email else ''}): ")
        if password and getpass.getpass("The same password again: ") != password:
            raise accounts.Refused("the two passwords differ")
    return password or (None if email else password)


def _account(args) -> int:
    try:
        if args.account_command == "add":
            accounts.create_account(args.actor, args.username, args.name, args.role,
                                    _new_password(args.username, args.email), args.organisation, args.email, args.db)
            print(f"account {args.username.strip().lower()} made ({args.role})")
        elif args.account_command == "list":
            args.actor.require("manage accounts")
            with db.connect(args.db) as con:
                listed = accounts.listing(con)
            print(listed.fillna("").to_string(index=False) if len(listed) else "no accounts")
        elif args.account_command == "password":
            accounts.set_password(args.actor, args.username, _new_password(args.username) or "", path=args.db)
            print(f"new password set for {args.username}")
        elif args.account_command == "role":
            accounts.set_role(args.actor, args.username, args.role, args.db)
            print(f"{args.username} is now {'an' if args.role[0] in 'aeiou' else 'a'} {args.role}")
        elif args.account_command == "deactivate":
            accounts.deactivate(args.actor, args.username, args.db)
            print(f"{args.username} can no longer sign in (the account is kept: the audit log names it)")
    except accounts.Refused as e:
        print(f"not done: {e}", file=sys.stderr)
        return 1
    return 0


def _audit(args) -> int:
    """Print the audit log, or write it to a CSV file (formula cells neutralised)."""
    args.actor.require("read audit")
    with db.connect(args.db) as con:
        entries = db.query(con, "audit_log", action=None, actor=None, first_day=None, last_day=None)
    if args.csv:
        args.csv.write_bytes(safe_csv.to_csv(entries))
        print(f"{len(entries)} entries written to {args.csv}")
    else:
        print(entries.fillna("").to_string(index=False, max_colwidth=80) if len(entries) else "the audit log is empty")
    return 0


def _check(args) -> int:
    """Say whether the database reads whole, and what can be done if not. Exit 1 when it does not."""
    path = Path(args.db or db.database_path())
    if not path.exists():
        print(f"{path}: no database yet (it is built with the demo data on first use)")
        return 0
    state = db.inspect(path)
    if state.damage is None:
        print(f"{path}: reads whole; schema version {state.version}, {state.datasets} dataset(s)")
        return 0
    print(f"{path} is damaged: {state.damage}", file=sys.stderr)
    previous = db.previous_path(path)
    kept = db.inspect(previous) if previous.exists() else None
    if kept is not None and kept.damage is None:
        print(f"the version before the last write is kept ({previous.name}, {kept.datasets} dataset(s)): "
              "bring it back with python -m gapmonitor restore", file=sys.stderr)
    elif db.demo_only(path, state):
        print("it held only the demo data: it is built again when the app or any command opens it", file=sys.stderr)
    else:
        print("no good earlier version is kept: python -m gapmonitor restore builds a new database with the demo "
              "data (the damaged file is kept aside); then import your files again", file=sys.stderr)
    return 1


def _restore(args) -> int:
    print(db.restore(args.db))
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
    parser.add_argument("--as", dest="as_user", metavar="USER",
                        help=f"act as this account, with its role (password from ${PASSWORD_ENV}, else asked). "
                             "Without it the command acts as the operator of this machine, who can write the "
                             "database file anyway: an administrator, named in the audit log as 'command line "
                             "(<user>)'")
    commands = parser.add_subparsers(dest="command", required=True)

    imp = commands.add_parser("import", help="check a file, show what it holds and its problems, then import it; "
                                              "several files, folders, globs and zips of data files: each its own "
                                              "dataset, then one summary")
    imp.add_argument("files", type=Path, nargs="+", metavar="FILE",
                     help="a file; or several, a folder (its files, not its subfolders), a glob ('data/*.csv'), a zip "
                          "of data files (a zipped shapefile is one boundaries file): each file is previewed and "
                          "imported on its own, all or nothing per file; exit code 1 if any is refused or not read")
    imp.add_argument("--format", choices=[f.name for f in registry.formats()], help="default: detected from the file")
    taken = {}
    for f in registry.formats():  # each option once, for the formats that take it
        for o in f.options:
            taken.setdefault(o.name, (o, []))[1].append(f.name)
    for name, (o, names) in taken.items():
        imp.add_argument("--" + name.replace("_", "-"), type=Path if o.kind in ("file", "spec") else str,
                         metavar="FILE" if o.kind in ("file", "spec") else None, help=f"{o.help} ({', '.join(names)})")
    imp.add_argument("--title", help="dataset title (default: the citizen template's title, or the file name); with "
                                     "several files, TITLE: file name")
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
    citizen.add_argument("--subject", choices=list(SUBJECTS),
                         help="what the records are about: " + "; ".join(SUBJECTS.values()) + " (default: the "
                              "template's or the records spec's subject, else people)")
    imp.add_argument("--skip-rejected", action="store_true", help="import the valid rows when some rows have errors")
    imp.add_argument("--dry-run", action="store_true", help="only show the preview")
    imp.set_defaults(run=_import)

    commands.add_parser("datasets", help="list the datasets in the database").set_defaults(run=_datasets)
    rm = commands.add_parser("remove", help="remove an imported dataset")
    rm.add_argument("dataset")
    rm.set_defaults(run=_remove)

    mapping = commands.add_parser("map", help="count a dimension value or a series for a group (a steward's decision)")
    _what(mapping)
    mapping.add_argument("--why", required=True, help="why the value or series denotes the group (stored)")
    mapping.set_defaults(run=_map)
    unmapping = commands.add_parser("unmap", help="remove an editor's mapping (the counts are as before it)")
    _what(unmapping)
    unmapping.set_defaults(run=_unmap)
    commands.add_parser("unmapped", help="list the dimension values and series that count for no group, with a "
                                         "suggested group").set_defaults(run=_unmapped)

    account = commands.add_parser("account", help="accounts (administrators): add, list, password, role, deactivate")
    account_commands = account.add_subparsers(dest="account_command", required=True)
    add = account_commands.add_parser("add", help=f"make an account (its password from ${NEW_PASSWORD_ENV}, else asked)")
    add.add_argument("username", help="2 to 40 characters: lowercase letters, digits, '.', '_', '-'")
    add.add_argument("--role", required=True, choices=accounts.ACCOUNT_ROLES,
                     help="contributor: submits citizen data; steward: the statistical office (imports, reviews, "
                          "maps, thresholds, reads the audit log); administrator: also manages accounts")
    add.add_argument("--name", required=True, help="the name the app shows, e.g. 'Amina Otieno'")
    add.add_argument("--organisation", help="a contributor's organisation; a steward's office")
    add.add_argument("--email", help="for sign-in through an identity provider (st.login)")
    account_commands.add_parser("list", help="list the accounts (never their passwords)")
    password = account_commands.add_parser("password", help=f"set an account's password (from ${NEW_PASSWORD_ENV}, else asked)")
    password.add_argument("username")
    role = account_commands.add_parser("role", help="change an account's role")
    role.add_argument("username")
    role.add_argument("role", choices=accounts.ACCOUNT_ROLES)
    deactivate = account_commands.add_parser("deactivate", help="stop an account from signing in (it is kept)")
    deactivate.add_argument("username")
    account.set_defaults(run=_account)
    audit = commands.add_parser("audit", help="print the audit log (stewards), or write it with --csv")
    audit.add_argument("--csv", type=Path, metavar="FILE", help="write the log to this CSV file")
    audit.set_defaults(run=_audit)

    commands.add_parser("check", help="check that the database file reads whole (exit 1 if it is damaged)"
                        ).set_defaults(run=_check)
    commands.add_parser("restore", help="bring back the last good version of a damaged database (the damaged file "
                                        "is kept as <db>.damaged)").set_defaults(run=_restore)

    args = parser.parse_args(argv)
    if args.command in ("map", "unmap") and bool(args.dimension) != bool(args.value):
        parser.error("--dimension needs --value (or give --series)")
    try:
        if args.command not in ("check", "restore"):  # these two must work on a damaged file
            path = db.ensure_database(args.db)
            accounts.adopt_shared_password(path, os.environ.get(accounts.SHARED_PASSWORD_ENV), accounts.command_line())
            args.actor = _signed_in(args.as_user, path) if args.as_user else accounts.command_line()
            if args.actor is None:
                print(f"cannot act as {args.as_user}: wrong username or password, or the account is deactivated",
                      file=sys.stderr)
                return 2
        return args.run(args)
    except accounts.NotAllowed as e:  # the role does not allow it (logged by require)
        print(f"refused: {e}", file=sys.stderr)
        return 2
    except db.DamagedDatabase as e:  # any command on a damaged file: what is wrong and the way back
        print(f"{e}\nsee python -m gapmonitor check, and bring the last good version back with "
              "python -m gapmonitor restore", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
