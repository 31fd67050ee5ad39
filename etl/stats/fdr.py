"""False discovery rate: Benjamini–Hochberg q-values for a family of tests.

One implementation for every list the product calls "significant" (changes,
alerts, trends): ``statsmodels.stats.multitest.multipletests(method='fdr_bh')``,
a maintained implementation, over the p-values that exist.  A missing p-value
(an untested row) is no member of the family and keeps a missing q.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests


def bh(p: pd.Series) -> pd.Series:
    """Benjamini–Hochberg q-values; NaN where p is NaN."""
    p = pd.Series(p, dtype=float)
    q = pd.Series(np.nan, index=p.index)
    ok = p[np.isfinite(p)]
    if len(ok):
        q[ok.index] = multipletests(ok.to_numpy(), method="fdr_bh")[1]
    return q


def family_size(p: pd.Series) -> int:
    """The number of tests in a family: the p-values that exist."""
    return int(np.isfinite(pd.Series(p, dtype=float)).sum())
