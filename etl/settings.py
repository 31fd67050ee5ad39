"""Typed settings of the monitor, overridable by environment variables.

Every setting has a default, a type and a description; ``UNEASE_<NAME>`` in the
environment (or the ``[settings]`` table of a source config) overrides it.  The
thresholds marked *project default* in the methods are settings, not constants:
they are stored with every build in the ``build_settings`` table so the SQL marts
and the dashboard read the values that produced the figures.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any

import pandas as pd

from etl.config import did_you_mean


@dataclass(frozen=True)
class Settings:
    """Settings of a build and of the dashboard."""

    min_survey_n: int = field(
        default=50,
        metadata={"doc": "Survey figures are withheld when the unweighted n is below this."},
    )
    indicative_survey_n: int = field(
        default=100,
        metadata={"doc": "Survey figures with an unweighted n below this are flagged indicative."},
    )
    indicative_halfwidth: float = field(
        default=0.10,
        metadata={"doc": "Shares whose interval half-width exceeds this are flagged indicative."},
    )
    min_inhabitants: int = field(
        default=200,
        metadata={"doc": "No incident rate for areas with fewer inhabitants; the count is kept."},
    )
    confidence: float = field(
        default=0.95,
        metadata={"doc": "Confidence level of every interval."},
    )
    rate_denominator: str = field(
        default="inhabitants",
        metadata={"doc": "Denominator of incident rates: inhabitants, addresses or dwellings."},
    )
    trend_min_months: int = field(
        default=24,
        metadata={"doc": "Monthly trend tests (STL, seasonal Mann-Kendall) need this many months."},
    )
    alert_level: float = field(
        default=0.95,
        metadata={"doc": "An alert when the latest month lies outside this prediction band."},
    )
    hotspot_permutations: int = field(
        default=999,
        metadata={"doc": "Permutations for the pseudo p-values of Getis-Ord Gi*."},
    )
    hotspot_scale: str = field(
        default="rank",
        metadata={
            "doc": "Scale of the values Gi* is computed on: rank (default; methods.md says "
            "rate), log (log 1 + rate) or rate (the smoothed rates)."
        },
    )
    fdr_alpha: float = field(
        default=0.05,
        metadata={
            "doc": "False discovery rate (Benjamini-Hochberg) of every significant list: "
            "changes, trends, alerts, hotspots."
        },
    )
    random_seed: int = field(
        default=20240601,
        metadata={"doc": "Seed of every permutation test, so a build is reproducible."},
    )
    public_round_to: int = field(
        default=5,
        metadata={"doc": "Public counts of 5 and more are rounded to this (1 = no rounding)."},
    )
    public_denominator_round_to: int = field(
        default=5,
        metadata={
            "doc": "Inhabitants, addresses and dwellings shown to the public are rounded to "
            "this, as CBS rounds them in its Kerncijfers wijken en buurten (1 = no rounding)."
        },
    )
    initiative_controls: int = field(
        default=10,
        metadata={"doc": "Number of matched control buurten per initiative."},
    )
    initiative_cross_fit: bool = field(
        default=True,
        metadata={
            "doc": "Initiative incident controls cross-fitted: matched on the baseline of the "
            "odd months and compared on the even ones, and the other way round (no regression "
            "to the mean in the controls); false = one set matched and compared on all months."
        },
    )
    initiative_ring_buffer_m: float = field(
        default=0.0,
        metadata={
            "doc": "Ring of an initiative: buurten within this many metres; 0 = sharing a border."
        },
    )
    min_date: str = field(
        default="1990-01-01",
        metadata={"doc": "Dates before this day are implausible: the row is quarantined."},
    )
    max_date: str = field(
        default_factory=lambda: date.today().isoformat(),
        metadata={
            "doc": "Dates after this day (default: the day of the build) are implausible: "
            "the row is quarantined."
        },
    )
    max_quarantine_share: float = field(
        default=0.5,
        metadata={
            "doc": "A build fails when a source loses more than this share of its rows "
            "to the quarantine (or loads none)."
        },
    )
    small_area: bool = field(
        default=True,
        metadata={"doc": "Small-area models (Fay-Herriot) for the survey figures; false = off."},
    )
    sae_covariates: str = field(
        default="incident_rate.total,context_index.composite",
        metadata={
            "doc": "Covariates of the small-area models, comma-separated: "
            "incident_rate.<category>, context.<variable> or an indicator id."
        },
    )
    sae_min_areas: int = field(
        default=15,
        metadata={"doc": "A small-area model needs at least this many areas with respondents."},
    )
    sae_min_explained: float = field(
        default=0.25,
        metadata={
            "doc": "Below this share of between-area variance explained, a model is flagged and "
            "gives no synthetic estimates."
        },
    )
    port: int = field(default=8050, metadata={"doc": "Port of `unease serve`."})
    host: str = field(default="127.0.0.1", metadata={"doc": "Host of `unease serve`."})
    session_cookie_secure: bool = field(
        default=False,
        metadata={"doc": "Send the sign-in cookie over https only; set true behind https."},
    )
    session_cookie_samesite: str = field(
        default="Lax",
        metadata={"doc": "SameSite of the sign-in cookie: Strict, Lax, or None (needs Secure)."},
    )
    login_limit_account: str = field(
        default="5 per 15 minutes",
        metadata={"doc": "Failed sign-ins allowed per account name (flask-limiter syntax)."},
    )
    login_limit_address: str = field(
        default="20 per 15 minutes",
        metadata={"doc": "Failed sign-ins allowed per client address (flask-limiter syntax)."},
    )
    rate_limit_storage_uri: str = field(
        default="memory://",
        metadata={
            "doc": "Where failed sign-ins are counted: memory:// (per process) or a shared "
            "store such as redis://host:6379 for several workers."
        },
    )
    view_cache_url: str = field(
        default="",
        metadata={
            "doc": "Views shared by dashboard replicas: empty = kept per process only, or a "
            "Redis URL such as redis://host:6379/0 (keys hold the build's id)."
        },
    )
    ingest_in_duckdb: bool = field(
        default=True,
        metadata={
            "doc": "Incidents from a CSV are read, checked and placed in DuckDB, only the rows "
            "that fail a check row by row; false = every row row by row in pandas (slower, "
            "the same result)."
        },
    )
    duckdb_memory_limit: str = field(
        default="1GB",
        metadata={
            "doc": "Memory DuckDB may use during a build (its memory_limit); beyond it, "
            "it spills to disk."
        },
    )
    duckdb_threads: int = field(
        default=0,
        metadata={"doc": "Threads DuckDB uses during a build; 0 = one per core."},
    )
    build_lock_timeout: float = field(
        default=0.0,
        metadata={
            "doc": "Seconds a build waits for another build of the same database; "
            "0 = stop at once, naming the lock file and the other build's pid."
        },
    )

    @classmethod
    def from_env(cls, overrides: dict[str, Any] | None = None) -> Settings:
        """Defaults, then ``overrides`` (e.g. a config's [settings]), then UNEASE_* variables."""
        values: dict[str, Any] = {}
        known = {f.name: f for f in fields(cls)}
        for name, value in (overrides or {}).items():
            if name not in known:
                raise ValueError(
                    f"unknown setting {name!r}{did_you_mean(name, known)}; "
                    f"known: {', '.join(sorted(known))}"
                )
            values[name] = _coerce(known[name].type, value, name)
        for name, f in known.items():
            env = os.environ.get(f"UNEASE_{name.upper()}")
            if env is not None:
                values[name] = _coerce(f.type, env, f"UNEASE_{name.upper()}")
        settings = replace(cls(), **values)
        settings.check()
        return settings

    def check(self) -> None:
        """Refuse settings that would produce meaningless figures."""
        if self.rate_denominator not in ("inhabitants", "addresses", "dwellings"):
            raise ValueError(
                f"rate_denominator must be inhabitants, addresses or dwellings, "
                f"not {self.rate_denominator!r}"
            )
        if self.hotspot_scale not in ("rank", "log", "rate"):
            raise ValueError(f"hotspot_scale must be rank, log or rate, not {self.hotspot_scale!r}")
        if not 0.5 < self.confidence < 1:
            raise ValueError(f"confidence must lie between 0.5 and 1, not {self.confidence}")
        if not 0 <= self.max_quarantine_share <= 1:
            raise ValueError(
                f"max_quarantine_share must lie between 0 and 1, not {self.max_quarantine_share}"
            )
        for name in ("min_date", "max_date"):
            try:
                date.fromisoformat(getattr(self, name))
            except ValueError:
                raise ValueError(
                    f"{name} must be a date like 1990-01-01, not {getattr(self, name)!r}"
                ) from None
        if self.min_date >= self.max_date:
            raise ValueError(f"min_date {self.min_date} must lie before max_date {self.max_date}")
        if self.indicative_survey_n < self.min_survey_n:
            raise ValueError("indicative_survey_n must not be below min_survey_n")
        if self.session_cookie_samesite not in ("Strict", "Lax", "None"):
            raise ValueError(
                f"session_cookie_samesite must be Strict, Lax or None, "
                f"not {self.session_cookie_samesite!r}"
            )
        if self.session_cookie_samesite == "None" and not self.session_cookie_secure:
            raise ValueError("session_cookie_samesite None needs session_cookie_secure true")
        if self.duckdb_threads < 0:
            raise ValueError(f"duckdb_threads must be 0 or more, not {self.duckdb_threads}")
        if self.build_lock_timeout < 0:
            raise ValueError(f"build_lock_timeout must be 0 or more, not {self.build_lock_timeout}")
        if self.sae_min_areas < 5:
            raise ValueError(f"sae_min_areas must be at least 5, not {self.sae_min_areas}")
        if not self.sae_covariate_list():
            raise ValueError("sae_covariates names no covariate")

    def sae_covariate_list(self) -> list[str]:
        """The covariates of the small-area models, in the order given."""
        return [c.strip() for c in self.sae_covariates.split(",") if c.strip()]

    def date_range(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """The plausible range of dates: min_date to max_date, both days included."""
        return pd.Timestamp(self.min_date), pd.Timestamp(self.max_date)

    def rows(self) -> list[tuple[str, str, str]]:
        """(name, value, description) for every setting, for the build_settings table."""
        return [(f.name, str(getattr(self, f.name)), f.metadata["doc"]) for f in fields(self)]


def _coerce(type_name: Any, value: Any, where: str) -> Any:
    kind = {"int": int, "float": float, "str": str, "bool": _boolean}[str(type_name)]
    try:
        return kind(value)
    except (TypeError, ValueError):
        label = "true or false" if kind is _boolean else f"a {kind.__name__}"
        raise ValueError(f"setting {where}: {value!r} is not {label}") from None


def _boolean(value: Any) -> bool:
    """true/false, yes/no, on/off or 1/0 (as an environment variable or TOML value)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "on", "1"):
        return True
    if text in ("false", "no", "off", "0"):
        return False
    raise ValueError(value)
