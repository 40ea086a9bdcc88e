"""Argument checks shared by the pruning modules: one message for one mistake, wherever it is made."""
from __future__ import annotations

import numbers

import numpy as np

KEEP_RULES = ("hard", "easy")


def check_keep_fraction(keep_fraction, *, name: str = "keep_fraction") -> np.ndarray:
    """Keep fractions as a float array; every entry must lie in (0, 1].

    Raises
    ------
    TypeError
        For booleans or non-numeric values.
    ValueError
        For NaN, or a fraction outside (0, 1].
    """
    values = np.asarray(keep_fraction)
    if values.dtype == bool or not (np.issubdtype(values.dtype, np.number)):
        raise TypeError(f"{name} must be a number in (0, 1], got {keep_fraction!r}")
    values = values.astype(float)
    if values.size == 0:
        raise ValueError(f"{name} is empty")
    bad = ~((values > 0) & (values <= 1))
    if bad.any():
        raise ValueError(f"{name} must lie in (0, 1], got {float(values[bad].ravel()[0])!r}")
    return values


def check_keep(keep: str) -> str:
    """``"hard"`` (keep the smallest margins, the largest scores) or ``"easy"``."""
    if keep not in KEEP_RULES:
        raise ValueError(f"keep must be one of {KEEP_RULES}, got {keep!r}")
    return keep


def check_positive_int(value, name: str, *, minimum: int = 1) -> int:
    """An integer (not a bool, not a float) of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def check_features_labels(X, y) -> tuple[np.ndarray, np.ndarray]:
    """Training data as ``(X, y)``: ``X`` finite floats of shape (n, d), ``y`` integer labels of shape (n,), n >= 1.

    Raises
    ------
    TypeError
        For labels that are not integers (floats, booleans or strings).
    ValueError
        For empty data, wrong dimensions, NaN or infinite features, or ``X`` and ``y`` of different lengths.
    """
    y = np.asarray(y)
    # Before the dtype check: an empty list has dtype float, and "must be integers" would misname the problem.
    if np.size(X) == 0:
        raise ValueError(f"features X are empty (shape {np.shape(X)})")
    if y.size == 0:
        raise ValueError("labels y are empty")
    if y.dtype == bool or not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"labels y must be integers, got dtype {y.dtype}")
    if y.ndim != 1:
        raise ValueError(f"labels y must be one-dimensional, got shape {y.shape}")
    try:
        X = np.asarray(X, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"features X must be numeric: {exc}") from None
    if X.ndim != 2:
        raise ValueError(f"features X must be two-dimensional (examples, features), got shape {X.shape}")
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"features X are empty (shape {X.shape})")
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X has {X.shape[0]} examples but y has {y.shape[0]} labels")
    bad = ~np.isfinite(X)
    if bad.any():
        raise ValueError(f"features X have {int(bad.sum())} NaN or infinite value(s), "
                         f"in {int(bad.any(axis=1).sum())} example(s)")
    return X, y.astype(np.int64, copy=False)


def check_positive_values(values, name="alpha_tot") -> np.ndarray:
    """Positive, finite numbers (examples per dimension, sizes) as a float array, named ``name`` in errors."""
    alpha = np.asarray(values)
    if alpha.dtype == bool or not np.issubdtype(alpha.dtype, np.number):
        raise TypeError(f"{name} must be a positive number, got {values!r}")
    alpha = alpha.astype(float)
    if alpha.size == 0:
        raise ValueError(f"{name} is empty")
    if not np.all(np.isfinite(alpha) & (alpha > 0)):
        raise ValueError(f"{name} must be positive and finite, got {values!r}")
    return alpha


def check_angle(theta) -> np.ndarray:
    """Probe-teacher angles in [0, pi/2] radians as a float array."""
    value = np.asarray(theta)
    if value.dtype == bool or not np.issubdtype(value.dtype, np.number):
        raise TypeError(f"theta must be an angle in radians, got {theta!r}")
    value = value.astype(float)
    if not np.all(np.isfinite(value) & (value >= 0) & (value <= np.pi / 2)):
        raise ValueError(f"theta must lie in [0, pi/2] radians, got {theta!r}")
    return value
