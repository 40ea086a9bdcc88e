"""Objectives a law is fitted by, with their derivatives.

``"huber_log"``
    ``sum_i huber_delta(log y_hat_i - log y_i)``: summed (not averaged) Huber loss on log
    residuals, as in Hoffmann et al. (2022) Approach 3 and Besiroglu et al. (2024).
``"least_squares"``
    ``sum_i (y_hat_i - y_i)^2``.
"""
from __future__ import annotations

import numpy as np
from scipy import special

from ..laws import Law
from .checks import check_inputs

__all__ = ["OBJECTIVES", "loss_and_slope", "objective_value"]

OBJECTIVES = ("huber_log", "least_squares")


def loss_and_slope(pred, y, objective, delta):
    """Objective value per fit and its derivative with respect to the predictions.

    Parameters
    ----------
    pred : ndarray, shape (..., n)
        Predictions of one or many fits.
    y : ndarray, shape (n,)
        Targets.

    Returns
    -------
    value : ndarray, shape (...)
        ``inf`` where a prediction is invalid (non-finite, or not positive for ``huber_log``).
    slope : ndarray, shape (..., n)
        d value / d pred.
    """
    if objective == "huber_log":
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.log(pred) - np.log(y)
        value = special.huber(delta, r).sum(axis=-1)
        slope = np.clip(r, -delta, delta) / pred
        invalid = ~np.isfinite(value) | np.any(pred <= 0, axis=-1)
    elif objective == "least_squares":
        r = pred - y
        value = np.sum(r * r, axis=-1)
        slope = 2.0 * r
        invalid = ~np.isfinite(value)
    else:
        raise ValueError(f"objective must be one of {OBJECTIVES}, got {objective!r}")
    return np.where(invalid, np.inf, value), slope


def objective_value(law: Law, params: dict, X, y, *, objective="huber_log", delta=1e-3) -> float:
    """The objective of ``params`` on data ``(X, y)``; e.g. to compare an engine fit with published values.

    Parameters
    ----------
    law : Law
    params : dict
        Parameter values by name (``law.param_names``).
    X : array_like or tuple of array_like, each shape (n,)
        Inputs in ``law.inputs`` order.
    y : array_like, shape (n,)
        Targets.
    """
    X, y = check_inputs(X, y, law.inputs)
    return float(loss_and_slope(law.predict(params, *X), y, objective, delta)[0])
