"""Trend tests and alert models of N monthly series: all at once against one call a series.

    .venv/bin/python bench/trends.py [--series 500 2000] [--months 48] [--repeat 3]
    .venv/bin/python bench/trends.py --db FILE [FILE ...] --baseline REV [--repeat 3]

N random monthly count series (seasonal, half Poisson, half overdispersed, a few
sparse ones with calendar months that never had an incident), as the trend step sees
them for areas × categories.  Each part of the step is timed both ways in one run,
best of ``--repeat``:

- seasonal Mann–Kendall and Sen slope: ``etl.stats.mann_kendall`` on the matrix of
  series, against ``pymannkendall.seasonal_test`` per series;
- the alert model of the last month: ``etl.stats.trend.alert_models`` (batched Poisson
  IRLS, NB2 by Newton where overdispersed), against a statsmodels ``GLM`` Poisson fit
  and, where overdispersed, ``NegativeBinomial`` per series (the step as it was);
- the robust STL components: ``etl.stats.stl.stl_many`` on the matrix of series,
  against ``statsmodels.tsa.seasonal.STL(period=12, robust=True)`` per series.

The batched parts run with one BLAS thread, as in the build step (their matrices are
small; two threads fighting over two busy cores are slower).

Prints a Markdown table (seconds, ratio per-series / batched) for docs/performance.md,
and how far the two alert paths agree.

With ``--db`` (built databases, e.g. from ``bench/build.py``'s configs) and
``--baseline REV``: the whole step 'trends and alerts' (``write_trends``) on a copy of
each database, in a fresh process per run, with this code and with the code of git
revision REV (``git archive``, same virtualenv), alternating; the median seconds, their
ratio, and how far the tables the two write differ.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import sys
import tempfile
import warnings
from functools import partial
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.run import best_of, run_child  # noqa: E402
from etl.stats.alert_models import (  # noqa: E402
    _NODES,
    MAX_LOG_MEAN,
    OVERDISPERSION,
    alert_models,
)
from etl.stats.mann_kendall import seasonal_mann_kendall_many  # noqa: E402
from etl.stats.stl import stl_many  # noqa: E402


def random_series(n: int, months: int, seed: int = 7) -> np.ndarray:
    """``n`` monthly count series: seasonal, some trending, half overdispersed."""
    rng = np.random.default_rng(seed)
    t = np.arange(months)
    level = np.exp(rng.uniform(np.log(0.3), np.log(300), (n, 1)))
    season = 1 + rng.uniform(0, 0.4, (n, 1)) * np.cos(2 * np.pi * (t - rng.integers(12)) / 12)
    mean = level * season * np.exp(rng.normal(0, 0.15, (n, 1)) * t / 12)
    size = np.where(np.arange(n)[:, None] % 2 == 0, 1e6, rng.uniform(1, 10, (n, 1)))
    return rng.negative_binomial(size, size / (size + mean)).astype(float)


def per_series_mann_kendall(y: np.ndarray) -> list:
    import pymannkendall

    return [pymannkendall.seasonal_test(row, period=12) for row in y]


def reference_design(n: int, first_month_of_year: int, period: int = 12) -> np.ndarray:
    """The design the step used before: intercept, month dummies (January the
    reference) and time in years."""
    season = (np.arange(n) + first_month_of_year - 1) % period
    dummies = np.zeros((n, period - 1))
    rows = np.flatnonzero(season > 0)
    dummies[rows, season[rows] - 1] = 1.0
    return np.column_stack([np.ones(n), dummies, np.arange(n) / period])


def per_series_alert_models(y: np.ndarray, first_month_of_year: int = 1) -> list[dict]:
    """The alert model of each series with statsmodels, one series a call."""
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    x_all = reference_design(y.shape[1], first_month_of_year)
    out = []
    for row in y:
        history = row[:-1]
        if history.sum() == 0:
            out.append(dict(model="none"))
            continue
        keep = x_all[:-1].any(axis=0)
        keep[0] = True
        x, x_new = x_all[:-1, keep], x_all[-1, keep]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                warnings.simplefilter("ignore", RuntimeWarning)
                warnings.simplefilter("ignore", UserWarning)
                fit = sm.GLM(history, x, family=sm.families.Poisson()).fit()
                cov, model, params = fit.cov_params(), "poisson", fit.params
                if fit.pearson_chi2 / max(len(history) - x.shape[1], 1) > OVERDISPERSION:
                    nb = sm.NegativeBinomial(history, x, loglike_method="nb2").fit(
                        start_params=np.append(fit.params, 0.1), disp=0, maxiter=200
                    )
                    k = x.shape[1]
                    cov, model, params = np.asarray(nb.cov_params())[:k, :k], "negbin", nb.params
        except (ArithmeticError, ValueError, np.linalg.LinAlgError):
            out.append(None)
            continue
        eta = float(x_new @ params[: x.shape[1]])
        se = math.sqrt(max(float(x_new @ cov @ x_new), 0.0))
        if math.isfinite(eta + se) and eta + se * _NODES[-1] <= MAX_LOG_MEAN:
            out.append(dict(model=model, eta=eta, se=se, alpha=float(params[-1])))
        else:
            out.append(dict(model=model))
    return out


def per_series_stl(y: np.ndarray) -> list:
    from statsmodels.tsa.seasonal import STL

    return [STL(row, period=12, robust=True).fit() for row in y]


def agreement(batched: list, single: list) -> str:
    """How the alert models of both paths compare: same outcome, largest difference."""
    same = sum(
        (a is None) == (b is None)
        and (a is None or (a["model"], "eta" in a) == (b["model"], "eta" in b))
        for a, b in zip(batched, single)
    )
    # NB2 fits with alpha at its boundary 0, where the batched path keeps the Poisson
    # fit (etl.stats.alert_models.MIN_ALPHA) and statsmodels' BFGS stops at a small
    # alpha or, its Hessian not positive definite there, has no covariance
    boundary = sum(
        a is not None
        and a["model"] == "poisson"
        and (b is None or (b["model"] == "negbin" and b["alpha"] < 1e-4))
        for a, b in zip(batched, single)
    )
    diffs = [
        abs(a["eta"] - b["eta"]) / max(1.0, abs(b["eta"]))
        for a, b in zip(batched, single)
        if a is not None and b is not None and "eta" in a and "eta" in b
    ]
    return (
        f"{same} of {len(single)} series with the same model and outcome; {boundary} of "
        f"the others overdispersed for Poisson but with NB2's alpha at 0, where statsmodels "
        f"stops at alpha < 1e-4 or has no covariance (a skip) and the batched path keeps "
        f"the Poisson fit; largest relative difference of the month's log-mean "
        f"{max(diffs, default=0):.1e}"
    )


#: The step in a child process with the code under test first on the path; writes its
#: tables as Parquet files beside the copy of the database.
CHILD = r"""
import shutil, sys, time
from etl.db import connect
from etl.settings import Settings
from etl.stats.trend import write_trends

source, work = sys.argv[1], sys.argv[2]
shutil.copy(source, work)
con = connect(work)
con.execute("delete from analysis_skips where step = 'trends and alerts'")
started = time.perf_counter()
write_trends(con, Settings.from_env())
seconds = time.perf_counter() - started
for table in ("trends", "alerts", "trend_components", "analysis_skips"):
    con.execute(f"copy (select * from {table} order by all) to '{work}.{table}.parquet'")
con.close()
print(f"{seconds:.4f}")
"""


def run_step(code: Path, db: Path, out: Path) -> float:
    """Seconds of the step in a fresh process; its tables as ``out.TABLE.parquet``."""
    stdout = run_child(code, CHILD, str(db), str(out))
    out.unlink(missing_ok=True)
    Path(f"{out}.wal").unlink(missing_ok=True)
    return float(stdout.split()[-1])


def table_differences(old: Path, new: Path) -> str:
    """Rows of each table, and the largest difference of its numbers between the two."""
    import pandas as pd

    parts = []
    for table in ("trends", "alerts", "trend_components", "analysis_skips"):
        a = pd.read_parquet(f"{old}.{table}.parquet")
        b = pd.read_parquet(f"{new}.{table}.parquet")
        if len(a) != len(b) or list(a.columns) != list(b.columns):
            parts.append(f"{table}: {len(a)} and {len(b)} rows")
            continue
        numbers = [c for c in a.columns if a[c].dtype.kind == "f"]
        others = [c for c in a.columns if c not in numbers]
        same = a[others].astype(str).equals(b[others].astype(str))
        scale = np.maximum(1.0, np.abs(a[numbers].to_numpy()))
        with np.errstate(invalid="ignore"):
            diff = np.abs(a[numbers].to_numpy() - b[numbers].to_numpy()) / scale
        nan_same = (a[numbers].isna().to_numpy() == b[numbers].isna().to_numpy()).all()
        largest = np.nanmax(diff) if numbers and np.isfinite(diff).any() else 0.0
        parts.append(
            f"{table}: {len(a)} rows, other columns {'identical' if same else 'DIFFER'}, "
            f"missing values {'alike' if nan_same else 'DIFFER'}, largest relative "
            f"difference {largest:.1e}"
        )
    return "; ".join(parts)


def compare_step(dbs: list[Path], baseline: str, repeat: int) -> None:
    """The step with this code and with ``baseline`` on each database, alternating."""
    from bench.build import code_of
    from bench.initiatives import incidents_in

    work = Path(tempfile.mkdtemp(prefix="unease-trends-bench-"))
    try:
        codes = {baseline: code_of(baseline, work), "this code": ROOT}
        print(f"{os.cpu_count()} cores, load average at the start {os.getloadavg()[0]:.1f}\n")
        print(f"| incidents | {baseline} (s) | this code (s) | {baseline} / this code |")
        print("|---:|---:|---:|---:|")
        notes = []
        for db in dbs:
            times: dict[str, list[float]] = {label: [] for label in codes}
            for _ in range(repeat):
                for label, code in codes.items():
                    times[label].append(run_step(code, db, work / label.replace(" ", "-")))
            old, new = (statistics.median(times[label]) for label in codes)
            print(f"| {incidents_in(db):,} | {old:.2f} | {new:.2f} | {old / new:.1f} |")
            notes.append(
                f"{db.name}: {table_differences(*(work / k.replace(' ', '-') for k in codes))}"
            )
        print(f"\nload average at the end {os.getloadavg()[0]:.1f}\n")
        for note in notes:
            print(f"* {note}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--series", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--months", type=int, default=48)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--db", type=Path, nargs="*", default=[], help="built databases")
    parser.add_argument("--baseline", help="git revision to compare the whole step with")
    args = parser.parse_args()
    if args.db:
        compare_step(args.db, args.baseline or "c61ac06", args.repeat)
        return
    rows, notes = [], []
    for n in args.series:
        y = random_series(n, args.months)
        parts = {
            "seasonal Mann-Kendall + Sen slope": (
                (seasonal_mann_kendall_many, y),
                (per_series_mann_kendall, y),
            ),
            "alert model (Poisson / NB2)": ((alert_models, y), (per_series_alert_models, y)),
            "robust STL components": ((stl_many, y), (per_series_stl, y)),
        }
        for name, (batched, single) in parts.items():
            with threadpool_limits(limits=1):
                fast, fast_result = best_of(args.repeat, partial(*batched))
            slow, slow_result = best_of(1 if n > 1000 else args.repeat, partial(*single))
            rows.append((n, name, fast, slow))
            if name.startswith("alert"):
                notes.append(f"{n:,} series: {agreement(fast_result, slow_result)}")
    print(
        f"{os.cpu_count()} cores, load average at the end {os.getloadavg()[0]:.1f}, "
        f"{args.months} months a series\n"
    )
    print("| series | part | all at once (s) | one series a call (s) | ratio |")
    print("|---:|---|---:|---:|---:|")
    for n, name, fast, slow in rows:
        print(f"| {n:,} | {name} | {fast:.3f} | {slow:.3f} | {slow / fast:.1f} |")
    print()
    for note in notes:
        print(f"* {note}")


if __name__ == "__main__":
    main()
