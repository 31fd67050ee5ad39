"""Respondent microdata in the style of the Veiligheidsmonitor.

Each buurt has latent levels of nuisance, decay and cohesion, derived from its
deprivation and incident level. They set the buurt's chance of feeling unsafe;
each respondent then draws a personal fear score from which all items follow,
so items correlate at both the buurt and the respondent level.

The sample is stratified by wijk (column ``stratum``): the survey file carries its
design, so the build computes design-based (Taylor-linearised) variances.  The
generator knows each buurt's true share (:meth:`SurveyDesign.true_share`) and can draw
the same survey again with other respondents (:meth:`SurveyDesign.draw_wave`): the
small-area models are validated on those replications.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl.demo.areas import YEARS, Profile
from etl.demo.plants import Plan
from etl.demo.shapes import Geography

RESPONDENTS_PER_WAVE = 6_000
AGE_GROUPS = np.array(["15-24", "25-44", "45-64", "65+"])
#: Age mix of respondents (older people respond more) and of the population.
AGE_RESPONSE = np.array([0.10, 0.27, 0.33, 0.30])
AGE_POPULATION = np.array([0.14, 0.32, 0.30, 0.24])
AGE_FEAR = np.array([0.25, 0.05, -0.05, -0.2])
#: Share of women among respondents and in the population.
WOMEN = 0.52
#: Baseline logit of feeling unsafe in the own buurt.
BASE_LOGIT = -1.55

BINARY = [
    "onveilig_weleens",
    "onveilig_buurt",
    "onveilig_buurt_vaak",
    "loopt_om",
    "doet_niet_open",
    "slachtoffer",
    "deelname_initiatief",
]
NUISANCE = {
    "overlast_jongeren": (1.6, 0.1),
    "overlast_buren": (2.1, 0.9),
    "overlast_dronken": (2.0, 0.8),
    "overlast_drugs": (1.9, 0.7),
}
DECAY = {
    "verloedering_rommel": (1.5, 0.0),
    "verloedering_vernieling": (2.0, 0.7),
    "verloedering_bekladding": (2.0, 0.8),
    "verloedering_hondenpoep": (1.1, -0.3),
}
COHESION = {
    "cohesie_kennen": -0.2,
    "cohesie_prettig": 0.4,
    "cohesie_thuis": 0.3,
    "cohesie_contact": -0.3,
}
LIKERT_CUTS = np.array([-1.9, -0.9, 0.1, 1.4])
COLUMNS = [
    "respondent_id",
    "jaar",
    "buurtcode",
    "weegfactor",
    "stratum",
    "leeftijdsklasse",
    "geslacht",
    *BINARY,
    *NUISANCE,
    *DECAY,
    *COHESION,
    "bereid_in_te_grijpen",
    "tevreden_politie",
    "tevreden_gemeente",
]


def _logit(p: float) -> float:
    return float(np.log(p / (1.0 - p)))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def buurt_latents(
    rng: np.random.Generator, geo: Geography, prof: Profile, plan: Plan, incident_rate: np.ndarray
) -> dict[str, np.ndarray]:
    """Latent nuisance, decay, cohesion, incident level and fear logit per buurt and year.

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
    incident_rate : numpy.ndarray
        Expected incidents per 1,000 inhabitants per year, per buurt.

    Returns
    -------
    dict of str to numpy.ndarray
        ``nuisance``, ``decay``, ``cohesion``, ``crime`` (per buurt) and
        ``fear`` (shape buurten × waves, a logit).
    """
    n = geo.n
    role = np.array(geo.role)
    centre = np.isin(role, ["core", "centre", "station"]).astype(float)
    populated = (prof.population >= 200) & (role != "water")
    log_rate = np.log(np.maximum(incident_rate, 1.0))
    crime = (log_rate - np.median(log_rate[populated])) / np.std(log_rate[populated])
    crime = np.clip(crime, -2.5, 2.5)
    dep = prof.deprivation
    nuisance = 0.5 * dep + 0.35 * crime + 0.4 * centre + rng.normal(0, 0.35, n)
    decay = 0.6 * dep + 0.2 * crime + rng.normal(0, 0.4, n)
    cohesion = (
        -0.5 * dep
        - 0.5 * centre
        - 0.15 * crime
        + 0.2 * (prof.distance > 2_500)
        + rng.normal(0, 0.4, n)
    )
    fear = BASE_LOGIT + 0.45 * nuisance + 0.3 * decay - 0.3 * cohesion + rng.normal(0, 0.2, n)

    for b in plan.high_fear_low_crime:
        nuisance[b], decay[b], cohesion[b], fear[b] = 0.5, 0.9, -0.9, _logit(0.50)
    for b in plan.low_fear_high_crime:
        nuisance[b], decay[b], cohesion[b], fear[b] = -0.4, -0.4, 1.0, _logit(0.09)
    for b in (plan.effect, plan.null_effect):
        nuisance[b], decay[b], cohesion[b] = 0.4, 0.4, -0.3
    fear[plan.null_effect] = _logit(0.34)

    fear_t = fear[:, None] + rng.normal(0, 0.08, (n, len(YEARS)))
    planted = [*plan.high_fear_low_crime, *plan.low_fear_high_crime, plan.null_effect]
    fear_t[planted] = fear[planted, None]
    fear_t[plan.effect] = [_logit(p) for p in (0.35, 0.28, 0.20, 0.20)]
    return {
        "nuisance": nuisance,
        "decay": decay,
        "cohesion": cohesion,
        "crime": crime,
        "fear": fear_t,
    }


def _calibrate(f: np.ndarray, weight: np.ndarray, sel: np.ndarray, target: float) -> None:
    """Shift the fear scores ``f[sel]`` so that the weighted share above 0 equals ``target``.

    Used for the planted buurten, whose shares must land on their targets
    rather than merely near them; the order of respondents is kept.
    """
    idx = np.flatnonzero(sel)
    if idx.size < 2:
        return
    order = idx[np.argsort(-f[idx], kind="stable")]
    cum = np.cumsum(weight[order]) / weight[order].sum()
    k = int(np.searchsorted(cum, target))
    k = min(max(k, 0), idx.size - 2)
    f[idx] -= (f[order[k]] + f[order[k + 1]]) / 2.0


def _ordinal(latent: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    """Map a latent score to categories 1..len(cuts)+1 (higher latent, higher category)."""
    return np.searchsorted(cuts, latent) + 1


def survey_table(
    rng: np.random.Generator,
    geo: Geography,
    prof: Profile,
    plan: Plan,
    incident_rate: np.ndarray,
    initiative_activity: np.ndarray,
) -> pd.DataFrame:
    """Draw the survey microdata for the four waves, including one bad row.

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
    incident_rate : numpy.ndarray
        Expected incidents per 1,000 inhabitants per year, per buurt.
    initiative_activity : numpy.ndarray
        Shape (buurten, waves): 0 = no initiative, 1 = some initiative,
        2 = an active surveillance initiative in the buurt that year.

    Returns
    -------
    pandas.DataFrame
        One row per respondent, columns as in :data:`COLUMNS`.
    """
    design = SurveyDesign(
        geo, prof, plan, buurt_latents(rng, geo, prof, plan, incident_rate), initiative_activity
    )
    table = pd.concat([design.draw_wave(rng, t) for t in range(len(YEARS))], ignore_index=True)
    bad = table[table["jaar"] == 2023].iloc[[0]].copy()
    bad["buurtcode"] = "BU99999999"
    table = pd.concat([table, bad], ignore_index=True)
    table = table.sort_values(["jaar", "buurtcode"], kind="stable").reset_index(drop=True)
    seq = table.groupby("jaar").cumcount() + 1
    table.insert(
        0, "respondent_id", "VM" + table["jaar"].astype(str) + "-" + seq.map("{:05d}".format)
    )
    return table[COLUMNS]


@dataclass(frozen=True)
class SurveyDesign:
    """What the survey draws from: the buurten, their latent levels and the initiatives."""

    geo: Geography
    prof: Profile
    plan: Plan
    latents: dict[str, np.ndarray]
    activity: np.ndarray

    def draw_wave(self, rng: np.random.Generator, t: int) -> pd.DataFrame:
        """One wave (index ``t`` of YEARS): sample sizes per buurt, then the respondents,
        with ``buurtcode`` and ``stratum`` (the buurt's wijk)."""
        geo, plan = self.geo, self.plan
        pop = self.prof.population.astype(float)
        over = np.zeros(geo.n, dtype=bool)
        over[plan.oversampled] = True
        n_b = np.zeros(geo.n, dtype=np.int64)
        n_b[over] = 108 + rng.integers(0, 25, over.sum())
        total = RESPONDENTS_PER_WAVE * rng.uniform(0.97, 1.03) - n_b.sum()
        rest = ~over & (pop > 0)
        n_b[rest] = rng.poisson(pop[rest] * total / pop[rest].sum())
        b = np.repeat(np.arange(geo.n), n_b)
        frame = _respondents(
            rng, b, YEARS[t], t, n_b, pop, self.latents, self.activity, plan.oversampled
        )
        at = frame.pop("_b").to_numpy()
        frame["buurtcode"] = np.array(geo.buurtcode)[at]
        frame["stratum"] = np.array(geo.wijkcode)[at]
        return frame

    def true_share(self, t: int) -> np.ndarray:
        """Per buurt the population share that feels unsafe in the own buurt in wave ``t``
        (``onveilig_buurt``): the chance P(f > 0) averaged over the population's age and
        sex mix; in the oversampled buurten the planted share the sample is calibrated to."""
        fear = self.latents["fear"][:, t]
        share = np.zeros(self.geo.n)
        for age, age_share in enumerate(AGE_POPULATION):
            for woman, sex_share in ((True, WOMEN), (False, 1 - WOMEN)):
                g = (0.3 if woman else -0.3) + AGE_FEAR[age]
                share += age_share * sex_share * _sigmoid(fear + g)
        planted = list(self.plan.oversampled)
        share[planted] = _sigmoid(fear[planted])
        return share


def _respondents(
    rng: np.random.Generator,
    b: np.ndarray,
    year: int,
    t: int,
    n_b: np.ndarray,
    pop: np.ndarray,
    lat: dict[str, np.ndarray],
    activity: np.ndarray,
    planted: list[int],
) -> pd.DataFrame:
    """Draw one wave of respondents living in buurten ``b``."""
    n = b.size
    age = rng.choice(4, size=n, p=AGE_RESPONSE)
    woman = rng.random(n) < WOMEN
    # Weights: design weight (inhabitants per respondent) times an age correction.
    design = pop[b] / n_b[b]
    weight = (
        design / design.mean() * (AGE_POPULATION / AGE_RESPONSE)[age] * rng.lognormal(0, 0.2, n)
    )
    weight = np.round(np.clip(weight / weight.mean(), 0.3, 3.0), 4)

    g = np.where(woman, 0.3, -0.3) + AGE_FEAR[age]
    fear_b = lat["fear"][b, t]
    f = fear_b + g + rng.logistic(0.0, 1.0, n)
    for k in planted:
        _calibrate(f, weight, b == k, float(_sigmoid(lat["fear"][k, t])))
    r = (f - fear_b) / 1.9  # personal deviation, roughly standardised
    nuis, dec, coh, crime = lat["nuisance"][b], lat["decay"][b], lat["cohesion"][b], lat["crime"][b]
    excess = fear_b - BASE_LOGIT
    old, young = age == 3, age == 0
    act = activity[b, t]

    def bern(x: np.ndarray) -> np.ndarray:
        return (rng.random(n) < _sigmoid(x)).astype(np.int64)

    data: dict[str, np.ndarray] = {
        "_b": b,
        "jaar": np.full(n, year),
        "leeftijdsklasse": AGE_GROUPS[age],
        "geslacht": np.where(woman, "vrouw", "man"),
        "onveilig_weleens": (f + 0.8 + 0.3 * woman > 0).astype(np.int64),
        "onveilig_buurt": (f > 0).astype(np.int64),
        "onveilig_buurt_vaak": (f > 2.7).astype(np.int64),
        "loopt_om": bern(-1.4 + 0.8 * r + 0.4 * excess + 0.3 * woman),
        "doet_niet_open": bern(-1.3 + 0.6 * r + 0.3 * excess + 0.7 * old),
        "slachtoffer": bern(-2.0 + 0.35 * crime + 0.4 * young + 0.3 * r),
        "deelname_initiatief": bern(-3.3 + 0.6 * (act >= 1) + 0.9 * (act >= 2) + 0.3 * (age >= 2)),
    }
    for item, (t_often, t_some) in NUISANCE.items():
        s = 0.8 * nuis + 0.45 * r + rng.normal(0, 1, n)
        data[item] = np.where(s > t_often, 1, np.where(s > t_some, 2, 3))
    for item, (t_often, t_some) in DECAY.items():
        s = 0.8 * dec + 0.35 * r + rng.normal(0, 1, n)
        data[item] = np.where(s > t_often, 1, np.where(s > t_some, 2, 3))
    for item, shift in COHESION.items():
        data[item] = _ordinal(
            0.8 * coh - 0.3 * r + shift + 0.2 * old + rng.normal(0, 1, n), LIKERT_CUTS
        )
    data["bereid_in_te_grijpen"] = _ordinal(
        0.5 * coh - 0.2 * r + 0.6 + rng.normal(0, 1, n), LIKERT_CUTS
    )
    data["tevreden_politie"] = _ordinal(
        0.2 - 0.3 * nuis - 0.3 * r + rng.normal(0, 1, n), LIKERT_CUTS
    )
    data["tevreden_gemeente"] = _ordinal(
        -0.1 - 0.25 * dec - 0.3 * r + rng.normal(0, 1, n), LIKERT_CUTS
    )

    data["weegfactor"] = weight

    frame = pd.DataFrame(data)
    item_cols = [
        c
        for c in COLUMNS
        if c in data and c not in ("jaar", "leeftijdsklasse", "geslacht", "weegfactor")
    ]
    propensity = np.where(rng.random(n) < 0.12, 0.17, 0.012)
    missing = rng.random((n, len(item_cols))) < propensity[:, None]
    for k, col in enumerate(item_cols):
        frame[col] = frame[col].astype("Int64").mask(missing[:, k])
    return frame
