"""One number format per language on every page: Dutch 1.234,5, English 1,234.5; years,
periods and codes never written as numbers.

Every server callback of the app (the callback requests the public sweep sends) and
every page layout is asked for in both languages; the texts of its tables and hover
texts are read for numbers in the other language's format and for years written as
numbers ('2.024', '2,024.0'), and every chart must format with the language's marks.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from dashboard import wire
from dashboard.app import create_app
from dashboard.fmt import (
    column_cells,
    count_texts,
    intervals,
    label,
    number,
    p_value,
    percent,
    plotly_separators,
    unit,
)
from tests.test_public_view import BODY_PATHS, PATHS, _values

#: A number in the other language's format: a thousands separator followed by a decimal
#: mark, or a one- or two-digit decimal part after the other language's decimal mark.
FOREIGN = {
    "nl": re.compile(r"^-?[1-9]\d{0,2}(,\d{3})+\.\d+$|^-?\d+\.\d{1,2}$"),
    "en": re.compile(r"^-?[1-9]\d{0,2}(\.\d{3})+,\d+$|^-?\d+,\d{1,2}$"),
}
#: A count as a table shows it: the gate's marks, or a whole number with the thousands mark.
COUNT = {
    "nl": re.compile(r"^(<5|–|0|[1-9]\d{0,2}(\.\d{3})*)$"),
    "en": re.compile(r"^(<5|–|0|[1-9]\d{0,2}(,\d{3})*)$"),
}
#: A number in a text: not part of a code or a version ('CC0-1.0', 'BU0363', 'EPSG:28992').
TOKEN = re.compile(r"(?<![\w.,:-])-?\d[\d.,]*\d(?![\w])|(?<![\w.,:-])\d(?![\w.,])")


def test_numbers_in_dutch_and_english():
    assert number(1234.5, "nl") == "1.234,5" and number(1234.5, "en") == "1,234.5"
    assert number(1068, "nl", 0) == "1.068" and number(1068, "en", 0) == "1,068"
    assert number(float("nan"), "nl") == "–" and number(None, "en") == "–"
    assert intervals([1.25, None], [1234.5, 2.0], "nl") == ["1,2 – 1.234,5", "–"]
    assert count_texts(["1068", "<5", "–", "0"], "nl") == ["1.068", "<5", "–", "0"]
    assert count_texts(["1068"], "en") == ["1,068"]
    assert p_value(0.0004, "nl") == "< 0,001" and p_value(0.0123, "en") == "0.012"
    assert percent(0.125, "nl", 1) == "12,5%" and percent(0.125, "en") == "12%"
    assert unit("per 1,000", "nl") == "per 1.000" and unit("per 1,000", "en") == "per 1,000"
    assert unit("0-10", "nl") == "0-10" and unit("%", "nl") == "%"
    assert plotly_separators("nl") == ",." and plotly_separators("en") == ".,"
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        number(1.0, "fr")


def test_table_columns_keep_years_periods_and_codes_as_written():
    frame = pd.DataFrame(
        {
            "vintage": [2024.0, None],  # a year read as float beside a missing one
            "period": ["2024", "2023"],
            "area_code": ["BU0363", "WK0363"],
            "rows_read": [1977, 60000],
            "members": [12.0, None],  # whole numbers with a gap: no '.0'
            "value": [1234.56, 0.25],
            "q_value": [0.0004, 0.2],
            "n_public": ["1068", "<5"],
            "start_date": pd.to_datetime(["2022-03-01", "2023-01-15"]),
        }
    )
    nl = {c: column_cells(frame[c], "nl") for c in frame}
    assert nl["vintage"] == ["2024", "–"] and nl["period"] == ["2024", "2023"]
    assert nl["area_code"] == ["BU0363", "WK0363"]
    assert nl["rows_read"] == ["1.977", "60.000"] and nl["members"] == ["12", "–"]
    assert nl["value"] == ["1.234,6", "0,2"] and nl["q_value"] == ["< 0,001", "0,200"]
    assert nl["n_public"] == ["1.068", "<5"]
    assert nl["start_date"] == ["2022-03-01", "2023-01-15"]  # no '00:00:00'
    en = {c: column_cells(frame[c], "en") for c in frame}
    assert en["rows_read"] == ["1,977", "60,000"] and en["value"] == ["1,234.6", "0.2"]
    assert label(2024.0) == "2024"


#: Properties that hold no text a person reads (styles, ids, links, chart settings).
NOT_READ = {
    "id",
    "className",
    "href",
    "src",
    "config",
    "colorscale",
    "color",
    "geojson",
    "bdata",
    "dtype",
    "marker",
    "line",
    "hovertemplate",
    "type",
    "mode",
    "featureidkey",
    "locations",
    "namespace",
    "value",
    "meta",
}


def _nodes(node, skip=frozenset()):
    """Every node of a JSON answer, leaving out properties in ``skip`` and styles."""
    yield node
    if isinstance(node, dict):
        children = node.items()
    elif isinstance(node, list):
        children = enumerate(node)
    else:
        return
    for name, value in children:
        if name not in skip and not str(name).startswith("style"):
            yield from _nodes(value, skip)


def _is_figure(node) -> bool:
    return (
        isinstance(node, dict)
        and isinstance(node.get("layout"), dict)
        and isinstance(node.get("data"), list)
    )


def test_every_page_writes_numbers_in_its_language(demo_db, demo_con):
    app = create_app(demo_db)
    client = app.server.test_client()
    deps = [
        d for d in client.get("/_dash-dependencies").get_json() if not d.get("clientside_function")
    ]
    area = demo_con.execute(
        "select code from areas where level = 'wijk' order by code limit 1"
    ).fetchone()[0]
    periods = {
        str(p)
        for (p,) in demo_con.execute("select distinct period from indicator_values").fetchall()
    }
    years = {int(p[:4]) for p in periods if p[:4].isdigit()}
    years |= {
        int(v) for (v,) in demo_con.execute("select distinct vintage from areas").fetchall() if v
    }
    wrong_years = {
        form
        for y in years
        for form in (f"{y:,}", f"{y:,}".replace(",", "."), f"{y}.0", f"{y},0")
        + (f"{y:,.1f}", f"{y:,.1f}".translate(str.maketrans(",.", ".,")))
    }
    problems, checked, figures, counts = [], 0, 0, []
    views = [
        ("incident_rate.total", "wijk", "2024"),
        ("survey_share.unsafe_own_buurt", "buurt", "2024"),
    ]
    for lang in ("nl", "en"):
        for indicator, level, period in views:
            for dep in deps:
                outputs = dep["output"].strip(".").split("...")
                paths = [BODY_PATHS[o] for o in outputs if o in BODY_PATHS] or (
                    list(PATHS.values()) if "page.children" in outputs else ["/"]
                )
                for pathname in paths:
                    view = (indicator, level, period, "direct", None)
                    values = _values(view, area, [area], lang, pathname, 0)
                    first = dep["inputs"][0]
                    changed = wire.key(wire._parse(first["id"]), first["property"])
                    response = client.post(
                        "/_dash-update-component", json=wire.request(dep, values, changed)
                    )
                    if response.status_code != 200:
                        continue
                    answer = response.get_json()["response"]
                    for text in (n for n in _nodes(answer, NOT_READ) if isinstance(n, str)):
                        if text.startswith("{"):
                            continue  # a JSON value shown as stored (the reach's make-up)
                        for token in TOKEN.findall(text):
                            checked += 1
                            if FOREIGN[lang].match(token):
                                problems.append(f"{lang} {dep['output'][:40]}: {token} in {text!r}")
                            if token in wrong_years:
                                problems.append(f"{lang}: a year as a number: {text!r}")
                    for figure in (n for n in _nodes(answer) if _is_figure(n)):
                        figures += 1
                        if figure["layout"].get("separators") != plotly_separators(lang):
                            problems.append(f"{lang} {dep['output'][:40]}: chart separators")
                    # the count column of the map's and the trend's tables (was '2.170' in
                    # English): the language's thousands mark, or the gate's marks
                    for row in (n for n in _nodes(answer) if isinstance(n, dict) and "n" in n):
                        if "label" in row and "interval" in row:
                            counts.append(row["n"])
                            if not COUNT[lang].match(row["n"]):
                                problems.append(f"{lang}: count {row['n']!r} in {row}")
    assert problems == [], "\n".join(sorted(set(problems))[:30])
    assert checked > 2000 and figures >= 10
    # the sweep met counts of a thousand and more
    assert any(len(c) > 4 for c in counts)
