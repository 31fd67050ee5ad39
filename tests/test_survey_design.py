"""Design-based (Taylor-linearised) variances of survey shares, against a hand-worked
stratified example: two strata (the wijken of Kleindorp), six respondents."""

import math

import duckdb
import pytest
from statsmodels.stats.proportion import proportion_confint

from etl.load import build
from tests.tiny import write_tiny

SETTINGS_ANY_N = "\n[settings]\nmin_survey_n = 1\nindicative_survey_n = 1\n"
SURVEY = (
    "respondent_id,jaar,buurtcode,weegfactor,laag,cluster,onveilig_buurt\n"
    "A,2023,BU99980101,1,S1,,1\n"
    "B,2023,BU99980101,2,S1,,0\n"
    "C,2023,BU99980102,1,S1,,1\n"
    "D,2023,BU99980201,1,S2,{k1},0\n"
    "E,2023,BU99980201,1,S2,{k1},1\n"
    "F,2023,BU99980202,2,S2,{k2},1\n"
)


def _build(tmp_path_factory, name: str, clusters: bool) -> duckdb.DuckDBPyConnection:
    directory = tmp_path_factory.mktemp(name)
    survey = SURVEY.format(k1="K1" if clusters else "", k2="K2" if clusters else "")
    columns = 'stratum = "laag"\ncluster = "cluster"\n'
    config = write_tiny(directory, SETTINGS_ANY_N, survey=survey, survey_columns=columns)
    build(config, directory / "s.duckdb")
    return duckdb.connect(str(directory / "s.duckdb"), read_only=True)


@pytest.fixture(scope="module")
def stratified(tmp_path_factory):
    con = _build(tmp_path_factory, "stratified", clusters=False)
    yield con
    con.close()


@pytest.fixture(scope="module")
def clustered(tmp_path_factory):
    con = _build(tmp_path_factory, "clustered", clusters=True)
    yield con
    con.close()


def _share(con, area):
    return con.execute(
        "select value, ci_low, ci_high, se from indicator_values "
        "where indicator = 'survey_share.unsafe_own_buurt' and area_code = ? "
        "and period = '2023' and method = 'direct'",
        [area],
    ).fetchone()


def _check(row, p, variance):
    n_eff = p * (1 - p) / variance
    low, high = proportion_confint(p * n_eff, n_eff, alpha=0.05, method="wilson")
    value, ci_low, ci_high, se = row
    assert value == pytest.approx(100 * p, abs=1e-9)
    assert se == pytest.approx(100 * math.sqrt(variance), abs=1e-9)
    assert ci_low == pytest.approx(100 * low, abs=1e-9)
    assert ci_high == pytest.approx(100 * high, abs=1e-9)


def test_gemeente_share_with_two_strata(stratified):
    # p = sum w y / sum w = (1 + 1 + 1 + 2) / 8 = 0.625; z = w (y - p) / 8:
    #   S1: A .046875, B -.15625, C .046875   (sum -.0625, mean -.0208333)
    #   S2: D -.078125, E .046875, F .09375   (sum  .0625, mean  .0208333)
    # var = 3/2 * .02750651 + 3/2 * .01578776 = .04125977 + .02368164 = .06494141
    s1 = 1.5 * ((0.046875 + 0.0625 / 3) ** 2 * 2 + (-0.15625 + 0.0625 / 3) ** 2)
    s2 = 1.5 * ((-0.078125 - 0.0625 / 3) ** 2 + (0.046875 - 0.0625 / 3) ** 2
                + (0.09375 - 0.0625 / 3) ** 2)  # fmt: skip
    assert s1 + s2 == pytest.approx(0.06494141, abs=1e-8)
    _check(_share(stratified, "GM9998"), 0.625, s1 + s2)


def test_buurt_share_is_a_domain_of_its_stratum(stratified):
    # BU99980101: A (w 1, yes), B (w 2, no): p = 1/3, sum w = 3
    # z: A 1 (1 - 1/3) / 3 = .2222, B 2 (0 - 1/3) / 3 = -.2222, C (same stratum) 0
    # var = 3/2 * (.2222^2 + .2222^2 + 0) = .1481481 (Kish's would give .1234568)
    _check(_share(stratified, "BU99980101"), 1 / 3, 1.5 * 2 * (2 / 9) ** 2)


def test_clusters_are_the_units_of_their_stratum(clustered):
    # S2 has two units: K1 = D + E (z -.03125), K2 = F (z .09375)
    # var = .04125977 (S1, as above) + 2/1 * ((-.03125 - .03125)^2 + (.09375 - .03125)^2)
    s1 = 1.5 * ((0.046875 + 0.0625 / 3) ** 2 * 2 + (-0.15625 + 0.0625 / 3) ** 2)
    assert s1 == pytest.approx(0.04125977, abs=1e-8)
    _check(_share(clustered, "GM9998"), 0.625, s1 + 2 * (0.0625**2 + 0.0625**2))


def test_without_strata_the_interval_stays_on_kish_n_eff(tmp_path_factory):
    directory = tmp_path_factory.mktemp("nostrata")
    config = write_tiny(
        directory, SETTINGS_ANY_N, survey=SURVEY.format(k1="", k2=""), survey_columns=""
    )
    build(config, directory / "s.duckdb")
    con = duckdb.connect(str(directory / "s.duckdb"), read_only=True)
    # Kish: n_eff = 8^2 / 12 = 16/3; var = p (1 - p) / n_eff
    _check(_share(con, "GM9998"), 0.625, 0.625 * 0.375 / (16 / 3))
    con.close()
