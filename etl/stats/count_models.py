"""Poisson and negative binomial (NB2) regressions of many count series at once.

Every series of a batch shares one design matrix (the same months), so each step of
the fit is a stack of small systems solved together:

- **Poisson**: iteratively reweighted least squares as ``statsmodels``' GLM
  (start ``mu = (y + ȳ)/2``, weighted least squares by the normal equations, or the
  pseudo-inverse where they are singular, stop when the deviance changes by at most
  ``1e-8``, at most 100 steps); the covariance is the pseudo-inverse of ``X'WX`` with
  the weights of the last step, as statsmodels computes it.
- **NB2** (variance ``mu + alpha·mu²``): maximum likelihood in (beta, log alpha) by
  Newton steps with step halving, from the Poisson estimates and alpha = 0.1; the
  covariance of beta is its block of the inverse of minus the Hessian, which must be
  positive definite (else the fit has no covariance, as in ``statsmodels``).  An
  indicator column whose rows of a series are all 0 (a calendar month without any
  incident) has the estimate −∞: its rows add nothing to the likelihood of the other
  parameters, so they are left out of that series' fit and the column is marked
  ``unbounded`` (estimate −∞, unbounded variance) instead of being chased towards −∞
  until the Hessian is singular.  alpha is not taken below 1e-7 (see
  ``LOG_ALPHA_FLOOR``): where its estimate goes to 0 the data are not overdispersed
  in the way NB2 models, and the caller keeps the Poisson fit.

``statsmodels`` fits one series per call; it is the reference in the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

#: Smallest positive value statsmodels clips means and ratios to.
_EPS = np.finfo(float).eps
#: Below alpha = 1e-7 the NB2 derivatives in alpha are rounding noise (differences of
#: digamma functions of 1/alpha): the fit stops there, the NB being the Poisson.
LOG_ALPHA_FLOOR = np.log(1e-7)


@dataclass
class CountFit:
    """Estimates of a batch of series (one row each)."""

    params: np.ndarray  # series x k
    cov: np.ndarray  # series x k x k (NaN where the fit has no covariance)
    mu: np.ndarray  # series x months: fitted means
    ok: np.ndarray  # series: a finite fit with a covariance
    alpha: np.ndarray | None = None  # series: NB dispersion
    unbounded: np.ndarray | None = None  # series x k: estimate -inf (see the module)

    def predict(self, x_new: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Linear predictor at ``x_new`` (k) and its standard error, per series; -inf and
        inf where ``x_new`` involves an unbounded column."""
        unbounded = np.zeros(self.params.shape, bool) if self.unbounded is None else self.unbounded
        params = np.where(unbounded, 0.0, self.params)
        with np.errstate(invalid="ignore"):
            eta = params @ x_new
            se = np.sqrt(np.maximum(np.einsum("i,sij,j->s", x_new, self.cov, x_new), 0.0))
        hit = (unbounded & (x_new != 0)).any(axis=1)
        return np.where(hit, -np.inf, eta), np.where(hit, np.inf, se)


def _poisson_deviance(y: np.ndarray, mu: np.ndarray) -> np.ndarray:
    ratio = np.clip(y / mu, _EPS, np.inf)
    return 2 * (y * np.log(ratio) - (y - mu)).sum(axis=1)


def _weighted_pinv(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Pseudo-inverses of sqrt(w)·X for a stack of weights (series x months x k)."""
    return np.linalg.pinv(np.sqrt(w)[:, :, None] * x[None, :, :])


def _weighted_least_squares(x: np.ndarray, w: np.ndarray, z: np.ndarray) -> np.ndarray:
    """argmin_b Σ w (z - X b)² per series: the normal equations, or the pseudo-inverse
    where they are singular."""
    xtwx = (x.T[None, :, :] * w[:, None, :]) @ x
    xtwz = (w * z) @ x
    try:
        return np.linalg.solve(xtwx, xtwz[:, :, None])[:, :, 0]
    except np.linalg.LinAlgError:
        return (_weighted_pinv(x, w) @ (np.sqrt(w) * z)[:, :, None])[:, :, 0]


def fit_poisson(y: np.ndarray, x: np.ndarray, maxiter: int = 100, tol: float = 1e-8) -> CountFit:
    """Poisson GLM with log link of every row of ``y`` (series x months) on ``x`` (months x k)."""
    y = np.asarray(y, dtype=float)
    rows = len(y)
    mu = (y + y.mean(axis=1, keepdims=True)) / 2
    eta = np.log(mu)
    dev = _poisson_deviance(y, mu)
    params = np.zeros((rows, x.shape[1]))
    weights = np.ones_like(y)
    active = np.ones(rows, dtype=bool)
    with np.errstate(all="ignore"):
        for _ in range(maxiter):
            idx = np.flatnonzero(active)
            if not len(idx):
                break
            m, w = mu[idx], 1.0 / ((1.0 / np.clip(mu[idx], _EPS, np.inf)) ** 2 * mu[idx])
            z = eta[idx] + (y[idx] - m) / np.clip(m, _EPS, np.inf)
            beta = _weighted_least_squares(x, w, z)
            eta[idx] = beta @ x.T
            mu[idx] = np.exp(eta[idx])
            params[idx], weights[idx] = beta, w
            new_dev = _poisson_deviance(y[idx], mu[idx])
            active[idx] = ~(np.abs(new_dev - dev[idx]) <= tol)
            dev[idx] = new_dev
        pinv = _weighted_pinv(x, weights)
        cov = pinv @ pinv.transpose(0, 2, 1)
    ok = np.isfinite(params).all(axis=1) & np.isfinite(cov).all(axis=(1, 2))
    return CountFit(params=params, cov=cov, mu=mu, ok=ok)


def pearson_chi2(y: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """Pearson χ² of Poisson means, one per series."""
    with np.errstate(all="ignore"):
        return ((y - mu) ** 2 / mu).sum(axis=1)


def _nb_loglike(y, x, beta, log_alpha, rows):
    alpha = np.exp(log_alpha)[:, None]
    size = 1 / alpha
    mu = np.exp(beta @ x.T)
    terms = (
        special.gammaln(y + size)
        - special.gammaln(size)
        - special.gammaln(y + 1)
        + y * np.log(alpha * mu)
        - (y + size) * np.log1p(alpha * mu)
    )
    return np.where(rows, terms, 0.0).sum(axis=1)


def unbounded_columns(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Indicator columns of ``x`` (0/1, not all 1) whose rows of a series are all 0."""
    indicator = np.all((x == 0) | (x == 1), axis=0) & ~np.all(x == 1, axis=0)
    return indicator[None, :] & ((y @ (x == 1)) == 0)


def _nb_derivatives(y, x, beta, alpha, rows, unbounded):
    """Gradient and Hessian of the NB2 log-likelihood in (beta, alpha), per series, over
    the ``rows`` of each series; the unbounded columns are held (gradient 0, Hessian -1)."""
    a = alpha[:, None]
    size = 1 / a
    mu = np.exp(beta @ x.T)
    y = np.where(rows, y, mu)  # a left-out row adds 0 to every derivative below
    one = 1 + a * mu
    log_one = np.log1p(a * mu)
    dig = special.digamma(y + size) - special.digamma(size)
    trig = special.polygamma(1, y + size) - special.polygamma(1, size)
    g_beta = ((y - mu) / one) @ x
    g_a = np.where(rows, size**2 * (log_one - dig) + size * (y - mu) / one, 0.0).sum(axis=1)
    h_beta = (x.T[None, :, :] * np.where(rows, -mu * (1 + a * y) / one**2, 0.0)[:, None, :]) @ x
    h_beta_a = (-(y - mu) * mu / one**2) @ x
    h_aa = np.where(
        rows,
        -2 * size**3 * (log_one - dig)
        + size**2 * (mu / one + size**2 * trig)
        - size**2 * (y - mu) / one
        - size * (y - mu) * mu / one**2,
        0.0,
    ).sum(axis=1)
    k = x.shape[1]
    grad = np.concatenate([g_beta, g_a[:, None]], axis=1)
    hess = np.empty((len(y), k + 1, k + 1))
    hess[:, :k, :k] = h_beta
    hess[:, :k, k] = hess[:, k, :k] = h_beta_a
    hess[:, k, k] = h_aa
    held = np.concatenate([unbounded, np.zeros((len(y), 1), bool)], axis=1)
    grad[held] = 0.0
    hess[held[:, :, None] | held[:, None, :]] = 0.0
    hess[:, np.arange(k + 1), np.arange(k + 1)] = np.where(held, -1.0, np.diagonal(hess, 0, 1, 2))
    return grad, hess


def fit_negbin(
    y: np.ndarray,
    x: np.ndarray,
    start: np.ndarray,
    alpha0: float = 0.1,
    maxiter: int = 200,
    tol: float = 1e-10,
) -> CountFit:
    """NB2 regression of every row of ``y`` on ``x``, from the Poisson estimates ``start``."""
    y = np.asarray(y, dtype=float)
    k = x.shape[1]
    unbounded = unbounded_columns(y, x)
    rows = ~(unbounded.astype(float) @ (x == 1).T.astype(float)).astype(bool)  # rows fitted
    start = np.where(unbounded, 0.0, np.asarray(start, dtype=float))
    theta = np.concatenate([start, np.full((len(y), 1), np.log(alpha0))], 1)
    active = np.isfinite(theta).all(axis=1)
    with np.errstate(all="ignore"):
        ll = np.where(active, _nb_loglike(y, x, theta[:, :k], theta[:, k], rows), np.nan)
        for _ in range(maxiter):
            idx = np.flatnonzero(active)
            if not len(idx):
                break
            t = theta[idx]
            alpha = np.exp(t[:, k])
            grad, hess = _nb_derivatives(y[idx], x, t[:, :k], alpha, rows[idx], unbounded[idx])
            # to (beta, log alpha): d/dlog(alpha) = alpha d/dalpha
            grad[:, k] *= alpha
            hess[:, :k, k] *= alpha[:, None]
            hess[:, k, :k] *= alpha[:, None]
            hess[:, k, k] = alpha**2 * hess[:, k, k] + grad[:, k]
            step = _newton_step(hess, grad)
            scale = np.ones(len(idx))
            improved = np.zeros(len(idx), dtype=bool)
            for _ in range(30):  # halve the step until the likelihood does not fall
                trial = t + scale[:, None] * step
                trial[:, k] = np.maximum(trial[:, k], LOG_ALPHA_FLOOR)
                trial_ll = _nb_loglike(y[idx], x, trial[:, :k], trial[:, k], rows[idx])
                good = np.isfinite(trial_ll) & (trial_ll >= ll[idx] - 1e-12 * np.abs(ll[idx]))
                newly = good & ~improved
                theta[idx[newly]] = trial[newly]
                ll[idx[newly]] = trial_ll[newly]
                improved |= good
                if improved.all():
                    break
                scale = np.where(improved, scale, scale / 2)
            moved = np.abs(scale[:, None] * step).max(axis=1)
            floored = theta[idx, k] <= LOG_ALPHA_FLOOR  # NB = Poisson: alpha's MLE is 0
            active[idx] = improved & (moved > tol) & ~floored
        beta, alpha = theta[:, :k], np.exp(theta[:, k])
        _, hess = _nb_derivatives(y, x, beta, alpha, rows, unbounded)
        cov, ok = _inverse_of_negative(hess)
        mu = np.where(rows, np.exp(beta @ x.T), 0.0)
    ok &= np.isfinite(alpha) & (alpha > 0)
    cov = cov[:, :k, :k]
    cov[unbounded[:, :, None] | unbounded[:, None, :]] = 0.0
    beta = np.where(unbounded, -np.inf, beta)
    return CountFit(params=beta, cov=cov, mu=mu, ok=ok, alpha=alpha, unbounded=unbounded)


def _newton_step(hess: np.ndarray, grad: np.ndarray) -> np.ndarray:
    """-H⁻¹g per series, with the eigenvalues of H taken as -|λ| where H is not negative
    definite (an ascent direction that keeps the curvature's scale)."""
    finite = np.isfinite(hess).all(axis=(1, 2)) & np.isfinite(grad).all(axis=1)
    values, vectors = np.linalg.eigh(np.where(finite[:, None, None], hess, -np.eye(len(hess[0]))))
    size = np.abs(values)
    size = np.maximum(size, 1e-12 * size.max(axis=1, keepdims=True) + 1e-300)
    along = (vectors.transpose(0, 2, 1) @ np.where(finite[:, None], grad, 0)[:, :, None])[:, :, 0]
    return (vectors @ (along / size)[:, :, None])[:, :, 0]


def _inverse_of_negative(hess: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(-H)⁻¹ per series, and whether -H is finite and positive definite."""
    finite = np.isfinite(hess).all(axis=(1, 2))
    values, vectors = np.linalg.eigh(np.where(finite[:, None, None], -hess, 0.0))
    ok = finite & (values > 0).all(axis=1)
    inverse = (vectors / np.where(ok[:, None], values, 1.0)[:, None, :]) @ vectors.transpose(
        0, 2, 1
    )
    inverse[~ok] = np.nan
    return inverse, ok
