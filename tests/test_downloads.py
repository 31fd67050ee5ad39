"""Downloads hold exactly the map's table, with suppression applied."""

import io

import pandas as pd

from dashboard.app import create_app


def test_csv_and_parquet_of_the_view_respect_suppression(demo_db, demo_con):
    client = create_app(demo_db).server.test_client()
    query = "indicator=survey_share.unsafe_own_buurt&level=buurt&period=2024&lang=nl"
    csv = client.get(f"/download/view.csv?{query}")
    assert csv.status_code == 200
    frame = pd.read_csv(io.BytesIO(csv.data), encoding="utf-8-sig")
    buurten = demo_con.execute("select count(*) from areas where level = 'buurt'").fetchone()[0]
    assert len(frame) == buurten
    withheld = frame[frame["flag"] == "suppressed"]
    assert len(withheld) > 0 and withheld["value"].isna().all()
    parquet = client.get(f"/download/view.parquet?{query}")
    assert pd.read_parquet(io.BytesIO(parquet.data)).shape == frame.shape


def test_public_counts_of_one_to_four_show_as_less_than_five(demo_db, demo_con):
    client = create_app(demo_db).server.test_client()
    small = demo_con.execute(
        "select area_code from indicator_values where indicator = 'incident_rate.zakkenrollerij' "
        "and level = 'buurt' and period = '2024' and n between 1 and 4 limit 1"
    ).fetchone()
    assert small, "the demo has a buurt with 1-4 pickpocketings"
    csv = client.get(
        "/download/view.csv?indicator=incident_rate.zakkenrollerij&level=buurt&period=2024"
    )
    frame = pd.read_csv(io.BytesIO(csv.data), encoding="utf-8-sig", dtype=str)
    assert frame.set_index("area_code").loc[small[0], "n"] == "<5"
    assert not frame["n"].isin(["1", "2", "3", "4"]).any()


def test_unknown_values_in_a_download_url_are_refused(demo_db):
    client = create_app(demo_db).server.test_client()
    assert (
        client.get("/download/view.csv?indicator=x';drop table areas&level=buurt").status_code
        == 404
    )
    assert client.get("/download/view.exe?indicator=incident_rate.total").status_code == 404
    assert client.get("/geo/streets.geojson").status_code == 404
