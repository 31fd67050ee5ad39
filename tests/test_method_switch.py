"""Direct or model-based figures: the map, its table and downloads say which they show."""

import io

import pandas as pd
import pytest

from dashboard import wire
from dashboard.app import create_app
from dashboard.state import parse

UNSAFE = "survey_share.unsafe_own_buurt"


@pytest.fixture()
def client(demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("UNEASE_USERS", str(tmp_path / "users.sqlite"))
    monkeypatch.setenv("UNEASE_SECRET_KEY", "test-secret")
    return create_app(demo_db).server.test_client()


def _map(client, method, lang="nl"):
    deps = client.get("/_dash-dependencies").get_json()
    body = wire.map_request(deps, UNSAFE, "buurt", "2024", lang=lang, method=method)
    return client.post("/_dash-update-component", json=body)


def _with_respondents(demo_con):
    return {
        r[0]
        for r in demo_con.execute(
            "select area_code from survey_estimates where indicator = ? and level = 'buurt' "
            "and period = '2024' and n > 0",
            [UNSAFE],
        ).fetchall()
    }


@pytest.mark.parametrize("lang, shown", [("nl", "modelschattingen"), ("en", "model-based")])
def test_model_map_has_a_labelled_value_for_every_buurt_with_respondents(
    client, demo_con, lang, shown
):
    answer = _map(client, "model", lang).get_json()["response"]
    assert shown in answer["map-method"]["children"]
    assert "Prasad–Rao" in answer["map-definition"]["children"]
    trace = answer["map"]["figure"]["data"][0]
    hover = dict(zip(trace["locations"], trace["customdata"]))
    sampled = _with_respondents(demo_con)
    assert len(sampled) >= 90
    label = "modelgeschat" if lang == "nl" else "model-based"
    for code in sampled:
        assert hover[code][1] != "–", code
        assert hover[code][5].endswith(label), hover[code]


def test_direct_map_says_so_and_withholds_small_buurten(client, demo_con):
    answer = _map(client, "direct").get_json()["response"]
    assert "directe cijfers" in answer["map-method"]["children"]
    trace = answer["map"]["figure"]["data"][0]
    hover = dict(zip(trace["locations"], trace["customdata"]))
    withheld = [c for c in _with_respondents(demo_con) if hover[c][1] == "–"]
    assert len(withheld) > 20  # n < 50: suppressed as before
    assert "method=direct" in answer["download-csv"]["href"]


def test_an_unknown_method_changes_nothing(client):
    assert _map(client, "guess").status_code == 204


def test_download_of_the_model_view(client, demo_con):
    query = f"indicator={UNSAFE}&level=buurt&period=2024&lang=en"
    model = client.get(f"/download/view.csv?{query}&method=model")
    assert model.status_code == 200
    frame = pd.read_csv(io.BytesIO(model.data), encoding="utf-8-sig")
    assert set(frame["method"]) == {"model"}
    assert frame["value"].notna().sum() == len(_with_respondents(demo_con))
    direct = pd.read_csv(
        io.BytesIO(client.get(f"/download/view.csv?{query}").data), encoding="utf-8-sig"
    )
    assert set(direct["method"]) == {"direct"}
    assert direct["value"].notna().sum() < frame["value"].notna().sum()
    assert client.get(f"/download/view.csv?{query}&method=guess").status_code == 404


def test_the_method_is_part_of_the_url_state():
    state = parse("/", "?indicator=x&method=model")
    assert state.method == "model" and "method=model" in state.query()


def _buurt_with_few_respondents(demo_con):
    """A buurt whose direct 2024 figure is withheld (n < 50), with its model value."""
    return demo_con.execute(
        """
        select m.area_code, m.value from indicator_values m
        join indicator_values d on d.indicator = m.indicator and d.area_code = m.area_code
            and d.period = m.period and d.method = 'direct'
        where m.indicator = ? and m.period = '2024' and m.level = 'buurt'
            and m.method = 'model' and d.flag = 'suppressed'
        order by m.area_code limit 1
        """,
        [UNSAFE],
    ).fetchone()


def test_profile_shows_model_values_marked_as_such(client, demo_con):
    code, value = _buurt_with_few_respondents(demo_con)
    deps = client.get("/_dash-dependencies").get_json()
    answers = {}
    for method in ("direct", "model"):
        body = wire.request(
            wire.callback_for(deps, "profile-body.children"),
            {
                wire.key(wire.control("area", "profile"), "value"): code,
                wire.key(wire.control("method", "profile"), "value"): method,
                "page-lang.data": "nl",
                "url.pathname": "/gebied",
            },
            wire.key(wire.control("method", "profile"), "value"),
        )
        answers[method] = client.post("/_dash-update-component", json=body).get_data(as_text=True)
    shown = f"{value:,.1f}".translate(str.maketrans(",.", ".,"))  # a Dutch page: 40,5
    assert "modelschattingen" in answers["model"] and "modelgeschat" in answers["model"]
    assert shown in answers["model"]
    assert "directe cijfers" in answers["direct"] and "modelgeschat" not in answers["direct"]


def test_briefing_with_model_values(client, demo_con):
    code, value = _buurt_with_few_respondents(demo_con)
    page = client.get(f"/briefing/{code}.html?period=2024&lang=en&method=model")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    row = html.split(f'<tr data-indicator="{UNSAFE}" data-method="model">')[1].split("</tr>")[0]
    assert "(model-based)" in row and f"{value:,.1f}" in row
    assert "model-based estimates" in html
    direct = client.get(f"/briefing/{code}.html?period=2024&lang=en").get_data(as_text=True)
    assert 'data-method="model"' not in direct and "direct figures" in direct
    assert client.get(f"/briefing/{code}.html?method=guess").status_code == 404
