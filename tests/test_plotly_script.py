"""The plotly.js the page loads: the dashboard's own build, when it fits plotly.py."""

import ast
import json
import re
from pathlib import Path

import plotly.graph_objects as go
from plotly.basedatatypes import BaseTraceType
from plotly.offline import get_plotlyjs_version

from dashboard import plotly_script
from dashboard.app import create_app

DASHBOARD = Path(plotly_script.__file__).parent


def _drawn_trace_types() -> set[str]:
    """Every plotly trace type named (go.<Trace>) in the dashboard's code."""
    types = set()
    for source in DASHBOARD.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "go"
            ):
                kind = getattr(go, node.attr, None)
                if isinstance(kind, type) and issubclass(kind, BaseTraceType):
                    types.add(kind().type)
    return types


def test_the_own_build_is_the_plotly_js_that_plotly_py_writes_figures_for():
    # after an upgrade of plotly.py this fails until `make plotly-bundle` is run; until
    # then the page uses plotly.py's full bundle (next test's fallback)
    assert plotly_script.bundle_version() == get_plotlyjs_version()


def test_every_trace_type_the_dashboard_draws_is_in_the_build():
    built = set(json.loads(plotly_script.TRACES.read_text()))
    drawn = _drawn_trace_types()
    assert {"choropleth", "choroplethmap", "bar", "scatter"} <= drawn
    assert drawn <= built, f"not in dashboard/plotly_bundle: {sorted(drawn - built)}"
    first = plotly_script.BUNDLE.read_text(encoding="utf-8").splitlines()[0]
    assert all(kind in first for kind in built)


def test_the_page_names_one_deferred_plotly_served_gzipped_for_a_year(demo_db):
    client = create_app(demo_db).server.test_client()
    page = client.get("/").get_data(as_text=True)
    scripts = re.findall(r"<script[^>]*/plotly/[^>]*>", page)
    assert len(scripts) == 1 and 'defer="defer"' in scripts[0] and 'id="plotly-js"' in scripts[0]
    src = re.search(r'src="([^"]+)"', scripts[0]).group(1)
    assert src.startswith("/plotly/plotly-unease.")
    answer = client.get(src, headers={"Accept-Encoding": "gzip"})
    assert answer.status_code == 200
    assert answer.headers["Content-Encoding"] == "gzip"
    assert "max-age=31536000" in answer.headers["Cache-Control"]
    assert len(answer.data) < 0.4 * plotly_script.BUNDLE.stat().st_size
    plain = client.get(src)
    assert plain.data == plotly_script.BUNDLE.read_bytes()
    assert client.get("/plotly/plotly-unease.0123456789abcdef.min.js").status_code == 404


def test_without_a_fitting_build_the_page_names_plotly_py_s_full_bundle(
    demo_db, tmp_path, monkeypatch
):
    old = tmp_path / "plotly-unease.min.js"
    old.write_text("/*! plotly.js v0.0.1 (traces: scatter); MIT licence */\n")
    monkeypatch.setattr(plotly_script, "BUNDLE", old)
    plotly_script._bundle.cache_clear()
    try:
        script = plotly_script.plotly_script("/")
    finally:
        monkeypatch.undo()
        plotly_script._bundle.cache_clear()
    assert script["defer"] and script["src"] == script["data-fallback"]
    assert script["src"].startswith("/_dash-component-suites/plotly/package_data/plotly.v")
    client = create_app(demo_db).server.test_client()
    full = client.get(script["src"])
    assert full.status_code == 200 and full.data.startswith(b"/**\n* plotly.js v")
