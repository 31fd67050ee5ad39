"""The ``unease`` command: demo, build, serve."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from dashboard.briefing import add_briefing_parser
from etl.fetch import add_fetch_parser

DEFAULT_DEMO_DIR = Path("data/demo")
DEFAULT_DB = Path("data/demo.duckdb")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="unease", description="Neighbourhood unease monitor")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("demo", help="generate Demostad, build its database and serve it")
    p.add_argument("--dir", type=Path, default=DEFAULT_DEMO_DIR, help="where the demo files go")
    p.add_argument("--db", type=Path, default=DEFAULT_DB, help="database file to build")
    p.add_argument("--seed", type=int, default=20240601)
    p.add_argument("--no-serve", action="store_true", help="generate and build only")
    p.add_argument("--port", type=int)

    p = sub.add_parser("generate", help="write the Demostad source files and config")
    p.add_argument("--dir", type=Path, default=DEFAULT_DEMO_DIR)
    p.add_argument("--seed", type=int, default=20240601)

    p = sub.add_parser("build", help="build a database from a source config")
    p.add_argument("config", type=Path)
    p.add_argument("--db", type=Path, required=True)

    p = sub.add_parser("fields", help="the fields and options of each kind of source")
    p.add_argument("kind", nargs="?", help="one kind (default: every kind)")

    p = sub.add_parser("serve", help="serve the dashboard on a database (read-only)")
    p.add_argument("--db", type=Path, required=True)
    p.add_argument("--port", type=int)
    p.add_argument("--host")
    p.add_argument("--debug", action="store_true")
    p.add_argument("--workers", type=int, default=1, help="worker processes (> 1: gunicorn)")
    p.add_argument("--production", action="store_true", help="serve with gunicorn")

    p = sub.add_parser("export-parquet", help="write the marts of a database as Parquet files")
    p.add_argument("--db", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True, help="a directory (replaced as a whole)")

    add_fetch_parser(sub)
    add_briefing_parser(sub)

    p = sub.add_parser("notes", help="export the social-diagnosis notes of a database")
    p.add_argument("action", choices=["export"])
    p.add_argument("--db", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True, help="a .csv or .json file")

    p = sub.add_parser("users", help="add a user who may sign in to the dashboard")
    p.add_argument("action", choices=["add"])
    p.add_argument("name")
    p.add_argument("--db", type=Path, required=True, help="the database the dashboard serves")
    p.add_argument("--role", choices=["professional", "admin"], default="professional")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")

    args = parser.parse_args(argv)
    try:
        if args.command == "generate":
            print(f"wrote {_generate(args.dir, args.seed)}")
            return 0
        if args.command == "build":
            return _build(args.config, args.db)
        if args.command == "fields":
            return _fields(args.kind)
        if args.command == "briefing":
            from dashboard.briefing import briefing_command

            return briefing_command(args)
        if args.command == "notes":
            from dashboard.notes import NotesStore, notes_path

            fmt = "json" if args.out.suffix.lower() == ".json" else "csv"
            NotesStore(notes_path(args.db)).export(args.out, fmt)
            print(f"wrote {args.out}")
            return 0
        if args.command == "users":
            return _add_user(args)
        if args.command == "export-parquet":
            from etl.export import export_parquet

            try:
                manifest = export_parquet(args.db, args.out)
            except FileNotFoundError as exc:
                print(f"unease export-parquet: {exc}", file=sys.stderr)
                return 2
            print(f"wrote {args.out}: {', '.join(manifest['tables'])}")
            return 0
        if args.command == "fetch":
            from etl.fetch import run_fetch

            return run_fetch(args)
        if args.command == "demo":
            config = _generate(args.dir, args.seed)
            code = _build(config, args.db)
            if code or args.no_serve:
                return code
            return _serve(args.db, args.port, None, False)
        return _serve(args.db, args.port, args.host, args.debug, args.workers, args.production)
    except KeyboardInterrupt:
        return 130


def _generate(directory: Path, seed: int) -> Path:
    from etl.demo import generate_demo

    return generate_demo(directory, seed=seed)


def _fields(kind: str | None) -> int:
    from etl.config import did_you_mean
    from etl.schema import KIND_DOCS, describe

    if kind is not None and kind not in KIND_DOCS:
        print(
            f"unease fields: unknown kind {kind!r}{did_you_mean(kind, KIND_DOCS)} "
            f"(kinds: {', '.join(KIND_DOCS)})",
            file=sys.stderr,
        )
        return 2
    print(describe(kind))
    return 0


def _build(config: Path, db: Path) -> int:
    from etl.build_lock import BuildLocked, TargetNotWritable
    from etl.config import ConfigError
    from etl.extract import SourceError
    from etl.load import BuildError, build
    from etl.validate import MappingError
    from geo.boundaries import BoundaryError
    from geo.crs import CRSError

    try:
        summary = build(config, db)
    except (BuildLocked, TargetNotWritable) as exc:  # one line: nothing was started
        print(f"unease build: {exc}", file=sys.stderr)
        return 2
    except (ConfigError, SourceError, MappingError, BuildError, BoundaryError, CRSError) as exc:
        print(f"unease build: {exc}", file=sys.stderr)
        print(f"unease build: nothing changed; {db} is as it was", file=sys.stderr)
        return 2
    except Exception as exc:  # a fault of the program, not of the input: still one message
        if os.environ.get("UNEASE_DEBUG"):
            raise
        print(
            f"unease build: the build stopped on an unexpected {type(exc).__name__}: {exc} "
            "(set UNEASE_DEBUG=1 for the traceback, and please report it)",
            file=sys.stderr,
        )
        print(f"unease build: nothing changed; {db} is as it was", file=sys.stderr)
        return 1
    print(f"{'source':<16} {'kind':<17} {'read':>8} {'loaded':>8} {'quarantined':>12}")
    for s in summary.sources:
        counts = f"{s.rows_read:>8} {s.rows_loaded:>8} {s.rows_quarantined:>12}"
        print(f"{s.name:<16} {s.kind:<17} {counts}")
        for reason, count in s.reasons.items():
            print(f"{'':<16}   quarantined {count} x {reason}")
        for reason, count in s.noted_reasons.items():
            print(f"{'':<16}   loaded with a note {count} x {reason}")
        for note in s.notes:  # includes rows of other municipalities skipped
            print(f"{'':<16}   note: {note}")
    steps = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in summary.timings)
    print(f"steps: {steps}")
    print(
        f"built {summary.db_path} in {summary.seconds:.1f} s: {summary.indicator_rows} indicator "
        f"values; {summary.quarantined} rows quarantined (see the quarantine table)"
    )
    return 0


def _add_user(args: argparse.Namespace) -> int:
    import getpass

    from dashboard.auth import Users, users_path

    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass()
    try:
        Users(users_path(args.db)).add(args.name, password, args.role)
    except ValueError as exc:
        print(f"unease users: {exc}", file=sys.stderr)
        return 2
    print(f"{args.name} may sign in as {args.role} ({users_path(args.db)})")
    return 0


def _serve(
    db: Path,
    port: int | None,
    host: str | None,
    debug: bool,
    workers: int = 1,
    production: bool = False,
) -> int:
    from etl.settings import Settings

    if not db.is_file():
        print(f"unease serve: {db}: database not found (run `unease build` first)", file=sys.stderr)
        return 2
    settings = Settings.from_env()
    if workers > 1 or production:
        bind = f"{host or settings.host}:{port or settings.port}"
        os.environ["UNEASE_DB"] = str(db.resolve())
        command = ["gunicorn", "-w", str(max(workers, 1)), "-b", bind, "dashboard.wsgi:application"]
        os.execv(sys.executable, [sys.executable, "-m", *command])
    from dashboard.app import create_app
    from dashboard.warm import warm

    app = create_app(db)
    warm(app)
    app.run(host=host or settings.host, port=port or settings.port, debug=debug)
    return 0


if __name__ == "__main__":
    sys.exit(main())
