"""Published indicator tables with one column per indicator, as municipalities publish them."""

from __future__ import annotations

import pytest

from etl.db import connect
from etl.load import BuildError, build
from etl.settings import Settings
from tests.tiny import write_tiny

FAST = Settings.from_env({"hotspot_permutations": 19})

#: A wijkprofiel as a municipality publishes it: area, name, then one column per indicator.
WIJKPROFIEL = """\
wijkcode;wijknaam;veiligheid;overlast;tevredenheid
WK999801;West;6,8;23;7,1
WK999802;Oost;7,4;;7,6
GM9998;Kleindorp;7,1;19;7,3
"""

LIST_SOURCE = """
[[sources]]
name = "wijkprofiel"
kind = "indicator_table"
path = "wijkprofiel.csv"
publisher = "Gemeente Kleindorp"
[sources.columns]
area_code = "wijkcode"
area_name = "wijknaam"
[sources.options]
period = "2023"
wide_indicators = ["veiligheid", "overlast", "tevredenheid"]
[sources.options.indicators.veiligheid]
direction = "higher_better"
unit = "score 0-10"
name_nl = "Veiligheidsbeleving"
name_en = "Perceived safety"
[sources.options.indicators.overlast]
direction = "higher_worse"
unit = "%"
[sources.options.indicators.tevredenheid]
direction = "higher_better"
"""


def test_one_column_per_indicator_becomes_rows_with_their_declarations(tmp_path):
    (tmp_path / "wijkprofiel.csv").write_text(WIJKPROFIEL)
    build(write_tiny(tmp_path, LIST_SOURCE), tmp_path / "t.duckdb", FAST)
    con = connect(tmp_path / "t.duckdb", read_only=True)
    assert con.execute(
        "select rows_read, rows_loaded, rows_quarantined from load_log where source = 'wijkprofiel'"
    ).fetchone() == (9, 8, 1)
    values = con.execute(
        "select indicator, area_code, period, value from published_indicators "
        "order by indicator, area_code"
    ).fetchall()
    assert values == [
        ("overlast", "GM9998", "2023", 19.0),
        ("overlast", "WK999801", "2023", 23.0),
        ("tevredenheid", "GM9998", "2023", 7.3),
        ("tevredenheid", "WK999801", "2023", 7.1),
        ("tevredenheid", "WK999802", "2023", 7.6),
        ("veiligheid", "GM9998", "2023", 7.1),
        ("veiligheid", "WK999801", "2023", 6.8),
        ("veiligheid", "WK999802", "2023", 7.4),
    ]
    meta = con.execute(
        "select indicator, name_nl, name_en, unit, direction from indicator_declarations "
        "order by indicator"
    ).fetchall()
    assert meta == [
        ("wijkprofiel.overlast", "overlast", "overlast", "%", "higher_worse"),
        ("wijkprofiel.tevredenheid", "tevredenheid", "tevredenheid", "", "higher_better"),
        (
            "wijkprofiel.veiligheid",
            "Veiligheidsbeleving",
            "Perceived safety",
            "score 0-10",
            "higher_better",
        ),
    ]
    # the empty overlast cell of Oost: line 3 of the file, with the column it came from
    row, reason, raw = con.execute(
        "select row_number, reason, raw from quarantine where source = 'wijkprofiel'"
    ).fetchone()
    assert (row, reason) == (3, "required value is empty")
    assert '"indicator": "overlast"' in raw and '"wijkcode": "WK999802"' in raw
    con.close()


def test_regex_takes_indicator_and_period_from_the_column_names(tmp_path):
    (tmp_path / "profiel.csv").write_text(
        "gebied,overlast_2022,overlast_2023,inbraak_2023,opmerking\n"
        "WK999801,20,23,4,x\nWK999802,15,14,2,\n"
    )
    extra = (
        '\n[[sources]]\nname = "profiel"\nkind = "indicator_table"\npath = "profiel.csv"\n'
        '[sources.columns]\narea_code = "gebied"\n[sources.options]\n'
        'wide_indicators = "(?P<indicator>[a-z]+)_(?P<period>\\\\d{4})"\n'
        'direction = "higher_worse"\n'
    )
    build(write_tiny(tmp_path, extra), tmp_path / "t.duckdb", FAST)
    con = connect(tmp_path / "t.duckdb", read_only=True)
    assert con.execute(
        "select indicator, area_code, period, value from published_indicators "
        "where area_code = 'WK999802' order by indicator, period"
    ).fetchall() == [
        ("inbraak", "WK999802", "2023", 2.0),
        ("overlast", "WK999802", "2022", 15.0),
        ("overlast", "WK999802", "2023", 14.0),
    ]
    assert con.execute(
        "select rows_read, rows_loaded from load_log where source = 'profiel'"
    ).fetchone() == (6, 6)
    con.close()


def test_an_indicator_without_direction_is_quarantined(tmp_path):
    (tmp_path / "wijkprofiel.csv").write_text(WIJKPROFIEL.replace("6,8;23;7,1", "6,8;;7,1"))
    source = LIST_SOURCE.replace(
        '[sources.options.indicators.tevredenheid]\ndirection = "higher_better"\n', ""
    )
    source = source.replace(
        '[sources.options.indicators.overlast]\ndirection = "higher_worse"\nunit = "%"\n', ""
    )
    with pytest.raises(BuildError) as failed:
        build(write_tiny(tmp_path, source), tmp_path / "t.duckdb", FAST)
    message = str(failed.value)
    assert "source 'wijkprofiel'" in message and "3 of 9 rows loaded; 6 quarantined (67%" in message
    assert "4 x no direction declared for this indicator" in message
