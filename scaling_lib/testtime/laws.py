"""Coverage laws: the exponentiated power law, per-problem exponential decay, and the beta-binomial view.

Brown et al. (2024) found coverage over k samples fitted by ``-log coverage(k) = a k^-b``.
Schaeffer et al. (2025) showed each problem's failure falls exponentially, ``(1 - p_i)^k``, and
the aggregate power law comes from the left tail of the distribution of single-sample success
probabilities ``p_i``: if ``p ~ Beta(alpha, beta)``, ``1 - coverage(k) = B(alpha, beta + k) / B(alpha, beta)``,
which falls as ``k^-alpha``. Fitting that distribution to per-problem counts (a beta-binomial
likelihood) forecasts the whole coverage curve, and so its power-law exponent, from few samples.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import betaln, digamma, gammaln

from .coverage import coverage_curve
from ..passk import check_counts, check_k, pass_at_k

__all__ = ["PowerLawCoverageFit", "fit_coverage_power_law", "per_problem_failure", "BetaBinomialFit",
           "fit_beta_binomial", "ForecastComparison", "forecast_exponents", "log_grid"]


def log_grid(k_max: int, points: int = 41, k_min: int = 1) -> np.ndarray:
    """About ``points`` distinct integers spaced evenly in log k from ``k_min`` to ``k_max`` (both included)."""
    if not 1 <= k_min <= k_max:
        raise ValueError(f"log_grid: need 1 <= k_min <= k_max, got k_min = {k_min}, k_max = {k_max}")
    return np.unique(np.round(np.geomspace(k_min, k_max, points)).astype(np.int64))


@dataclass(frozen=True)
class PowerLawCoverageFit:
    """``-log coverage(k) = a k^-b``, fitted by least squares on ``log(-log coverage)`` against ``log k``.

    Attributes
    ----------
    a : float
        ``-log coverage`` at k = 1 (nats).
    b : float
        Exponent (positive: coverage rises with k).
    k_min, k_max : float
        Range of k (samples) the fit saw.
    n_points : int
    rmse : float
        Root-mean-square residual in ``log(-log coverage)``.
    """

    a: float
    b: float
    k_min: float
    k_max: float
    n_points: int
    rmse: float

    def predict(self, k) -> np.ndarray:
        """Coverage (fraction) at ``k`` samples."""
        return np.exp(-self.a * np.asarray(k, dtype=float) ** -self.b)


def fit_coverage_power_law(k, coverage) -> PowerLawCoverageFit:
    """Fit the exponentiated power law ``coverage(k) = exp(-a k^-b)`` (Brown et al. 2024).

    A straight line through ``(log k, log(-log coverage))``: points are weighted equally, so give a
    grid spaced evenly in log k (:func:`log_grid`) for the fit Brown et al. draw. Points with
    coverage 0 or 1 carry no information on this scale and are left out.

    Parameters
    ----------
    k : array_like, shape (K,)
        Samples per problem (> 0).
    coverage : array_like, shape (K,)
        Fraction of problems solved.

    Returns
    -------
    PowerLawCoverageFit

    Raises
    ------
    ValueError
        Shapes differ, k not positive, or fewer than two points with 0 < coverage < 1.
    """
    k, coverage = np.asarray(k, dtype=float), np.asarray(coverage, dtype=float)
    if k.shape != coverage.shape or k.ndim != 1:
        raise ValueError(f"fit_coverage_power_law: k and coverage must be 1-D of one shape; got {k.shape} "
                         f"and {coverage.shape}")
    if np.any(~np.isfinite(k) | (k <= 0)):
        raise ValueError("fit_coverage_power_law: k must be finite and positive")
    keep = (coverage > 0) & (coverage < 1)
    if keep.sum() < 2:
        raise ValueError(f"fit_coverage_power_law: need two points with 0 < coverage < 1, got {int(keep.sum())}")
    x, y = np.log(k[keep]), np.log(-np.log(coverage[keep]))
    slope, intercept = np.polyfit(x, y, 1)
    rmse = float(np.sqrt(np.mean((y - (intercept + slope * x)) ** 2)))
    return PowerLawCoverageFit(a=float(np.exp(intercept)), b=float(-slope), k_min=float(k[keep].min()),
                               k_max=float(k[keep].max()), n_points=int(keep.sum()), rmse=rmse)


def per_problem_failure(n, c, k):
    """Per-problem failure ``1 - pass_i@k`` (unbiased) and its exponential model ``(1 - c/n)^k``.

    Parameters
    ----------
    n, c : array_like of int, shape (P,)
    k : array_like of int, shape (K,)

    Returns
    -------
    observed, exponential : ndarray, shape (P, K)
        The unbiased failure probability and the with-replacement prediction with ``p = c/n``.
    """
    n, c = check_counts(n, c, "per_problem_failure")
    k = check_k(np.ravel(k), int(n.min()), "per_problem_failure")
    observed = 1.0 - pass_at_k(n[:, None], c[:, None], k[None, :])
    exponential = np.exp(k[None, :] * np.log1p(-c[:, None] / n[:, None]))
    return observed, exponential


@dataclass(frozen=True)
class BetaBinomialFit:
    """Maximum-likelihood ``p_i ~ Beta(alpha, beta)`` from counts ``c_i ~ Binomial(n_i, p_i)``.

    Attributes
    ----------
    alpha, beta : float
        Shape parameters; ``alpha`` governs the left tail, so ``1 - coverage(k) ~ k^-alpha``.
    log_likelihood : float
        Of the counts (nats), including the binomial coefficients.
    n_problems : int
    converged : bool
    """

    alpha: float
    beta: float
    log_likelihood: float
    n_problems: int
    converged: bool

    @property
    def mean(self) -> float:
        """Mean single-sample success probability ``alpha / (alpha + beta)``."""
        return self.alpha / (self.alpha + self.beta)

    def coverage(self, k) -> np.ndarray:
        """Expected coverage at ``k`` samples: ``1 - B(alpha, beta + k) / B(alpha, beta)``."""
        k = np.asarray(k, dtype=float)
        return -np.expm1(betaln(self.alpha, self.beta + k) - betaln(self.alpha, self.beta))


def _negative_log_likelihood(log_params, n, c, w):
    a, b = np.exp(log_params)
    ll = gammaln(c + a) + gammaln(n - c + b) - gammaln(n + a + b) - gammaln(a) - gammaln(b) + gammaln(a + b)
    common = digamma(n + a + b) - digamma(a + b)
    grad_a = digamma(c + a) - digamma(a) - common
    grad_b = digamma(n - c + b) - digamma(b) - common
    return -(w @ ll), -np.array([a * (w @ grad_a), b * (w @ grad_b)])


def fit_beta_binomial(n, c) -> BetaBinomialFit:
    """Fit a beta distribution of per-problem success probability to counts by maximum likelihood.

    The beta-binomial log-likelihood is written with log-gamma functions (no products over
    samples), evaluated once per distinct ``(n, c)`` pair with its multiplicity, and maximised over
    ``(log alpha, log beta)`` with its analytic gradient (L-BFGS-B) from the method-of-moments start.

    Parameters
    ----------
    n, c : array_like of int, shape (P,)
        Samples and correct samples per problem.

    Returns
    -------
    BetaBinomialFit

    Raises
    ------
    ValueError
        Bad counts, or no correct sample at all (the MLE of alpha is then 0: no tail to fit), or
        every sample correct.
    """
    n, c = check_counts(n, c, "fit_beta_binomial")
    n, c = n.ravel(), c.ravel()
    if c.sum() == 0:
        raise ValueError("fit_beta_binomial: no problem has a correct sample; the likelihood has no maximum "
                         "(alpha -> 0)")
    if np.all(c == n):
        raise ValueError("fit_beta_binomial: every sample is correct; the likelihood has no maximum")
    pairs, counts = np.unique(np.stack([n, c], 1), axis=0, return_counts=True)
    nu, cu, w = pairs[:, 0].astype(float), pairs[:, 1].astype(float), counts.astype(float)
    p = c / n
    mean, var = p.mean(), max(p.var(), 1e-12)
    spread = max(mean * (1 - mean) / var - 1, 1e-3)
    start = np.log(np.clip([mean * spread, (1 - mean) * spread], 1e-4, 1e4))
    best = minimize(_negative_log_likelihood, start, args=(nu, cu, w), jac=True, method="L-BFGS-B",
                    bounds=[(-14.0, 14.0)] * 2, options={"maxiter": 500, "ftol": 1e-15, "gtol": 1e-10})
    alpha, beta = np.exp(best.x)
    constant = w @ (gammaln(nu + 1) - gammaln(cu + 1) - gammaln(nu - cu + 1))
    return BetaBinomialFit(alpha=float(alpha), beta=float(beta), log_likelihood=float(constant - best.fun),
                           n_problems=int(n.size), converged=bool(best.success))


@dataclass
class ForecastComparison:
    """Exponent forecasts from few samples against the exponent fitted on all samples.

    Attributes
    ----------
    b_reference : float
        Exponent of the power law fitted to the coverage of all samples, k on ``k_eval``.
    b_power_law, b_distributional : ndarray, shape (R,)
        Per subsample replicate: the exponent of the power law fitted on k <= ``k_fit_max``, and
        that of the power law fitted (on ``k_eval``) to the beta-binomial forecast. NaN where no
        fit exists (no correct sample in the subsample).
    subsample : int
        Samples per problem in each subsample (drawn without replacement).
    """

    b_reference: float
    b_power_law: np.ndarray
    b_distributional: np.ndarray
    subsample: int
    k_fit_max: int
    k_eval: np.ndarray
    level: float = 0.95

    def relative_errors(self, method: str) -> np.ndarray:
        b = {"power_law": self.b_power_law, "distributional": self.b_distributional}[method]
        return np.abs(b - self.b_reference) / self.b_reference

    def summary(self) -> dict:
        """Median relative error of each method and its interval over replicates (NaN replicates left out)."""
        tail = (1 - self.level) / 2
        out = {}
        for method in ("power_law", "distributional"):
            errors = self.relative_errors(method)
            ok = errors[np.isfinite(errors)]
            out[method] = (np.median(ok), *np.quantile(ok, [tail, 1 - tail])) if ok.size else (np.nan,) * 3
            out[f"{method}_failed"] = int((~np.isfinite(errors)).sum())
        return out


def _safe_fit_b(k, coverage) -> float:
    try:
        return fit_coverage_power_law(k, coverage).b
    except ValueError:
        return np.nan


def forecast_exponents(n, c, *, subsample: int = 100, k_fit_max: int = 100, k_eval=None, n_repeats: int = 50,
                       seed: int = 0, level: float = 0.95) -> ForecastComparison:
    """Compare two forecasts of the coverage exponent from a subsample of each problem's samples.

    For each of ``n_repeats`` replicates, ``subsample`` of each problem's ``n`` samples are drawn
    without replacement (``c' ~ Hypergeometric``); then

    - *power law*: the exponentiated power law is fitted to the subsample's coverage at k from 1
      to ``k_fit_max`` (log grid) and its exponent read off;
    - *distributional*: a beta-binomial is fitted to the subsample's counts, its coverage forecast
      evaluated on ``k_eval``, and the exponent of the power law fitted to that forecast read off.

    Both are compared with the exponent fitted to the coverage of all ``n`` samples on ``k_eval``.

    Parameters
    ----------
    n, c : array_like of int, shape (P,)
    subsample : int
        Samples per problem of each replicate, ``k_fit_max <= subsample <= min(n)``.
    k_fit_max : int
    k_eval : array_like of int, optional
        Grid of the reference and distributional fits; default :func:`log_grid` up to ``min(n)``.
    n_repeats : int
    seed : int
    level : float

    Returns
    -------
    ForecastComparison
    """
    n, c = check_counts(n, c, "forecast_exponents")
    if not 1 <= k_fit_max <= subsample <= n.min():
        raise ValueError(f"forecast_exponents: need 1 <= k_fit_max <= subsample <= min(n); got k_fit_max = "
                         f"{k_fit_max}, subsample = {subsample}, min(n) = {n.min()}")
    if int(n_repeats) < 1:
        raise ValueError(f"forecast_exponents: n_repeats must be >= 1, got {n_repeats}")
    k_eval = log_grid(int(n.min())) if k_eval is None else check_k(np.ravel(k_eval), int(n.min()), "forecast_exponents")
    k_fit = log_grid(k_fit_max, 20)
    b_ref = fit_coverage_power_law(k_eval, coverage_curve(n, c, k_eval).coverage).b
    rng = np.random.default_rng(seed)
    b_pl, b_dist = np.full(int(n_repeats), np.nan), np.full(int(n_repeats), np.nan)
    m = np.full(n.shape, subsample)
    for r in range(int(n_repeats)):
        cs = rng.hypergeometric(c, n - c, subsample)
        b_pl[r] = _safe_fit_b(k_fit, coverage_curve(m, cs, k_fit).coverage)
        if cs.sum() > 0:
            b_dist[r] = _safe_fit_b(k_eval, fit_beta_binomial(m, cs).coverage(k_eval))
    return ForecastComparison(b_reference=b_ref, b_power_law=b_pl, b_distributional=b_dist, subsample=subsample,
                              k_fit_max=k_fit_max, k_eval=k_eval, level=level)
