"""Social-diagnosis notes: what professionals conclude about an area and what they agree to do.

A note belongs to one area and one period and holds a qualitative diagnosis and an
action strategy: what will be done, by whom (police, municipality, housing,
residents) and by when, with its author and the time it was written.

Notes live in their own SQLite file, never in the analytic DuckDB file: every build
writes a new database and renames it over the old one, so anything stored inside it
would be lost.  The file is ``UNEASE_NOTES`` when set, otherwise ``<db>.notes.sqlite``
beside the database, created readable by its owner only (so is an export).  Each call
opens its own short connection, so the store can be shared between the threads of the
web server.

Exports are read in spreadsheets, where a cell starting with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return is taken for a formula: such cells get a leading
apostrophe, in the CSV and in the JSON (which people convert to CSV or load into a
spreadsheet as well).
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
from collections.abc import Container, Iterable
from contextlib import closing
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from dashboard.private_file import create_private, open_private
from dashboard.spreadsheet import spreadsheet_safe

#: Who may carry out an action.
PARTIES = ("police", "municipality", "housing", "residents")
FORMATS = ("csv", "json")
SCHEMA_VERSION = 1

_SCHEMA = """
create table if not exists notes (
    id integer primary key autoincrement,
    area_code text not null,
    period text not null,
    diagnosis text not null,
    action_what text not null default '',
    action_who text not null default '',
    action_by text,
    author text not null,
    created_at text not null
);
create index if not exists notes_area on notes (area_code, period, created_at);
"""

_COLUMNS = (
    "id",
    "area_code",
    "period",
    "diagnosis",
    "action_what",
    "action_who",
    "action_by",
    "author",
    "created_at",
)


class NoteError(ValueError):
    """A note that cannot be stored as given."""


class UnknownArea(NoteError):
    """A note for an area code the database does not have."""

    def __init__(self, code: str):
        super().__init__(f"unknown area code {code!r}")
        self.code = code


@dataclass(frozen=True)
class Note:
    id: int
    area_code: str
    period: str
    diagnosis: str
    action_what: str
    action_who: tuple[str, ...]
    action_by: str | None  # ISO date
    author: str
    created_at: str  # ISO timestamp, UTC

    def record(self) -> dict:
        """The note as plain values (parties joined by commas) for export."""
        out = asdict(self)
        out["action_who"] = ",".join(self.action_who)
        return out


def notes_path(db_path: str | Path) -> Path:
    """Where the notes of a database live: ``UNEASE_NOTES`` or ``<db>.notes.sqlite``."""
    configured = os.environ.get("UNEASE_NOTES")
    if configured:
        return Path(configured)
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".notes.sqlite")


class NotesStore:
    """Notes in one SQLite file, created with its table on first use."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        create_private(self.path)
        with closing(self._connect()) as con, con:
            con.executescript(_SCHEMA)
            con.execute(f"pragma user_version = {SCHEMA_VERSION}")

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=10)
        con.row_factory = sqlite3.Row
        return con

    def add_note(
        self,
        area_code: str,
        period: str,
        diagnosis: str,
        author: str,
        action_what: str = "",
        action_who: Iterable[str] | str = (),
        action_by: str | date | None = None,
        created_at: datetime | None = None,
        known_areas: Container[str] | None = None,
    ) -> Note:
        """Store a note and return it with its id; the values are checked first.

        ``known_areas``: the area codes of the served database; a note for any other
        code is refused (:class:`UnknownArea`).
        """
        area_code, period, author = (str(v).strip() for v in (area_code, period, author))
        diagnosis, action_what = diagnosis.strip(), action_what.strip()
        if not area_code or not period:
            raise NoteError("a note needs an area code and a period")
        if known_areas is not None and area_code not in known_areas:
            raise UnknownArea(area_code)
        if not diagnosis:
            raise NoteError("a note needs a diagnosis")
        if not author:
            raise NoteError("a note needs an author")
        who = _parties(action_who)
        if (who or action_by) and not action_what:
            raise NoteError("an action needs a description (what)")
        by = _iso_date(action_by)
        created = (created_at or datetime.now(UTC)).astimezone(UTC)
        stamp = created.isoformat(timespec="seconds")
        with closing(self._connect()) as con, con:
            cur = con.execute(
                "insert into notes (area_code, period, diagnosis, action_what, action_who, "
                "action_by, author, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)",
                [area_code, period, diagnosis, action_what, ",".join(who), by, author, stamp],
            )
            note_id = cur.lastrowid
        return Note(note_id, area_code, period, diagnosis, action_what, who, by, author, stamp)

    def notes_for(self, area_code: str, period: str | None = None) -> list[Note]:
        """The notes of an area (of one period when given), newest first."""
        sql = f"select {', '.join(_COLUMNS)} from notes where area_code = ?"
        params: list = [area_code]
        if period is not None:
            sql += " and period = ?"
            params.append(period)
        sql += " order by created_at desc, id desc"
        with closing(self._connect()) as con:
            return [_note(r) for r in con.execute(sql, params).fetchall()]

    def latest(self, area_code: str, period: str | None = None) -> Note | None:
        """The newest note of an area (of one period when given), or None."""
        found = self.notes_for(area_code, period)
        return found[0] if found else None

    def all(self) -> list[Note]:
        with closing(self._connect()) as con:
            rows = con.execute(
                f"select {', '.join(_COLUMNS)} from notes order by area_code, period, id"
            ).fetchall()
        return [_note(r) for r in rows]

    def export(self, path: str | Path, fmt: str = "csv") -> Path:
        """Write every note to ``path`` as CSV (UTF-8 with BOM, for spreadsheets) or JSON."""
        if fmt not in FORMATS:
            raise NoteError(f"unknown export format {fmt!r}: use csv or json")
        path = Path(path)
        records = [{k: spreadsheet_safe(v) for k, v in n.record().items()} for n in self.all()]
        if fmt == "json":
            with open_private(path, encoding="utf-8") as fh:
                fh.write(json.dumps(records, ensure_ascii=False, indent=1))
            return path
        with open_private(path, encoding="utf-8-sig", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(_COLUMNS))
            writer.writeheader()
            writer.writerows(records)
        return path


def _parties(value: Iterable[str] | str) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else list(value)
    who = tuple(dict.fromkeys(str(p).strip().lower() for p in items if str(p).strip()))
    unknown = [p for p in who if p not in PARTIES]
    if unknown:
        raise NoteError(f"unknown party {unknown[0]!r}: use {', '.join(PARTIES)}")
    return who


def _iso_date(value: str | date | None) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError as exc:
        raise NoteError(f"'by when' must be a date (YYYY-MM-DD), not {value!r}") from exc


def _note(row: sqlite3.Row) -> Note:
    who = tuple(p for p in row["action_who"].split(",") if p)
    return Note(
        id=row["id"],
        area_code=row["area_code"],
        period=row["period"],
        diagnosis=row["diagnosis"],
        action_what=row["action_what"],
        action_who=who,
        action_by=row["action_by"],
        author=row["author"],
        created_at=row["created_at"],
    )
