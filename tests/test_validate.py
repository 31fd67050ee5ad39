"""Validation of source rows: what is rejected, and the reason a person reads."""

from pathlib import Path

import pandas as pd
import pytest

from etl.config import ConfigError, Source, load_config
from etl.extract import read_csv_text
from etl.validate import MappingError, parse_numbers, validate_table


def _incidents(tmp_path: Path, text: str, **extra) -> tuple[pd.DataFrame, object]:
    path = tmp_path / "inc.csv"
    path.write_bytes(text.encode(extra.pop("encoding", "utf-8")))
    source = Source(
        name="inc",
        kind="incidents",
        path=path,
        columns={"incident_id": "id", "category": "soort", "date": "datum", "x": "x", "y": "y"},
        crs="EPSG:28992",
    )
    return validate_table(source, read_csv_text(path), True)


def test_bad_date_names_line_field_and_value(tmp_path):
    typed, problems = _incidents(tmp_path, "id,soort,datum,x,y\nA,geweld,2023-02-30,1,2\n")
    assert problems.by_row == {0: [("date", "not a valid date: 2023-02-30")]}
    assert typed["row_number"].tolist() == [2]


def test_missing_required_value_and_non_number(tmp_path):
    _, problems = _incidents(tmp_path, "id,soort,datum,x,y\nA,,2023-01-01,abc,2\n")
    assert problems.by_row[0] == [
        ("category", "required value is empty"),
        ("x", "not a number: abc"),
    ]


def test_duplicate_id_rejects_the_second_row_only(tmp_path):
    _, problems = _incidents(
        tmp_path, "id,soort,datum,x,y\nA,geweld,2023-01-01,1,2\nA,geweld,2023-01-02,1,2\n"
    )
    assert list(problems.by_row) == [1]
    assert problems.by_row[1][0][0] == "incident_id"


def test_dutch_spreadsheet_semicolons_decimal_commas_and_latin1(tmp_path):
    text = (
        "id;soort;datum;x;y\nA;vernieling;2023-01-01;155000,5;463000,25\nB;geweld;2023-01-01;1;2\n"
    )
    typed, problems = _incidents(tmp_path, text, encoding="latin-1")
    assert problems.by_row == {}
    assert typed["x"].tolist() == [155000.5, 1.0]
    assert typed["y"].tolist() == [463000.25, 2.0]


def test_cbs_missing_markers_are_missing_not_errors():
    values, bad = parse_numbers(pd.Series([".", "", "-99999999", "12", "1.234,5"]))
    assert values.isna().tolist() == [True, True, True, False, False]
    assert values.iloc[4] == 1234.5
    assert not bad.any()


def test_column_missing_from_file_names_file_and_column(tmp_path):
    path = tmp_path / "inc.csv"
    path.write_text("id,soort\nA,geweld\n")
    source = Source("inc", "incidents", path, {"incident_id": "id", "date": "pleegdatum"})
    with pytest.raises(MappingError, match=r"inc.csv.*'pleegdatum' \(for date\) not in the file"):
        validate_table(source, read_csv_text(path), True)


def test_config_errors_name_the_file(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[municipality]\ncode = "GM0363"\n'
        '[[sources]]\nname = "x"\nkind = "crimes"\npath = "x.csv"\n'
    )
    with pytest.raises(ConfigError, match=r"bad.toml: source 'x': kind 'crimes' is not one of"):
        load_config(bad)


def test_bad_optional_number_is_left_empty_and_the_row_kept(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text(
        "id,jaar,buurt,gewicht,onveilig,overlast\n"
        "R1,2023,BU99980101,1,1,7\nR2,2023,BU99980101,1,ja,2\nR3,2023,BU99980101,x,0,1\n"
    )
    columns = {
        "respondent_id": "id",
        "period": "jaar",
        "area_code": "buurt",
        "weight": "gewicht",
        "unsafe_own_buurt": "onveilig",
        "nuisance_youth": "overlast",
    }
    source = Source("survey", "survey_responses", path, columns)
    typed, problems = validate_table(source, read_csv_text(path), True)
    assert problems.by_row == {2: [("weight", "not a number: x")]}  # a required number
    assert problems.notes == {
        0: [("nuisance_youth", "nuisance_youth left empty, row kept: above 3: 7")],
        1: [("unsafe_own_buurt", "unsafe_own_buurt left empty, row kept: not a number: ja")],
    }
    assert pd.isna(typed["nuisance_youth"].iloc[0]) and typed["nuisance_youth"].iloc[1] == 2.0
    assert pd.isna(typed["unsafe_own_buurt"].iloc[1]) and typed["unsafe_own_buurt"].iloc[0] == 1
