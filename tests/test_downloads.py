"""Downloads hold exactly the map's table, with suppression applied, and open as numbers:
the Dutch CSV in Dutch Excel's dialect (';', decimal comma), the English one plain, the
.xlsx with numeric columns."""

import io
import zipfile

import numpy as np
import pandas as pd
import pytest

from dashboard.app import create_app
from dashboard.spreadsheet import csv_bytes, spreadsheet_safe, xlsx_bytes
from etl.disclosure import disclosed_counts

#: How pandas reads the CSV of each language.
DIALECTS = {"nl": {"sep": ";", "decimal": ","}, "en": {}}
NUMERIC = ("value", "ci_low", "ci_high", "n", "city_value", "boundary_vintage")


@pytest.fixture(scope="module")
def client(demo_db):
    return create_app(demo_db).server.test_client()


def _download(client, fmt, indicator, level, period, lang="nl"):
    query = f"indicator={indicator}&level={level}&period={period}&lang={lang}"
    response = client.get(f"/download/view.{fmt}?{query}")
    assert response.status_code == 200
    return response


def test_csv_and_parquet_of_the_view_respect_suppression(client, demo_con):
    csv = _download(client, "csv", "survey_share.unsafe_own_buurt", "buurt", "2024")
    frame = pd.read_csv(io.BytesIO(csv.data), **DIALECTS["nl"])
    buurten = demo_con.execute("select count(*) from areas where level = 'buurt'").fetchone()[0]
    assert len(frame) == buurten
    withheld = frame[frame["flag"] == "suppressed"]
    assert len(withheld) > 0 and withheld["value"].isna().all()
    parquet = _download(client, "parquet", "survey_share.unsafe_own_buurt", "buurt", "2024")
    assert pd.read_parquet(io.BytesIO(parquet.data)).shape == frame.shape


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_csv_download_opens_as_numbers_in_its_dialect(client, demo_con, lang):
    # wijken of all incidents: counts above 1,000, which a thousands dot turned into 1.068
    csv = _download(client, "csv", "incident_rate.total", "wijk", "2024", lang)
    header = csv.data.decode("utf-8-sig").splitlines()[0]
    assert header.split(DIALECTS[lang].get("sep", ","))[:3] == ["area_code", "name", "level"]
    frame = pd.read_csv(io.BytesIO(csv.data), **DIALECTS[lang]).set_index("area_code")
    for column in NUMERIC:
        assert pd.api.types.is_numeric_dtype(frame[column]), column
    exact = dict(
        demo_con.execute(
            "select area_code, n from indicator_values where indicator = 'incident_rate.total' "
            "and level = 'wijk' and period = '2024' and method = 'direct'"
        ).fetchall()
    )
    codes = sorted(exact)
    shown = disclosed_counts([exact[c] for c in codes])  # public: rounded to 5
    assert frame.loc[codes, "n"].tolist() == shown.tolist()
    assert (frame["n"] >= 1000).any()
    # the value and its interval are the gate's, the city's value on every row
    city = demo_con.execute(
        "select value from indicator_values v join areas a on a.code = v.area_code "
        "where a.level = 'gemeente' and indicator = 'incident_rate.total' and period = '2024' "
        "and method = 'direct'"
    ).fetchone()[0]
    assert np.allclose(frame["city_value"], city)
    assert (frame["ci_low"] <= frame["value"]).all() and (frame["value"] <= frame["ci_high"]).all()
    vintage = demo_con.execute("select max(vintage) from areas where level = 'wijk'").fetchone()
    assert (frame["boundary_vintage"] == vintage[0]).all()
    assert frame["source"].str.contains("Demostad").all()
    assert set(frame["flag"]) <= {"ok", "indicative", "no-denominator"}


def test_a_dutch_csv_has_decimal_commas_and_no_thousands_separators(client):
    text = _download(client, "csv", "incident_rate.total", "wijk", "2024").data.decode("utf-8-sig")
    header, first = text.splitlines()[:2]
    row = dict(zip(header.split(";"), first.split(";")))
    assert "," in row["value"] and "." not in row["value"]
    assert row["n"].isdigit() and row["n_shown"].isdigit()


def test_the_xlsx_download_opens_with_numeric_columns(client):
    response = _download(client, "xlsx", "incident_rate.total", "wijk", "2024")
    assert response.headers["Content-Disposition"].endswith('.xlsx"')
    frame = pd.read_excel(io.BytesIO(response.data))
    csv = _download(client, "csv", "incident_rate.total", "wijk", "2024", "en")
    plain = pd.read_csv(io.BytesIO(csv.data))
    for column in NUMERIC:
        assert pd.api.types.is_numeric_dtype(frame[column]), column
    assert frame["n"].tolist() == plain["n"].tolist()
    assert np.allclose(frame["value"], plain["value"])


def test_public_counts_of_one_to_four_show_as_less_than_five(client, demo_con):
    small = demo_con.execute(
        "select area_code from indicator_values where indicator = 'incident_rate.zakkenrollerij' "
        "and level = 'buurt' and period = '2024' and n between 1 and 4 limit 1"
    ).fetchone()
    assert small, "the demo has a buurt with 1-4 pickpocketings"
    for lang in ("nl", "en"):
        csv = _download(client, "csv", "incident_rate.zakkenrollerij", "buurt", "2024", lang)
        frame = pd.read_csv(io.BytesIO(csv.data), **DIALECTS[lang])
        row = frame.set_index("area_code").loc[small[0]]
        assert row["n_shown"] == "<5" and pd.isna(row["n"])
        # n is a number wherever the gate shows one, and never 1 to 4
        assert pd.api.types.is_numeric_dtype(frame["n"])
        assert not frame["n"].between(1, 4).any()
        assert not frame["n_shown"].isin(["1", "2", "3", "4"]).any()
    xlsx = pd.read_excel(
        io.BytesIO(_download(client, "xlsx", "incident_rate.zakkenrollerij", "buurt", "2024").data)
    )
    assert xlsx.set_index("area_code").loc[small[0], "n_shown"] == "<5"


def test_text_that_starts_a_formula_is_neutralised_in_csv():
    frame = pd.DataFrame({"name": ["=HYPERLINK(1)", "-Noord", "Oost"], "value": [-1.5, 2.0, 3.25]})
    text = csv_bytes(frame, "nl").decode("utf-8-sig")
    assert text.splitlines() == ["name;value", "'=HYPERLINK(1);-1,5", "'-Noord;2,0", "Oost;3,25"]
    back = pd.read_csv(io.StringIO(text), sep=";", decimal=",")
    assert back["value"].tolist() == [-1.5, 2.0, 3.25]
    assert spreadsheet_safe("@x") == "'@x" and spreadsheet_safe(5) == 5
    # in .xlsx text is written as text: no formula, no apostrophe needed
    book = pd.read_excel(io.BytesIO(xlsx_bytes(frame, "view")))
    assert book["name"].tolist() == frame["name"].tolist()
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes(frame, "view"))) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


def test_unknown_values_in_a_download_url_are_refused(client):
    assert (
        client.get("/download/view.csv?indicator=x';drop table areas&level=buurt").status_code
        == 404
    )
    assert client.get("/download/view.exe?indicator=incident_rate.total").status_code == 404
    assert client.get("/geo/streets.geojson").status_code == 404


def test_the_geometry_fetched_as_the_map_opens_is_the_one_the_map_draws(demo_db, demo_con):
    """assets/map_geometry.js fetches the address /geo/levels.json gives for the page's
    level while the map's first answer is on the way; plotly finds it only when the
    figure asks for the same address."""
    from dashboard import wire

    client = create_app(demo_db).server.test_client()
    client.get("/")
    levels = client.get("/geo/levels.json").get_json()
    deps = client.get("/_dash-dependencies").get_json()
    map_dep = wire.callback_for(deps, "map.figure")
    changed = wire.key(wire.control("indicator"), "value")
    for level, url in levels["urls"].items():
        values = {
            changed: "survey_share.unsafe_own_buurt",
            wire.key(wire.control("level"), "value"): level,
            wire.key(wire.control("period"), "value"): "2024",
            wire.key(wire.control("method"), "value"): "direct",
            "layers.value": [],
            "basemap.data": {"on": False},
            "page-lang.data": "nl",
            "map-drawn.data": None,
        }
        answer = client.post("/_dash-update-component", json=wire.request(map_dep, values, changed))
        assert answer.status_code == 200
        figure = answer.get_json()["response"]["map"]["figure"]
        assert figure["data"][0]["geojson"] == url
        features = client.get(url).get_json()["features"]
        areas = demo_con.execute("select count(*) from areas where level = ?", [level]).fetchone()
        assert len(features) == areas[0]
    assert levels["first"] == "buurt"  # the level the map opens with
