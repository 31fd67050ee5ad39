"""Deterministic generator of the synthetic demo municipality Demostad (GM9999).

``generate_demo(out_dir, seed)`` writes boundaries (GeoPackage), incidents,
survey microdata, context figures, initiatives, a record of the planted
patterns and the source configuration that the loader reads. The same seed
always gives the same files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from etl.demo import names
from etl.demo.areas import Profile, build_profile, context_table
from etl.demo.config import config_text, planted_record
from etl.demo.incidents import annual_expectation, incident_table, sensitive_table
from etl.demo.initiatives import Initiative, activity, build_initiatives, initiative_table
from etl.demo.plants import Plan, make_plan
from etl.demo.shapes import Geography, build_geography
from etl.demo.survey import SurveyDesign, buurt_latents, survey_table

__all__ = ["DEFAULT_SEED", "generate_demo", "survey_design"]

DEFAULT_SEED = 20240601
CRS = "EPSG:28992"
GPKG_TIMESTAMP = "2024-06-01T00:00:00.000Z"


def _write_boundaries(path: Path, geo: Geography, population: np.ndarray) -> None:
    """Write the gemeente, wijken and buurten layers to a GeoPackage."""
    if path.exists():
        path.unlink()
    buurten = gpd.GeoDataFrame(
        {
            "buurtcode": geo.buurtcode,
            "buurtnaam": geo.buurtnaam,
            "wijkcode": geo.wijkcode,
            "gemeentecode": names.GEMEENTE_CODE,
            "aantal_inwoners": population.astype(np.int64),
            "water": np.where(geo.water, "JA", "NEE"),
        },
        geometry=geo.polygons,
        crs=CRS,
    )
    per_wijk = buurten.groupby("wijkcode")["aantal_inwoners"].sum()
    wijken = gpd.GeoDataFrame(
        {
            "wijkcode": geo.wijk_codes,
            "wijknaam": geo.wijk_names,
            "gemeentecode": names.GEMEENTE_CODE,
            "aantal_inwoners": [int(per_wijk[w]) for w in geo.wijk_codes],
        },
        geometry=geo.wijk_polygons,
        crs=CRS,
    )
    gemeente = gpd.GeoDataFrame(
        {
            "gemeentecode": [names.GEMEENTE_CODE],
            "gemeentenaam": [names.GEMEENTE_NAME],
            "aantal_inwoners": [int(population.sum())],
        },
        geometry=[geo.gemeente],
        crs=CRS,
    )
    # A fixed timestamp in the GeoPackage metadata keeps the file byte-identical per seed.
    previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": GPKG_TIMESTAMP})
    try:
        for layer, frame in (("gemeente", gemeente), ("wijken", wijken), ("buurten", buurten)):
            frame.to_file(path, layer=layer, driver="GPKG", engine="pyogrio")
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})


def _write_csv(frame: pd.DataFrame, path: Path, **kwargs: object) -> None:
    """Write a CSV with Unix line endings and empty strings for missing values."""
    frame.to_csv(path, index=False, lineterminator="\n", na_rep="", **kwargs)


@dataclass(frozen=True)
class _World:
    """Demostad before any file is drawn: boundaries, profile, planted patterns,
    initiatives, expected incident rates and the generators of the remaining draws."""

    geo: Geography
    prof: Profile
    plan: Plan
    items: list[Initiative]
    rate: np.ndarray
    r_init: np.random.Generator
    r_inc: np.random.Generator
    r_survey: np.random.Generator
    r_ctx: np.random.Generator
    r_sensitive: np.random.Generator


def _world(seed: int) -> _World:
    rng = np.random.default_rng(seed)
    # the sensitive incidents have their own stream: the other files stay as they were
    r_geo, r_prof, r_plan, r_init, r_inc, r_survey, r_ctx, r_sensitive = rng.spawn(8)
    geo = build_geography(r_geo)
    prof = build_profile(r_prof, geo)
    plan = make_plan(r_plan, geo, prof)
    items = build_initiatives(r_init, geo, prof, plan)
    expected = annual_expectation(geo, prof, plan).sum(axis=1)
    rate = expected / np.maximum(prof.population, 1) * 1_000.0
    return _World(geo, prof, plan, items, rate, r_init, r_inc, r_survey, r_ctx, r_sensitive)


def survey_design(seed: int = DEFAULT_SEED) -> SurveyDesign:
    """The survey of the demo with this seed, to draw again and to compare with the truth
    (the same buurt latents as :func:`generate_demo` draws)."""
    w = _world(seed)
    latents = buurt_latents(w.r_survey, w.geo, w.prof, w.plan, w.rate)
    return SurveyDesign(w.geo, w.prof, w.plan, latents, activity(w.geo, w.items))


def generate_demo(out_dir: str | Path, seed: int = DEFAULT_SEED) -> Path:
    """Write the Demostad files into ``out_dir``.

    Parameters
    ----------
    out_dir : str or pathlib.Path
        Target directory; created if needed. Existing Demostad files are replaced.
    seed : int, default 20240601
        Seed of the random generator. The same seed gives identical CSV files
        and identical geometries.

    Returns
    -------
    pathlib.Path
        Path of the source configuration ``demostad.toml``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    w = _world(seed)
    geo, prof, plan = w.geo, w.prof, w.plan
    initiatives, ids = initiative_table(w.r_init, geo, w.items)
    incidents = incident_table(w.r_inc, geo, prof, plan, sensitive_table(w.r_sensitive, geo, prof))
    survey = survey_table(w.r_survey, geo, prof, plan, w.rate, activity(geo, w.items))
    context = context_table(w.r_ctx, geo, prof)

    _write_boundaries(out / "demostad.gpkg", geo, prof.population)
    _write_csv(incidents, out / "incidents.csv", float_format="%.1f")
    _write_csv(survey, out / "survey.csv")
    _write_csv(context, out / "context.csv")
    _write_csv(initiatives, out / "initiatives.csv", float_format="%.6f")
    record = planted_record(seed, geo, prof.population, plan, ids)
    (out / "planted.json").write_text(
        json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    config = out / "demostad.toml"
    config.write_text(config_text(seed), encoding="utf-8")
    return config
