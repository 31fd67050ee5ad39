"""A chart or table with nothing to show says so, and why, instead of empty axes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard import empty, figures, wire
from dashboard.app import create_app
from dashboard.tables import frame_table

NO_DATA = {
    "nl": "Geen gegevens voor dit gebied en deze periode",
    "en": "No data for this area and period",
}


def _annotation(figure) -> str:
    layout = figure["layout"] if isinstance(figure, dict) else figure.to_plotly_json()["layout"]
    return " ".join(a["text"] for a in layout.get("annotations", []))


def _drawn(figure) -> list:
    data = figure["data"] if isinstance(figure, dict) else figure.to_plotly_json()["data"]
    return data


def test_the_reason_is_read_from_the_flags_of_the_rows_without_a_value():
    nan = np.nan
    assert empty.reason_of([nan, nan], ["sensitive", "sensitive"]) == "sensitive"
    assert empty.reason_of([nan, 2.0], ["small-count", "ok"]) == "withheld"
    assert empty.reason_of([nan], ["no-denominator"]) == "few-inhabitants"
    assert empty.reason_of([], [], survey=True) == "no-survey"
    assert empty.reason_of([], []) == "no-data"
    with pytest.raises(ValueError, match="unknown empty-state reason"):
        empty.text("nl", "bored")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_trend_without_values_is_the_empty_state_with_why(lang):
    frame = pd.DataFrame(
        {
            "period": ["2023", "2024"],
            "value": [np.nan, np.nan],
            "ci_low": [np.nan, np.nan],
            "ci_high": [np.nan, np.nan],
            "flag": ["no-denominator", "no-denominator"],
        }
    )
    city = frame.assign(value=[10.0, 11.0], flag="ok")
    fig = figures.trend(frame, city, "Vismarkt", "Demostad", "x", "per 1,000", lang)
    assert _drawn(fig) == []
    text = _annotation(fig)
    reason = {"nl": "te weinig inwoners voor een cijfer", "en": "too few inhabitants for a figure"}
    assert text == f"{NO_DATA[lang]}: {reason[lang]}."
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False
    survey = figures.trend(frame.iloc[:0], city, "Vismarkt", "Demostad", "x", "%", lang, True)
    assert "enquête" in _annotation(survey) or "survey" in _annotation(survey)


def test_an_empty_table_is_a_sentence():
    table = frame_table(
        pd.DataFrame(columns=["name", "n"]), "register", "en", reason="no-initiatives"
    )
    assert table.children == "No data for this area and period: no initiatives in the register."
    assert table.id == "register" and table.role == "status"


def test_the_pages_say_why_a_chart_is_empty(demo_db, demo_con):
    client = create_app(demo_db).server.test_client()
    deps = client.get("/_dash-dependencies").get_json()
    buurt = demo_con.execute(
        "select code from areas where level = 'buurt' order by code limit 1"
    ).fetchone()[0]
    # a sensitive category per buurt: withheld for the public in every period
    values = {
        wire.key(wire.control("area"), "value"): buurt,
        wire.key(wire.control("indicator"), "value"): "incident_rate.zeden",
        wire.key(wire.control("method"), "value"): "direct",
        "page-lang.data": "en",
        "url.search": "",
    }
    body = wire.request(
        wire.callback_for(deps, "trend.figure"), values, wire.key(wire.control("area"), "value")
    )
    answer = client.post("/_dash-update-component", json=body).get_json()["response"]
    figure = answer["trend"]["figure"]
    assert _drawn(figure) == []
    assert _annotation(figure) == (
        "No data for this area and period: sensitive category, shown per wijk or larger only."
    )
    # the funnel plot of a survey share: said, not drawn empty
    trends = {
        wire.key(wire.control("indicator", "trends"), "value"): "survey_share.unsafe_own_buurt",
        wire.key(wire.control("level", "trends"), "value"): "buurt",
        "page-lang.data": "nl",
    }
    body = wire.request(
        wire.callback_for(deps, "trends-funnel.figure"),
        trends,
        wire.key(wire.control("indicator", "trends"), "value"),
    )
    answer = client.post("/_dash-update-component", json=body).get_json()["response"]
    funnel = answer["trends-funnel"]["figure"]
    assert _drawn(funnel) == []
    assert _annotation(funnel).startswith(NO_DATA["nl"] + ": dit diagram is er alleen voor")
