"""Opening the DuckDB store: the spatial extension from its wheel and the statistics functions.

The spatial extension is loaded from the ``duckdb-extension-spatial`` wheel that is
pinned beside DuckDB, so no extension is ever downloaded at run time.  Builds also
register a few scalar functions from scipy (distribution quantiles) that the SQL
marts use for exact intervals.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
from scipy import stats


def spatial_extension_path() -> Path:
    """Path of the spatial extension shipped in the ``duckdb-extension-spatial`` wheel."""
    import duckdb_extension_spatial

    root = Path(duckdb_extension_spatial.__file__).parent / "extensions"
    path = root / f"v{duckdb.__version__}" / "spatial.duckdb_extension"
    if not path.is_file():
        found = sorted(p.parent.name for p in root.glob("*/spatial.duckdb_extension"))
        raise RuntimeError(
            f"the spatial extension for DuckDB {duckdb.__version__} is not installed "
            f"(found: {', '.join(found) or 'none'}); install duckdb-extension-spatial=="
            f"{duckdb.__version__}"
        )
    return path


def connect(path: str | Path = ":memory:", read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open a database with spatial loaded; writable connections also get the stats functions."""
    con = duckdb.connect(
        str(path),
        read_only=read_only,
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False},
    )
    con.execute(f"load '{spatial_extension_path()}'")
    if not read_only:
        register_functions(con)
    return con


def _quantile(dist, q: pa.Array, df: pa.Array | None = None) -> pa.Array:
    """Vectorised quantile of a scipy distribution; NULL where undefined."""
    qv = q.to_numpy(zero_copy_only=False).astype(float)
    out = np.full(len(qv), np.nan)
    ok = np.isfinite(qv)
    if df is None:
        out[ok] = dist.ppf(qv[ok])
    else:
        dv = df.to_numpy(zero_copy_only=False).astype(float)
        ok &= np.isfinite(dv) & (dv > 0)
        out[ok] = dist.ppf(qv[ok], dv[ok])
    return pa.array(out, mask=~np.isfinite(out))


def register_functions(con: duckdb.DuckDBPyConnection) -> None:
    """Register chi2_ppf(q, df), norm_ppf(q) and t_ppf(q, df) for the SQL marts."""
    dbl = duckdb.sqltype("DOUBLE")
    for name, dist in {"chi2_ppf": stats.chi2, "t_ppf": stats.t}.items():
        con.create_function(
            name, _with_df(dist), [dbl, dbl], dbl, type="arrow", null_handling="special"
        )
    con.create_function(
        "norm_ppf", _without_df(stats.norm), [dbl], dbl, type="arrow", null_handling="special"
    )


def _with_df(dist):
    def ppf(q: pa.Array, df: pa.Array) -> pa.Array:
        return _quantile(dist, q, df)

    return ppf


def _without_df(dist):
    def ppf(q: pa.Array) -> pa.Array:
        return _quantile(dist, q)

    return ppf
