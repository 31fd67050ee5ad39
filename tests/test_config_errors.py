"""Config mistakes are caught before loading, with the valid names; `unease fields` lists them."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from etl.cli import main
from etl.config import ConfigError, load_config
from etl.schema import FIELDS, KIND_DOCS, OPTIONS, options_of
from tests.tiny import write_tiny

README = Path(__file__).parents[1] / "README.md"


def _config(tmp_path: Path, old: str, new: str) -> Path:
    config = write_tiny(tmp_path)
    text = config.read_text()
    assert old in text
    config.write_text(text.replace(old, new))
    return config


def test_typo_in_a_canonical_field_lists_the_valid_ones(tmp_path):
    config = _config(tmp_path, 'date = "begindatum"', 'dat = "begindatum"')
    with pytest.raises(ConfigError) as failed:
        load_config(config)
    assert str(failed.value) == (
        f"{config}: source 'incidents': [sources.columns] field 'dat' is not known; "
        "did you mean 'date'? (valid: incident_id, category, date, date_end, x, y, area_code); "
        "`unease fields incidents` explains those of incidents"
    )


def test_typo_in_an_option_key_lists_the_valid_ones(tmp_path):
    config = _config(
        tmp_path,
        'unsafe_own_buurt = "onveilig_buurt"\n',
        'unsafe_own_buurt = "onveilig_buurt"\n[sources.options]\nkeeep = { jaar = ["2023"] }\n',
    )
    with pytest.raises(ConfigError) as failed:
        load_config(config)
    valid = ", ".join(options_of("survey_responses"))
    assert str(failed.value) == (
        f"{config}: source 'survey': [sources.options] option 'keeep' is not known; "
        f"did you mean 'keep'? (valid: {valid}); "
        "`unease fields survey_responses` explains those of survey_responses"
    )


def test_missing_required_field_names_source_and_field(tmp_path):
    config = _config(tmp_path, 'date = "begindatum"\n', "")
    with pytest.raises(ConfigError) as failed:
        load_config(config)
    assert str(failed.value) == (
        f"{config}: source 'incidents': required field date not mapped in [sources.columns] "
        '(e.g. date = "<column in the file>"; date: begin of the time window (pleegdatum)); '
        "`unease fields incidents` explains those of incidents"
    )


def test_a_located_source_needs_a_location(tmp_path):
    config = _config(tmp_path, 'area_code = "buurtcode"\n', "")
    with pytest.raises(ConfigError, match="survey_responses source needs a location: map x"):
        load_config(config)


def test_per_indicator_options_and_directions_are_checked(tmp_path):
    extra = (
        '\n[[sources]]\nname = "vi"\nkind = "indicator_table"\npath = "vi.csv"\n'
        '[sources.columns]\narea_code = "a"\nindicator = "i"\nperiod = "p"\nvalue = "v"\n'
        '[sources.options]\ndirection = "higher_worse"\n'
        '[sources.options.indicators.vi]\nunits = "index"\n'
    )
    with pytest.raises(
        ConfigError,
        match=r"indicators.vi: indicator option 'units' is not known; "
        r"did you mean 'unit'\?",
    ):
        load_config(write_tiny(tmp_path, extra))
    wrong = extra.replace('units = "index"', 'direction = "up"')
    with pytest.raises(ConfigError, match="indicators.vi.direction must be 'higher_worse' or"):
        load_config(write_tiny(tmp_path, wrong))


def test_cli_prints_one_message_for_a_typo_and_keeps_the_database(tmp_path, capsys):
    config = _config(tmp_path, 'category = "soort"', 'categorie = "soort"')
    db = tmp_path / "served.duckdb"
    db.write_bytes(b"previous")
    assert main(["build", str(config), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [
        f"unease build: {config}: source 'incidents': [sources.columns] field 'categorie' is "
        "not known; did you mean 'category'? (valid: incident_id, category, date, date_end, "
        "x, y, area_code); `unease fields incidents` explains those of incidents",
        f"unease build: nothing changed; {db} is as it was",
    ]
    assert db.read_bytes() == b"previous"


def test_unease_fields_prints_every_field_and_option_of_a_kind(capsys):
    assert main(["fields", "initiatives"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("initiatives: one row per citizen safety initiative\n")
    for f in FIELDS["initiatives"]:
        assert re.search(rf"^    [* ] {f.name} +{f.type} +{re.escape(f.doc)}$", out, re.M), f.name
    assert "    * start_date       date    date it started" in out
    for option in OPTIONS:
        assert (f"      {option.name} " in out) == ("initiatives" in option.kinds), option.name
    assert main(["fields"]) == 0
    everything = capsys.readouterr().out
    assert all(f"{kind}: {doc}" in everything for kind, doc in KIND_DOCS.items())
    assert main(["fields", "incident"]) == 2
    assert "did you mean 'incidents'?" in capsys.readouterr().err


def _readme_option_names() -> set[str]:
    text = README.read_text(encoding="utf-8")
    table = text.split("Options (`[sources.options]`", 1)[1].split("\n\n", 2)[1]
    names = set()
    for line in table.splitlines()[2:]:
        first = line.split("|")[1]
        names |= {re.match(r"[a-z_]+", c).group(0) for c in re.findall(r"`([^`]+)`", first)}
    return names


def test_readme_lists_exactly_the_options_of_the_table():
    assert _readme_option_names() == {o.name for o in OPTIONS}


BOUNDARIES = """
[[sources]]
name = "b"
kind = "boundaries"
path = "b.gpkg"
level = "buurt"
vintage = 2024
[sources.columns]
code = "c"
name = "n"
"""


def test_readme_source_config_examples_pass_the_config_check(tmp_path):
    """Every key, field and option in the README's TOML examples is one the check knows."""
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", text, re.S)
    assert len(blocks) == 2
    for block in blocks:
        body = block if "[municipality]" in block else '[municipality]\ncode = "GM0363"\n' + block
        if 'kind = "boundaries"' not in body:
            body += BOUNDARIES
        path = tmp_path / "readme.toml"
        path.write_text(body)
        assert len(load_config(path).sources) == len(tomllib.loads(body)["sources"])
