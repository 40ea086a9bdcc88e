"""The unbiased pass@k estimator, by which per-problem success counts stand for whole pass@k curves.

``monkey_power_laws`` keeps one row of (n samples, c correct) per problem instead of upstream's
precomputed curves; :func:`pass_at_k` recomputes any point of those curves, and its parser checks
upstream's curves against it.
"""
from __future__ import annotations

import numpy as np
from scipy.special import gammaln

__all__ = ["pass_at_k"]


def _whole(values: np.ndarray, name: str) -> None:
    bad = ~np.isfinite(values) | (values != np.round(values))
    if bad.any():
        raise ValueError(f"pass_at_k: {name} must hold whole numbers; found {values[bad][:3].tolist()}")


def pass_at_k(n, c, k) -> np.ndarray:
    """Probability that at least one of ``k`` samples is correct, estimated without bias from ``c`` of ``n``.

    ``pass@k = 1 - C(n - c, k) / C(n, k)`` (Chen et al. 2021, arXiv:2107.03374): the chance that
    ``k`` samples drawn without replacement from the ``n`` observed ones include a correct one.
    The binomial ratio is computed in log space with :func:`scipy.special.gammaln`, so ``n`` in the
    millions does not overflow; rounding of the log-gamma values (each near ``n ln(n)``) bounds the
    absolute error by about ``1e-15 n ln(n)``: 1e-10 at n = 10,000, 6e-8 at n = 4 million. The
    result is exactly 0 where ``c = 0`` and exactly 1 where ``n - c < k``.

    Parameters
    ----------
    n : array_like of int, shape (...)
        Samples drawn per problem, ``n >= 1``.
    c : array_like of int, shape (...)
        Correct samples among them, ``0 <= c <= n``.
    k : int or array_like of int, shape (...)
        Sampling budget, ``1 <= k <= n``; the estimator is undefined for ``k > n``.

    Returns
    -------
    ndarray of float64
        pass@k per problem (fraction in [0, 1]), in the broadcast shape of ``n``, ``c`` and ``k``.

    Raises
    ------
    ValueError
        When a count is not a whole number, ``c`` is outside ``[0, n]`` or ``k`` outside ``[1, n]``;
        the message names the argument and up to three offending values.

    Examples
    --------
    >>> pass_at_k(10, 1, 5)      # 1 - C(9, 5) / C(10, 5) = 1 - 126 / 252
    array(0.5)
    """
    n, c, k = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (n, c, k)))
    for name, values in (("n", n), ("c", c), ("k", k)):
        _whole(values, name)
    outside = (c < 0) | (c > n)
    if outside.any():
        raise ValueError(f"pass_at_k: c must be in [0, n]; found c = {c[outside][:3].tolist()} for "
                         f"n = {n[outside][:3].tolist()}")
    outside = (k < 1) | (k > n)
    if outside.any():
        raise ValueError(f"pass_at_k: k must be in [1, n]; found k = {k[outside][:3].tolist()} for "
                         f"n = {n[outside][:3].tolist()}")
    certain = n - c < k  # every k-subset holds a correct sample; gammaln would meet its poles there
    m = np.where(certain, n, n - c)
    log_miss = gammaln(m + 1) - gammaln(m - k + 1) - gammaln(n + 1) + gammaln(n - k + 1)
    return np.where(c == 0, 0.0, np.where(certain, 1.0, -np.expm1(log_miss)))
