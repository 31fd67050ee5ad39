"""``unease briefing``: one briefing written as an HTML or PDF file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dashboard import queries
from dashboard.briefing.content import FORMATS, LANGS, ROLES, BriefingError
from dashboard.briefing.html import render_html
from dashboard.briefing.pdf import PdfError, render_pdf
from dashboard.notes import NotesStore, notes_path
from dashboard.store import Store


def add_briefing_parser(subparsers) -> argparse.ArgumentParser:
    """``unease briefing --db PATH --area CODE --period P --format html|pdf --out FILE``."""
    p = subparsers.add_parser(
        "briefing", help="one-page briefing of an area and period, as HTML or PDF"
    )
    p.add_argument("--db", type=Path, required=True, help="the built database")
    p.add_argument("--area", required=True, help="CBS code of the area (BU..., WK..., GM...)")
    p.add_argument("--period", help="period such as 2024 (default: the latest)")
    p.add_argument("--format", choices=FORMATS, help="html or pdf (default: from --out)")
    p.add_argument("--out", type=Path, required=True, help="file to write")
    p.add_argument("--lang", choices=LANGS, default="nl")
    p.add_argument("--role", choices=ROLES, default="public")
    p.add_argument(
        "--method",
        choices=queries.METHODS,
        default="direct",
        help="direct figures, or model-based survey estimates where there are any",
    )
    p.add_argument(
        "--notes", type=Path, help="notes file (default: UNEASE_NOTES or <db>.notes.sqlite)"
    )
    p.set_defaults(func=briefing_command)
    return p


def briefing_command(args: argparse.Namespace) -> int:
    """Write one briefing; exit 2 for an unknown database, area or period, 1 when PDF fails."""
    fmt = args.format or ("pdf" if str(args.out).lower().endswith(".pdf") else "html")
    try:
        store = Store(args.db)
    except FileNotFoundError as exc:
        print(f"unease briefing: {exc}", file=sys.stderr)
        return 2
    notes = None
    if args.role == "professional":
        path = getattr(args, "notes", None) or notes_path(args.db)
        notes = NotesStore(path) if Path(path).is_file() else None
    try:
        page = render_html(store, args.area, args.period, args.lang, args.role, notes, args.method)
    except BriefingError as exc:
        print(f"unease briefing: {exc}", file=sys.stderr)
        return 2
    try:
        if fmt == "pdf":
            render_pdf(page, args.out)
        else:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(page, encoding="utf-8")
    except PdfError as exc:
        print(f"unease briefing: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {args.out}")
    return 0
