"""What the profile of one area shows beside its values."""

import numpy as np
import pandas as pd

from dashboard.queries.catalog import has_table, indicator_meta, is_public, rules
from dashboard.queries.gate import exact_count_text
from dashboard.store import Store
from etl.disclosure import (
    DENOMINATOR_VARIABLES,
    disclosed_length,
    public_counts,
    public_denominators,
    sensitive_hidden,
)
from etl.registry import indicator as registry_indicator


def area_info(store: Store, code: str, role: str = "public") -> dict | None:
    """An area's code, name, level, parent, inhabitants (rounded for the public), vintage."""
    frame = store.frame(
        "select code, name, level, parent_code, inhabitants, vintage from areas where code = ?",
        [code],
    )
    if not len(frame):
        return None
    info = frame.iloc[0].to_dict()
    if is_public(role) and pd.notna(info["inhabitants"]):
        info["inhabitants"] = float(public_denominators([info["inhabitants"]], rules(store))[0])
    return info


def area_hotspots(store: Store, area_code: str, role: str = "public") -> pd.DataFrame:
    """Getis-Ord Gi* of an area per incident category, over all years ('all') and the latest.

    Columns category, period, gi_z, q_value, kind ('hot', 'cold' or None) and stable
    (hot at buurt and wijk level, the only hotspots to report).  For the public,
    sensitive categories below wijk level are left out (etl.disclosure).
    """
    if not has_table(store, "hotspots"):
        return pd.DataFrame()
    frame = store.frame(
        """
        select indicator, level, period, gi_z, q_value, kind, stable from hotspots
        where area_code = ? and gi_z is not null and (
            period = 'all' or period = (select max(period) from hotspots where period <> 'all')
        )
        order by stable desc, gi_z desc
        """,
        [area_code],
    )
    meta = indicator_meta(store)
    if is_public(role):
        hidden = [
            sensitive_hidden(meta[i].sensitive, lv) if i in meta else True
            for i, lv in zip(frame["indicator"], frame["level"])
        ]
        frame = frame[~np.asarray(hidden, dtype=bool)]
    # a plain list: .str.partition of an empty column has no column 2
    category = [indicator.partition(".")[2] for indicator in frame["indicator"]]
    return frame.assign(category=category).drop(columns=["indicator", "level"])


def index_parts_missing(store: Store, area_code: str) -> dict[str, list[str]]:
    """Per period, the parts of the unease index an area lacks (empty list: complete)."""
    if not has_table(store, "unease_index_parts"):
        return {}
    frame = store.frame(
        "select period, parts_missing from unease_index_parts where area_code = ?", [area_code]
    )
    return {
        str(p): [m for m in str(missing or "").split(",") if m]
        for p, missing in zip(frame["period"], frame["parts_missing"])
    }


def similar_areas(store: Store, area_code: str, k: int = 5) -> pd.DataFrame:
    """The k areas of the same level closest in context index (latest year)."""
    return store.frame(
        """
        with me as (
            select v.value, a.level, v.period from indicator_values v
            join areas a on a.code = v.area_code
            where v.indicator = 'context_index.composite' and v.area_code = ?
                and v.method = 'direct'
            order by v.period desc limit 1
        )
        select a.code, a.name, v.value as context_index
        from indicator_values v join areas a on a.code = v.area_code, me
        where v.indicator = 'context_index.composite' and v.period = me.period
            and v.method = 'direct' and a.level = me.level and a.code <> ? and v.value is not null
        order by abs(v.value - me.value), a.code
        limit ?
        """,
        [area_code, area_code, k],
    )


def category_counts(store: Store, area_code: str, role: str = "public") -> pd.DataFrame:
    """Incidents per category in the latest year, largest first, with the text shown
    (n_public).  For the public: no sensitive category below wijk level, counts
    disclosed, and ``n`` (the bar length) follows the disclosed count (1-4 drawn alike)."""
    frame = store.frame(
        """
        select c.category, c.n, a.level from incident_counts c
        join areas a on a.code = c.area_code
        where c.area_code = ? and c.category <> 'total'
            and c.period = (select max(period) from incident_counts)
        order by c.n desc, c.category
        """,
        [area_code],
    )
    if not is_public(role):
        return frame.assign(n_public=[exact_count_text(n) for n in frame["n"]]).drop(
            columns="level"
        )
    shown, _ = _public_categories(store, frame)
    return shown.drop(columns="level")


def period_category_counts(
    store: Store, area_code: str, period: str, role: str = "public"
) -> tuple[pd.DataFrame, int]:
    """Incidents per category of an area in ``period`` and the period before (columns
    category, n, n_prev and their texts n_public, n_prev_public), all incidents first,
    then largest first; and how many categories the public may not see here.  For the
    public through the same rules as :func:`category_counts`."""
    frame = store.frame(
        """
        with prev as (
            select max(period) as p from incident_counts where period < ?
        )
        select cur.category, cur.n, old.n as n_prev, a.level
        from incident_counts cur
        join areas a on a.code = cur.area_code
        left join incident_counts old on old.area_code = cur.area_code
            and old.category = cur.category and old.period = (select p from prev)
        where cur.area_code = ? and cur.period = ?
        order by cur.category = 'total' desc, cur.n desc, cur.category
        """,
        [period, area_code, period],
    )
    if not is_public(role):
        texts = {
            f"{c}_public": [exact_count_text(float(n)) if pd.notna(n) else "–" for n in frame[c]]
            for c in ("n", "n_prev")
        }
        return frame.assign(**texts).drop(columns="level"), 0
    shown, withheld = _public_categories(store, frame)
    round_to = rules(store).round_to
    shown = shown.assign(n_prev_public=public_counts(shown["n_prev"], round_to))
    total_first = shown["category"] != "total"
    order = np.lexsort((shown["category"], -shown["n"].to_numpy(), total_first.to_numpy()))
    return shown.iloc[order].drop(columns="level").reset_index(drop=True), withheld


def _public_categories(store: Store, frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Rows of categories (with their area's level) as the public sees them: no sensitive
    category below wijk level, the text shown in n_public, ``n`` the disclosed count as
    drawn, ordered by it and then by category, never by the exact counts; and how many
    categories were left out."""
    hidden = np.array(
        [
            sensitive_hidden(category_sensitive(store, c), lv)
            for c, lv in zip(frame["category"], frame["level"])
        ],
        dtype=bool,
    )
    kept = frame.loc[~hidden]
    round_to = rules(store).round_to
    shown = (
        kept.assign(
            n_public=public_counts(kept["n"], round_to),
            n=[disclosed_length(n, round_to) for n in kept["n"]],
        )
        .sort_values(["n", "category"], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )
    return shown, int(hidden.sum())


def category_sensitive(store: Store, category: str) -> bool:
    """Whether an incident category is sensitive (its indicator's entry, else the registry)."""
    entry = indicator_meta(store).get(f"incident_rate.{category}")
    if entry is None:
        try:
            entry = registry_indicator(f"incident_rate.{category}")
        except KeyError:
            return False
    return entry.sensitive


def context_values(store: Store, area_code: str, role: str = "public") -> pd.DataFrame:
    """Context figures of an area (denominators rounded for the public)."""
    frame = _context_values(store, area_code)
    if is_public(role) and len(frame):
        counts = frame["variable"].isin(DENOMINATOR_VARIABLES).to_numpy()
        shown = public_denominators(frame["value"], rules(store))
        frame["value"] = np.where(counts, shown, frame["value"].to_numpy(dtype=float))
    return frame


def _context_values(store: Store, area_code: str) -> pd.DataFrame:
    return store.frame(
        """
        select c.variable, c.period, c.value, city.value as city_value
        from context c
        left join (
            select variable, period, avg(value) as value from context c2
            join areas a on a.code = c2.area_code and a.level = 'buurt'
            group by all
        ) city using (variable, period)
        where c.area_code = ? and c.period = (select max(period) from context)
        order by c.variable
        """,
        [area_code],
    )


def initiatives_near(store: Store, area_code: str) -> pd.DataFrame:
    """Initiatives in the area or a neighbouring area of the same level (sharing a border)."""
    if not has_table(store, "initiatives"):
        return pd.DataFrame(columns=["name", "type", "start_date", "end_date", "where"])
    return store.frame(
        """
        with me as (select code, level, geom from areas where code = ?),
        around as (
            select a.code, case when a.code = me.code then 'in' else 'near' end as place
            from areas a, me
            where a.level = me.level and st_intersects(a.geom, me.geom)
        )
        select i.name, i.type, i.start_date, i.end_date, around.place as "where"
        from initiatives i
        join area_ancestors anc on anc.code = i.area_code
        join around on around.code = anc.ancestor_code
        order by around.place, i.start_date
        """,
        [area_code],
    )
