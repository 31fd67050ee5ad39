"""dashboard/assets/map_switch.js run in Node, as the browser runs it: the colours and
hover rows it writes from a switch's numbers (the ``map-switch`` store) and the names
of the map drawn, or numbers as it formats them."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "dashboard" / "assets" / "map_switch.js"

RUN = """
const fs = require("fs");
require("vm").runInThisContext(fs.readFileSync(process.argv[1], "utf8"));
const asked = JSON.parse(fs.readFileSync(0, "utf8"));
const map = globalThis.dash_clientside.unease_map;
const out = asked.map(function (a) {
    return a.numbers ? a.numbers.map(function (x) { return map.number(x, a.lang); })
        : map.hover_rows(a.view, a.names);
});
process.stdout.write(JSON.stringify(out));
"""


def in_node(asked: list[dict]) -> list:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed (make axe installs it)")
    done = subprocess.run(
        [node, "-e", RUN, str(SCRIPT)],
        input=json.dumps(asked),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout)
