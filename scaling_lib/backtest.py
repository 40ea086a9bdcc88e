"""Backtests: fit a law on the smaller scales, predict held-out larger scales, score the prediction."""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

from .fitting import FitResult, check_inputs, fit
from .laws import Law

__all__ = ["BacktestResult", "BacktestDesign", "backtest", "run_backtests"]


@dataclass
class BacktestResult:
    """Outcome of :func:`backtest`.

    Attributes
    ----------
    fit : FitResult
        The law fitted on the training points (with bootstrap).
    table : DataFrame
        One row per held-out point: the inputs, ``actual``, ``predicted``, ``low``/``high``
        (interval for a new observation; NaN without bootstrap), ``abs_rel_error``
        (|predicted - actual| / actual) and ``covered`` (actual inside the interval; missing,
        ``pd.NA``, where there is no interval).
    n_train : int
    warnings : list of str
        Warnings raised while fitting (statuses, resamples left out), kept with the result
        rather than printed, so :func:`run_backtests` can report them in its summary.
    """

    fit: FitResult
    table: pd.DataFrame
    n_train: int
    warnings: list = field(default_factory=list)

    @property
    def mean_abs_rel_error(self) -> float:
        return float(self.table["abs_rel_error"].mean())

    @property
    def max_abs_rel_error(self) -> float:
        return float(self.table["abs_rel_error"].max())

    @property
    def median_relative_width(self) -> float:
        """Median interval width relative to the actual value (NaN without intervals): coverage means little when
        this is large."""
        return float(((self.table["high"] - self.table["low"]) / self.table["actual"]).median())

    @property
    def coverage(self) -> float:
        """Fraction of held-out points inside their interval (compare with the nominal level).

        NaN when there are no intervals (a backtest without bootstrap): no interval covers
        nothing, it does not miss everything.
        """
        covered = self.table["covered"].dropna()
        return float(covered.astype(float).mean()) if len(covered) else float("nan")

    def summary(self) -> dict:
        """Sizes, errors, coverage, the training fit's status and what happened to its bootstrap resamples."""
        counts = self.fit.resample_counts()
        return {"n_train": self.n_train, "n_test": len(self.table), "mean_abs_rel_error": self.mean_abs_rel_error,
                "max_abs_rel_error": self.max_abs_rel_error, "coverage": self.coverage,
                "median_relative_width": self.median_relative_width,
                "level": self.fit.level, "fit_status": self.fit.status,
                "resamples_used": counts["used"], "resamples_dropped": counts["dropped"],
                "resamples_at_bound": counts["at_bound"], "warnings": len(self.warnings)}


def backtest(law: Law, X, y, train, *, n_bootstrap: int = 200, seed: int = 0, level: float = 0.95,
             interval: str = "observation", groups=None, **fit_options) -> BacktestResult:
    """Fit ``law`` on the points where ``train`` is true and predict the others.

    Parameters
    ----------
    law : Law
    X : array_like or tuple of array_like, each shape (n,)
        Inputs in ``law.inputs`` order (a tuple ``(N, D)``; a single array for a law of one input).
    y : array_like, shape (n,)
        Observed targets.
    train : array_like of bool, shape (n,)
        Training points, typically the smaller scales (``N <= threshold``).
    n_bootstrap, seed, level
        Bootstrap of the training fit, for the prediction intervals; ``seed`` also seeds the
        residual draws of observation intervals. ``n_bootstrap=0`` gives no intervals and NaN
        coverage.
    interval : {"observation", "mean"}
        Interval kind (see :meth:`FitResult.predict_interval`); ``"observation"`` is the one a
        single new run should fall in.
    groups : array_like, shape (n,), optional
        Cluster labels (e.g. model names); the bootstrap of the training fit resamples whole
        clusters, as it should when several points come from one model's trajectory.
    **fit_options
        Passed to :func:`scaling_lib.fit`.
    """
    X, y = check_inputs(X, y, law.inputs)
    train = np.asarray(train)
    if train.dtype != bool or train.shape != y.shape:
        raise ValueError(f"train must be a boolean mask of shape {y.shape}, got dtype {train.dtype} "
                         f"and shape {train.shape}")
    if train.all() or not train.any():
        raise ValueError(f"train must hold out some points and keep some; it selects {int(train.sum())} "
                         f"of {y.size}")
    train_groups = None if groups is None else np.asarray(groups)[train]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RuntimeWarning)
        result = fit(law, tuple(x[train] for x in X), y[train], n_bootstrap=n_bootstrap, seed=seed, level=level,
                     groups=train_groups, **fit_options)
    for warning in caught:  # re-issued for the caller; also kept with the result
        warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
    test = ~train
    pred = result.predict_interval(*(x[test] for x in X), kind=interval, seed=seed)
    actual = y[test]
    table = pd.DataFrame({name: x[test] for name, x in zip(law.inputs, X)})
    table["actual"] = actual
    table["predicted"] = pred.value
    table["low"] = pred.low
    table["high"] = pred.high
    table["abs_rel_error"] = np.abs(pred.value - actual) / actual
    covered = pd.array((actual >= pred.low) & (actual <= pred.high), dtype="boolean")
    covered[~(np.isfinite(pred.low) & np.isfinite(pred.high))] = pd.NA
    table["covered"] = covered
    return BacktestResult(result, table, int(train.sum()), [str(w.message) for w in caught])


class BacktestDesign(NamedTuple):
    """One backtest of :func:`run_backtests`.

    Attributes
    ----------
    law : Law
    runs : DataFrame
        Columns ``N`` (parameters), ``D`` (tokens) and ``loss`` (nats/token).
    train : array_like of bool, shape (len(runs),)
        Training rows, typically the smaller models.
    group : str, optional
        Column whose values are resampled as clusters (e.g. ``"model"`` when one model
        contributes several rows).
    """

    law: Law
    runs: pd.DataFrame
    train: object
    group: str | None = None


def run_backtests(designs: dict, *, n_bootstrap: int = 200, seed: int = 0, **options) -> tuple[dict, pd.DataFrame]:
    """Run several backtests on tables of runs and summarise them.

    Parameters
    ----------
    designs : dict
        Name -> :class:`BacktestDesign`.
    **options
        Passed to :func:`backtest` (``level``, ``interval``, ``n_jobs``, ...).

    Returns
    -------
    results : dict
        Name -> :class:`BacktestResult`.
    summary : DataFrame
        One row per design (see :meth:`BacktestResult.summary`): sizes, errors, coverage, the
        training fit's status, and how many bootstrap resamples entered the intervals, were
        left out or lay on a bound. Warnings are counted here and kept in each result's
        ``warnings`` rather than printed.
    """
    results = {}
    for name, design in designs.items():
        if not isinstance(design, BacktestDesign):
            raise TypeError(f"design {name!r} must be a BacktestDesign(law, runs, train, group=None), "
                            f"got {type(design).__name__}")
        runs = design.runs
        groups = runs[design.group].to_numpy() if design.group else None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # each one is kept in results[name].warnings
            results[name] = backtest(design.law, (runs["N"].to_numpy(), runs["D"].to_numpy()),
                                     runs["loss"].to_numpy(), np.asarray(design.train), n_bootstrap=n_bootstrap,
                                     seed=seed, groups=groups, **options)
    summary = pd.DataFrame({name: result.summary() for name, result in results.items()}).T
    return results, summary
