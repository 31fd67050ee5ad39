"""What a public response must never hold, read from the database it was served from.

:class:`Reference` holds the cells a public response must not give away: every
(indicator, area, period) whose count of incidents is 1 to 4, with the count per unit
of its value (so that value × that = the count), and the sensitive categories.
:func:`records` turns any response (a callback's JSON, a page layout, a CSV or
Parquet table, a briefing's HTML) into records: table rows, one point of a chart,
one area's hover text.  :meth:`Reference.leaks` says what a record gives away.
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass, field

import numpy as np

#: Test statistics of an area: no count to recover, but no sensitive category per buurt.
STATISTIC_KEYS = {"gi_z", "z", "z_adjusted", "p_value", "q_value"}
#: Keys whose numbers are no figure of the area itself (the city's, a model band,
#: test statistics, dates).
CONTEXT_KEYS = {
    "city",
    "city_value",
    "similar",
    "expected",
    "lower",
    "upper",
    "p_value",
    "q_value",
    "z",
    "z_adjusted",
    "gi_z",
    "phi",
    "lo95",
    "hi95",
    "lo998",
    "hi998",
    "period",
    "period_from",
    "period_to",
    "month",
    "label",
    "rows",
    "first_row",
}
NUMBER = re.compile(r"^-?[\d.,]+$")
INTERVAL = re.compile(r"^(-?[\d.,]+) – (-?[\d.,]+)$")


def numbers_in(value: object) -> list[float]:
    """The numbers a cell holds: a JSON number, a number as text (NL or EN), or an interval."""
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, int | float):
        return [] if value != value else [float(value)]
    if not isinstance(value, str):
        return []
    text = value.strip().replace("▲", "").replace("▼", "").strip()
    found = INTERVAL.match(text)
    parts = found.groups() if found else ([text] if NUMBER.match(text) else [])
    out = []
    for part in parts:
        for candidate in _readings(part):
            out.append(candidate)
    return out


def _readings(text: str) -> list[float]:
    """Both readings of a number with separators (1.235 may be 1235 or 1.235)."""
    readings = set()
    for thousands, decimal in ((",", "."), (".", ",")):
        try:
            readings.add(float(text.replace(thousands, "").replace(decimal, ".")))
        except ValueError:
            pass
    return sorted(readings)


def _array(values: object) -> list:
    """A plotly array: a list, or a base64 typed array."""
    if isinstance(values, dict) and "bdata" in values:
        raw = base64.b64decode(values["bdata"])
        return np.frombuffer(raw, dtype=np.dtype(values["dtype"])).tolist()
    return list(values) if isinstance(values, list) else []


def _trace_records(trace: dict) -> list[list]:
    """One record per point of a plotly trace (its labels and numbers together); the
    error bars of a point without a value (drawn as nothing) are left out."""
    name = trace.get("name")
    columns = [_array(trace.get(k)) for k in ("locations", "x", "y", "text", "customdata")]
    ys = _array(trace.get("y"))
    bars = [
        _array(trace[k].get(side))
        for k in ("error_y", "error_x")
        if isinstance(trace.get(k), dict)
        for side in ("array", "arrayminus")
    ]
    size = max((len(c) for c in columns + bars), default=0)
    out = []
    for i in range(size):
        record = [name] if isinstance(name, str) else []
        for c in columns:
            if i < len(c):
                item = c[i]
                record += item if isinstance(item, list) else [item]
        drawn = i < len(ys) and ys[i] is not None and ys[i] == ys[i]
        if drawn:
            record += [c[i] for c in bars if i < len(c)]
        out.append(record)
    return out


def records(payload: object) -> list[object]:
    """Every record of a JSON payload: table rows (dicts), chart points, hover rows."""
    out: list[object] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("data"), list) and all(
                isinstance(r, dict) for r in node["data"]
            ):
                if any("type" in r or "locations" in r for r in node["data"]):
                    for trace in node["data"]:
                        out.extend(_trace_records(trace))
                else:
                    out.extend(node["data"])
            if node.get("type") in ("scatter", "bar", "choropleth", "choroplethmap"):
                out.extend(_trace_records(node))
            if node.get("operation") == "Assign" and isinstance(node.get("params"), dict):
                value = node["params"].get("value")
                if isinstance(value, list):
                    out.extend(v for v in value if isinstance(v, list))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(payload)
    return out


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def html_records(page: str) -> list[object]:
    """The rows of every table (as {column heading: text}, so a column of a period is
    known as such) and the items of every list of an HTML page."""
    rows: list[object] = []
    for table in re.findall(r"<table\b.*?</table>", page, flags=re.S):
        head = [_text(h) for h in re.findall(r"<th\b[^>]*>(.*?)</th>", table, flags=re.S)]
        for match in re.finditer(r"<tr\b([^>]*)>(.*?)</tr>", table, flags=re.S):
            cells = [_text(c) for c in re.findall(r"<td\b[^>]*>(.*?)</td>", match.group(2), re.S)]
            if not cells:
                continue
            row = {(head[i] if i < len(head) else f"column {i}"): c for i, c in enumerate(cells)}
            for j, marker in enumerate(re.findall(r'data-\w+="([^"]+)"', match.group(1))):
                row[f"marker {j}"] = marker
            rows.append(row)
    rows += [[_text(item)] for item in re.findall(r"<li\b[^>]*>(.*?)</li>", page, flags=re.S)]
    return rows


@dataclass
class Reference:
    """The cells of the database that a public response must not give away."""

    #: (indicator, area) -> {period: (count, count per unit of value or None)}
    small: dict[tuple[str, str], dict[str, tuple[float, float | None]]]
    #: area code -> (name, level); name -> codes
    areas: dict[str, tuple[str, str]]
    names: dict[str, set[str]]
    #: strings that name each indicator (id, labels); sensitive markers
    labels: dict[str, set[str]]
    sensitive_ids: set[str]
    sensitive_words: set[str]
    periods: set[str]
    checked: int = 0
    cells_matched: set = field(default_factory=set)

    def period_of(self, key: object) -> str | None:
        """The period a column heading names ('2024', 'vorige (2023)'), if any."""
        if not isinstance(key, str):
            return None
        found = [p for p in self.periods if re.search(rf"\b{re.escape(p)}\b", key)]
        return found[0] if len(found) == 1 else None

    def areas_in(self, record: list[object]) -> set[str]:
        found = set()
        for v in record:
            if isinstance(v, str):
                if v in self.areas:
                    found.add(v)
                found |= self.names.get(v, set())
        return found

    def indicators_in(self, record: list[object]) -> set[str]:
        texts = {v for v in record if isinstance(v, str)}
        return {ind for ind, names in self.labels.items() if names & texts}

    def is_sensitive(self, record: list[object], indicator: str | None) -> bool:
        """The record is of a sensitive category: it names one, or it names no indicator
        and the request was for one."""
        texts = [v.lower() for v in record if isinstance(v, str)]
        if any(w in t for t in texts for w in self.sensitive_words):
            return True
        named = self.indicators_in(record)
        return bool(named & self.sensitive_ids) if named else indicator in self.sensitive_ids

    def leaks(self, record: object, context: dict) -> list[str]:
        """What the record gives away, given the request's area, indicator and period
        (``context``; with ``counts`` true the record's numbers are counts, not rates; with
        ``statistics`` true test statistics, checked for sensitive categories only)."""
        self.checked += 1
        # (number, the period its column names or None)
        statistics = False
        if isinstance(record, dict):
            cells = list(record.values())
            statistics = any(numbers_in(record.get(k)) for k in STATISTIC_KEYS)
            figures = [
                (x, self.period_of(k))
                for k, v in record.items()
                if k not in CONTEXT_KEYS
                for x in numbers_in(v)
            ]
        else:
            cells = list(record)
            figures = [(x, None) for v in cells for x in numbers_in(v)]
        strings = {v for v in cells if isinstance(v, str)}
        figures = [f for f in figures if str(int(f[0])) not in self.periods or f[0] != int(f[0])]
        areas = self.areas_in(cells) or ({context["area"]} if context.get("area") else set())
        indicators = self.indicators_in(cells) or (
            {context["indicator"]} if context.get("indicator") else set()
        )
        periods = (strings & self.periods) or (
            {context["period"]} if context.get("period") else set(self.periods)
        )
        problems: list[str] = []
        for area in areas:
            for indicator in indicators:
                for period in self.small.get((indicator, area), {}):
                    if period in periods:
                        self.cells_matched.add((indicator, area, period))
        if context.get("statistics"):
            statistics, figures = bool(figures), []
        if not figures and not statistics:
            return problems
        for area in areas:
            name, level = self.areas[area]
            if level == "buurt" and self.is_sensitive(cells, context.get("indicator")):
                problems.append(f"sensitive category at buurt {area}: {record}")
            for indicator in indicators:
                for period, (n, per_unit) in self.small.get((indicator, area), {}).items():
                    if period not in periods:
                        continue
                    for x, column_period in figures:
                        if column_period not in (None, period):
                            continue
                        if x == n:
                            problems.append(f"count {n:g} of {indicator} {area} {period}: {record}")
                        elif per_unit and not context.get("counts") and 0.5 <= x * per_unit <= 4.5:
                            problems.append(
                                f"{x} × {per_unit:.4g} recovers a count of {indicator} {area} "
                                f"{period} (n = {n:g}): {record}"
                            )
        return problems


def reference(con) -> Reference:
    """The small cells, areas and indicator names of a built database."""
    rows = con.execute(
        """
        with pop as (
            select area_code, period, n / value as per_unit from indicator_values
            where indicator = 'incident_rate.total' and method = 'direct' and value > 0
        )
        select v.indicator, v.area_code, v.period, v.n,
            case when m.family = 'incident_rate' or v.indicator = 'unease_index.incidents'
                then case when v.value > 0 then v.n / v.value end
                else pop.per_unit end as per_unit
        from indicator_values v join indicator_meta m using (indicator)
        left join pop on pop.area_code = v.area_code and pop.period = v.period
        where v.method = 'direct' and v.n between 1 and 4
            and (m.source_kind = 'incidents' or v.indicator = 'unease_index.incidents')
        """
    ).fetchall()
    small: dict = {}
    for indicator, area, period, n, per_unit in rows:
        small.setdefault((indicator, area), {})[str(period)] = (float(n), per_unit)
    areas = {
        c: (n, lv) for c, n, lv in con.execute("select code, name, level from areas").fetchall()
    }
    names: dict[str, set[str]] = {}
    for code, (name, _) in areas.items():
        names.setdefault(name, set()).add(code)
    labels: dict[str, set[str]] = {}
    sensitive_ids, sensitive_words = set(), set()
    for ind, nl, en, sensitive in con.execute(
        "select indicator, name_nl, name_en, sensitive from indicator_meta"
    ).fetchall():
        family, part = ind.partition(".")[::2]
        labels[ind] = {ind, nl, en} | ({part} if family == "incident_rate" else set())
        if sensitive:
            sensitive_ids.add(ind)
            sensitive_words |= {nl.split(": ")[-1].lower(), en.split(": ")[-1].lower()}
            sensitive_words.add(part.replace("_", " "))
    periods = {
        str(p) for (p,) in con.execute("select distinct period from indicator_values").fetchall()
    }
    return Reference(small, areas, names, labels, sensitive_ids, sensitive_words, periods)
