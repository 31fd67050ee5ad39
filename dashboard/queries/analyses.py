"""Changes, alerts, the perception gap, funnels, initiatives and incident points."""

import numpy as np
import pandas as pd

from dashboard.queries.area_detail import category_sensitive
from dashboard.queries.catalog import has_table, indicator_meta, is_public, rules
from dashboard.queries.gate import incident_totals
from dashboard.store import Store
from etl.disclosure import (
    is_small,
    public_change_rows,
    public_counts,
    public_denominators,
    public_rate_rows,
    sensitive_hidden,
)


def significant_changes(
    store: Store, area_code: str | None = None, limit: int = 50, role: str = "public"
) -> pd.DataFrame:
    """The latest significant changes (FDR), for the public through the gate."""
    frame = _significant_changes(store, area_code, limit)
    if is_public(role):
        return public_change_rows(frame, indicator_meta(store), rules(store))
    return frame.drop(columns=["n_from", "n_to"], errors="ignore")


def _significant_changes(store: Store, area_code: str | None, limit: int) -> pd.DataFrame:
    if not has_table(store, "changes"):
        return pd.DataFrame()
    where = (
        "significant and blocked_by is null and period_to = "
        "(select max(period_to) from changes c2 where c2.indicator = c.indicator)"
    )
    params: list = []
    if area_code:
        where += " and c.area_code = ?"
        params.append(area_code)
    return store.frame(
        f"""
        select c.indicator, c.area_code, a.name, c.level, c.period_from, c.period_to,
            c.value_from, c.value_to, c.diff, c.p_value, c.q_value, c.family_size,
            f.n as n_from, t.n as n_to
        from changes c join areas a on a.code = c.area_code
        left join indicator_values f on f.indicator = c.indicator
            and f.area_code = c.area_code and f.period = c.period_from and f.method = 'direct'
        left join indicator_values t on t.indicator = c.indicator
            and t.area_code = c.area_code and t.period = c.period_to and t.method = 'direct'
        where {where}
        order by c.q_value, c.p_value
        limit ?
        """,
        [*params, limit],
    )


def alerts(store: Store, role: str = "public") -> pd.DataFrame:
    """Alerts of the latest month; for the public no sensitive category below wijk level
    and the observed count disclosed."""
    frame = _alerts(store)
    if not is_public(role) or frame.empty:
        return frame
    hidden = [
        sensitive_hidden(category_sensitive(store, c), lv)
        for c, lv in zip(frame["category"], frame["level"])
    ]
    frame = frame.loc[~np.array(hidden, dtype=bool)]
    return frame.assign(observed=public_counts(frame["observed"], rules(store).round_to))


def _alerts(store: Store) -> pd.DataFrame:
    if not has_table(store, "alerts"):
        return pd.DataFrame()
    return store.frame(
        """
        select al.area_code, a.name, al.level, al.category, al.month, al.observed,
            round(al.expected, 1) as expected, round(al.lower) as lower, round(al.upper) as upper,
            al.q_value, al.family_size
        from alerts al join areas a on a.code = al.area_code
        where al.alert order by al.q_value
        """
    )


def perception_gap(
    store: Store, level: str, period: str | None, role: str = "public"
) -> pd.DataFrame:
    """Perceived against registered per area; for the public no area whose count of
    incidents is small (its incident index would give the count back)."""
    frame = _perception_gap(store, level, period)
    if not is_public(role) or frame.empty:
        return frame
    counts = incident_totals(store, store.version)
    n = np.array([counts.get((c, p), np.nan) for c, p in zip(frame["area_code"], frame["period"])])
    return frame.loc[~is_small(n)].reset_index(drop=True)


def _perception_gap(store: Store, level: str, period: str | None) -> pd.DataFrame:
    if not has_table(store, "perception_gap"):
        return pd.DataFrame()
    return store.frame(
        """
        select g.area_code, a.name, g.period, g.perceived_index, g.incident_index, g.gap,
            g.ci_low, g.ci_high, g.quadrant
        from perception_gap g join areas a on a.code = g.area_code
        where g.level = ? and g.period = coalesce(?, (select max(period) from perception_gap))
        order by a.name
        """,
        [level, period],
    )


def funnel(
    store: Store, indicator: str, level: str, period: str, role: str = "public"
) -> pd.DataFrame:
    """Funnel-plot rows; for the public rates from disclosed counts at rounded populations,
    small counts left out and no sensitive category below wijk level."""
    frame = _funnel(store, indicator, level, period)
    if not is_public(role) or frame.empty:
        return frame
    entry = indicator_meta(store).get(indicator)
    if entry is None or sensitive_hidden(entry.sensitive, level):
        return frame.iloc[0:0]
    return public_rate_rows(frame, "rate", "population", rules(store))


def _funnel(store: Store, indicator: str, level: str, period: str) -> pd.DataFrame:
    if not has_table(store, "funnel"):
        return pd.DataFrame()
    return store.frame(
        """
        select f.*, a.name from funnel f join areas a on a.code = f.area_code
        where f.indicator = ? and f.level = ? and f.period = ?
        order by f.population
        """,
        [indicator, level, period],
    )


def initiative_points(store: Store) -> pd.DataFrame:
    """Initiatives with a location, in WGS84 for the map."""
    if not has_table(store, "initiatives"):
        return pd.DataFrame(columns=["initiative_id", "name", "type", "start_date", "lon", "lat"])
    return store.frame(
        """
        select initiative_id, name, type, start_date, end_date, area_code,
            st_x(p) as lon, st_y(p) as lat
        from (
            select *, st_transform(
                st_point(x_rd, y_rd), 'EPSG:28992', 'EPSG:4326', always_xy := true
            ) as p
            from initiatives where x_rd is not null
        )
        order by type, start_date
        """
    )


def initiative_coverage(store: Store, level: str, role: str = "public") -> pd.DataFrame:
    """Active initiatives per area of the level and form, with the area's inhabitants
    (rounded for the public)."""
    frame = store.frame(
        """
        select a.code, a.name, a.inhabitants, i.type, count(*) as n
        from initiatives i
        join area_ancestors anc on anc.code = i.area_code
        join areas a on a.code = anc.ancestor_code and a.level = ?
        where i.end_date is null or i.end_date >= current_date
        group by all
        """,
        [level],
    )
    if is_public(role) and len(frame):
        frame["inhabitants"] = public_denominators(frame["inhabitants"], rules(store))
    return frame


def incident_points(store: Store, category: str, period: str, limit: int = 5000) -> pd.DataFrame:
    """Point-level incidents of a category and year, in WGS84 (professional role only)."""
    return store.frame(
        """
        select incident_id, category, date, st_x(p) as lon, st_y(p) as lat
        from (
            select *, st_transform(
                st_point(x_rd, y_rd), 'EPSG:28992', 'EPSG:4326', always_xy := true
            ) as p
            from incidents
            where x_rd is not null and year = ? and (category = ? or ? = 'total')
        )
        order by date, incident_id
        limit ?
        """,
        [period, category, category, limit],
    )


def hotspots_withheld(store: Store, category: str, level: str, role: str = "public") -> bool:
    """Whether ``role`` may not see the hotspots of a category on ``level`` (the public: a
    sensitive category below wijk level)."""
    return is_public(role) and sensitive_hidden(category_sensitive(store, category), level)


def stable_hotspots(store: Store, category: str, level: str, role: str = "public") -> pd.DataFrame:
    """Areas of a level that are a stable hotspot (hot at buurt and at wijk level) of an
    incident category over all years: code, name.  For the public, no sensitive category
    below wijk level."""
    if not has_table(store, "hotspots") or hotspots_withheld(store, category, level, role):
        return pd.DataFrame(columns=["code", "name"])
    return store.frame(
        """
        select h.area_code as code, a.name from hotspots h join areas a on a.code = h.area_code
        where h.indicator = ? and h.level = ? and h.period = 'all' and h.stable
        order by h.area_code
        """,
        [f"incident_rate_eb.{category}", level],
    )
