"""Police-registered incidents for Demostad, one row per incident.

Expected monthly counts per buurt and category combine a residential part
(inhabitants × a category rate that rises with deprivation) with an attractor
part for places people visit (centre, station, shopping areas, business park).
Seasonality and the planted patterns multiply
these expectations; counts are Poisson with mild gamma overdispersion.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Polygon

from etl.demo.areas import Profile
from etl.demo.plants import Plan
from etl.demo.shapes import Geography

CATEGORIES = (
    "woninginbraak",
    "fietsdiefstal",
    "autokraak",
    "zakkenrollerij",
    "geweld",
    "vernieling",
    "overlast",
)
FIRST_YEAR, N_MONTHS = 2021, 48
#: Sensitive categories (published at wijk level or above only) and their incidents per
#: 1,000 inhabitants per year: low, so most buurten have a count of 1 to 4 in a year.
SENSITIVE_RATES = {"zeden": 0.8, "huiselijk_geweld": 2.5}

#: Residential incidents per 1,000 inhabitants per year at average deprivation.
RESIDENTIAL_RATE = np.array([5.0, 9.5, 6.5, 1.5, 6.5, 9.0, 12.0])
#: Log-rate increase per unit of deprivation.
DEPRIVATION_EFFECT = np.array([0.15, 0.2, 0.3, 0.2, 0.45, 0.4, 0.45])
#: Incidents per year attracted by the centre, shared over its buurten.
CENTRE_BUDGET = np.array([12.0, 1_450.0, 280.0, 800.0, 720.0, 400.0, 880.0])
#: Incidents per year attracted by other special places.
STATION = np.array([0.0, 450.0, 60.0, 120.0, 60.0, 80.0, 150.0])
BUSINESS = np.array([0.0, 15.0, 90.0, 0.0, 10.0, 60.0, 20.0])
SPORTS = np.array([0.0, 20.0, 30.0, 0.0, 10.0, 40.0, 25.0])
SHOPPING_MIX = np.array([0.0, 0.35, 0.15, 0.2, 0.05, 0.1, 0.15])
#: Seasonal amplitude and peak month per category.
SEASON = {
    "woninginbraak": (0.45, 12.5),
    "fietsdiefstal": (0.35, 10.0),
    "autokraak": (0.15, 11.0),
    "zakkenrollerij": (0.2, 12.0),
    "geweld": (0.1, 7.0),
    "vernieling": (0.15, 1.0),
    "overlast": (0.35, 7.0),
}


def month_label(k: int) -> str:
    """Return ``YYYY-MM`` for month index ``k`` (0 = 2021-01)."""
    return f"{FIRST_YEAR + k // 12}-{k % 12 + 1:02d}"


def month_index(year: int, month: int) -> int:
    """Return the month index of ``year``-``month`` (0 = 2021-01)."""
    return (year - FIRST_YEAR) * 12 + month - 1


def annual_expectation(geo: Geography, prof: Profile, plan: Plan) -> np.ndarray:
    """Expected incidents per year, shape (buurten, categories), before time effects.

    Parameters
    ----------
    geo : Geography
        The boundaries.
    prof : Profile
        Inhabitants and deprivation.
    plan : Plan
        Planted patterns.

    Returns
    -------
    numpy.ndarray
    """
    role = np.array(geo.role)
    pop = prof.population.astype(float)
    base = pop[:, None] / 1_000.0 * RESIDENTIAL_RATE[None, :]
    base *= np.exp(DEPRIVATION_EFFECT[None, :] * prof.deprivation[:, None])
    base[plan.high_fear_low_crime] *= 0.45
    wib = CATEGORIES.index("woninginbraak")
    base[[plan.effect, plan.null_effect], wib] *= 3.0
    for w in plan.waves:
        base[w.buurt, wib] *= 1.5

    centre = np.isin(role, ["core", "centre"])
    share = np.where(centre, np.exp(-prof.distance / 450.0), 0.0)
    base += share[:, None] / share.sum() * CENTRE_BUDGET[None, :]
    base[role == "station"] += STATION
    base[role == "business"] += BUSINESS
    base[role == "sports"] += SPORTS

    rate = base.sum(axis=1) / np.maximum(pop, 1.0) * 1_000.0
    populated = (pop >= 200) & (role != "water")
    median = float(np.median(rate[populated]))
    for b in plan.low_fear_high_crime:
        extra = max(0.0, 3.0 * median * pop[b] / 1_000.0 - base[b].sum())
        base[b] += extra * SHOPPING_MIX

    # Hotspot: geweld per 1,000 three times the city mean.
    gw = CATEGORIES.index("geweld")
    hot = np.zeros(geo.n, dtype=bool)
    hot[plan.hotspot] = True
    g_other, p_total, p_hot = base[~hot, gw].sum(), pop.sum(), pop[hot].sum()
    g_hot = 3.0 * p_hot * g_other / (p_total - 3.0 * p_hot)
    base[hot, gw] = g_hot * pop[hot] / p_hot
    base[role == "water"] = 0.0
    return base


def monthly_expectation(geo: Geography, prof: Profile, plan: Plan) -> np.ndarray:
    """Expected incidents per month, shape (buurten, categories, 48 months)."""
    year = annual_expectation(geo, prof, plan)
    months = np.arange(N_MONTHS)
    moy = months % 12 + 1
    season = np.stack(
        [1.0 + a * np.cos(2.0 * np.pi * (moy - peak) / 12.0) for a, peak in SEASON.values()]
    )
    lam = year[:, :, None] / 12.0 * season[None, :, :]

    wijk = np.array(geo.wijkcode)
    fiets = CATEGORIES.index("fietsdiefstal")
    start = month_index(2023, 1)
    growth = np.where(months >= start, 1.4 ** ((months - start + 1) / 12.0), 1.0)
    lam[wijk == plan.rising_wijk, fiets, :] *= growth[None, :]
    lam[wijk == plan.alert_wijk, CATEGORIES.index(plan.alert_category), N_MONTHS - 1] *= 3.5

    wib = CATEGORIES.index("woninginbraak")
    for w in plan.waves:
        for y, m in w.months:
            lam[w.buurt, wib, month_index(y, m)] *= 3.0
    after = months > month_index(plan.effect_start.year, plan.effect_start.month)
    lam[plan.effect, wib, after] *= 0.5
    for r in plan.ring:
        lam[r, wib, after] *= 1.3
    return lam


def _seasonal_mk_z(series: np.ndarray) -> float:
    """Seasonal Mann-Kendall z statistic of a monthly series (whole years)."""
    v = series.reshape(-1, 12)
    n = v.shape[0]
    s = sum(np.sign(v[j] - v[i]).sum() for i in range(n) for j in range(i + 1, n))
    var = 12 * n * (n - 1) * (2 * n + 5) / 18.0
    return float((s - np.sign(s)) / np.sqrt(var))


def _condition_on_plants(
    rng: np.random.Generator, counts: np.ndarray, lam: np.ndarray, geo: Geography, plan: Plan
) -> None:
    """Redraw the planted cells until each planted pattern shows in the counts.

    A Poisson draw can, for an unlucky seed, hide a planted pattern. The cells
    that carry a pattern are therefore redrawn (from the same expectations)
    until the pattern is visible; ``counts`` is changed in place.
    """
    wijk = np.array(geo.wijkcode)
    wib, fiets = CATEGORIES.index("woninginbraak"), CATEGORIES.index("fietsdiefstal")
    last = N_MONTHS - 1

    def redraw(cells: tuple, ok: Callable[[], bool]) -> None:
        for _ in range(200):
            if ok():
                return
            counts[cells] = rng.poisson(lam[cells])

    def after_before(buurten: list[int], start: dt.date) -> float:
        series = counts[buurten, wib, :].sum(axis=0)
        split = month_index(start.year, start.month)
        return float(series[split + 1 :].mean() / max(series[:split].mean(), 1e-9))

    def after_cells(buurten: list[int], start: dt.date) -> tuple:
        return np.ix_(buurten, [wib], np.arange(month_index(start.year, start.month) + 1, N_MONTHS))

    in_alert = np.flatnonzero(wijk == plan.alert_wijk)
    cat = CATEGORIES.index(plan.alert_category)
    usual = counts[in_alert, cat, 11:last:12].sum(axis=0).mean()
    redraw(
        np.ix_(in_alert, [cat], [last]), lambda: counts[in_alert, cat, last].sum() >= 2.8 * usual
    )

    in_trend = np.flatnonzero(wijk == plan.rising_wijk)
    later = np.arange(month_index(2023, 1), N_MONTHS)
    redraw(
        np.ix_(in_trend, [fiets], later),
        lambda: _seasonal_mk_z(counts[in_trend, fiets, :].sum(axis=0)) >= 2.5,
    )

    for w in plan.waves:
        months = [month_index(y, m) for y, m in w.months]
        rest = np.setdiff1d(np.arange(N_MONTHS), months)
        redraw(
            np.ix_([w.buurt], [wib], months),
            lambda b=w.buurt, mo=months, r=rest: (
                counts[b, wib, mo].mean() >= 2.0 * counts[b, wib, r].mean()
            ),
        )

    redraw(
        after_cells([plan.effect], plan.effect_start),
        lambda: after_before([plan.effect], plan.effect_start) <= 0.65,
    )
    redraw(
        after_cells(plan.ring, plan.effect_start),
        lambda: after_before(plan.ring, plan.effect_start) >= 1.15,
    )
    redraw(
        after_cells([plan.null_effect], plan.null_start),
        lambda: abs(after_before([plan.null_effect], plan.null_start) - 1.0) <= 0.15,
    )


def sample_points(rng: np.random.Generator, poly: Polygon, n: int, decimals: int = 1) -> np.ndarray:
    """Sample ``n`` points uniformly in ``poly``, rounded, and still inside after rounding.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    poly : shapely.Polygon
        Area to sample in.
    n : int
        Number of points.
    decimals : int, default 1
        Decimals of the rounded coordinates.

    Returns
    -------
    numpy.ndarray
        Array of shape (n, 2).
    """
    minx, miny, maxx, maxy = poly.bounds
    out = np.empty((0, 2))
    ratio = max(poly.area / ((maxx - minx) * (maxy - miny)), 0.05)
    while len(out) < n:
        k = int((n - len(out)) / ratio * 1.2) + 16
        pts = np.round(rng.uniform([minx, miny], [maxx, maxy], size=(k, 2)), decimals)
        pts = pts[shapely.contains_xy(poly, pts[:, 0], pts[:, 1])]
        out = np.vstack([out, pts])
    return out[:n]


def sensitive_table(rng: np.random.Generator, geo: Geography, prof: Profile) -> pd.DataFrame:
    """Incidents of the sensitive categories: Poisson per buurt and year from
    :data:`SENSITIVE_RATES`, at a uniform day of the year and place in the buurt."""
    pop = np.where(np.array(geo.role) == "water", 0.0, prof.population.astype(float))
    years = N_MONTHS // 12
    rows = []
    for category, rate in SENSITIVE_RATES.items():
        counts = rng.poisson(pop[:, None] / 1_000.0 * rate, size=(geo.n, years))
        for b, y in zip(*np.nonzero(counts), strict=True):
            k = int(counts[b, y])
            xy = sample_points(rng, geo.polygons[b], k)
            day = pd.Timestamp(FIRST_YEAR + int(y), 1, 1) + pd.to_timedelta(
                rng.integers(0, 365, k), unit="D"
            )
            rows.append(
                pd.DataFrame(
                    {
                        "soort": category,
                        "begindatum": day.strftime("%Y-%m-%d"),
                        "einddatum": day.strftime("%Y-%m-%d"),
                        "x_rd": xy[:, 0],
                        "y_rd": xy[:, 1],
                    }
                )
            )
    return pd.concat(rows, ignore_index=True)


def incident_table(
    rng: np.random.Generator,
    geo: Geography,
    prof: Profile,
    plan: Plan,
    sensitive: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Draw the incident extract, including the deliberate bad rows.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    geo : Geography
        The boundaries.
    prof : Profile
        Inhabitants and deprivation.
    plan : Plan
        Planted patterns.
    sensitive : pandas.DataFrame, optional
        Incidents of the sensitive categories (see :func:`sensitive_table`).

    Returns
    -------
    pandas.DataFrame
        Columns ``registratienummer, soort, begindatum, einddatum, x_rd, y_rd``.
    """
    lam = monthly_expectation(geo, prof, plan)
    lam = lam * rng.gamma(40.0, 1.0 / 40.0, size=lam.shape)
    counts = rng.poisson(lam)
    _condition_on_plants(rng, counts, lam, geo, plan)
    b_idx, c_idx, m_idx = np.nonzero(counts)
    reps = counts[b_idx, c_idx, m_idx]
    b = np.repeat(b_idx, reps)
    c = np.repeat(c_idx, reps)
    m = np.repeat(m_idx, reps)

    xy = np.empty((b.size, 2))
    for k in range(geo.n):
        sel = np.flatnonzero(b == k)
        if sel.size:
            xy[sel] = sample_points(rng, geo.polygons[k], sel.size)

    years, months = FIRST_YEAR + m // 12, m % 12 + 1
    days_in = np.array(
        [calendar.monthrange(int(y), int(mm))[1] for y, mm in zip(years, months, strict=True)]
    )
    day = (rng.random(b.size) * days_in).astype(int) + 1
    begin = pd.to_datetime(pd.DataFrame({"year": years, "month": months, "day": day}))
    wib = CATEGORIES.index("woninginbraak")
    long_window = (c == wib) & (rng.random(b.size) < 0.55)
    short_window = (c != wib) & (rng.random(b.size) < 0.15)
    offset = np.where(long_window, rng.integers(1, 8, b.size), 0)
    offset = np.where(short_window, rng.integers(1, 3, b.size), offset)
    end = begin + pd.to_timedelta(offset, unit="D")

    table = pd.DataFrame(
        {
            "soort": np.array(CATEGORIES)[c],
            "begindatum": begin.dt.strftime("%Y-%m-%d"),
            "einddatum": end.dt.strftime("%Y-%m-%d"),
            "x_rd": xy[:, 0],
            "y_rd": xy[:, 1],
        }
    )
    table = pd.concat([table, sensitive, _bad_rows(rng, geo)], ignore_index=True)
    table = table.sort_values(["begindatum", "soort", "x_rd", "y_rd"], kind="stable").reset_index(
        drop=True
    )
    year = table["begindatum"].str[:4]
    seq = table.groupby(year).cumcount() + 1
    table.insert(0, "registratienummer", "PL9999-" + year + "-" + seq.map("{:06d}".format))
    return table


def _bad_rows(rng: np.random.Generator, geo: Geography) -> pd.DataFrame:
    """Three incidents outside the municipality and two with an impossible date."""
    land = [k for k in range(geo.n) if geo.role[k] not in ("water",)]
    inside = np.vstack([sample_points(rng, geo.polygons[int(k)], 1) for k in rng.choice(land, 2)])
    cx, cy = geo.gemeente.centroid.x, geo.gemeente.centroid.y
    return pd.DataFrame(
        {
            "soort": ["fietsdiefstal", "vernieling", "autokraak", "woninginbraak", "geweld"],
            "begindatum": ["2022-04-14", "2023-08-02", "2024-03-19", "2023-02-30", "2022-13-01"],
            "einddatum": ["2022-04-14", "2023-08-02", "2024-03-20", "2023-03-02", "2023-01-02"],
            "x_rd": [0.0, round(cx + 20_000.0, 1), round(cx, 1), inside[0, 0], inside[1, 0]],
            "y_rd": [
                0.0,
                round(cy + 1_500.0, 1),
                round(cy - 21_000.0, 1),
                inside[0, 1],
                inside[1, 1],
            ],
        }
    )
