"""Citizen participation initiatives (methods §7): coverage, comparisons, reach, resilience.

One analysis step, :func:`write_initiatives`, writes

- indicator_values rows ``initiative_coverage.<type>`` and ``initiative_coverage.all``
  (active initiatives per 1,000 inhabitants; n = number active) and
  ``initiative_count.all`` (value = n), per area of every level and year.  An
  initiative is active in a year when it started on or before 31 December and had
  not ended before 1 January.  No value (flag 'no-denominator') when the area has
  fewer than ``min_inhabitants`` inhabitants.  A register count, so no interval.
- ``initiative_effects`` and ``initiative_displacement``: the before/after
  comparisons of :mod:`etl.stats.initiative_effects`.
- ``initiative_reach``: per area and survey wave the active initiatives, their
  known members and key persons, and the weighted share and profile (age group,
  sex) of respondents who take part next to the profile of all respondents
  (JSON).  Share and profiles withheld below ``min_survey_n`` respondents, the
  participants' profile also below 10 participants.
- indicator_values rows ``collective_resilience.index``: a 0-10 scale from the
  four cohesion items and willingness to act, per area and survey wave, with
  the rules of the survey scales (methods §2).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import shapely
from threadpoolctl import threadpool_limits

from etl.settings import Settings
from etl.sqlfiles import sql_root
from etl.stats import initiative_methods as m
from etl.stats.initiative_displacement import DISPLACEMENT_COLUMNS
from etl.stats.initiative_effects import EFFECT_COLUMNS, comparisons
from etl.stats.skips import record_skip, record_skips

TYPES = (
    "surveillance",
    "investigation",
    "public_space",
    "mediation",
    "contact",
    "information",
    "policy",
)
MIN_PROFILE_N = 10
FAMILIES = ("initiative_coverage", "initiative_count", "collective_resilience")
IV_COLUMNS = ["indicator", "area_code", "level", "period", "value"]
IV_COLUMNS += ["ci_low", "ci_high", "se", "n", "flag", "source"]

REACH_COLUMNS = {
    "area_code": "text",
    "level": "text",
    "period": "text",
    "initiatives": "integer",
    "members": "double",
    "members_unknown": "integer",
    "members_per_1000": "double",
    "key_persons": "double",
    "participants_share": "double",
    "n_respondents": "integer",
    "n_participants": "integer",
    "flag": "text",
    "participants_profile": "text",
    "population_profile": "text",
}

#: Name of this step in ``analysis_skips``.
STEP = "initiatives"
_TABLES = {
    "initiative_effects": EFFECT_COLUMNS,
    "initiative_displacement": DISPLACEMENT_COLUMNS,
    "initiative_reach": REACH_COLUMNS,
}


@dataclass
class Inputs:
    """The tables the step reads, shaped for the computations."""

    initiatives: pd.DataFrame
    areas: pd.DataFrame  # code, level, is_water (all levels)
    ancestors: pd.DataFrame  # code, ancestor_code, ancestor_level
    population: pd.DataFrame  # area_code, period, inhabitants, denominator
    monthly: dict[str, pd.DataFrame]  # category -> buurt x month number counts
    survey: pd.DataFrame
    context: pd.DataFrame  # buurt x period (int)
    rings: dict[str, list[str]]
    ring_method: str
    breaks: tuple[str, ...] = ()  # declared series breaks ('YYYY' or 'YYYY-MM')


def write_initiatives(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Write coverage, effects, displacement, reach and collective resilience (see module)."""
    k = settings.initiative_controls
    buffer_m = getattr(settings, "initiative_ring_buffer_m", None)
    buffer_m = float(buffer_m) if buffer_m not in (None, "", 0, 0.0) else None
    names = "', '".join(FAMILIES)
    con.execute(f"delete from indicator_values where split_part(indicator, '.', 1) in ('{names}')")
    data = load_inputs(con, settings, buffer_m)
    _insert_values(con, resilience_rows(data, settings))
    registered = con.execute(
        "select (select count(*) from sources where kind = 'initiatives') "
        "+ (select count(*) from initiatives)"
    ).fetchone()[0]
    if not registered:
        # no register loaded: no counts of 0 and no comparisons, only the reason
        record_skip(con, STEP, "no initiatives source: no initiative counts, coverage or effects")
        for name, columns in _TABLES.items():
            _write_table(con, name, columns, pd.DataFrame())
        return
    _insert_values(con, coverage_rows(data, settings))
    # hundreds of small GLM fits: one BLAS thread each is faster than many competing
    with threadpool_limits(limits=1):
        effects, displacement = comparisons(data, settings, k)
    _write_table(con, "initiative_effects", EFFECT_COLUMNS, effects)
    _record_unestimated(con, effects)
    _write_table(con, "initiative_displacement", DISPLACEMENT_COLUMNS, displacement)
    _write_table(con, "initiative_reach", REACH_COLUMNS, reach_rows(data, settings))


def _record_unestimated(con: duckdb.DuckDBPyConnection, effects: pd.DataFrame) -> None:
    """One skip per initiative of which no outcome could be compared; the rows of
    initiative_effects say why per outcome (controls, windows, respondents)."""
    if effects.empty:
        return
    estimated = effects.groupby(["initiative_id", "area_code", "start_date"])["estimate"].count()
    record_skips(
        con,
        (
            {
                "step": STEP,
                "area_code": area_code,
                "period": str(pd.Timestamp(start).date()),
                "reason": f"initiative {initiative_id}: no outcome could be compared "
                "(no control buurt, too few months or waves around the start, or too few "
                "respondents); initiative_effects says why per outcome",
            }
            for (initiative_id, area_code, start), n in estimated.items()
            if n == 0
        ),
    )


def load_inputs(
    con: duckdb.DuckDBPyConnection, settings: Settings, buffer_m: float | None = None
) -> Inputs:
    """Read the initiatives, areas, population, monthly incidents, survey and context."""
    column = {"addresses": "addresses", "dwellings": "dwellings"}.get(
        settings.rate_denominator, "inhabitants"
    )
    initiatives = con.execute(
        "select initiative_id, type, start_date, end_date, area_code, members, key_persons "
        "from initiatives where area_code is not null and start_date is not null "
        "order by initiative_id"
    ).df()
    areas = con.execute("select code, level, is_water from areas order by code").df()
    ancestors = con.execute(
        "select code, ancestor_code, ancestor_level from area_ancestors order by all"
    ).df()
    population = con.execute(
        f"select area_code, period, inhabitants, {column} as denominator from area_population "
        "where regexp_full_match(period, '\\d{4}')"
    ).df()
    population["period"] = population["period"].astype(int)
    counts = con.execute(
        (sql_root() / "analysis" / "initiative_monthly_counts.sql").read_text(encoding="utf-8")
    ).df()
    buurten = areas.loc[areas["level"] == "buurt", "code"].tolist()
    survey = con.execute(
        "select period, area_code, weight, age_group, sex, unsafe_own_buurt, "
        f"participates_initiative, {', '.join(m.RESILIENCE_ITEMS)} from survey_responses "
        "where area_code is not null and weight is not null "
        "and regexp_full_match(period, '\\d{4}')"
    ).df()
    survey["period"] = survey["period"].astype(int)
    context = con.execute(
        "select area_code, period, value from indicator_values "
        "where indicator = 'context_index.composite' and level = 'buurt' "
        "and regexp_full_match(period, '\\d{4}')"
    ).df()
    context["period"] = context["period"].astype(int)
    geoms = con.execute(
        "select code, st_aswkb(geom) as wkb from areas where level = 'buurt' "
        "and geom is not null order by code"
    ).fetchall()
    codes = [r[0] for r in geoms]
    ring = m.rings(codes, shapely.from_wkb([bytes(r[1]) for r in geoms]), buffer_m) if codes else {}
    water = set(areas.loc[areas["is_water"].fillna(False).astype(bool), "code"])
    ring = {c: [n for n in r if n not in water] for c, r in ring.items()}
    return Inputs(
        initiatives=initiatives,
        areas=areas,
        ancestors=ancestors,
        population=population,
        monthly=monthly_counts(counts, buurten),
        survey=survey,
        context=context.pivot_table(index="area_code", columns="period", values="value"),
        rings=ring,
        ring_method="contiguity (queen)" if buffer_m is None else f"buffer {buffer_m:g} m",
        breaks=tuple(r[0] for r in con.execute("select period from series_breaks").fetchall()),
    )


def monthly_counts(counts: pd.DataFrame, buurten: list[str]) -> dict[str, pd.DataFrame]:
    """Counts per category (and 'total') as buurt x month-number frames, zeros filled.

    ``counts``: incidents per buurt (``area_code``), ``category`` and month number
    (``m``), column ``n`` (``sql/analysis/initiative_monthly_counts.sql``).
    """
    if counts.empty:
        return {}
    months = range(int(counts["m"].min()), int(counts["m"].max()) + 1)
    out = {}
    for cat, part in [("total", counts), *counts.groupby("category")]:
        table = part.groupby(["area_code", "m"])["n"].sum().unstack(fill_value=0)
        out[str(cat)] = table.reindex(index=buurten, columns=months, fill_value=0)
    return out


def coverage_rows(data: Inputs, settings: Settings) -> pd.DataFrame:
    """indicator_values rows of initiative coverage and counts (see module docstring)."""
    ini = data.initiatives
    years = sorted(set(data.population["period"]))
    if not years and not ini.empty:
        years = list(range(ini["start_date"].min().year, pd.Timestamp.today().year + 1))
    up = ini.merge(data.ancestors, left_on="area_code", right_on="code", suffixes=("", "_b"))
    frames = []
    for year in years:
        active = up[m.active_in_year(up["start_date"], up["end_date"], year)]
        for kind in (*TYPES, "all"):
            sel = active if kind == "all" else active[active["type"] == kind]
            n = sel.groupby("ancestor_code").size()
            frames.append(
                pd.DataFrame(
                    {
                        "indicator": f"initiative_coverage.{kind}",
                        "area_code": data.areas["code"],
                        "level": data.areas["level"],
                        "period": str(year),
                        "n": data.areas["code"].map(n).fillna(0).to_numpy(),
                    }
                )
            )
    if not frames:
        return pd.DataFrame(columns=IV_COLUMNS)
    rows = pd.concat(frames, ignore_index=True)
    pop = data.population.assign(period=data.population["period"].astype(str))
    rows = rows.merge(pop[["area_code", "period", "inhabitants"]], how="left")
    rows["value"] = m.per_thousand(rows["n"], rows["inhabitants"], settings.min_inhabitants)
    rows["flag"] = np.where(rows["value"].notna(), "ok", "no-denominator")
    counts = rows[rows["indicator"] == "initiative_coverage.all"].assign(
        indicator="initiative_count.all", flag="ok"
    )
    counts["value"] = counts["n"]
    return pd.concat([rows, counts], ignore_index=True).assign(source="initiatives")


def resilience_rows(data: Inputs, settings: Settings) -> pd.DataFrame:
    """indicator_values rows 'collective_resilience.index' per area and survey wave."""
    s = data.survey.assign(score=m.resilience_scores(data.survey[list(m.RESILIENCE_ITEMS)]))
    s = s.dropna(subset=["score"]).merge(data.ancestors, left_on="area_code", right_on="code")
    keys = ["ancestor_code", "ancestor_level", "period"]
    group = s.groupby(keys).ngroup().to_numpy()
    order = np.argsort(np.where(group >= 0, group, len(s)), kind="stable")
    order = order[group[order] >= 0]  # each group's respondents together, in their order
    if not len(order):
        return pd.DataFrame(columns=IV_COLUMNS)
    x, w = s["score"].to_numpy(dtype=float)[order], s["weight"].to_numpy(dtype=float)[order]
    bounds = np.r_[0, np.flatnonzero(np.diff(group[order])) + 1, len(order)]
    sums = [m.weighted_mean_se(x[a:b], w[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]
    n_eff = np.array([g[2] for g in sums])
    halves = m.t_quantile(settings.confidence, n_eff) * np.array([g[1] for g in sums])
    rows = []
    for (code, level, period), (mean, se, _, n), half in zip(
        s[keys].to_numpy()[order[bounds[:-1]]].tolist(), sums, halves.tolist(), strict=True
    ):
        flag = m.survey_flag(
            n,
            half,
            settings.min_survey_n,
            settings.indicative_survey_n,
            10 * settings.indicative_halfwidth,
        )
        shown = flag != "suppressed"
        rows.append(
            {
                "indicator": "collective_resilience.index",
                "area_code": code,
                "level": level,
                "period": str(period),
                "value": mean if shown else np.nan,
                "ci_low": max(mean - half, 0.0) if shown else np.nan,
                "ci_high": min(mean + half, 10.0) if shown else np.nan,
                "se": se if shown else np.nan,
                "n": n,
                "flag": flag,
                "source": "survey",
            }
        )
    return pd.DataFrame(rows, columns=IV_COLUMNS)


def _profiles(frame: pd.DataFrame, keys: list[str], columns: list[str]) -> dict:
    """JSON profile (weighted shares of each column's categories) per group of ``keys``."""
    out: dict = {}
    total = frame.groupby(keys)["weight"].sum()
    for col in columns:
        shares = frame.groupby([*keys, col])["weight"].sum() / total
        for idx, share in shares.items():
            out.setdefault(idx[:-1], {}).setdefault(col, {})[str(idx[-1])] = round(float(share), 3)
    return {key: json.dumps(value, sort_keys=True) for key, value in out.items()}


def reach_rows(data: Inputs, settings: Settings) -> pd.DataFrame:
    """Rows of initiative_reach per area and survey wave (see module docstring)."""
    keys = ["ancestor_code", "period"]
    waves = sorted(set(data.survey["period"]))
    if not waves:
        return pd.DataFrame(columns=list(REACH_COLUMNS))
    ini = data.initiatives.merge(data.ancestors, left_on="area_code", right_on="code")
    frames = []
    for year in waves:
        active = ini[m.active_in_year(ini["start_date"], ini["end_date"], year)]
        frames.append(
            active.assign(period=year, unknown=active["members"].isna())
            .groupby(keys)
            .agg(
                initiatives=("initiative_id", "size"),
                members=("members", lambda x: x.sum(min_count=1)),
                members_unknown=("unknown", "sum"),
                key_persons=("key_persons", lambda x: x.sum(min_count=1)),
            )
        )
    resp = data.survey.dropna(subset=["participates_initiative"])
    resp = resp.merge(data.ancestors, left_on="area_code", right_on="code")
    sums = m.survey_sums(resp.assign(area_code=resp["ancestor_code"]), "participates_initiative")
    sums.index.names = keys
    takers = resp[resp["participates_initiative"] == 1]
    grid = pd.MultiIndex.from_product([data.areas["code"], waves], names=keys)
    counted = ["initiatives", "members", "members_unknown", "key_persons"]
    out = pd.concat(frames).reindex(index=grid, columns=counted)
    out = out.join(sums).reset_index()
    out = out.merge(data.areas.rename(columns={"code": "ancestor_code"}), how="left")
    out["initiatives"] = out["initiatives"].fillna(0)
    out["members_unknown"] = out["members_unknown"].fillna(0)
    pop = data.population.rename(columns={"area_code": "ancestor_code"})
    out = out.merge(pop[["ancestor_code", "period", "inhabitants"]], how="left")
    out["members_per_1000"] = m.per_thousand(
        out["members"], out["inhabitants"], settings.min_inhabitants
    )
    share, _ = m.share_from_sums(out["sw"], out["swy"], out["sw2"])
    out["n_respondents"] = out["n"].fillna(0).astype(int)
    out["n_participants"] = out.set_index(keys).index.map(takers.groupby(keys).size())
    out["n_participants"] = out["n_participants"].fillna(0).astype(int)
    out["flag"] = [
        m.survey_flag(n, 0.0, settings.min_survey_n, settings.indicative_survey_n, np.inf)
        for n in out["n_respondents"]
    ]
    shown = out["flag"] != "suppressed"
    out["participants_share"] = np.where(shown, share, np.nan)
    profile_cols = ["age_group", "sex"]
    takers_profile = _profiles(takers, keys, profile_cols)
    all_profile = _profiles(resp, keys, profile_cols)
    idx = list(zip(out["ancestor_code"], out["period"], strict=True))
    out["participants_profile"] = [
        takers_profile.get(i) if ok and n >= MIN_PROFILE_N else None
        for i, ok, n in zip(idx, shown, out["n_participants"], strict=True)
    ]
    out["population_profile"] = [all_profile.get(i) if ok else None for i, ok in zip(idx, shown)]
    out = out.rename(columns={"ancestor_code": "area_code"})
    out["period"] = out["period"].astype(str)
    return out.reindex(columns=list(REACH_COLUMNS))


def _write_table(
    con: duckdb.DuckDBPyConnection, name: str, columns: dict[str, str], rows: pd.DataFrame
) -> None:
    spec = ", ".join(f"{c} {t}" for c, t in columns.items())
    con.execute(f"create or replace table {name} ({spec})")
    if rows.empty:
        return
    con.register("new_rows", rows.reindex(columns=list(columns)))
    con.execute(f"insert into {name} by name select * from new_rows")
    con.unregister("new_rows")


def _insert_values(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> None:
    if rows.empty:
        return
    con.register("iv_rows", rows.reindex(columns=IV_COLUMNS))
    con.execute("insert into indicator_values by name select * from iv_rows")
    con.unregister("iv_rows")
