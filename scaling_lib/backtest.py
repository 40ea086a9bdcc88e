"""Backtests: fit a law on the smaller scales, predict held-out larger scales, score the prediction."""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .fitting import FitResult, check_inputs, fit
from .laws import Law

__all__ = ["BacktestResult", "backtest", "run_backtests"]


@dataclass
class BacktestResult:
    """Outcome of :func:`backtest`.

    Attributes
    ----------
    fit : FitResult
        The law fitted on the training points (with bootstrap).
    table : DataFrame
        One row per held-out point: the inputs, ``actual``, ``predicted``, ``low``/``high``
        (interval for a new observation), ``abs_rel_error`` (|predicted - actual| / actual) and
        ``covered`` (actual inside the interval).
    """

    fit: FitResult
    table: pd.DataFrame
    n_train: int

    @property
    def mean_abs_rel_error(self) -> float:
        return float(self.table["abs_rel_error"].mean())

    @property
    def max_abs_rel_error(self) -> float:
        return float(self.table["abs_rel_error"].max())

    @property
    def median_relative_width(self) -> float:
        """Median interval width relative to the actual value: coverage means little when this is large."""
        return float(((self.table["high"] - self.table["low"]) / self.table["actual"]).median())

    @property
    def coverage(self) -> float:
        """Fraction of held-out points inside their interval (compare with the nominal level)."""
        return float(self.table["covered"].mean())

    def summary(self) -> dict:
        return {"n_train": self.n_train, "n_test": len(self.table), "mean_abs_rel_error": self.mean_abs_rel_error,
                "max_abs_rel_error": self.max_abs_rel_error, "coverage": self.coverage,
                "median_relative_width": self.median_relative_width,
                "level": self.fit.level, "fit_status": self.fit.status}


def backtest(law: Law, X, y, train, *, n_bootstrap: int = 200, seed: int = 0, level: float = 0.95,
             interval: str = "observation", groups=None, **fit_options) -> BacktestResult:
    """Fit ``law`` on the points where ``train`` is true and predict the others.

    Parameters
    ----------
    law : Law
    X : tuple of array_like, each shape (n,)
        Inputs in ``law.inputs`` order.
    y : array_like, shape (n,)
        Observed targets.
    train : array_like of bool, shape (n,)
        Training points, typically the smaller scales (``N <= threshold``).
    n_bootstrap, seed, level
        Bootstrap of the training fit, for the prediction intervals.
    interval : {"observation", "mean"}
        Interval kind (see :meth:`FitResult.predict_interval`); ``"observation"`` is the one a
        single new run should fall in.
    groups : array_like, shape (n,), optional
        Cluster labels (e.g. model names); the bootstrap of the training fit resamples whole
        clusters, as it should when several points come from one model's trajectory.
    **fit_options
        Passed to :func:`scaling_lib.fit`.
    """
    X = (X,) if not isinstance(X, tuple) else X
    X, y = check_inputs(X, y, law.inputs)
    train = np.asarray(train)
    if train.dtype != bool or train.shape != y.shape:
        raise ValueError(f"train must be a boolean mask of shape {y.shape}, got dtype {train.dtype} "
                         f"and shape {train.shape}")
    if train.all() or not train.any():
        raise ValueError(f"train must hold out some points and keep some; it selects {int(train.sum())} "
                         f"of {y.size}")
    train_groups = None if groups is None else np.asarray(groups)[train]
    result = fit(law, tuple(x[train] for x in X), y[train], n_bootstrap=n_bootstrap, seed=seed, level=level,
                 groups=train_groups, **fit_options)
    test = ~train
    pred = result.predict_interval(*(x[test] for x in X), kind=interval)
    actual = y[test]
    table = pd.DataFrame({name: x[test] for name, x in zip(law.inputs, X)})
    table["actual"] = actual
    table["predicted"] = pred.value
    table["low"] = pred.low
    table["high"] = pred.high
    table["abs_rel_error"] = np.abs(pred.value - actual) / actual
    table["covered"] = (actual >= pred.low) & (actual <= pred.high)
    return BacktestResult(result, table, int(train.sum()))


def run_backtests(designs: dict, *, n_bootstrap: int = 200, seed: int = 0, **options) -> tuple[dict, pd.DataFrame]:
    """Run several backtests on tables of runs and summarise them.

    Parameters
    ----------
    designs : dict
        Name -> ``(law, runs, train)`` or ``(law, runs, train, group_column)``. ``runs`` is a
        DataFrame with columns ``N``, ``D`` and ``loss``, ``train`` a boolean mask over its rows,
        ``group_column`` the column whose values are resampled as clusters.
    **options
        Passed to :func:`backtest` (``level``, ``interval``, ``n_jobs``, ...).

    Returns
    -------
    results : dict
        Name -> :class:`BacktestResult`.
    summary : DataFrame
        One row per design: sizes, errors, coverage and the training fit's status. Statuses are
        reported here rather than as warnings.
    """
    results = {}
    for name, (law, runs, train, *group_column) in designs.items():
        groups = runs[group_column[0]].to_numpy() if group_column else None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            results[name] = backtest(law, (runs["N"].to_numpy(), runs["D"].to_numpy()), runs["loss"].to_numpy(),
                                     np.asarray(train), n_bootstrap=n_bootstrap, seed=seed, groups=groups, **options)
    summary = pd.DataFrame({name: result.summary() for name, result in results.items()}).T
    return results, summary
