"""The unbiased pass@k estimator (Chen et al. 2021), with relative accuracy for n up to 10^6.

``pass@k = 1 - C(n - c, k) / C(n, k)``: the chance that ``k`` samples drawn without replacement
from the ``n`` observed ones include at least one of the ``c`` correct ones.

Numerics
--------
The log of the binomial ratio, ``L = ln C(n-c, k) - ln C(n, k)``, is a difference of four
log-factorials near ``n ln n``; computed as such (``gammaln``) its *absolute* error is about
``1e-15 n ln n``, which is a relative error of 1e-2 for ``pass@1 = 1e-6`` at ``n = 10^6``. Here
Stirling's series is subtracted analytically: with ``a = n - c``,

    L = c log1p(-k/n) + (a + 1/2) log1p(-c/n) - (a - k + 1/2) log1p(-c/(n-k)) + dS,

where ``dS`` is the difference of the four Stirling remainders ``1/(12x) - 1/(360x^3) + ...``.
Every term is of order ``c`` at most, so the absolute error is a few ``eps * c`` and the relative
error of ``L ~ -ck/n`` is at most a few ``eps * n / k``. When ``min(c, k) <= 32`` (tiny pass rates: one
correct sample, or small k) ``L`` is instead summed exactly as ``sum_j log1p(-k / (n - j))`` over the
``min(c, k)`` factors of the product (relative error ~ ``eps min(c, k)``); otherwise both c and k exceed 32
and the series' bound ``eps n / k`` is below 1e-11 for n <= 10^6. The series is used when the smallest
argument ``a - k`` is at least 30; otherwise ``|L|`` is large (pass@k near 1,
see the module tests) or ``n`` is small, and the exact log-gamma formula is accurate enough.
``pass@k = -expm1(L)`` then keeps the relative accuracy of ``L``.
"""
from __future__ import annotations

import numpy as np
from scipy.special import gammaln

__all__ = ["pass_at_k", "check_counts", "check_k"]

_STIRLING_MIN = 30.0
_DIRECT_MAX = 32  # min(c, k) up to which the product is summed term by term (relative error ~ eps min(c, k))
# Stirling remainder of ln x! = x ln x - x + ln(2 pi x)/2 + S(x); these terms give |error| < 1e-19 for x >= 30
_S_COEF = (1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188)


def _integers(values, name: str, func: str) -> np.ndarray:
    """``values`` as an int64 array after checking they are whole, finite, numeric (not bool)."""
    try:
        arr = np.asarray(values)
    except Exception as exc:  # ragged lists and the like
        raise ValueError(f"{func}: {name} must be an array of whole numbers: {exc}") from None
    if arr.dtype == bool or arr.dtype.kind not in "iuf":
        if arr.dtype.kind == "O":
            try:
                arr = arr.astype(float)
            except (TypeError, ValueError):
                raise ValueError(f"{func}: {name} must hold numbers, got dtype {arr.dtype}") from None
        else:
            raise ValueError(f"{func}: {name} must hold whole numbers, got dtype {arr.dtype}")
    if arr.dtype.kind == "f":
        bad = ~np.isfinite(arr) | (arr != np.round(arr))
        if bad.any():
            raise ValueError(f"{func}: {name} must hold whole numbers (counts of samples); found "
                             f"{arr[bad][:3].tolist()}")
        if np.any(np.abs(arr) > 2.0 ** 53):
            raise ValueError(f"{func}: {name} exceeds 2^53, beyond exact float arithmetic")
        return arr.astype(np.int64)
    if arr.dtype.kind == "u" and arr.size and arr.max() > np.iinfo(np.int64).max:
        raise ValueError(f"{func}: {name} has values beyond int64: {arr[arr > np.iinfo(np.int64).max][:3].tolist()}")
    return arr.astype(np.int64)


def check_counts(n, c, func: str = "pass_at_k"):
    """Validate per-problem sample counts ``n`` and correct counts ``c``; return them as int64 arrays.

    Raises
    ------
    ValueError
        Non-integer or non-numeric counts, ``n < 1``, ``c < 0``, ``c > n`` or shapes that do not
        broadcast, naming the argument and up to three offending values.
    """
    n, c = _integers(n, "n", func), _integers(c, "c", func)
    try:
        n, c = np.broadcast_arrays(n, c)
    except ValueError:
        raise ValueError(f"{func}: n and c have shapes {n.shape} and {c.shape}, which do not broadcast") from None
    if np.any(n < 1):
        raise ValueError(f"{func}: n (samples per problem) must be >= 1; found {n[n < 1][:3].tolist()}")
    if np.any(c < 0):
        raise ValueError(f"{func}: c (correct samples) must be >= 0; found {c[c < 0][:3].tolist()}")
    if np.any(c > n):
        bad = c > n
        raise ValueError(f"{func}: c must be <= n; found c = {c[bad][:3].tolist()} for n = {n[bad][:3].tolist()}")
    return n, c


def check_k(k, n, func: str = "pass_at_k") -> np.ndarray:
    """Validate the sampling budget ``k`` (whole, ``1 <= k <= n``) against ``n``; return int64 array."""
    k = _integers(k, "k", func)
    if np.any(k < 1):
        raise ValueError(f"{func}: k must be >= 1; found k = {k[k < 1][:3].tolist()}")
    try:
        nb, kb = np.broadcast_arrays(n, k)
    except ValueError:
        raise ValueError(f"{func}: k has shape {k.shape}, which does not broadcast with n of shape "
                         f"{np.shape(n)}") from None
    if np.any(kb > nb):
        bad = kb > nb
        raise ValueError(f"{func}: k must be <= n (there is no unbiased estimate of pass@k from fewer than k "
                         f"samples); found k = {kb[bad][:3].tolist()} for n = {nb[bad][:3].tolist()}")
    return k


def _stirling_remainder(x: np.ndarray) -> np.ndarray:
    inv = 1.0 / x
    inv2 = inv * inv
    total = np.zeros_like(x)
    for coef in reversed(_S_COEF):
        total = total * inv2 + coef
    return total * inv


def log_miss(n: np.ndarray, c: np.ndarray, k: np.ndarray) -> np.ndarray:
    """``ln[C(n-c, k) / C(n, k)]`` for float arrays of one shape with ``0 <= c``, ``1 <= k <= n - c``."""
    a = n - c
    out = np.empty(n.shape, dtype=float)
    few = np.minimum(c, k) <= _DIRECT_MAX  # a short exact sum: C(n-c,k)/C(n,k) = prod_i<k (1 - c/(n-i)) = prod_j<c (1 - k/(n-j))
    if few.any():
        nf, cf, kf = n[few], c[few], k[few]
        terms, step = np.minimum(cf, kf), np.maximum(cf, kf)
        total = np.zeros(nf.shape)
        for i in range(int(terms.max())):
            live = i < terms
            total[live] += np.log1p(-step[live] / (nf[live] - i))
        out[few] = total
    big = ~few & ((a - k) >= _STIRLING_MIN)
    if big.any():
        nb, cb, kb, ab = n[big], c[big], k[big], a[big]
        terms = (cb * np.log1p(-kb / nb) + (ab + 0.5) * np.log1p(-cb / nb)
                 - (ab - kb + 0.5) * np.log1p(-cb / (nb - kb)))
        remainder = (_stirling_remainder(ab) - _stirling_remainder(ab - kb) - _stirling_remainder(nb)
                     + _stirling_remainder(nb - kb))
        out[big] = terms + remainder
    small = ~few & ~big
    if small.any():
        ns, ks, as_ = n[small], k[small], a[small]
        out[small] = gammaln(as_ + 1) - gammaln(as_ - ks + 1) - gammaln(ns + 1) + gammaln(ns - ks + 1)
    return out


def pass_at_k(n, c, k) -> np.ndarray:
    """Unbiased estimate of pass@k from ``c`` correct out of ``n`` samples (Chen et al. 2021, eq. 1).

    ``pass@k = 1 - C(n - c, k) / C(n, k)``, the probability that ``k`` of the ``n`` samples,
    drawn without replacement, include a correct one. Relative error below 1e-9 for ``n`` up to
    10^6 (see the module docstring), exact 0 for ``c = 0`` and exact 1 where ``n - c < k``.

    Parameters
    ----------
    n : array_like of int, shape broadcastable
        Samples drawn per problem, ``n >= 1``. Any NumPy integer width, or floats holding whole numbers.
    c : array_like of int, shape broadcastable
        Correct samples among them, ``0 <= c <= n``.
    k : int or array_like of int, shape broadcastable
        Sampling budget, ``1 <= k <= n``: with fewer than ``k`` samples there is no unbiased
        estimate, and this is an error (not 1.0, as some implementations return).

    Returns
    -------
    ndarray of float64
        pass@k (fraction in [0, 1]) in the broadcast shape of ``n``, ``c`` and ``k``; e.g.
        ``pass_at_k(n[:, None], c[:, None], ks[None, :])`` is a (problems, k) table.

    Raises
    ------
    ValueError
        Non-integer counts, ``c`` outside ``[0, n]``, ``k`` outside ``[1, n]``, or shapes that do
        not broadcast; the message names the argument and the offending values.

    Examples
    --------
    >>> float(pass_at_k(10, 1, 5))      # 1 - C(9, 5) / C(10, 5) = 1 - 126 / 252
    0.5
    >>> float(pass_at_k(1_000_000, 1, 1))
    1e-06
    """
    n, c = check_counts(n, c)
    k = check_k(k, n)
    n, c, k = (x.astype(float) for x in np.broadcast_arrays(n, c, k))
    out = np.zeros(n.shape, dtype=float)
    certain = (n - c < k)
    out[certain] = 1.0
    mid = ~certain & (c > 0)
    if mid.any():
        out[mid] = -np.expm1(log_miss(n[mid], c[mid], k[mid]))
    return out[()] if out.ndim == 0 else out
