"""Validation of the data and options every fit, backtest and allocation takes: one path, one message."""
from __future__ import annotations

import numbers
from contextlib import contextmanager

import numpy as np
from threadpoolctl import threadpool_limits

__all__ = ["check_inputs", "check_level", "check_n_bootstrap", "one_blas_thread"]


def _as_input_tuple(X, names) -> tuple:
    """``X`` as a tuple of one array-like per input name.

    A law of one input takes the array itself (or a 1-tuple); a law of several takes a tuple
    or list with one array per input. A 2-D array is refused rather than guessed at, since its
    rows and columns could each be the inputs.
    """
    if len(names) == 1:
        return tuple(X) if isinstance(X, tuple) and len(X) == 1 else (X,)
    if isinstance(X, np.ndarray):
        raise ValueError(f"inputs {names} must be given as a tuple of {len(names)} arrays, e.g. (N, D); "
                         f"got one array of shape {X.shape}")
    if not isinstance(X, (tuple, list)):
        raise ValueError(f"inputs {names} must be given as a tuple of {len(names)} arrays, got "
                         f"{type(X).__name__}")
    if len(X) != len(names):
        raise ValueError(f"expected {len(names)} input arrays {names}, got {len(X)}")
    return tuple(X)


def check_inputs(X, y, names=("x",), target="y") -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """Validate inputs: one array per name, 1-D, same non-zero length, finite and strictly positive.

    Parameters
    ----------
    X : array_like or tuple of array_like
        One array of shape (n,) per entry of ``names``; a single array when there is one name.
    y : array_like, shape (n,)
        Targets.
    names : tuple of str
        Names of the inputs, used in messages (e.g. ``("N", "D")``).
    target : str
        Name of the targets, used in messages.

    Returns
    -------
    X : tuple of ndarray, each shape (n,), float64
    y : ndarray, shape (n,), float64

    Raises
    ------
    ValueError
        Naming the offending argument and what is wrong with it.
    """
    names = tuple(names)
    arrays = []
    for name, values in zip(names + (target,), _as_input_tuple(X, names) + (y,)):
        try:
            arr = np.asarray(values, dtype=float)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{name} must be numeric: {exc}") from None
        if arr.ndim != 1:
            raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
        if arr.size == 0:
            raise ValueError(f"{name} is empty")
        bad = ~np.isfinite(arr)
        if bad.any():
            raise ValueError(f"{name} has {int(bad.sum())} NaN or infinite value(s)")
        if np.any(arr <= 0):
            raise ValueError(f"{name} must be strictly positive; found {int((arr <= 0).sum())} value(s) <= 0 "
                             f"(e.g. {arr[arr <= 0][0]:g})")
        arrays.append(arr)
    lengths = {name: a.size for name, a in zip(names + (target,), arrays)}
    if len(set(lengths.values())) != 1:
        raise ValueError(f"inputs have different lengths: {lengths}")
    return tuple(arrays[:-1]), arrays[-1]


def _is_integer(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_n_bootstrap(n_bootstrap) -> int:
    """``n_bootstrap`` as an int: 0 (no bootstrap) or at least 2; anything else is a ValueError."""
    if not _is_integer(n_bootstrap) or n_bootstrap < 0 or n_bootstrap == 1:
        raise ValueError(f"n_bootstrap must be an integer, 0 (no bootstrap) or at least 2, got {n_bootstrap!r}")
    return int(n_bootstrap)


def check_level(level) -> float:
    """``level`` as a float strictly between 0 and 1."""
    if isinstance(level, bool) or not isinstance(level, numbers.Real) or not 0 < level < 1:
        raise ValueError(f"level must be a number between 0 and 1, got {level!r}")
    return float(level)


@contextmanager
def one_blas_thread():
    """Run the block with BLAS and LAPACK on one thread.

    OpenBLAS splits a product or a solve over its threads, and the split changes how sums
    round; the problems here are small, so one thread loses nothing and makes every fit,
    bootstrap and sweep bit-identical whatever the thread count and the number of processes.
    """
    with threadpool_limits(limits=1, user_api="blas"):
        yield
