"""Coverage: the fraction of problems solved by at least one of k samples, averaged with pass@k.

``coverage(k) = mean_i pass@k(n_i, c_i)``. Problems share ``(n, c)`` often, so the curve is computed
once per distinct pair; over a dense k range it runs the exact recursion
``C(f, k) / C(n, k) = C(f, k-1) / C(n, k-1) * (f - k + 1) / (n - k + 1)`` (``f = n - c`` failures),
one vector multiply per k, so all 10,000 k of 10,000 problems take a fraction of a second.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..passk import check_counts, check_k, pass_at_k

__all__ = ["CoverageResult", "coverage_curve", "miss_table"]


@dataclass
class CoverageResult:
    """A coverage curve over k, optionally with two-level bootstrap intervals.

    Attributes
    ----------
    k : ndarray of int, shape (K,)
        Samples per problem.
    coverage : ndarray, shape (K,)
        Mean pass@k over problems (fraction of problems solved).
    low, high : ndarray, shape (K,) or None
        Bootstrap percentile interval at ``level`` (None without bootstrap).
    bootstrap : ndarray, shape (B, K) or None
        Bootstrap replicates of the curve.
    n_problems : int
    level : float
    """

    k: np.ndarray
    coverage: np.ndarray
    n_problems: int
    low: np.ndarray | None = None
    high: np.ndarray | None = None
    bootstrap: np.ndarray | None = field(default=None, repr=False)
    level: float = 0.95

    def at(self, k: int) -> float:
        """Coverage at one ``k`` of the curve."""
        where = np.flatnonzero(self.k == k)
        if not where.size:
            raise ValueError(f"CoverageResult.at: k = {k} is not on the curve (k from {self.k.min()} to {self.k.max()})")
        return float(self.coverage[where[0]])

    def to_frame(self):
        frame = pd.DataFrame({"k": self.k, "coverage": self.coverage})
        if self.low is not None:
            frame["low"], frame["high"] = self.low, self.high
        return frame


def _weights(n: np.ndarray, c: np.ndarray):
    pairs, counts = np.unique(np.stack([n, c], axis=1), axis=0, return_counts=True)
    return pairs[:, 0], pairs[:, 1], counts / n.size


def miss_table(n, c, k) -> np.ndarray:
    """``C(n-c, k) / C(n, k)`` for problems (rows) against sorted budgets ``k`` (columns); fast, for means.

    Uses the exact product recursion over the dense range ``1..max(k)`` when ``k`` covers it densely
    (at least a tenth of it), else :func:`pass_at_k` on the grid. Inputs are assumed validated.

    Parameters
    ----------
    n, c : ndarray of int, shape (P,)
    k : ndarray of int, shape (K,), increasing

    Returns
    -------
    ndarray, shape (P, K)
    """
    n, c, k = (np.asarray(x) for x in (n, c, k))
    if 10 * k.size < k.max():
        return 1.0 - pass_at_k(n[:, None], c[:, None], k[None, :])
    out = np.empty((n.size, k.size))
    f, nf = (n - c).astype(float), n.astype(float)
    ratio = np.ones(n.size)
    column = 0
    for step in range(1, int(k.max()) + 1):
        ratio *= np.maximum(f - step + 1, 0.0) / (nf - step + 1)
        if k[column] == step:
            out[:, column] = ratio
            column += 1
    return out


def _curve(n, c, k) -> np.ndarray:
    nu, cu, w = _weights(n, c)
    if 10 * k.size < k.max():
        return 1.0 - w @ miss_table(nu, cu, k)
    # dense k: run the recursion on the weighted sum directly, dropping problems already certain
    order = np.argsort(cu - nu)  # most failures first
    f, nf, w = (nu - cu)[order].astype(float), nu[order].astype(float), w[order]
    ratio = np.ones(f.size)
    out = np.empty(k.size)
    active, column = f.size, 0
    for step in range(1, int(k.max()) + 1):
        while active and f[active - 1] < step:
            active -= 1
        ratio[:active] *= (f[:active] - (step - 1)) / (nf[:active] - (step - 1))
        if k[column] == step:
            out[column] = 1.0 - w[:active] @ ratio[:active]
            column += 1
    return out


def coverage_curve(n, c, k=None, *, n_bootstrap: int = 0, seed: int = 0, level: float = 0.95) -> CoverageResult:
    """Coverage (mean unbiased pass@k over problems) at each ``k``, with two-level bootstrap intervals.

    Parameters
    ----------
    n : array_like of int, shape (P,)
        Samples per problem (may differ between problems).
    c : array_like of int, shape (P,)
        Correct samples per problem.
    k : array_like of int, shape (K,), optional
        Budgets, each in ``[1, min(n)]``; default every k from 1 to ``min(n)``. Sorted and deduplicated.
    n_bootstrap : int
        Bootstrap replicates. Each resamples the problems with replacement and then, within each
        problem, its ``n`` samples with replacement (``c* ~ Binomial(n, c/n)``): intervals cover
        both which problems were asked and the finite samples of each. A problem never solved
        stays unsolved in every replicate, so intervals are too narrow where coverage depends on it.
    seed : int
        Seed of the bootstrap.
    level : float
        Coverage of the percentile interval.

    Returns
    -------
    CoverageResult
        ``.coverage`` has shape (K,).

    Raises
    ------
    ValueError
        Bad counts (see :func:`pass_at_k`), ``k`` outside ``[1, min(n)]``, or n and c of other shapes.
    """
    n, c = check_counts(n, c, "coverage_curve")
    if n.ndim != 1 or n.size == 0:
        raise ValueError(f"coverage_curve: n and c must be non-empty 1-D arrays (one entry per problem); got shape {n.shape}")
    k = np.arange(1, int(n.min()) + 1) if k is None else np.unique(check_k(np.ravel(k), int(n.min()), "coverage_curve"))
    if k.size == 0:
        raise ValueError("coverage_curve: k is empty")
    if int(n_bootstrap) < 0:
        raise ValueError(f"coverage_curve: n_bootstrap must be >= 0, got {n_bootstrap}")
    if not 0 < level < 1:
        raise ValueError(f"coverage_curve: level must be in (0, 1), got {level}")
    result = CoverageResult(k=k, coverage=_curve(n, c, k), n_problems=n.size, level=level)
    if n_bootstrap:
        rng = np.random.default_rng(seed)
        reps = np.empty((int(n_bootstrap), k.size))
        for b in range(int(n_bootstrap)):
            pick = rng.integers(0, n.size, n.size)
            cb = rng.binomial(n[pick], c[pick] / n[pick])
            reps[b] = _curve(n[pick], cb, k)
        tail = (1 - level) / 2
        result.low, result.high = np.quantile(reps, [tail, 1 - tail], axis=0)
        result.bootstrap = reps
    return result
