"""The command line (docs/cli.md) — a stable interface that tests outside the project call.

Exit codes: 0 success, 1 bad input (a clear message on stderr), 2 wrong usage (argparse).  With
``--json`` exactly one JSON document goes to stdout.  Only the standard library, duckdb and mandate_core
are imported on this path so each command starts quickly.
"""

from __future__ import annotations

import argparse
import errno
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from . import disclosure, storage

EPILOG = """\
examples:
  python -m mandate_core demo --db data/mandate.duckdb
  python -m mandate_core import --db my.duckdb --councils councils.csv responses.csv
  python -m mandate_core report --db my.duckdb --council aldermoor --json
  python -m mandate_core benchmark --db my.duckdb --council aldermoor --metric position \\
      --horizon ambition --peers peer_group --json

The database is --db, else the MANDATE_DB environment variable, else data/mandate.duckdb; a
postgresql:// URL names a PostgreSQL store shared by several app processes (docs/deployment.md).
Numbers behind fewer than MANDATE_MIN_GROUP participants (default 3) are never shown.
"""


class CliError(Exception):
    """Bad input: printed on stderr, exit 1."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m mandate_core",
        description="Innovation Mandate: import workshop answers into a DuckDB database and report on "
        "them.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--db", metavar="PATH", help="the store: a DuckDB file or a postgresql:// URL "
                       "(default: $MANDATE_DB or data/mandate.duckdb)")
        return p

    command("init", "create an empty database, or upgrade an existing one's schema in place")
    command("demo", "(re)build the database from the shipped fictional demo data")
    p = command("import", "validate and import councils and responses files (CSV or .xlsx) as one "
                "transaction: if any row is invalid nothing is written")
    p.add_argument("--councils", metavar="FILE", help="a councils file (upserted by council_id)")
    p.add_argument("--replace", action="store_true",
                   help="replace a council's round that is already in the database, whole")
    p.add_argument("files", nargs="*", metavar="FILE", help="responses files")
    command("check", "verify the stored data; exit 1 with a report if anything is wrong")
    p = command("export", "write councils.csv and responses.csv that re-import to an identical database")
    p.add_argument("--out", metavar="DIR", required=True, help="folder to write the two files into")
    p = command("report", "one council's round: positions, bands, risk, consensus, gaps, alignment")
    p.add_argument("--council", metavar="ID", required=True)
    p.add_argument("--round", metavar="LABEL", help="round label (default: the latest by date)")
    p.add_argument("--json", action="store_true", required=True, help="print JSON (required)")
    p = command("benchmark", "one council's value against a peer set: peers, median, quartiles, "
                "percentile")
    p.add_argument("--council", metavar="ID", required=True)
    p.add_argument("--metric", required=True, choices=["position", "gap", "risk", "consensus"])
    p.add_argument("--horizon", choices=["now", "next", "ambition"],
                   help="required for every metric but gap")
    p.add_argument("--theme", metavar="SECTOR_KEY", help="a sector theme key (default: overall)")
    p.add_argument("--peers", default="all", metavar="SET",
                   help="peer_group, nation, council_type, all (default) or ID,ID,...")
    p.add_argument("--round", metavar="LABEL", help="the focus council's round (default: latest)")
    p.add_argument("--json", action="store_true", required=True, help="print JSON (required)")
    _users_parser(sub)
    _session_parser(sub)
    p = command("deck", "write a council's debrief deck: .pptx with native charts, or .html, the "
                "offline pack; other councils shown as Peer 1, Peer 2, ...")
    p.add_argument("--council", metavar="ID", required=True)
    p.add_argument("--round", metavar="LABEL", help="round label (default: the latest by date)")
    p.add_argument("--peers", default="all", metavar="SET",
                   help="peer_group, nation, council_type, all (default) or ID,ID,...")
    p.add_argument("--out", metavar="FILE", required=True, help="FILE.pptx or FILE.html (format by extension)")
    return parser


def _users_parser(sub: argparse._SubParsersAction) -> None:
    """``users add|remove|list`` (docs/cli.md#users-add, docs/signin.md): who may sign in, with which role."""
    users = sub.add_parser("users", help="who may sign in to the dashboard, and with which role",
                           description="Manage who may sign in and their role (roles come from here, never "
                           "from the sign-in provider). Adding an e-mail that is already listed changes its role.")
    actions = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    for name, text in (("add", "add a user, or change the role of one already listed"),
                       ("remove", "remove a user"), ("list", "list users as JSON")):
        p = actions.add_parser(name, help=text, description=text)
        p.add_argument("--db", metavar="PATH", help="the store: a DuckDB file or a postgresql:// URL "
                       "(default: $MANDATE_DB or data/mandate.duckdb)")
        if name != "list":
            p.add_argument("--email", metavar="EMAIL", required=True, help="the address the user signs in with")
        if name == "add":
            p.add_argument("--role", required=True, metavar="ROLE",
                           help="admin, analyst, facilitator or council")
            p.add_argument("--council", metavar="ID", help="the council a council user sees (council role only)")
        if name == "list":
            p.add_argument("--json", action="store_true", required=True, help="print JSON (required)")


def _session_parser(sub: argparse._SubParsersAction) -> None:
    """``session open|status|close`` (docs/cli.md, docs/live.md): a live workshop session that phones answer."""
    session = sub.add_parser("session", help="open, watch and close a live workshop session",
                             description="A live session: participants answer on their phones at /join?code=CODE; "
                             "closing it stores the round exactly as importing the same answers would.")
    actions = session.add_subparsers(dest="session_command", metavar="ACTION", required=True)
    texts = {"open": "open a session for a council and round; prints its code",
             "status": "how many have joined and how many answers are stored",
             "close": "close the session and store its round (nothing is stored if no one answered)"}
    for name, text in texts.items():
        p = actions.add_parser(name, help=text, description=text)
        p.add_argument("--db", metavar="PATH", help="the store: a DuckDB file or a postgresql:// URL "
                       "(default: $MANDATE_DB or data/mandate.duckdb)")
        if name == "open":
            p.add_argument("--council", metavar="ID", required=True)
            p.add_argument("--round", metavar="LABEL", required=True, help="the round label, 1-60 characters")
            p.add_argument("--date", metavar="YYYY-MM-DD", help="the workshop date (default: today)")
            p.add_argument("--theme", metavar="LABEL=SECTOR_KEY", action="append", required=True,
                           help="a theme and its sector key; give --theme once per theme")
            p.add_argument("--groups", metavar="A,B,...", help="the political groups members choose from")
            p.add_argument("--json", action="store_true", required=True, help="print JSON (required)")
        else:
            p.add_argument("--code", metavar="CODE", required=True, help="the session's 6-character code")
        if name == "status":
            p.add_argument("--json", action="store_true", required=True, help="print JSON (required)")
        if name == "close":
            p.add_argument("--replace", action="store_true",
                           help="replace the council's round if it is already in the database, whole")


def _cmd_session(args: argparse.Namespace) -> int:
    from . import live

    try:
        if args.session_command == "open":
            with storage.connect(args.db) as con:
                session = live.open_session(con, args.council, args.round, args.theme, args.groups, args.date,
                                            opened_by=_SESSION_ACTOR)
                stored = live.round_stored(con, session.council_id, session.round)
            print(json.dumps(session.open_json(), ensure_ascii=False))
            if stored:
                print(f"note: {session.council_id} / {session.round} is already in the database; close the "
                      "session with --replace to replace it", file=sys.stderr)
        elif args.session_command == "status":
            with storage.connect(args.db, read_only=True) as con:
                print(json.dumps(live.status(con, args.code), ensure_ascii=False))
        else:
            with storage.connect(args.db) as con:
                result = live.close_session(con, args.code, replace=args.replace, actor=_SESSION_ACTOR)
            print(result.summary(), file=sys.stderr)
    except live.LiveError as exc:
        raise CliError(str(exc)) from None
    return 0


#: Who the activity record names for a change made from the command line.
_SESSION_ACTOR = "command line"


def _cmd_init(args: argparse.Namespace) -> int:
    with storage.connect(args.db) as con:
        version = storage.schema_version(con)
    print(f"database ready at {storage.describe(args.db)} (schema version {version})",
          file=sys.stderr)
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from . import demo

    target = storage.resolve_db_path(args.db)
    damaged = storage.damage(target)  # rebuilding would throw a damaged file away unseen: say so instead
    if damaged is not None:
        raise damaged
    from . import access

    try:
        kept = access.saved_access(target)  # who may sign in, and the record, survive the rebuild
    except storage.StoreError:
        kept = ([], [])  # nothing readable to keep; the rebuild below reports any fault itself
    try:
        path = demo.build_database(target)
    except OSError as exc:  # the demo is built beside the target: its folder must be writable
        kind = "full" if exc.errno == errno.ENOSPC else "denied" if exc.errno in (
            errno.EACCES, errno.EPERM, errno.EROFS) else "io"
        raise storage.fault_error(kind, target, exc.strerror or str(exc)) from None
    access.restore_access(path, kept, access.CLI_ACTOR, "demo rebuilt")
    print(f"demo database built at {storage.describe(path)}", file=sys.stderr)
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from . import importer

    if not args.councils and not args.files:
        raise CliError("nothing to import: give --councils FILE and/or responses files")
    for name in [args.councils, *args.files]:
        if name and not Path(name).is_file():
            raise CliError(f"{name}: no such file")
    try:
        result = importer.import_files(args.db, args.councils, args.files, replace=args.replace)
    except importer.ImportFailed as exc:
        noun = "problem" if exc.total == 1 else "problems"
        raise CliError(
            f"import refused, nothing was written ({exc.total} {noun}):\n{exc.message()}"
        ) from None
    from . import access

    try:  # the import is written whatever happens here: a failed record must not report a failed import
        access.record_to(args.db, access.CLI_ACTOR, "import",
                         ", ".join(Path(n).name for n in [args.councils, *args.files] if n)
                         + (" (replace)" if args.replace else ""))
    except storage.StoreError as exc:
        print(f"warning: imported, but the activity record could not be written: {exc}", file=sys.stderr)
    print(result.summary())  # on stdout: rows read and stored per file, then what each round became
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from . import maintenance

    problems = maintenance.check(args.db)
    if problems:
        raise CliError("the database has problems:\n" + "\n".join(problems))
    print(f"{storage.describe(args.db)}: OK", file=sys.stderr)
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from . import maintenance

    paths = maintenance.export(args.db, Path(args.out))
    print("wrote " + ", ".join(str(p) for p in paths), file=sys.stderr)
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from . import reports

    m = disclosure.configured_min_group()  # resolved once for the command, then passed down
    with storage.connect(args.db, read_only=True) as con:
        try:
            doc = reports.council_report(con, args.council, args.round, min_group=m)
        except reports.ReportError as exc:
            raise CliError(str(exc)) from None
    print(json.dumps(doc, ensure_ascii=False))
    return 0


def _cmd_benchmark(args: argparse.Namespace) -> int:
    from . import reports

    if args.metric != "gap" and not args.horizon:
        raise CliError(f"--horizon is required for --metric {args.metric} (now, next or ambition)")
    m = disclosure.configured_min_group()  # resolved once for the command, then passed down
    with storage.connect(args.db, read_only=True) as con:
        try:
            doc = reports.benchmark_report(
                con, args.council, args.metric, args.horizon, args.theme, args.peers, args.round, min_group=m
            )
        except reports.ReportError as exc:
            raise CliError(str(exc)) from None
    print(json.dumps(doc, ensure_ascii=False))
    return 0


def _cmd_users(args: argparse.Namespace) -> int:
    from . import access

    with storage.connect(args.db) as con:
        try:
            if args.users_command == "list":
                print(json.dumps(access.list_users(con), ensure_ascii=False))
            elif args.users_command == "add":
                user = access.add_user(con, args.email, args.role, args.council)
                print(f"{'changed' if user['changed'] else 'added'} {user['email']} as {user['role']}"
                      + (f" of {user['council_id']}" if user["council_id"] else ""), file=sys.stderr)
            else:
                access.remove_user(con, args.email)
                print(f"removed {access.normalise_email(args.email)}", file=sys.stderr)
        except access.AccessError as exc:
            raise CliError(str(exc)) from None
    return 0


def _cmd_deck(args: argparse.Namespace) -> int:
    from . import anonymise, deck_pptx, reports

    out = Path(args.out)
    try:
        deck_pptx.deck_format(out)  # before opening anything: a wrong extension is a quick, clear error
        m = disclosure.configured_min_group()  # resolved once for the command, then passed down
        key = anonymise.shared_key(args.db)  # the store's: peers numbered as on the dashboard
        with storage.connect(args.db, read_only=True) as con:
            path = deck_pptx.write_deck(con, args.council, args.round, args.peers, out, min_group=m, key=key)
    except (reports.ReportError, deck_pptx.DeckError) as exc:
        raise CliError(str(exc)) from None
    print(f"wrote {path}", file=sys.stderr)
    return 0


_COMMANDS = {
    "init": _cmd_init, "demo": _cmd_demo, "import": _cmd_import, "check": _cmd_check,
    "export": _cmd_export, "report": _cmd_report, "benchmark": _cmd_benchmark,
    "users": _cmd_users, "session": _cmd_session, "deck": _cmd_deck,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code (argparse exits 2 itself on wrong usage)."""
    args = _parser().parse_args(argv)
    if args.command in ("report", "benchmark", "check", "export", "deck") or (
            args.command == "users" and args.users_command != "add") or (
            args.command == "session" and args.session_command != "open"):
        try:
            found = storage.exists(args.db)
        except storage.StoreError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        if not found:
            print(f"error: no database at {storage.describe(args.db)} (create one with "
                  "`python -m mandate_core init` or `demo`)", file=sys.stderr)
            return 1
    try:
        return _COMMANDS[args.command](args)
    except (CliError, storage.StoreError, disclosure.ThresholdError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # a file or folder named on the command line that cannot be written (export --out)
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; nothing was written by an unfinished import", file=sys.stderr)
        return 1
