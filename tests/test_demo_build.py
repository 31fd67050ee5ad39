"""Integration: the Demostad demo goes through the same load path as real data."""

import json

import pytest


@pytest.fixture(scope="module")
def planted(demo_dir):
    return json.loads((demo_dir / "planted.json").read_text())


def test_rows_read_equal_loaded_plus_quarantined_for_each_source(demo_con):
    rows = demo_con.execute(
        "select source, rows_read, rows_loaded, rows_quarantined from load_log"
    ).fetchall()
    assert {r[0] for r in rows} == {
        "gemeente",
        "wijken",
        "buurten",
        "incidents",
        "survey",
        "context",
        "initiatives",
    }
    for source, read, loaded, quarantined in rows:
        assert read == loaded + quarantined, source
        q = demo_con.execute(
            "select count(*) from quarantine where source = ?", [source]
        ).fetchone()
        assert q[0] == quarantined, source


def test_planted_bad_rows_are_quarantined_with_reasons(demo_con, planted):
    reasons = dict(
        demo_con.execute(
            "select regexp_replace(reason, ':.*', '') as r, count(*) from quarantine group by r"
        ).fetchall()
    )
    bad = planted["bad_rows"]
    assert reasons["point lies outside the municipality"] == bad["incidents"]["outside"]
    assert reasons["not a valid date"] == bad["incidents"]["bad_date"]
    assert reasons["unknown area code"] == bad["survey"]["unknown_area"]


def test_every_buurt_has_a_wijk_and_the_gemeente(demo_con, planted):
    n = demo_con.execute(
        """
        select count(*) from areas b
        join areas w on w.code = b.parent_code and w.level = 'wijk'
        join areas g on g.code = w.parent_code and g.level = 'gemeente'
        where b.level = 'buurt' and g.code = 'GM9999'
        """
    ).fetchone()[0]
    assert n == planted["n_buurten"]
    assert (
        demo_con.execute("select count(*) from areas where level = 'wijk'").fetchone()[0]
        == (planted["n_wijken"])
    )


def test_yearly_incident_totals_equal_the_sum_over_buurten(demo_con):
    rows = demo_con.execute(
        """
        select i.year, count(*) as loaded,
            (select n from incident_counts c where c.area_code = 'GM9999'
             and c.period = i.year and c.category = 'total') as gemeente,
            (select sum(n) from incident_counts c where c.level = 'buurt'
             and c.period = i.year and c.category = 'total') as buurten
        from incidents i group by i.year order by i.year
        """
    ).fetchall()
    assert [r[0] for r in rows] == ["2021", "2022", "2023", "2024"]
    for year, loaded, gemeente, buurten in rows:
        assert loaded == gemeente == buurten, year
        assert 10_000 <= loaded <= 25_000


def test_small_buurten_get_no_rate_but_keep_their_count(demo_con, planted):
    small = planted["small_buurten"]
    flags = demo_con.execute(
        "select distinct flag from indicator_values where indicator = 'incident_rate.total' "
        f"and area_code in ({','.join('?' * len(small))})",
        small,
    ).fetchall()
    assert flags == [("no-denominator",)]


def test_survey_share_is_withheld_for_buurten_with_few_respondents(demo_con):
    rows = demo_con.execute(
        """
        select v.n, v.value, v.flag from indicator_values v
        where v.indicator = 'survey_share.unsafe_own_buurt' and v.level = 'buurt'
            and v.method = 'direct'
        """
    ).fetchall()
    assert rows, "no survey shares"
    for n, value, flag in rows:
        if n < 50:
            assert value is None and flag == "suppressed"
        else:
            assert value is not None and flag in ("ok", "indicative")
    assert any(flag == "ok" for _, _, flag in rows)


def test_display_geometry_has_no_gaps_or_overlaps(demo_con):
    total, union, parts = demo_con.execute(
        """
        select sum(st_area(geom_display)), st_area(st_union_agg(geom_display)), count(*)
        from areas where level = 'buurt'
        """
    ).fetchone()
    gemeente = demo_con.execute(
        "select st_area(geom_display) from areas where level = 'gemeente'"
    ).fetchone()[0]
    assert parts > 50
    assert total == pytest.approx(union, rel=1e-6)  # no overlaps
    assert union == pytest.approx(gemeente, rel=2e-3)  # no gaps (simplified separately)
