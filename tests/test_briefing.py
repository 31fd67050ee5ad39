"""The one-page area briefing (HTML and PDF) and the notes that survive a rebuild."""

from __future__ import annotations

import argparse
import io
import json
import re
import unicodedata

import pandas as pd
import pytest
from flask import Flask
from pypdf import PdfReader

from dashboard.briefing import (
    TOP_CATEGORIES,
    add_briefing_parser,
    briefing_command,
    register_briefing_route,
    render_html,
    render_pdf,
)
from dashboard.notes import NoteError, NotesStore, notes_path
from dashboard.store import Store
from etl.load import build
from tests.tiny import write_tiny

PERIOD = "2024"


@pytest.fixture(scope="module")
def store(demo_db) -> Store:
    return Store(demo_db)


def _buurt_with_rate(con) -> tuple[str, str, float]:
    """A buurt with a reliable total incident rate in 2024: code, name, and the rate as
    the public sees it (that of the count rounded to 5, the disclosed count)."""
    return con.execute(
        """
        select v.area_code, a.name, v.value * (5 * floor(v.n / 5 + 0.5)) / v.n
        from indicator_values v
        join areas a on a.code = v.area_code
        where v.indicator = 'incident_rate.total' and v.level = 'buurt' and v.period = ?
            and v.flag = 'ok' and v.value is not null
        order by v.area_code limit 1
        """,
        [PERIOD],
    ).fetchone()


def _small_count(con) -> tuple[str, str, int]:
    """A buurt, category and count of 1-4 incidents that the briefing lists (a category
    that is not sensitive: those are not listed per buurt at all)."""
    row = con.execute(
        """
        select area_code, category, n from (
            select area_code, category, n,
                row_number() over (partition by area_code order by n desc, category) as rank
            from incident_counts
            where level = 'buurt' and period = ? and category <> 'total'
                and category not in (select part from indicator_meta where sensitive)
        )
        where n between 1 and 4 and rank <= ?
        order by area_code, category limit 1
        """,
        [PERIOD, TOP_CATEGORIES],
    ).fetchone()
    assert row, "the demo has a buurt with 1-4 incidents of a category"
    return row[0], row[1], int(row[2])


def _cell(page: str, category: str, cls: str = "count") -> str:
    row = re.search(rf'<tr data-category="{re.escape(category)}".*?</tr>', page, re.S)
    assert row, f"no row for {category}"
    return re.search(rf'<td class="num {cls}">(.*?)</td>', row.group(0)).group(1)


def _pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), " ".join(unicodedata.normalize("NFKC", text).split())


def test_html_briefing_shows_the_figures_of_indicator_values(store, demo_con):
    code, name, value = _buurt_with_rate(demo_con)
    page = render_html(store, code, PERIOD, lang="nl")
    assert name in page and f'<span id="period">{PERIOD}</span>' in page
    row = re.search(r'<tr data-indicator="incident_rate.total">.*?</tr>', page, re.S).group(0)
    # a Dutch page writes a decimal comma and a thousands dot (1.234,5)
    dutch = f"{value:,.1f}".translate(str.maketrans(",.", ".,"))
    assert re.search(r'<td class="num value">([^<]*?)[ <]', row).group(1) == dutch
    assert "<svg" in page and 'class="area"' in page  # the map, drawn inline
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "Sociale diagnose" not in page  # notes are for professionals only
    english = render_html(store, code, PERIOD, lang="en")
    assert "Key figures" in english and "Sources" in english
    row = re.search(r'<tr data-indicator="incident_rate.total">.*?</tr>', english, re.S).group(0)
    assert re.search(r'<td class="num value">([^<]*?)[ <]', row).group(1) == f"{value:,.1f}"


def test_public_briefing_shows_small_counts_as_less_than_five(store, demo_con):
    code, category, n = _small_count(demo_con)
    public = render_html(store, code, PERIOD, role="public")
    assert _cell(public, category) == "&lt;5"
    incident_rows = re.findall(r'<tr data-indicator="incident_rate[^"]*">.*?</tr>', public, re.S)
    cells = re.findall(r'<td class="num (?:count|count-prev)">(.*?)</td>', public) + [
        re.search(r'<td class="num n">(.*?)</td>', row).group(1) for row in incident_rows
    ]
    assert cells and not set(cells) & {"1", "2", "3", "4"}
    professional = render_html(store, code, PERIOD, role="professional")
    assert _cell(professional, category) == str(n)


def test_unknown_area_or_period_is_refused_with_exit_code_2(demo_db, tmp_path, capsys):
    parser = argparse.ArgumentParser()
    add_briefing_parser(parser.add_subparsers(dest="command"))

    def run(*argv: str) -> int:
        return briefing_command(parser.parse_args(["briefing", "--db", str(demo_db), *argv]))

    out = tmp_path / "b.html"
    assert run("--area", "BU00000000", "--period", PERIOD, "--out", str(out)) == 2
    assert "BU00000000" in capsys.readouterr().err
    code = "BU99990101"
    assert run("--area", code, "--period", "1999", "--out", str(out)) == 2
    assert "1999" in capsys.readouterr().err and not out.exists()
    assert run("--area", code, "--period", PERIOD, "--out", str(out), "--lang", "en") == 0
    assert "Area briefing" in out.read_text(encoding="utf-8")


def test_notes_store_validates_and_exports(tmp_path):
    notes = NotesStore(tmp_path / "n.sqlite")
    first = notes.add_note(
        "BU1", "2024", "Onrust rond het plein.", "A. Jansen", "Gesprek", ["police"], "2025-01-31"
    )
    tricky = "x'); drop table notes; --"
    notes.add_note("BU1", "2023", tricky, "B", "Schouw", "municipality,residents")
    assert [n.diagnosis for n in notes.notes_for("BU1")][1:] == ["Onrust rond het plein."]
    assert notes.latest("BU1").diagnosis == tricky
    assert notes.notes_for("BU1", "2024") == [first]
    assert notes.latest("BU2") is None
    with pytest.raises(NoteError):
        notes.add_note("BU1", "2024", "x", "A", "y", ["army"])
    with pytest.raises(NoteError):
        notes.add_note("BU1", "2024", "x", "A", "y", ["police"], "next week")
    frame = pd.read_csv(notes.export(tmp_path / "n.csv"), encoding="utf-8-sig")
    assert len(frame) == 2 and set(frame["action_who"]) == {"police", "municipality,residents"}
    records = json.loads(notes.export(tmp_path / "n.json", fmt="json").read_text("utf-8"))
    assert {r["diagnosis"] for r in records} == {tricky, "Onrust rond het plein."}


def test_notes_written_before_a_rebuild_are_all_there_after_it(tmp_path, monkeypatch):
    monkeypatch.delenv("UNEASE_NOTES", raising=False)
    config = write_tiny(tmp_path / "src")
    db = tmp_path / "tiny.duckdb"
    build(config, db)
    path = notes_path(db)
    assert path == tmp_path / "tiny.duckdb.notes.sqlite"
    notes = NotesStore(path)
    written = [
        notes.add_note(f"BU9998010{i}", "2024", f"diagnose {i}", "wijkteam", "overleg", ["housing"])
        for i in (1, 2)
    ]
    build(config, db)  # a new database file renamed over the old one
    assert NotesStore(path).all() == written
    page = render_html(Store(db), "BU99980101", "2024", role="professional")
    assert "diagnose 1" in page and "woningcorporatie" in page


def test_route_validates_area_and_period(demo_db):
    server = Flask(__name__)
    register_briefing_route(server, Store(demo_db))
    client = server.test_client()
    page = client.get(f"/briefing/BU99990101.html?period={PERIOD}&lang=en")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert b"Area briefing" in page.data
    assert client.get(f"/briefing/BU00000000.pdf?period={PERIOD}").status_code == 404
    assert client.get("/briefing/BU99990101.pdf?period=1999").status_code == 404
    assert client.get("/briefing/BU99990101.exe").status_code == 404
    assert client.get("/briefing/BU99990101.html?lang=fr").status_code == 404


@pytest.mark.browser
def test_pdf_briefing_has_one_or_two_pages_with_name_period_figure_and_sources(
    store, demo_con, tmp_path
):
    code, name, value = _buurt_with_rate(demo_con)
    out = render_pdf(render_html(store, code, PERIOD, lang="nl"), tmp_path / "b.pdf")
    pages, text = _pdf_text(out.read_bytes())
    assert pages in (1, 2)
    assert name in text and PERIOD in text
    assert f"{value:,.1f}".translate(str.maketrans(",.", ".,")) in text
    publishers = [r[0] for r in demo_con.execute("select publisher from sources").fetchall()]
    assert all(p in text for p in publishers) and "CC0-1.0" in text


@pytest.mark.browser
def test_public_pdf_never_shows_the_small_count_the_professional_one_does(
    store, demo_con, tmp_path
):
    code, category, n = _small_count(demo_con)
    _, public = _pdf_text(
        render_pdf(render_html(store, code, PERIOD), tmp_path / "p.pdf").read_bytes()
    )
    assert "<5" in public
    professional = render_html(store, code, PERIOD, role="professional")
    pages, text = _pdf_text(render_pdf(professional, tmp_path / "x.pdf").read_bytes())
    assert pages in (1, 2) and "Vertrouwelijk" in text


@pytest.mark.browser
def test_route_returns_a_pdf(demo_db):
    server = Flask(__name__)
    register_briefing_route(server, Store(demo_db))
    response = server.test_client().get(f"/briefing/BU99990101.pdf?period={PERIOD}&lang=nl")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    pages, text = _pdf_text(response.data)
    assert pages in (1, 2) and "BU99990101" in text
