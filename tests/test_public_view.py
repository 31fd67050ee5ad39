"""The public role played through everything the server answers, on the demo.

Every server callback in ``/_dash-dependencies``, every page layout, the downloads in
each format, the briefings and the geometry are asked for without signing in, with
values from the database: the sensitive categories, and the areas and periods whose
count of incidents is 1 to 4.  Any response that holds such a count, a rate or share
precise enough to give it back (value × its denominator within 0.5 of 1 to 4), or a
buurt-level figure of a sensitive category fails the test (tests/public_leaks.py).
"""

from __future__ import annotations

import html
import io
import itertools
import json
import re
import unicodedata

import pandas as pd
import pytest
from pypdf import PdfReader

from dashboard import wire
from dashboard.app import create_app
from dashboard.state import PATHS
from tests.map_switch_node import in_node
from tests.public_leaks import html_records, records, reference

#: The callback outputs that draw a page's body only on that page's address.
BODY_PATHS = {"profile-body.children": "/gebied", "initiatives-body.children": "/initiatieven"}
#: Outputs about another indicator than the one asked for: the perceived-against-
#: registered quadrant is of the incident index of all incidents.
OUTPUT_INDICATOR = {
    "trends-quadrant": "unease_index.incidents",
    "quadrant-table": "unease_index.incidents",
}
#: Charts of counts (bar lengths follow the disclosed counts): no rate to recover.
COUNT_CHARTS = ("profile-categories",)
#: Charts of test statistics (Gi* z of the area's neighbourhood), not of its figures.
STATISTIC_CHARTS = ("profile-hotspots",)
#: The downloads of every view: each format, the CSV in both languages' dialects.
DOWNLOADS = (("csv", "nl"), ("csv", "en"), ("xlsx", "nl"), ("parquet", "nl"))
#: Chart buttons that would send a chart off the server.
OFF = {"showSendToCloud": False, "showEditInChartStudio": False, "showLink": False}


@pytest.fixture(scope="module")
def public(demo_db):
    app = create_app(demo_db)
    return app, app.server.test_client()


@pytest.fixture(scope="module")
def plan(demo_db):
    """Indicators, periods and areas of the sweep, taken from the database."""
    from etl.db import connect

    con = connect(demo_db, read_only=True)
    try:
        ref = reference(con)
        indicators = [
            r[0]
            for r in con.execute(
                """
                select indicator from indicator_meta
                where sensitive or indicator in ('incident_rate.total',
                    'incident_rate.zakkenrollerij', 'incident_rate_eb.zakkenrollerij',
                    'unease_index.incidents', 'unease_index.overall',
                    'unease_gap.perceived_minus_registered', 'survey_share.unsafe_own_buurt')
                order by indicator
                """
            ).fetchall()
        ]
        periods = {
            i: [
                str(p)
                for (p,) in con.execute(
                    "select distinct period from indicator_values where indicator = ? "
                    "order by period",
                    [i],
                ).fetchall()
            ]
            for i in indicators
        }
        # the views with model estimates too (the map's method control)
        modelled = {
            (i, p)
            for i, p in con.execute(
                "select distinct indicator, period from indicator_values where method = 'model'"
            ).fetchall()
        }
        # buurten with a small count of a sensitive category and of all incidents, wijken
        areas = [
            r[0]
            for r in con.execute(
                """
                (select area_code from indicator_values where method = 'direct'
                    and indicator in ('incident_rate.zeden', 'incident_rate.total',
                        'incident_rate.huiselijk_geweld')
                    and n between 1 and 4 and area_code like 'BU%'
                    group by area_code order by count(*) desc, area_code limit 5)
                union all
                (select code from areas where level = 'wijk' order by code limit 2)
                """
            ).fetchall()
        ]
    finally:
        con.close()
    return ref, indicators, periods, areas, modelled


@pytest.fixture(scope="module")
def outcomes(demo_db):
    """The outcomes of the initiatives' before/after comparisons the public may choose."""
    from dashboard import queries
    from dashboard.store import Store

    frame = queries.table_rows(Store(demo_db), "initiative_effects", "public")
    return sorted(set(frame["outcome"]))


#: What is typed in the area choosers: a part of names of every level.
SEARCHES = ("e", "oost", "BU")


def _values(view, area, areas, lang, pathname, turn):
    """Every input and state the callbacks read, for one view (indicator, level, period,
    method); ``turn`` picks the text typed in the area choosers, the page of the map's
    table and the order asked for, and the outcome of the initiatives' comparisons."""
    indicator, level, period, method, outcome = view
    values = {}
    for page in ("map", "trends", "profile", "initiatives"):
        values[wire.key(wire.control("indicator", page), "value")] = indicator
        values[wire.key(wire.control("level", page), "value")] = level
        values[wire.key(wire.control("period", page), "value")] = period
        values[wire.key(wire.control("method", page), "value")] = method
        values[wire.key(wire.control("area", page), "value")] = area
        values[wire.key(wire.control("areas", page), "value")] = areas
        for name in ("area", "areas"):
            search = SEARCHES[turn % len(SEARCHES)]
            values[wire.key(wire.control(name, page), "search_value")] = search
    column = ("n", "value", "interval", "label", "flag")[turn % 5]
    search = f"?indicator={indicator}&level={level}&period={period}&area={area}&lang={lang}"
    values.update(
        {
            "page-lang.data": lang,
            "lang.value": lang,
            "url.pathname": pathname,
            "url.search": search,
            "layers.value": ["initiatives", "hotspots", "incidents"],
            "map.clickData": {"points": [{"location": area}]},
            "map-zoom.value": area,
            "map-data-table.page_current": turn % 4,
            "map-data-table.sort_by": [
                {"column_id": column, "direction": ("asc", "desc")[turn % 2]}
            ],
            "initiatives-hotspots.value": ["on"],
            "effects-outcome.value": outcome,
            "basemap.data": {"on": False},
            "map-drawn.data": None,  # nothing drawn yet: the whole figure is sent
            "note-area.data": {"area": area, "period": period},
        }
    )
    return values


def _switch(client, dep, values: dict, changed: str, answered: dict):
    """After a whole map, the same view asked for again with the ``map-drawn`` store the
    answer set (as the browser sends it): the switch's numbers and the names of the map
    drawn, or None where the callback drew no map."""
    drawn = answered["response"].get("map-drawn", {}).get("data")
    figure = answered["response"].get("map", {}).get("figure")
    if not drawn or not figure:
        return None
    body = wire.request(dep, {**values, "map-drawn.data": drawn}, changed)
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, body
    view = response.get_json()["response"]["map-switch"]["data"]
    (areas,) = [t for t in figure["data"] if "locations" in t and "customdata" in t]
    return view, [row[0] for row in areas["customdata"]]


def _context(dep, indicator, period, area):
    """What the request was about, for records that do not name it themselves."""
    read = " ".join(e["id"] + e["property"] for e in dep["inputs"] + dep.get("state", []))
    return {
        "indicator": indicator if '"indicator"' in read else None,
        "period": period if '"period"' in read else None,
        "area": area if ('"area"' in read or "note-area" in read) else None,
    }


def _graphs(node, found):
    """Every dcc.Graph component in a layout or a callback's answer."""
    if isinstance(node, dict):
        if node.get("type") == "Graph" and node.get("namespace") == "dash_core_components":
            found.append(node.get("props", {}))
        for value in node.values():
            _graphs(value, found)
    elif isinstance(node, list):
        for value in node:
            _graphs(value, found)
    return found


def _pdf_beyond_html(client, area: str, page: str) -> list[str]:
    """Numbers the public PDF briefing holds that its (checked) HTML does not: it is the
    print of that page, so none but the time it was made."""
    response = client.get(f"/briefing/{area}.pdf?lang=nl")
    if response.status_code == 503:  # no Chromium here: the HTML was checked
        return []
    if response.status_code != 200:
        return [f"PDF briefing of {area}: HTTP {response.status_code}"]
    reader = PdfReader(io.BytesIO(response.data))
    text = unicodedata.normalize("NFKC", " ".join(p.extract_text() for p in reader.pages))
    text = re.sub(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", " ", text)  # when it was made
    shown = set(re.findall(r"\d[\d.,]*", html.unescape(re.sub(r"<[^>]+>", " ", page))))
    extra = set(re.findall(r"\d[\d.,]*", text)) - shown
    return [f"PDF briefing of {area} holds {sorted(extra)[:10]} not in its HTML"] if extra else []


def _search_options(answer) -> list[str]:
    """What an area chooser's search sent beyond an area's name, level and code."""
    options = answer.get("options") if isinstance(answer, dict) else None
    return [
        f"search option {o}"
        for o in options or []
        if set(o) != {"label", "value"} or not re.fullmatch(r"[^()]+ \([a-z]+\)", o["label"])
    ]


def _hotspots_marked(payload: object) -> int:
    """Areas marked as a hotspot on the maps of an answer (the layer's points)."""
    if isinstance(payload, dict):
        own = len(payload.get("text") or []) if payload.get("legendgroup") == "hotspots" else 0
        return own + sum(_hotspots_marked(v) for v in payload.values())
    if isinstance(payload, list):
        return sum(_hotspots_marked(v) for v in payload)
    return 0


def _sensitive_category(ref, indicator: str) -> bool:
    """Whether the incident category of an indicator (its hotspot layer) is sensitive."""
    category = indicator.partition(".")[2] if indicator.startswith("incident_rate") else ""
    return f"incident_rate.{category}" in ref.sensitive_ids


def test_the_public_role_gets_no_small_count_and_no_sensitive_buurt_figure(
    public, plan, outcomes, capsys
):
    app, client = public
    ref, indicators, periods, areas, modelled = plan
    deps = [
        d for d in client.get("/_dash-dependencies").get_json() if not d.get("clientside_function")
    ]
    problems, statuses, graphs, seen = [], [], [], set()
    asked = {"callbacks": set(), "requests": 0, "inputs": set(), "routes": 0, "pages": 0}

    def check(payload, context):
        found = _graphs(payload, [])
        graphs.extend(found)
        for props in found:
            if props.get("id") in STATISTIC_CHARTS:
                for record in records(props.pop("figure", None)):
                    problems.extend(ref.leaks(record, {**context, "statistics": True}))
            if props.get("id") in COUNT_CHARTS:
                for record in records(props.pop("figure", None)):
                    problems.extend(ref.leaks(record, {**context, "counts": True}))
        for record in records(payload):
            problems.extend(ref.leaks(record, context))

    views = [(i, lv, p) for i in indicators for lv in ("buurt", "wijk") for p in periods[i]]
    views = [
        (i, lv, p, m, outcomes[k % len(outcomes)])
        for k, (i, lv, p) in enumerate(views)
        for m in ("direct", "model")
        if m == "direct" or (i, p) in modelled
    ]
    area_cycle = itertools.cycle(areas)
    answered, hotspots = set(), {"shown": 0, "sensitive buurt views": 0}
    switches = []  # a switch that keeps the shapes: the numbers the browser writes rows from
    for turn, view in enumerate(views):
        indicator, level, period, method, _ = view
        area = next(area_cycle)
        for dep in deps:
            outputs = dep["output"].strip(".").split("...")
            paths = [BODY_PATHS[o] for o in outputs if o in BODY_PATHS] or (
                list(PATHS.values()) if "page.children" in outputs else ["/"]
            )
            langs = ("nl", "en") if "page.children" in outputs else ("nl",)
            for pathname, lang in itertools.product(paths, langs):
                values = _values(view, area, areas, lang, pathname, turn)
                first = dep["inputs"][0]
                changed = wire.key(wire._parse(first["id"]), first["property"])
                body = wire.request(dep, values, changed)
                blob = json.dumps(body, sort_keys=True)
                if blob in seen:
                    continue
                seen.add(blob)
                response = client.post("/_dash-update-component", json=body)
                asked["requests"] += 1
                asked["callbacks"].add(dep["output"])
                asked["inputs"] |= {e["id"] + "." + e["property"] for e in dep["inputs"]}
                statuses.append((response.status_code, dep["output"]))
                if response.status_code == 200:
                    answered.add(dep["output"])
                    context = _context(dep, indicator, period, area)
                    if "page.children" in outputs:
                        asked["pages"] += 1
                        context = {}  # a page's records name their areas themselves
                    for component, answer in response.get_json()["response"].items():
                        about = dict(context)
                        if component in OUTPUT_INDICATOR:
                            about.update(indicator=OUTPUT_INDICATOR[component], period=None)
                        check(answer, about)
                        marked = _hotspots_marked(answer)
                        hotspots["shown"] += marked
                        on_map = component in ("map", "initiatives-map-body")
                        if on_map and level == "buurt" and _sensitive_category(ref, indicator):
                            hotspots["sensitive buurt views"] += 1
                            if marked:
                                problems.append(f"{marked} buurt hotspots of {indicator}")
                        if "search_value" in first["property"]:
                            problems.extend(_search_options(answer))
                    switch = _switch(client, dep, values, changed, response.get_json())
                    if switch is not None:
                        asked["requests"] += 1
                        switches.append((switch, context))
        for fmt, lang in DOWNLOADS:
            url = f"/download/view.{fmt}?indicator={indicator}&level={level}&period={period}"
            url += f"&method={method}"
            response = client.get(f"{url}&lang={lang}")
            asked["routes"] += 1
            statuses.append((response.status_code, url))
            if fmt == "csv":
                # read as a person's pandas would: numbers as numbers (a boundary year
                # read as text would pass for the period of the row)
                dialect = {"sep": ";", "decimal": ","} if lang == "nl" else {}
                frame = pd.read_csv(io.BytesIO(response.data), **dialect)
            elif fmt == "xlsx":
                frame = pd.read_excel(io.BytesIO(response.data))
            else:
                frame = pd.read_parquet(io.BytesIO(response.data))
            assert "n_shown" in frame and "city_value" in frame, url
            context = {"indicator": indicator, "period": period}
            for row in frame.to_dict("records"):
                problems.extend(ref.leaks(row, context))
    for area, lang in itertools.product(areas, ("nl", "en")):
        response = client.get(f"/briefing/{area}.html?lang={lang}")
        asked["routes"] += 1
        statuses.append((response.status_code, f"briefing {area}"))
        page = response.get_data(as_text=True)
        for row in html_records(page):
            problems.extend(ref.leaks(row, {"area": area}))
        if lang == "nl":
            problems.extend(_pdf_beyond_html(client, area, page))
            asked["routes"] += 1
    for level in ("buurt", "wijk", "gemeente"):
        response = client.get(f"/geo/{level}.geojson")
        asked["routes"] += 1
        statuses.append((response.status_code, f"geo {level}"))
        for feature in response.get_json()["features"]:
            assert set(feature["properties"]) == {"name"}
    check(client.get("/_dash-layout").get_json(), {})
    # the hover rows the browser writes from every switch, as a person hovering reads them
    written = in_node(
        [{"view": view, "names": names, "lang": view["lang"]} for (view, names), _ in switches]
    )
    for rows, (_, context) in zip(written, switches):
        for record in rows["rows"]:
            problems.extend(ref.leaks(record, context))

    assert [s for s in statuses if s[0] not in (200, 204)] == []
    # the hotspot layer was drawn, and asked for on sensitive categories at buurt level
    assert hotspots["shown"] > 0 and hotspots["sensitive buurt views"] > 0, hotspots
    # every server callback answered with something to check, at least once
    assert sorted({d["output"] for d in deps} - answered) == []
    assert len(switches) > 50  # the switch path was walked, small and sensitive cells among them
    assert problems == [], "\n".join(problems[:20])
    # the sweep met what it is about: small cells and sensitive buurten in the answers
    sensitive_buurt_cells = {
        c for c in ref.cells_matched if c[0] in ref.sensitive_ids and c[1].startswith("BU")
    }
    assert len(ref.cells_matched) >= 100 and len(sensitive_buurt_cells) >= 20
    assert graphs and all({**g.get("config", {})}.items() >= OFF.items() for g in graphs)
    assert all(g["config"].get("displaylogo") is False for g in graphs)
    with capsys.disabled():
        print(
            f"\npublic sweep: {len(asked['callbacks'])} callbacks, {asked['requests']} callback "
            f"requests ({asked['pages']} page layouts), {len(asked['inputs'])} inputs, "
            f"{asked['routes']} route requests, {len(switches)} switches, "
            f"{ref.checked} records checked, "
            f"{len(ref.cells_matched)} small cells met ({len(sensitive_buurt_cells)} sensitive "
            f"buurt cells), {len(graphs)} graphs, {hotspots['shown']} hotspots marked, "
            f"{hotspots['sensitive buurt views']} sensitive buurt maps without one"
        )


#: Routes whose answers the sweep above reads as the public (every figure in them).
SWEPT_ROUTES = {
    "/_dash-update-component",
    "/_dash-layout",
    "/download/view.<fmt>",
    "/briefing/<area>.<fmt>",
    "/geo/<level>.geojson",
}
#: Every other route of the server, and why it carries no figure of any area.
NO_FIGURES = {
    "/": "the page's HTML shell",
    "/<path:path>": "the same shell at the page's other addresses",
    "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>": "code",
    "/_dash-dependencies": "the list of callbacks",
    "/_favicon.ico": "the icon",
    "/_reload-hash": "Dash's check for changed code",
    "/assets/<path:filename>": "the page's own scripts and style",
    "/static/<path:filename>": "Flask's static folder (empty)",
    "/geo/levels.json": "the addresses of the geometry and the map's first level",
    "/login": "the sign-in form",
    "/logout": "signing out",
    "/plotly/<name>": "plotly.js",
}


def test_every_route_is_swept_or_carries_no_figures(public):
    """A new route fails here until the sweep reads it or it is said to carry none."""
    app, client = public
    assert {rule.rule for rule in app.server.url_map.iter_rules()} == (
        SWEPT_ROUTES | NO_FIGURES.keys()
    )
    assert set(client.get("/geo/levels.json").get_json()) == {"first", "urls"}
    shell = client.get("/").get_data(as_text=True)
    assert "indicator_values" not in shell and '"figure"' not in shell


def _page(client, pathname: str, lang: str) -> dict:
    """The layout of a page as the server sends it to the public."""
    deps = client.get("/_dash-dependencies").get_json()
    body = wire.request(
        wire.callback_for(deps, "page.children"),
        {"url.pathname": pathname, "lang.value": lang, "url.search": f"?lang={lang}"},
        "url.pathname",
    )
    return client.post("/_dash-update-component", json=body).get_json()


def test_the_data_page_states_the_disclosure_rules_of_the_build(public, demo_con):
    _, client = public
    page = json.dumps(_page(client, "/data", "en"))
    settings = dict(demo_con.execute("select name, value from build_settings").fetchall())
    rounded = settings["public_round_to"]
    assert f"counts of 1 to 4 show as <5, larger ones rounded to {rounded}" in page
    assert f"dwellings rounded to {settings['public_denominator_round_to']}, as CBS" in page
    assert "sexual offences and domestic violence per wijk or larger only" in page


def _disclosed(text: str) -> bool:
    return text in ("0", "<5", "–") or (
        text.replace(".", "").isdigit() and int(text.replace(".", "")) % 5 == 0
    )


def test_alerts_funnel_and_reach_use_disclosed_counts(demo_db, demo_con):
    from dashboard import queries
    from dashboard.store import Store
    from etl.disclosure import window_months

    store = Store(demo_db)
    public, pro = queries.alerts(store, "public"), queries.alerts(store, "professional")
    assert len(public) and all(_disclosed(str(o)) for o in public["observed"])
    exact = dict(
        demo_con.execute(
            "select area_code || category, observed from alerts where alert"
        ).fetchall()
    )
    assert [exact[a + c] for a, c in zip(pro["area_code"], pro["category"])] == list(
        pro["observed"]
    )
    period = queries.periods(store, "incident_rate.total")[-1]
    funnel = queries.funnel(store, "incident_rate.total", "buurt", period, "public")
    count = funnel["rate"] * funnel["population"] / 1000
    assert len(funnel) and (funnel["population"] % 5 == 0).all() and (count >= 4.9).all()
    # the rate times the population shown is the disclosed count (a multiple of 5), up to
    # the rounding of the population
    assert ((count / 5).round() * 5 - count).abs().max() < 0.02 * count.max()
    assert queries.funnel(store, "incident_rate.zeden", "buurt", period, "public").empty
    assert len(queries.funnel(store, "incident_rate.zeden", "wijk", period, "public"))
    reach = queries.table_rows(store, "initiative_reach", "public")
    raw = queries.table_rows(store, "initiative_reach", "professional")
    assert (raw["n_participants"].between(1, 4)).any()
    assert all(_disclosed(v) for v in reach["n_participants"])
    small = raw["n_participants"].between(1, 4).to_numpy()
    assert reach.loc[small, "participants_share"].isna().all()
    # before/after rates of initiatives: rate x inhabitants x window = the count
    inhabitants = dict(demo_con.execute("select code, inhabitants from areas").fetchall())

    def counts(frame):
        rows = frame[frame["outcome"].str.startswith("incident_rate.")]
        return pd.concat(
            [
                rows[f"{side}_area"]
                * rows["area_code"].map(inhabitants)
                / 1000
                * rows[f"{side}_period"].map(window_months)
                / 12
                for side in ("before", "after")
            ]
        ).dropna()

    raw_counts = counts(queries.table_rows(store, "initiative_effects", "professional"))
    shown = counts(queries.table_rows(store, "initiative_effects", "public"))
    # with windows of up to 24 months the demo has no window of 1-4 incidents any more;
    # whatever the raw counts, none of 1-4 is shown
    assert len(raw_counts) and len(shown)
    assert not shown.between(0.5, 4.5).any()


def test_no_public_survey_share_times_its_n_gives_one_to_four_respondents(demo_db):
    from dashboard import queries
    from dashboard.store import Store

    store = Store(demo_db)
    meta = queries.indicator_meta(store)
    shares = [k for k, e in meta.items() if e.source_kind == "survey_responses" and e.unit == "%"]
    assert shares
    withheld = 0
    for indicator in shares:
        for period in queries.periods(store, indicator):
            pro = queries.public_area_values(store, indicator, "buurt", period, "professional")
            pub = queries.public_area_values(store, indicator, "buurt", period, "public")
            answers = pub["value"] / 100 * pub["n"]
            assert not answers.between(0.5, 4.5, inclusive="left").any()
            small = (pro["value"] / 100 * pro["n"]).between(0.5, 4.5, inclusive="left")
            withheld += int(small.sum())
            assert (pub.loc[small.to_numpy(), "flag"] == "few-respondents").all()
    # the demo has such cells, so the rule is exercised
    assert withheld > 0


def _table_page(client, deps, indicator, level, period, page, sort_by):
    values = {
        wire.key(wire.control("indicator"), "value"): indicator,
        wire.key(wire.control("level"), "value"): level,
        wire.key(wire.control("period"), "value"): period,
        "map-data-table.page_current": page,
        "map-data-table.sort_by": sort_by,
        "page-lang.data": "nl",
    }
    dep = wire.callback_for(deps, "map-data-table.data")
    body = wire.request(dep, values, "map-data-table.sort_by")
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.status_code
    return response.get_json()["response"]["map-data-table"]["data"]


def test_the_public_table_sorted_by_count_orders_only_by_the_count_shown(public, demo_db):
    """Sorting the map's paged table by n orders the rows by the count the public sees:
    areas shown alike (two '<5', two '10') keep the order of their names, so the order
    tells nothing of the exact counts behind them."""
    from dashboard import queries
    from dashboard.store import Store
    from dashboard.tables import PAGE_SIZE

    _, client = public
    store = Store(demo_db)
    deps = client.get("/_dash-dependencies").get_json()
    indicator, level = "incident_rate.total", "buurt"
    exercised = 0
    for period in queries.periods(store, indicator):
        exact = queries.public_area_values(store, indicator, level, period, "professional")
        pages = -(-len(exact) // PAGE_SIZE)
        for direction in ("asc", "desc"):
            sort_by = [{"column_id": "n", "direction": direction}]
            rows = [
                row
                for page in range(pages)
                for row in _table_page(client, deps, indicator, level, period, page, sort_by)
            ]
            assert len(rows) == len(exact)
            by_name = {code: i for i, code in enumerate(exact["area_code"])}
            # within each count shown, the rows stand in the order of the unsorted table
            for shown, group in itertools.groupby(rows, key=lambda r: r["n"]):
                order = [by_name[r["area_code"]] for r in group]
                assert order == sorted(order), (period, direction, shown)
            # the exact counts would have ordered some of these groups otherwise
            n = dict(zip(exact["area_code"], exact["n"]))
            for _, group in itertools.groupby(rows, key=lambda r: r["n"]):
                counts = [n[r["area_code"]] for r in group]
                exercised += counts != sorted(counts, reverse=direction == "desc")
    assert exercised > 0


def test_the_public_category_bars_are_ordered_by_the_counts_shown(demo_db):
    """The profile's bars of incidents per category stand in the order of the counts
    the public sees (then by category): two categories both shown as '<5' are not put
    in the order of their exact counts."""
    from dashboard import queries
    from dashboard.store import Store

    store = Store(demo_db)
    exercised = 0
    for code in queries.area_codes(store):
        shown = queries.category_counts(store, code, "public")
        order = list(zip(-shown["n"], shown["category"]))
        assert order == sorted(order), code
        exact = queries.category_counts(store, code, "professional")
        exact = exact[exact["category"].isin(shown["category"])]
        exercised += list(exact["category"]) != list(shown["category"])
    # the exact counts would have ordered some areas' bars otherwise
    assert exercised > 0


def _dropdown_options(node, component_id, found):
    """The options of the dropdown ``component_id`` in a page's layout."""
    if isinstance(node, dict):
        props = node.get("props", {})
        if node.get("type") == "Dropdown" and props.get("id") == component_id:
            found.extend(props.get("options") or [])
        for value in node.values():
            _dropdown_options(value, component_id, found)
    elif isinstance(node, list):
        for value in node:
            _dropdown_options(value, component_id, found)
    return found


def test_the_zoom_list_and_the_area_search_send_names_only(public, demo_con):
    """The map's zoom list holds the whole municipality, every stadsdeel and wijk by
    name and level; a search answers names and levels of areas: no figure of any."""
    _, client = public
    zoom = _dropdown_options(_page(client, "/", "nl"), "map-zoom", [])
    deps = client.get("/_dash-dependencies").get_json()
    areas = demo_con.execute(
        "select name, level from areas where level in ('stadsdeel', 'wijk') "
        "order by level = 'wijk', code"
    ).fetchall()
    assert zoom[0]["label"] == "hele gemeente"
    assert sorted(o["label"] for o in zoom[1:]) == sorted(f"{n} ({lv})" for n, lv in areas)
    assert all(set(o) == {"label", "value"} for o in zoom)

    typed = wire.key(wire.control("area"), "search_value")
    search = next(
        d
        for d in deps
        if wire.key(wire._parse(d["inputs"][0]["id"]), d["inputs"][0]["property"]) == typed
    )
    names = dict(demo_con.execute("select code, name from areas").fetchall())
    city = demo_con.execute("select code from areas where level = 'gemeente'").fetchone()[0]
    body = wire.request(
        search,
        {
            typed: "oost",
            wire.key(wire.control("area"), "value"): city,
            "page-lang.data": "nl",
        },
        typed,
    )
    answer = client.post("/_dash-update-component", json=body).get_json()["response"]
    options = next(iter(answer.values()))["options"]
    assert len(options) > 1
    assert all(set(o) == {"label", "value"} for o in options)
    assert all(o["label"].startswith(f"{names[o['value']]} (") for o in options)


def test_a_stable_buurt_hotspot_of_a_sensitive_category_stays_off_the_public_map(demo_db, tmp_path):
    """Where a buurt is a stable hotspot of a sensitive category (made so in a copy of
    the demo file), professionals see it and the public's map marks it at no level below
    wijk: the hotspot would say where the counts are."""
    import shutil

    from dashboard import queries
    from dashboard.store import Store
    from etl.db import connect

    path = tmp_path / "hot.duckdb"
    shutil.copy(demo_db, path)
    con = connect(path)
    con.execute(
        """
        update hotspots set kind = 'hot', stable = true
        where indicator in ('incident_rate_eb.zeden', 'incident_rate_eb.total')
            and level = 'buurt' and period = 'all'
            and area_code in (select area_code from hotspots where level = 'buurt'
                and indicator = 'incident_rate_eb.zeden' and period = 'all'
                order by area_code limit 3)
        """
    )
    con.close()
    store = Store(path)
    assert len(queries.stable_hotspots(store, "zeden", "buurt", "professional")) == 3
    assert queries.stable_hotspots(store, "zeden", "buurt", "public").empty
    client = create_app(path).server.test_client()
    deps = client.get("/_dash-dependencies").get_json()
    marked, names = {}, {}
    for indicator in ("incident_rate.zeden", "incident_rate.total"):
        period = queries.periods(store, indicator)[-1]
        body = wire.map_request(deps, indicator, "buurt", period, layers=["hotspots"])
        response = client.post("/_dash-update-component", json=body)
        assert response.status_code == 200
        marked[indicator] = _hotspots_marked(response.get_json()["response"]["map"])
        names[indicator] = json.dumps(response.get_json()["response"]["map"])
    # the same buurten marked for all incidents, none for sexual offences
    assert marked["incident_rate.total"] >= 3 and marked["incident_rate.zeden"] == 0
    # and the legend says they are not shown, not that there are none
    assert "niet getoond: gevoelige categorie" in names["incident_rate.zeden"]
    assert "geen stabiele hotspot" not in names["incident_rate.zeden"]


def _shown_length(text: str) -> float:
    """A count as the public reads it, for ordering: '<5' between 0 and 5."""
    text = html.unescape(text)
    return 2.5 if text == "<5" else float(text.replace(".", ""))


def test_the_public_briefing_lists_categories_in_the_order_of_the_counts_shown(public, demo_db):
    """The briefing's top categories follow the counts the public reads (then the
    category), so neither their order nor which make the list tells an exact count."""
    from dashboard import queries
    from dashboard.store import Store

    _, client = public
    store = Store(demo_db)
    row = re.compile(r'data-category="([^"]+)"><td>[^<]*</td><td class="num count">([^<]*)<')
    exercised = 0
    for code in queries.area_codes(store):
        page = client.get(f"/briefing/{code}.html?lang=nl").get_data(as_text=True)
        listed = [(-_shown_length(n), c) for c, n in row.findall(page)]
        assert listed == sorted(listed), code
        categories = [c for _, c in listed]
        exact = queries.category_counts(store, code, "professional")["category"]
        exercised += categories != [c for c in exact if c in categories]
    assert exercised > 0
