"""High-resolution evaluation (Hu et al. 2023, PassUntil): tiny pass rates with exact intervals.

A task looks "emergent" when small models' pass rates are below what the evaluation can resolve: with
``n`` samples a rate below about ``1 / n`` is measured as 0. Two remedies estimate such rates:

* many-sample counts, ``c`` passes out of ``n`` samples: the binomial rate ``c / n`` with a
  Clopper-Pearson or Jeffreys interval (:func:`pass_rate`);
* PassUntil, sampling until the ``r``-th pass: the number of attempts ``T`` is negative binomial,
  the rate is estimated by ``r / T`` and bounded exactly through ``P(T <= t) = P(Bin(t, p) >= r)``
  (:func:`pass_until_rate`).

Intervals come from beta quantiles (``scipy.stats.beta``), which are exact, not asymptotic.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from ..fitting import check_level

__all__ = ["PassRate", "pass_rate", "pass_until_rate", "sample_until_pass", "low_resolution_accuracy",
           "INTERVAL_METHODS"]

INTERVAL_METHODS = ("clopper-pearson", "jeffreys")


@dataclass
class PassRate:
    """Estimated pass rates with intervals, each an ndarray of shape (m,).

    Attributes
    ----------
    estimate : ndarray
        Passes per sample (fraction): ``c / n`` for counts, ``r / T`` for PassUntil.
    low, high : ndarray
        Interval ends (fraction).
    passes, attempts : ndarray of int
        ``c`` and ``n`` (counts) or ``r`` and ``T`` (PassUntil).
    method : str
    level : float
    """

    estimate: np.ndarray
    low: np.ndarray
    high: np.ndarray
    passes: np.ndarray
    attempts: np.ndarray
    method: str
    level: float


def _counts(passes, attempts, what: str):
    c, n = (np.atleast_1d(np.asarray(v)) for v in np.broadcast_arrays(passes, attempts))
    for name, v in (("passes", c), ("attempts", n)):
        if not np.issubdtype(v.dtype, np.number) or np.any(~np.isfinite(v)) or np.any(v != np.round(v)):
            raise ValueError(f"{what}: {name} must be finite integers, got {v[:5]}")
    c, n = c.astype(np.int64), n.astype(np.int64)
    if np.any(n <= 0) or np.any(c < 0) or np.any(c > n):
        bad = np.flatnonzero((n <= 0) | (c < 0) | (c > n))[:5]
        raise ValueError(f"{what}: need 0 <= passes <= attempts and attempts > 0; got passes {c[bad]}, "
                         f"attempts {n[bad]} at positions {bad}")
    return c, n


def pass_rate(passes, attempts, *, method: str = "clopper-pearson", level: float = 0.95) -> PassRate:
    """Binomial pass rate ``c / n`` with an exact (Clopper-Pearson) or Jeffreys interval.

    Parameters
    ----------
    passes, attempts : array_like of int, broadcastable to shape (m,)
        Correct samples ``c`` and samples drawn ``n`` per problem (or pooled).
    method : {"clopper-pearson", "jeffreys"}
        Clopper-Pearson inverts the binomial test (coverage at least ``level``); Jeffreys takes the
        equal-tailed interval of the Beta(c + 1/2, n - c + 1/2) posterior. Both give 0 as the lower
        end when ``c = 0`` and 1 as the upper end when ``c = n``.
    level : float
        Coverage in (0, 1).

    Raises
    ------
    ValueError
        Non-integer or NaN counts, ``c > n``, ``n <= 0``, an unknown method or level outside (0, 1).
    """
    if method not in INTERVAL_METHODS:
        raise ValueError(f"method must be one of {INTERVAL_METHODS}, got {method!r}")
    level = check_level(level)
    c, n = _counts(passes, attempts, "pass_rate")
    a = (1 - level) / 2
    with np.errstate(invalid="ignore"):
        if method == "clopper-pearson":
            low, high = stats.beta.ppf(a, c, n - c + 1), stats.beta.ppf(1 - a, c + 1, n - c)
        else:
            low, high = stats.beta.ppf(a, c + 0.5, n - c + 0.5), stats.beta.ppf(1 - a, c + 0.5, n - c + 0.5)
    low, high = np.where(c == 0, 0.0, low), np.where(c == n, 1.0, high)
    return PassRate(c / n, low, high, c, n, method, level)


def pass_until_rate(passes, attempts, *, level: float = 0.95) -> PassRate:
    """PassUntil: rate from ``T`` attempts needed for ``r`` passes (the last attempt a pass), exact interval.

    ``T`` is negative binomial. The estimate is the maximum-likelihood ``r / T``; the interval inverts
    ``P(T <= t; p) = P(Bin(t, p) >= r)``: ``low = Beta(r, t - r + 1).ppf(a)``, ``high = Beta(r, t - r).ppf(1 - a)``
    (1 when ``t = r``), with ``a = (1 - level) / 2``.

    Parameters
    ----------
    passes : array_like of int, shape (m,)
        ``r >= 1``, passes waited for.
    attempts : array_like of int, shape (m,)
        ``T >= r``, attempts used (including the r-th pass).
    level : float

    Raises
    ------
    ValueError
        If ``r < 1`` or ``T < r`` or a count is not an integer.
    """
    level = check_level(level)
    r, t = _counts(passes, attempts, "pass_until_rate")
    if np.any(r < 1):
        raise ValueError(f"pass_until_rate: passes must be at least 1 (sampling stops at a pass), got {r[r < 1][:5]}")
    a = (1 - level) / 2
    low = stats.beta.ppf(a, r, t - r + 1)
    with np.errstate(invalid="ignore"):
        high = np.where(t > r, stats.beta.ppf(1 - a, r, np.maximum(t - r, 1)), 1.0)
    return PassRate(r / t, low, high, r, t, "pass-until", level)


def sample_until_pass(n, c, *, passes: int = 1, seed: int = 0) -> np.ndarray:
    """Attempts a PassUntil evaluation needs for ``passes`` passes, replayed from recorded samples.

    Each problem's ``n`` recorded samples (``c`` correct) are drawn in a random order without
    replacement until the ``passes``-th correct one; the answer is its position (negative
    hypergeometric). Problems with fewer than ``passes`` correct samples give ``-1`` (censored: the
    recorded samples run out).

    Parameters
    ----------
    n, c : array_like of int, shape (P,)
    passes : int
        ``r >= 1``.
    seed : int

    Returns
    -------
    ndarray of int, shape (P,)
    """
    c, n = _counts(c, n, "sample_until_pass")
    if int(passes) < 1:
        raise ValueError(f"passes must be at least 1, got {passes}")
    rng = np.random.default_rng(seed)
    out = np.full(n.shape, -1, dtype=np.int64)
    for i in np.flatnonzero(c >= passes):
        positions = np.sort(rng.choice(n[i], size=c[i], replace=False))
        out[i] = positions[passes - 1] + 1
    return out


def low_resolution_accuracy(n, c, n_low: int, *, seed: int = 0) -> np.ndarray:
    """Accuracy a coarse evaluation with ``n_low`` samples per problem would report (fraction), shape (P,).

    Draws ``n_low`` of each problem's ``n`` recorded samples without replacement (hypergeometric).
    """
    c, n = _counts(c, n, "low_resolution_accuracy")
    if not 1 <= int(n_low) <= int(n.min()):
        raise ValueError(f"n_low must be in [1, {int(n.min())}] (the fewest recorded samples), got {n_low}")
    rng = np.random.default_rng(seed)
    return rng.hypergeometric(c, n - c, int(n_low)) / int(n_low)
