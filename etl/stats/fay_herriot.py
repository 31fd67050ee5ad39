"""The Fay–Herriot area-level model: EBLUP, REML and the Prasad–Rao MSE.

Model (Fay & Herriot 1979; Rao & Molina 2015, ch. 6): for area i the direct estimate
is ``y_i = x_i' beta + u_i + e_i`` with ``u_i ~ N(0, sigma2_u)`` (between areas) and
``e_i ~ N(0, d_i)`` (sampling error, variance d_i known).  The EBLUP is

    theta_i = gamma_i y_i + (1 - gamma_i) x_i' beta,   gamma_i = sigma2_u / (sigma2_u + d_i),

with ``beta`` by weighted least squares and ``sigma2_u`` by REML (Fisher scoring,
started at the median d_i as the R package ``sae`` does, kept at 0 or above).  Its MSE
is the Prasad–Rao estimator in the form Datta & Lahiri (2000) give for REML:

    mse_i = g1_i + g2_i + 2 g3_i,   g1 = gamma d,   g2 = (1 - gamma)^2 x' (X'V^-1 X)^-1 x,
    g3 = (1 - gamma)^2 / (sigma2_u + d) * 2 / sum_j (sigma2_u + d_j)^-2.

An area without a direct estimate gets the synthetic ``x' beta`` with MSE
``sigma2_u + x' (X'V^-1 X)^-1 x``.

Every step uses the diagonal of V only, so memory and time grow with the number of
areas, not its square (a national buurt layer has about 10,000 areas).

Shares are modelled on the arcsine-square-root scale, ``asin(sqrt(p))``, whose
sampling variance ``1 / (4 n_eff)`` does not depend on p (so a buurt where nobody
answered "yes" still has a variance); :func:`arcsine_back` maps estimates and
interval ends back and :func:`arcsine_mean` gives the mean of the back-transformed
normal, for the bias check.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class FayHerriotFit:
    """A fitted Fay–Herriot model; arrays are per area, in the order of the input."""

    beta: np.ndarray
    beta_cov: np.ndarray
    sigma2_u: float
    sigma2_u_var: float
    gamma: np.ndarray
    eblup: np.ndarray
    mse: np.ndarray
    synthetic: np.ndarray
    residuals: np.ndarray
    loglik: float
    iterations: int
    converged: bool

    def predict_synthetic(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Synthetic estimates x' beta and their MSE for areas without a direct estimate."""
        x = np.atleast_2d(np.asarray(x, dtype=float))
        estimate = x @ self.beta
        mse = self.sigma2_u + np.einsum("ij,jk,ik->i", x, self.beta_cov, x)
        return estimate, mse


def fit_fay_herriot(
    y: np.ndarray,
    d: np.ndarray,
    x: np.ndarray,
    tol: float = 1e-10,
    max_iter: int = 100,
) -> FayHerriotFit:
    """Fit the Fay–Herriot model by REML and return EBLUPs with their Prasad–Rao MSE.

    Parameters
    ----------
    y : numpy.ndarray
        Direct estimates, one per area.
    d : numpy.ndarray
        Their sampling variances (known, > 0).
    x : numpy.ndarray
        Covariates, shape (areas, p), including a column of ones for an intercept.
    tol : float
        Convergence: the change of sigma2_u relative to max(sigma2_u, median d).
    max_iter : int
        Fisher-scoring iterations at most.
    """
    y = np.asarray(y, dtype=float)
    d = np.asarray(d, dtype=float)
    x = np.atleast_2d(np.asarray(x, dtype=float))
    m, p = x.shape
    if y.shape != (m,) or d.shape != (m,):
        raise ValueError("y, d and the rows of x must have the same length")
    if m <= p:
        raise ValueError(f"{m} areas cannot fit {p} coefficients")
    if not np.all(np.isfinite(y)) or not np.all(np.isfinite(x)):
        raise ValueError("y and x must be finite")
    if not np.all(d > 0):
        raise ValueError("sampling variances must be positive")

    scale = float(np.median(d))
    sigma2 = scale
    converged = False
    iterations = 0
    while iterations < max_iter and not converged:
        iterations += 1
        score, info = _reml_score(sigma2, y, d, x)
        step = score / info
        new = max(sigma2 + step, 0.0)
        change = abs(new - sigma2)
        sigma2 = new
        converged = change <= tol * max(sigma2, scale) or (sigma2 == 0.0 and step < 0)

    v = sigma2 + d
    w = 1.0 / v
    a = np.linalg.inv(x.T @ (x * w[:, None]))
    beta = a @ (x.T @ (w * y))
    synthetic = x @ beta
    gamma = sigma2 / v
    eblup = gamma * y + (1.0 - gamma) * synthetic
    sigma2_var = 2.0 / float(np.sum(w**2))
    g1 = gamma * d
    g2 = (1.0 - gamma) ** 2 * np.einsum("ij,jk,ik->i", x, a, x)
    g3 = (1.0 - gamma) ** 2 * w * sigma2_var
    r = y - synthetic
    _, logdet_xwx = np.linalg.slogdet(x.T @ (x * w[:, None]))
    loglik = -0.5 * (
        (m - p) * np.log(2 * np.pi) + np.sum(np.log(v)) + logdet_xwx + float(np.sum(w * r**2))
    )
    return FayHerriotFit(
        beta=beta,
        beta_cov=a,
        sigma2_u=float(sigma2),
        sigma2_u_var=sigma2_var,
        gamma=gamma,
        eblup=eblup,
        mse=g1 + g2 + 2.0 * g3,
        synthetic=synthetic,
        residuals=r / np.sqrt(v),
        loglik=float(loglik),
        iterations=iterations,
        converged=converged,
    )


def _reml_score(sigma2: float, y: np.ndarray, d: np.ndarray, x: np.ndarray) -> tuple[float, float]:
    """Score and Fisher information of the restricted likelihood in sigma2_u.

    With P = V^-1 - V^-1 X (X'V^-1 X)^-1 X'V^-1 and V = diag(sigma2 + d):
    score = -tr(P)/2 + y'PPy/2 and information = tr(PP)/2, both from p x p products.
    """
    w = 1.0 / (sigma2 + d)
    a = np.linalg.inv(x.T @ (x * w[:, None]))
    xw2x = x.T @ (x * (w**2)[:, None])
    xw3x = x.T @ (x * (w**3)[:, None])
    beta = a @ (x.T @ (w * y))
    py = w * (y - x @ beta)
    trace_p = float(np.sum(w) - np.trace(a @ xw2x))
    trace_pp = float(np.sum(w**2) - 2.0 * np.trace(a @ xw3x) + np.trace(a @ xw2x @ a @ xw2x))
    return -0.5 * trace_p + 0.5 * float(py @ py), 0.5 * trace_pp


def arcsine(p: np.ndarray) -> np.ndarray:
    """asin(sqrt(p)) for shares p in [0, 1]."""
    return np.arcsin(np.sqrt(np.clip(np.asarray(p, dtype=float), 0.0, 1.0)))


def arcsine_variance(n_eff: np.ndarray) -> np.ndarray:
    """Sampling variance of asin(sqrt(p)) at effective sample size n_eff: 1 / (4 n_eff)."""
    return 1.0 / (4.0 * np.asarray(n_eff, dtype=float))


def arcsine_back(theta: np.ndarray) -> np.ndarray:
    """sin(theta)^2 with theta kept within [0, pi/2]: a share again (the median of the
    back-transformed normal, so interval ends map one to one)."""
    return np.sin(np.clip(np.asarray(theta, dtype=float), 0.0, np.pi / 2)) ** 2


def arcsine_mean(theta: np.ndarray, mse: np.ndarray) -> np.ndarray:
    """E[sin(T)^2] for T ~ N(theta, mse): (1 - cos(2 theta) exp(-2 mse)) / 2."""
    return 0.5 * (1.0 - np.cos(2.0 * np.asarray(theta)) * np.exp(-2.0 * np.asarray(mse)))
