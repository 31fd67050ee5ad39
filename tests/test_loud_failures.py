"""A build that would load a source badly fails, says why, and keeps the previous database."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pytest
from pyproj import CRS, Transformer

from etl.cli import main
from etl.load import BuildError, build
from etl.settings import Settings
from etl.source_checks import coordinate_cause
from tests.tiny import X0, Y0, write_tiny

FAST = Settings.from_env({"hotspot_permutations": 19})
HEADER = "registratienummer,soort,begindatum,einddatum,x_rd,y_rd\n"
#: Ten incidents spread over Kleindorp's four buurten, in RD New.
POINTS = [(X0 + 150 + 180 * i, Y0 + 120 + 190 * i) for i in range(10)]


def _incidents(points, dates=None) -> str:
    dates = dates or [f"2023-0{1 + i % 9}-1{i}" for i in range(len(points))]
    rows = [f"I{i},geweld,{d},,{x},{y}" for i, ((x, y), d) in enumerate(zip(points, dates))]
    return HEADER + "\n".join(rows) + "\n"


@pytest.fixture(scope="module")
def previous(tmp_path_factory) -> Path:
    """The database being served: a failed build must leave it byte for byte."""
    directory = tmp_path_factory.mktemp("served")
    db = directory / "served.duckdb"
    build(write_tiny(directory / "src"), db, FAST)
    return db


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fails(tmp_path: Path, previous: Path, capsys, incidents: str, **extra) -> str:
    """Build through the command line over a copy of the served file; the error text."""
    config = write_tiny(tmp_path / "src", incidents=incidents, **extra)
    text = config.read_text().replace(
        "[municipality]", "[settings]\nhotspot_permutations = 19\n\n[municipality]"
    )
    config.write_text(text)
    db = tmp_path / "served.duckdb"
    shutil.copyfile(previous, db)
    before = _sha(db)
    code = main(["build", str(config), "--db", str(db)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    assert _sha(db) == before
    assert err.endswith(f"unease build: nothing changed; {db} is as it was\n")
    return err.replace(str(tmp_path / "src") + "/", "")


def test_header_only_file_fails_the_build(tmp_path, previous, capsys):
    err = _fails(tmp_path, previous, capsys, HEADER)
    assert err.splitlines()[0] == (
        "unease build: source 'incidents' (incidents.csv): the file holds no rows "
        "(only a header?): nothing to load"
    )


def test_lon_lat_declared_as_rd(tmp_path, previous, capsys):
    to_wgs84 = Transformer.from_crs(28992, 4326, always_xy=True)
    lonlat = [to_wgs84.transform(x, y) for x, y in POINTS]
    err = _fails(
        tmp_path, previous, capsys, _incidents([(f"{a:.6f}", f"{b:.6f}") for a, b in lonlat])
    )
    assert err.splitlines()[:3] == [
        "unease build: source 'incidents' (incidents.csv): no row loaded; 10 of 10 quarantined",
        "  commonest reasons: 10 x point lies outside the municipality",
        "  likely cause: the coordinates look like lon/lat (WGS84), not EPSG:28992: "
        'set crs = "EPSG:4326"',
    ]


def test_lon_lat_with_the_right_crs_builds(tmp_path):
    """The advice of the message works: the same file with crs EPSG:4326 loads."""
    to_wgs84 = Transformer.from_crs(28992, 4326, always_xy=True)
    lonlat = [to_wgs84.transform(x, y) for x, y in POINTS]
    config = write_tiny(
        tmp_path, incidents=_incidents([(f"{a:.7f}", f"{b:.7f}") for a, b in lonlat])
    )
    config.write_text(config.read_text().replace('crs = "EPSG:28992"', 'crs = "EPSG:4326"'))
    summary = build(config, tmp_path / "t.duckdb", FAST)
    counts = {s.name: (s.rows_loaded, s.rows_quarantined) for s in summary.sources}
    assert counts["incidents"] == (10, 0)


def test_x_and_y_swapped(tmp_path, previous, capsys):
    err = _fails(tmp_path, previous, capsys, _incidents([(y, x) for x, y in POINTS]))
    assert err.splitlines()[1:3] == [
        "  commonest reasons: 10 x point lies outside the municipality",
        "  likely cause: x and y look swapped (x holds the northing): exchange the columns "
        "of x and y",
    ]


def test_every_point_outside_names_the_crs(tmp_path, previous, capsys):
    far = [(x - 90_000, y + 150_000) for x, y in POINTS]  # in the Netherlands, not Kleindorp
    err = _fails(tmp_path, previous, capsys, _incidents(far))
    assert err.splitlines()[2] == (
        "  likely cause: every point lies outside the municipality: the declared CRS "
        "(EPSG:28992) may be wrong (points from (10150, 550120) to (11770, 551830); the "
        "municipality spans (100000, 400000) to (102000, 402000) in RD New)"
    )


def test_dates_in_an_unknown_form_suggest_a_date_format(tmp_path, previous, capsys):
    dates = [f"{10 + i}-{1 + i % 9}-23" for i in range(10)]
    err = _fails(tmp_path, previous, capsys, _incidents(POINTS, dates))
    assert err.splitlines()[1:3] == [
        "  commonest reasons: 10 x not a valid date",
        "  likely cause: the dates look like '10-1-23' (shape 99-9-99), a form not recognised "
        'without configuration: set date_format = "%d-%m-%y"',
    ]


def test_losing_more_than_the_share_fails_and_the_share_is_a_setting(tmp_path, previous, capsys):
    dates = [f"2023-02-{30 - i % 2}" if i < 6 else "2023-03-01" for i in range(10)]
    err = _fails(tmp_path, previous, capsys, _incidents(POINTS, dates))
    assert err.splitlines()[:2] == [
        "unease build: source 'incidents' (incidents.csv): 4 of 10 rows loaded; 6 quarantined "
        "(60%, more than max_quarantine_share = 0.5)",
        "  commonest reasons: 6 x not a valid date",
    ]
    config = write_tiny(tmp_path / "ok", incidents=_incidents(POINTS, dates))
    summary = build(
        config,
        tmp_path / "ok.duckdb",
        Settings.from_env({"max_quarantine_share": 0.7, "hotspot_permutations": 19}),
    )
    assert {s.name: s.rows_loaded for s in summary.sources}["incidents"] == 4


def test_rows_of_other_municipalities_only(tmp_path):
    config = write_tiny(tmp_path)
    (tmp_path / "survey.csv").write_text(
        "respondent_id,jaar,buurtcode,weegfactor,onveilig_buurt\nR1,2023,BU03630000,1,1\n"
    )
    with pytest.raises(
        BuildError, match=r"source 'survey' \(.*survey.csv\): all 1 rows were skipped"
    ):
        build(config, tmp_path / "t.duckdb", FAST)


def test_unknown_cbs_category_codes_are_kept_and_told(tmp_path):
    (tmp_path / "crime.csv").write_text(
        "SoortMisdrijf;WijkenEnBuurten;Perioden;GeregistreerdeMisdrijven_1\n"
        "1.1.1 ;BU99980101  ;2023JJ00;4\n9.9.9 ;BU99980101  ;2023JJ00;2\n"
        "9.9.9 ;BU99980201  ;2023JJ00;1\n"
    )
    extra = (
        '\n[[sources]]\nname = "crime"\nkind = "incident_counts"\npath = "crime.csv"\n'
        '[sources.columns]\narea_code = "WijkenEnBuurten"\nperiod = "Perioden"\n'
        'category = "SoortMisdrijf"\ncount = "GeregistreerdeMisdrijven_1"\n'
    )
    summary = build(write_tiny(tmp_path, extra, incidents=None), tmp_path / "t.duckdb", FAST)
    crime = next(s for s in summary.sources if s.name == "crime")
    assert (crime.rows_loaded, crime.rows_quarantined) == (3, 0)
    assert crime.notes == [
        "2 rows with SoortMisdrijf codes not in the registry kept as categories of their own "
        "(9.9.9); name them with option category_map"
    ]


#: Kleindorp's extent in RD New, and one of its points in the forms a file may hold.
BOUNDS = (X0, Y0, X0 + 2000, Y0 + 2000)
LON_LAT = Transformer.from_crs(28992, 4326, always_xy=True).transform(X0 + 500, Y0 + 500)


@pytest.mark.parametrize(
    ("x", "y", "declared", "cause"),
    [
        (
            LON_LAT[0],
            LON_LAT[1],
            28992,
            "the coordinates look like lon/lat (WGS84), not EPSG:28992",
        ),
        (LON_LAT[1], LON_LAT[0], 28992, "the coordinates look like lat/lon with x and y swapped"),
        (LON_LAT[1], LON_LAT[0], 4326, "x and y look swapped (latitude mapped to x)"),
        (X0 + 500, Y0 + 500, 4326, "the coordinates look like RD New (metres), not EPSG:4326"),
        (Y0 + 500, X0 + 500, 28992, "x and y look swapped (x holds the northing)"),
        (X0 - 90_000, Y0 + 150_000, 28992, "every point lies outside the municipality"),
    ],
)
def test_likely_cause_of_points_outside(x, y, declared, cause):
    xs, ys = np.full(4, x), np.full(4, y)
    found = coordinate_cause(xs, ys, np.ones(4, bool), CRS.from_epsg(declared), BOUNDS)
    assert found.startswith(cause)
    # a few stray points among good ones are only quarantined, with no cause guessed
    outside = np.array([True, False, False, False])
    assert coordinate_cause(xs, ys, outside, CRS.from_epsg(declared), BOUNDS) is None


def test_an_empty_mapped_column_is_named(tmp_path, previous, capsys):
    err = _fails(tmp_path, previous, capsys, _incidents(POINTS).replace(",geweld,", ",,"))
    assert err.splitlines()[1:3] == [
        "  commonest reasons: 10 x required value is empty",
        "  likely cause: the column mapped to category is empty in 10 rows: is it the right "
        "column in [sources.columns]?",
    ]
