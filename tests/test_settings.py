"""Every setting is documented and can be overridden."""

from dataclasses import fields
from pathlib import Path

import pytest

from etl.settings import Settings

README = Path(__file__).parents[1] / "README.md"


def test_every_setting_is_in_the_readme():
    text = README.read_text(encoding="utf-8")
    missing = [f.name for f in fields(Settings) if f"`{f.name}`" not in text]
    assert missing == []


def test_environment_overrides_config_and_bad_values_are_refused(monkeypatch):
    monkeypatch.setenv("UNEASE_MIN_SURVEY_N", "30")
    settings = Settings.from_env({"min_survey_n": 40, "min_inhabitants": 100})
    assert (settings.min_survey_n, settings.min_inhabitants) == (30, 100)
    with pytest.raises(ValueError, match="unknown setting 'min_n'"):
        Settings.from_env({"min_n": 3})
    with pytest.raises(ValueError, match="rate_denominator must be"):
        Settings.from_env({"rate_denominator": "households"})
