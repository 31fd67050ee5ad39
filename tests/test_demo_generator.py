"""Checks of the Demostad demo municipality generator."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer

from etl.demo import DEFAULT_SEED, generate_demo
from etl.schema import INITIATIVE_TYPES

CSV_FILES = ("incidents.csv", "survey.csv", "context.csv", "initiatives.csv")


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demostad")
    config = generate_demo(out)
    assert config == out / "demostad.toml"
    return out


@pytest.fixture(scope="module")
def planted(demo_dir: Path) -> dict:
    return json.loads((demo_dir / "planted.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def layers(demo_dir: Path) -> dict[str, gpd.GeoDataFrame]:
    return {
        name: gpd.read_file(demo_dir / "demostad.gpkg", layer=name)
        for name in ("gemeente", "wijken", "buurten")
    }


@pytest.fixture(scope="module")
def buurten(layers: dict[str, gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    return layers["buurten"]


@pytest.fixture(scope="module")
def gemeente_polygon(layers: dict[str, gpd.GeoDataFrame]) -> shapely.Geometry:
    return layers["gemeente"].geometry.iloc[0]


@pytest.fixture(scope="module")
def raw_incidents(demo_dir: Path) -> pd.DataFrame:
    return pd.read_csv(demo_dir / "incidents.csv", dtype={"begindatum": str, "einddatum": str})


@pytest.fixture(scope="module")
def incidents(raw_incidents: pd.DataFrame, buurten: gpd.GeoDataFrame) -> pd.DataFrame:
    """Valid incidents with their buurt (point in polygon) and parsed date."""
    frame = raw_incidents.copy()
    frame["date"] = pd.to_datetime(frame["begindatum"], format="%Y-%m-%d", errors="coerce")
    frame = frame[frame["date"].notna()]
    points = gpd.GeoDataFrame(
        frame, geometry=gpd.points_from_xy(frame["x_rd"], frame["y_rd"]), crs="EPSG:28992"
    )
    joined = gpd.sjoin(points, buurten[["buurtcode", "wijkcode", "geometry"]], predicate="within")
    joined["month"] = joined["date"].dt.strftime("%Y-%m")
    return pd.DataFrame(joined.drop(columns="geometry"))


@pytest.fixture(scope="module")
def survey(demo_dir: Path) -> pd.DataFrame:
    return pd.read_csv(demo_dir / "survey.csv")


def weighted_share(frame: pd.DataFrame, column: str = "onveilig_buurt") -> float:
    answered = frame.dropna(subset=[column])
    return float((answered[column] * answered["weegfactor"]).sum() / answered["weegfactor"].sum())


def rates_per_1000(incidents: pd.DataFrame, buurten: gpd.GeoDataFrame) -> pd.Series:
    """Incidents per 1,000 inhabitants per year, buurten with at least 200 inhabitants."""
    pop = buurten.set_index("buurtcode")["aantal_inwoners"]
    pop = pop[(pop >= 200) & (buurten.set_index("buurtcode")["water"] == "NEE")]
    counts = incidents.groupby("buurtcode").size().reindex(pop.index, fill_value=0)
    return counts / pop * 1000 / 4


def test_all_files_written(demo_dir: Path) -> None:
    for name in ("demostad.gpkg", "demostad.toml", "planted.json", *CSV_FILES):
        assert (demo_dir / name).is_file(), name


def test_area_counts_and_codes(layers: dict[str, gpd.GeoDataFrame], planted: dict) -> None:
    buurten, wijken, gemeente = layers["buurten"], layers["wijken"], layers["gemeente"]
    assert 60 <= len(buurten) <= 120
    assert 6 <= len(wijken) <= 10
    assert planted["n_buurten"] == len(buurten) and planted["n_wijken"] == len(wijken)
    assert gemeente["gemeentecode"].tolist() == ["GM9999"]
    assert gemeente["gemeentenaam"].tolist() == ["Demostad"]
    assert all(re.fullmatch(r"WK9999\d\d", c) for c in wijken["wijkcode"])
    assert all(re.fullmatch(r"BU9999\d{4}", c) for c in buurten["buurtcode"])
    assert buurten["buurtcode"].is_unique and buurten["buurtnaam"].is_unique
    assert (buurten["buurtcode"].str[2:8] == buurten["wijkcode"].str[2:8]).all()
    assert set(buurten["wijkcode"]) == set(wijken["wijkcode"])
    assert "Centrum" in set(wijken["wijknaam"])
    assert gemeente["aantal_inwoners"].iloc[0] == buurten["aantal_inwoners"].sum()
    assert 140_000 <= gemeente["aantal_inwoners"].iloc[0] <= 160_000
    per_wijk = buurten.groupby("wijkcode")["aantal_inwoners"].sum()
    assert (wijken.set_index("wijkcode")["aantal_inwoners"] == per_wijk).all()


def test_layers_are_in_rd_new(layers: dict[str, gpd.GeoDataFrame]) -> None:
    for frame in layers.values():
        assert frame.crs is not None and frame.crs.to_epsg() == 28992
    minx, miny, maxx, maxy = layers["gemeente"].total_bounds
    assert 148_000 < minx < maxx < 162_000 and 453_000 < miny < maxy < 467_000


def test_buurten_tile_the_gemeente(
    buurten: gpd.GeoDataFrame, gemeente_polygon: shapely.Geometry
) -> None:
    polys = list(buurten.geometry)
    assert all(p.is_valid for p in polys) and gemeente_polygon.is_valid
    assert all(p.geom_type == "Polygon" for p in polys)
    union = shapely.union_all(polys)
    assert abs(union.area - gemeente_polygon.area) < 1.0
    assert shapely.symmetric_difference(union, gemeente_polygon).area < 1.0
    assert abs(sum(p.area for p in polys) - gemeente_polygon.area) < 1.0
    tree = shapely.STRtree(polys)
    left, right = tree.query(polys, predicate="intersects")
    overlaps = [
        polys[i].intersection(polys[j]).area for i, j in zip(left, right, strict=True) if i < j
    ]
    assert max(overlaps) <= 0.01
    coords = shapely.get_coordinates(polys)
    assert np.abs(coords * 100 - np.round(coords * 100)).max() < 1e-6


def test_wijken_are_unions_of_their_buurten(layers: dict[str, gpd.GeoDataFrame]) -> None:
    buurten = layers["buurten"]
    for wijk in layers["wijken"].itertuples():
        assert wijk.geometry.is_valid
        union = shapely.union_all(
            list(buurten.loc[buurten["wijkcode"] == wijk.wijkcode, "geometry"])
        )
        assert shapely.symmetric_difference(union, wijk.geometry).area < 1.0


def test_water_and_small_buurten(buurten: gpd.GeoDataFrame, planted: dict) -> None:
    water = buurten[buurten["water"] == "JA"]
    assert 1 <= len(water) <= 2
    assert (water["aantal_inwoners"] == 0).all()
    assert sorted(water["buurtcode"]) == planted["water_buurten"]
    small = buurten[(buurten["water"] == "NEE") & (buurten["aantal_inwoners"] < 200)]
    assert len(small) >= 3
    assert sorted(small["buurtcode"]) == planted["small_buurten"]


def test_survey_waves(survey: pd.DataFrame, buurten: gpd.GeoDataFrame) -> None:
    sizes = survey.groupby("jaar").size()
    assert sorted(sizes.index) == [2021, 2022, 2023, 2024]
    assert (sizes >= 2_000).all()
    assert survey["respondent_id"].is_unique
    assert (survey["weegfactor"] > 0).all() and 0.9 < survey["weegfactor"].mean() < 1.1
    unknown = ~survey["buurtcode"].isin(buurten["buurtcode"])
    assert survey.loc[unknown, "buurtcode"].tolist() == ["BU99999999"]
    water = buurten.loc[buurten["water"] == "JA", "buurtcode"]
    assert not survey["buurtcode"].isin(water).any()
    items = survey.columns[6:]
    assert 0.015 < survey[items].isna().to_numpy().mean() < 0.05
    assert set(survey["overlast_jongeren"].dropna().unique()) <= {1, 2, 3}
    assert set(survey["cohesie_prettig"].dropna().unique()) <= {1, 2, 3, 4, 5}
    assert 0.15 < weighted_share(survey) < 0.3


def test_incidents_per_year(incidents: pd.DataFrame) -> None:
    per_year = incidents.groupby(incidents["date"].dt.year).size()
    assert sorted(per_year.index) == [2021, 2022, 2023, 2024]
    assert ((per_year >= 10_000) & (per_year <= 25_000)).all()
    assert incidents.groupby("month").ngroups == 48


def test_incident_bad_rows(raw_incidents: pd.DataFrame, gemeente_polygon: shapely.Geometry) -> None:
    assert raw_incidents["registratienummer"].is_unique
    inside = shapely.contains_xy(gemeente_polygon, raw_incidents["x_rd"], raw_incidents["y_rd"])
    assert (~inside).sum() == 3
    dates = pd.to_datetime(raw_incidents["begindatum"], format="%Y-%m-%d", errors="coerce")
    assert dates.isna().sum() == 2
    ends = pd.to_datetime(raw_incidents["einddatum"], format="%Y-%m-%d", errors="coerce")
    assert ends.notna().all()
    assert (ends[dates.notna()] >= dates[dates.notna()]).all()


def test_high_fear_low_crime(
    planted: dict, survey: pd.DataFrame, incidents: pd.DataFrame, buurten: gpd.GeoDataFrame
) -> None:
    city_share = weighted_share(survey)
    rates = rates_per_1000(incidents, buurten)
    assert len(planted["high_fear_low_crime"]) >= 3
    for code in planted["high_fear_low_crime"]:
        own = survey[survey["buurtcode"] == code]
        assert (own.groupby("jaar").size() >= 100).all()
        assert weighted_share(own) > 1.5 * city_share
        assert rates[code] < rates.median()


def test_low_fear_high_crime(
    planted: dict, survey: pd.DataFrame, incidents: pd.DataFrame, buurten: gpd.GeoDataFrame
) -> None:
    city_share = weighted_share(survey)
    rates = rates_per_1000(incidents, buurten)
    assert len(planted["low_fear_high_crime"]) >= 3
    for code in planted["low_fear_high_crime"]:
        own = survey[survey["buurtcode"] == code]
        assert (own.groupby("jaar").size() >= 100).all()
        assert weighted_share(own) < 0.7 * city_share
        assert rates[code] > 1.5 * rates.median()


def test_effect_initiative(planted: dict, incidents: pd.DataFrame, survey: pd.DataFrame) -> None:
    effect = planted["effect"]
    start = effect["start"][:7]
    burglary = incidents[incidents["soort"] == "woninginbraak"]
    months = pd.Index(sorted(incidents["month"].unique()))

    def monthly(codes: list[str]) -> pd.Series:
        own = burglary[burglary["buurtcode"].isin(codes)]
        return own.groupby("month").size().reindex(months, fill_value=0)

    own = monthly([effect["buurt"]])
    assert own[own.index > start].mean() < own[own.index < start].mean()
    ring = monthly(effect["ring"])
    assert ring[ring.index > start].mean() > ring[ring.index < start].mean()
    resp = survey[survey["buurtcode"] == effect["buurt"]]
    assert (resp.groupby("jaar").size() >= 100).all()
    assert (
        weighted_share(resp[resp["jaar"] == 2021]) - weighted_share(resp[resp["jaar"] >= 2023])
        > 0.08
    )


def test_null_effect_initiative(planted: dict, survey: pd.DataFrame) -> None:
    resp = survey[survey["buurtcode"] == planted["null_effect"]["buurt"]]
    assert (resp.groupby("jaar").size() >= 100).all()
    before, after = (
        weighted_share(resp[resp["jaar"] == 2021]),
        weighted_share(resp[resp["jaar"] >= 2023]),
    )
    assert abs(before - after) < 0.06


def test_rising_trend_alert_and_hotspot(
    planted: dict, incidents: pd.DataFrame, buurten: gpd.GeoDataFrame
) -> None:
    months = pd.Index(sorted(incidents["month"].unique()))
    trend = planted["rising_trend"]
    own = incidents[
        (incidents["wijkcode"] == trend["wijk"]) & (incidents["soort"] == trend["category"])
    ]
    series = own.groupby("month").size().reindex(months, fill_value=0).to_numpy().reshape(4, 12)
    s = sum(
        np.sign(series[j, m] - series[i, m])
        for m in range(12)
        for i in range(4)
        for j in range(i + 1, 4)
    )
    var = 12 * 4 * 3 * 13 / 18
    assert (s - 1) / np.sqrt(var) > 1.96  # seasonal Mann-Kendall, one-sided

    alert = planted["alert"]
    own = incidents[
        (incidents["wijkcode"] == alert["wijk"]) & (incidents["soort"] == alert["category"])
    ]
    december = own[own["month"].str.endswith("-12")].groupby("month").size()
    assert december[alert["month"]] >= 2.5 * december.drop(alert["month"]).mean()

    hotspot = planted["hotspot"]
    assert 4 <= len(hotspot["buurten"]) <= 6
    in_hotspot = buurten[buurten["buurtcode"].isin(hotspot["buurten"])]
    assert (in_hotspot["wijkcode"] == hotspot["wijk"]).all()
    assert shapely.union_all(list(in_hotspot.geometry)).geom_type == "Polygon"
    violence = incidents[incidents["soort"] == "geweld"]
    city_rate = len(violence) / buurten["aantal_inwoners"].sum()
    hot_rate = (
        violence["buurtcode"].isin(hotspot["buurten"]).sum() / in_hotspot["aantal_inwoners"].sum()
    )
    assert 2.3 < hot_rate / city_rate < 3.8


def test_initiatives(demo_dir: Path, planted: dict, buurten: gpd.GeoDataFrame) -> None:
    table = pd.read_csv(demo_dir / "initiatives.csv")
    assert table["initiatief_id"].is_unique and table["naam"].is_unique
    counts = table["type"].value_counts()
    assert set(counts.index) == set(INITIATIVE_TYPES)
    assert (counts >= 3).all()
    starts = pd.to_datetime(table["startdatum"], format="%Y-%m-%d")
    assert starts.min() >= pd.Timestamp("2021-03-01") and starts.max() <= pd.Timestamp("2024-06-30")
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True).transform(
        table["lon"], table["lat"]
    )
    points = gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(x, y), crs="EPSG:28992")
    located = gpd.sjoin(points, buurten[["buurtcode", "geometry"]], predicate="within").set_index(
        "initiatief_id"
    )
    assert len(located) == len(table)
    assert located.loc[planted["effect"]["initiative"], "buurtcode"] == planted["effect"]["buurt"]
    assert located.loc[planted["effect"]["initiative"], "type"] == "surveillance"
    assert (
        located.loc[planted["null_effect"]["initiative"], "buurtcode"]
        == planted["null_effect"]["buurt"]
    )
    for wave in planted["burglary_waves"]:
        assert located.loc[wave["initiative"], "buurtcode"] == wave["buurt"]
        assert located.loc[wave["initiative"], "startdatum"][:7] > wave["months"][-1]


def test_context_table(demo_dir: Path, buurten: gpd.GeoDataFrame) -> None:
    context = pd.read_csv(demo_dir / "context.csv")
    assert len(context) == 4 * len(buurten)
    latest = context[context["jaar"] == 2024].set_index("buurtcode")["inwoners"]
    assert (latest == buurten.set_index("buurtcode")["aantal_inwoners"]).all()
    land = context[context["inwoners"] > 0]
    assert land[["gem_inkomen", "aandeel_uitkering"]].corr().iloc[0, 1] < -0.4


def test_config_points_at_existing_columns(demo_dir: Path) -> None:
    config = tomllib.loads((demo_dir / "demostad.toml").read_text(encoding="utf-8"))
    assert config["municipality"] == {"code": "GM9999", "name": "Demostad"}
    for source in config["sources"]:
        path = demo_dir / source["path"]
        assert path.is_file()
        if path.suffix == ".csv":
            header = set(pd.read_csv(path, nrows=0).columns)
        else:
            header = set(gpd.read_file(path, layer=source["layer"], rows=1).columns)
        wanted = {*source["columns"].values(), *source.get("variables", {}).values()}
        assert wanted <= header, source["name"]


def test_same_seed_gives_identical_files(demo_dir: Path, tmp_path: Path) -> None:
    generate_demo(tmp_path, seed=DEFAULT_SEED)
    for name in (*CSV_FILES, "planted.json", "demostad.toml"):
        assert (tmp_path / name).read_bytes() == (demo_dir / name).read_bytes(), name
    for layer in ("gemeente", "wijken", "buurten"):
        a = gpd.read_file(demo_dir / "demostad.gpkg", layer=layer)
        b = gpd.read_file(tmp_path / "demostad.gpkg", layer=layer)
        assert a.geometry.to_wkb().equals(b.geometry.to_wkb())


def test_other_seed_gives_other_files(demo_dir: Path, tmp_path: Path) -> None:
    generate_demo(tmp_path, seed=DEFAULT_SEED + 1)
    for name in CSV_FILES:
        assert (tmp_path / name).read_bytes() != (demo_dir / name).read_bytes(), name
    assert json.loads((tmp_path / "planted.json").read_text())["seed"] == DEFAULT_SEED + 1
