"""Pruning sweeps: test error over dataset size, keep fraction, pruning metric and seed, and how it scales.

A *cell* of a sweep is one ``(size, keep_fraction, metric, seed)``: draw ``size`` examples at random
from the training pool (the dataset size before pruning), keep the fraction ``keep_fraction`` of them
that ``metric`` ranks hardest (or easiest), train a fresh model and measure its error on the test set.
At a given ``(size, seed)`` every metric and keep fraction starts from the same random subset, and the
subsets of one seed are nested across sizes, so comparisons between metrics and sizes are paired.
Each metric scores the whole pool once (:func:`~scaling_lib.pruning.metrics.score_examples`, cached on
disk with ``cache_dir``); a cell uses the scores of its subset.

Parallel runs and clusters
--------------------------
Cells are trained through joblib, in tasks of one ``(size, seed, metric)`` each (one model per keep
fraction), the largest first. Unpruned (keep fraction 1) every metric keeps the same subset, so that model is
trained once per ``(size, seed)`` and its row given to every metric. The same call runs on a Dask cluster when
wrapped in
``joblib.parallel_config(backend="dask")``::

    import joblib
    from distributed import Client, LocalCluster    # or dask_jobqueue.SLURMCluster(...), ...

    with LocalCluster(n_workers=2, threads_per_worker=1) as cluster, Client(cluster), \\
            joblib.parallel_config(backend="dask"):
        result = sweep(dataset, sizes=[500, 1000, 2000], keep_fractions=[0.5, 1.0],
                       metrics=["random", "el2n"], seeds=range(5), n_jobs=-1)

The training data and each metric's scores are the same objects in every task, so joblib's Dask backend
scatters them to the cluster once per sweep (and loky memory-maps the large ones) rather than copying
them into every task. Every task runs with BLAS and OpenMP on one thread
(:func:`~scaling_lib.fitting.one_blas_thread`), so a table is bit-identical whatever ``n_jobs``, backend
and number of workers.

Resuming
--------
With ``results_path`` (a JSON file) the finished cells are saved as the sweep runs, each time through a
temporary file and an atomic rename, so the file is always a complete earlier state, never half of one.
A rerun with the same settings trains only the cells the file lacks. The file records the settings that
change a cell's result (dataset key, model and its settings, keep rule, score seed and settings); a file
written with other settings is refused, never mixed with new cells.

Progress
--------
``progress=None`` shows a tqdm bar (a widget in JupyterLab, text in a terminal) except in headless runs
(``SCALING_LIB_HEADLESS=1``, as ``make test`` and the report runner set), where a bar would put volatile
output into a notebook cell that nbval compares; ``progress=False`` never shows it.

Scaling fits
------------
:func:`fit_error_scaling` fits the error of one metric and keep fraction against the number of examples
with two laws, a power law with offset ``err = E + A n^-alpha`` and an exponential
``err = E + A exp(-n / n0)``, and compares them; :func:`compare_metrics_scaling` puts the fitted
exponents of several metrics side by side.
"""
from __future__ import annotations

import itertools
import json
import os
import time
import warnings
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from scipy import stats
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits
from tqdm.auto import tqdm

from ..environment import HEADLESS_ENV
from ..fitting import FitResult, check_inputs, check_level, fit, one_blas_thread
from ..laws import Law, PowerLaw
from ..results import write_json_atomically
from ._checks import check_keep, check_keep_fraction, check_positive_int
from .metrics import METRICS, METRICS_VERSION, score_examples, select
from .models import make_model, model_defaults

__all__ = ["sweep", "SweepResult", "COLUMNS", "ExponentialDecay", "SCALING_LAWS", "ErrorScalingFit",
           "fit_error_scaling", "compare_metrics_scaling", "compare_with_random", "prunable_fraction",
           "metrics_with_verdict"]

CELL = ("size", "keep_fraction", "metric", "seed")
COLUMNS = CELL + ("n_kept", "test_error", "converged")
"""Columns of :attr:`SweepResult.table`: a cell's coordinates, the number of training examples after
pruning, the test error (fraction of test examples misclassified) and whether the model's solver
converged (no scikit-learn ``ConvergenceWarning``)."""

#: Layout version of a results file; a file of another version is refused like one of other settings.
_FORMAT = 1
#: Mixed into the seed of the random subsets so that they are not drawn from the same stream as
#: anything else seeded with the same integer (e.g. the "random" metric's scores at score_seed = seed).
_SUBSET_STREAM = 0x5EED5
#: Seconds between saves of the results file while a sweep runs (it is also saved when the sweep ends
#: or fails): rewriting a large file after every task would cost more than the tasks.
_SAVE_EVERY = 2.0


@dataclass(frozen=True)
class SweepResult:
    """Result of :func:`sweep`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per cell, columns :data:`COLUMNS`, sorted by size, keep fraction, metric (in the order
        given) and seed.
    settings : dict
        What the cells were computed with: dataset key, model and its settings, keep rule, score seed
        and settings.
    """

    table: pd.DataFrame
    settings: dict = field(default_factory=dict)

    def summary(self, level: float = 0.95) -> pd.DataFrame:
        """Mean test error over seeds with a t-interval, per (size, keep_fraction, metric).

        The interval is ``mean ± t_{(1+level)/2, n-1} · sd / sqrt(n)`` over the ``n`` seeds, i.e. for the
        error expected from a new random subset and model initialisation on this test set (the test set
        is fixed, so its own sampling noise is not included). It is NaN with a single seed.

        Parameters
        ----------
        level : float
            Coverage of the interval, in (0, 1).

        Returns
        -------
        pandas.DataFrame
            Columns ``size, keep_fraction, metric, n_kept`` (mean over seeds), ``test_error`` (mean),
            ``sd`` (over seeds), ``low, high, n_seeds``; ``attrs["level"]`` is the level.
        """
        level = check_level(level)
        groups = self.table.groupby(["size", "keep_fraction", "metric"], sort=False)
        out = groups.agg(n_kept=("n_kept", "mean"), test_error=("test_error", "mean"), sd=("test_error", "std"),
                         n_seeds=("seed", "size")).reset_index()
        out["low"], out["high"] = _seed_interval(out["test_error"], out["sd"], out["n_seeds"], level)
        out = out[["size", "keep_fraction", "metric", "n_kept", "test_error", "sd", "low", "high", "n_seeds"]]
        out.attrs["level"] = level
        return out


def _seed_interval(mean, sd, n_seeds, level):
    """mean -+ t_{(1+level)/2, n-1} sd / sqrt(n), elementwise (NaN with one seed)."""
    n = np.asarray(n_seeds)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = stats.t.ppf((1 + level) / 2, n - 1) * np.asarray(sd) / np.sqrt(n)
    return mean - half, mean + half


def sweep(dataset, *, sizes, keep_fractions, metrics, seeds, model: str = "logistic", keep: str = "hard",
          score_seed: int = 0, score_settings: dict | None = None, cache_dir=None, results_path=None,
          n_jobs: int | None = 1, progress: bool | None = None, **model_settings) -> SweepResult:
    """Test error of models trained on pruned random subsets, over a grid of cells.

    Parameters
    ----------
    dataset : Dataset
        From :mod:`scaling_lib.pruning.data` (``X_train, y_train, X_test, y_test`` and ``key``).
    sizes : sequence of int
        Dataset sizes before pruning (examples drawn from the training pool), each at most the pool's size.
    keep_fractions : sequence of float
        Fractions of each subset kept after pruning, in (0, 1].
    metrics : sequence of str
        Names in :data:`~scaling_lib.pruning.metrics.METRICS`.
    seeds : sequence of int
        Seeds (>= 0) of the random subset and of the model's initialisation; one replicate each.
    model : str
        Name for :func:`~scaling_lib.pruning.models.make_model` (``"logistic"``, ``"mlp"``).
    keep : {"hard", "easy"}
        Keep the examples with the largest scores (hardest) or the smallest.
    score_seed : int
        Seed of the metrics' scoring runs (also of the ``"random"`` metric's scores).
    score_settings : dict, optional
        Further keyword arguments of :func:`~scaling_lib.pruning.metrics.score_examples`.
    cache_dir : path, optional
        Where :func:`~scaling_lib.pruning.metrics.score_examples` caches scores.
    results_path : path, optional
        JSON file that keeps finished cells: saved atomically as the sweep runs (at most every 2 s, and when it
        ends or fails), and read on a rerun, which then trains only the missing cells. A file written with
        other settings is refused. Settings must then be JSON values (numbers, strings, lists, tuples, dicts).
    n_jobs : int or None
        joblib workers (``-1``: all cores). Inside ``joblib.parallel_config(backend="dask")`` the tasks run on
        the Dask cluster of the active ``distributed.Client`` (pass ``n_jobs=-1``). The table is bit-identical
        whatever ``n_jobs`` and backend.
    progress : bool or None
        Progress bar over cells: None shows it unless ``SCALING_LIB_HEADLESS=1`` (headless
        notebook runs, whose compared output it would change); True always; False never.
    **model_settings
        Passed to ``make_model`` (e.g. ``C=0.1`` or ``hidden_layer_sizes=(64,)``).

    Returns
    -------
    SweepResult
        ``.table`` has one row per cell (:data:`COLUMNS`); ``.summary()`` averages over seeds.

    Raises
    ------
    ValueError
        Empty or repeated grid values, a size larger than the training pool, a keep fraction outside
        (0, 1], an unknown metric or keep rule, scores that are not finite or not one per training
        example, a results file that is not a sweep's or was written with other settings, a model that
        cannot be trained on a cell's examples (e.g. of one class only).
    TypeError
        Non-integer sizes or seeds; with ``results_path``, settings that are not JSON values.
    """
    n_pool = len(dataset.y_train)
    sizes = [check_positive_int(s, "sizes") for s in _grid_values(sizes, "sizes")]
    too_large = [s for s in sizes if s > n_pool]
    if too_large:
        raise ValueError(f"sizes must be at most the training pool's size {n_pool}, got {too_large[0]}")
    keep_fractions = [float(f) for f in check_keep_fraction(_grid_values(keep_fractions, "keep_fractions"),
                                                            name="keep_fractions")]
    metrics = [str(m) for m in _grid_values(metrics, "metrics")]
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise ValueError(f"unknown metric {unknown[0]!r}; known metrics: {', '.join(METRICS)}")
    seeds = [check_positive_int(s, "seeds", minimum=0) for s in _grid_values(seeds, "seeds")]
    keep = check_keep(keep)
    score_settings = dict(score_settings or {})
    make_model(model, seed=0, **model_settings)  # unknown names and settings fail here, not in a worker
    settings = {"format": _FORMAT, "dataset": str(dataset.key), "n_train": n_pool, "n_test": len(dataset.y_test),
                "model": model, "model_settings": model_settings, "keep": keep, "score_seed": score_seed,
                "score_settings": score_settings, "metrics_version": METRICS_VERSION,
                "sklearn": version("scikit-learn"), "models": model_defaults()}

    cells = list(itertools.product(sorted(sizes), sorted(keep_fractions), metrics, sorted(seeds)))
    path = None if results_path is None else Path(results_path)
    done = {} if path is None else _load_results(path, _plain(settings))
    tasks, shared = _plan(cells, done)
    # Largest tasks first, so that the last ones to finish are short and the workers finish together.
    order = sorted(tasks, key=lambda t: -t[0] * sum(tasks[t]))

    scores = {metric: _scores(dataset, metric, score_seed, cache_dir, score_settings)
              for metric in {metric for _, _, metric in order}}
    permutations = {seed: np.random.default_rng([_SUBSET_STREAM, seed]).permutation(n_pool)
                    for seed in {seed for _, seed, _ in order}}
    data = (dataset.X_train, dataset.y_train, dataset.X_test, dataset.y_test)
    jobs = (delayed(_train_task)(*data, scores[metric], permutations[seed], size, tasks[size, seed, metric], metric,
                                 seed, keep, model, model_settings) for size, seed, metric in order)
    last_save = time.monotonic()
    with tqdm(total=sum(cell not in done for cell in cells), desc="pruning sweep", unit="cell",
              disable=not _show_progress(progress)) as bar:
        try:
            for rows in Parallel(n_jobs=n_jobs, batch_size=1, return_as="generator_unordered")(jobs):
                for row in rows:
                    size, fraction, metric, seed = row[:4]
                    for name in [metric, *(shared[size, seed] if fraction == 1.0 else [])]:
                        done[size, fraction, name, seed] = (size, fraction, name, seed) + row[4:]
                        bar.update()
                if path is not None and time.monotonic() - last_save > _SAVE_EVERY:
                    _save_results(path, settings, done)
                    last_save = time.monotonic()
        finally:
            if path is not None and tasks:
                _save_results(path, settings, done)
    table = pd.DataFrame([done[cell] for cell in cells], columns=list(COLUMNS))
    return SweepResult(table=table.astype({"size": "int64", "keep_fraction": "float64", "seed": "int64",
                                           "n_kept": "int64", "test_error": "float64", "converged": "bool"}),
                       settings=settings)


def _plan(cells, done) -> tuple[dict, dict]:
    """The trainings that the cells not in ``done`` need.

    Returns
    -------
    tasks : dict
        ``(size, seed, metric) -> keep fractions`` to train, one task each.
    shared : dict
        ``(size, seed) -> metrics`` whose unpruned cell (keep fraction 1) takes the result of another
        metric's task: unpruned, every metric keeps the whole subset, so one model serves them all.
    """
    tasks, shared = {}, {}
    for size, fraction, metric, seed in cells:
        if (size, fraction, metric, seed) in done:
            continue
        if fraction == 1.0:
            if (size, seed) in shared:
                shared[size, seed].append(metric)
                continue
            shared[size, seed] = []
        tasks.setdefault((size, seed, metric), []).append(fraction)
    return tasks, shared


def _grid_values(values, name: str) -> list:
    """``values`` as a non-empty list without repeats (one value is taken as a list of one)."""
    values = list(np.atleast_1d(np.asarray(values, dtype=object)))
    if not values:
        raise ValueError(f"{name} is empty")
    repeated = [v for i, v in enumerate(values) if v in values[:i]]
    if repeated:
        raise ValueError(f"{name} has repeated value {repeated[0]!r}")
    return values


def _scores(dataset, metric, seed, cache_dir, settings) -> np.ndarray:
    """The metric's score of every training example, checked: shape (n_train,), all finite."""
    scores = np.asarray(score_examples(dataset, metric, seed=seed, cache_dir=cache_dir, **settings), dtype=float)
    if scores.shape != dataset.y_train.shape:
        raise ValueError(f"scores of metric {metric!r} have shape {scores.shape}, expected one per training "
                         f"example {dataset.y_train.shape}")
    bad = ~np.isfinite(scores)
    if bad.any():
        raise ValueError(f"scores of metric {metric!r} have {int(bad.sum())} NaN or infinite value(s) "
                         f"(first at training example {int(np.flatnonzero(bad)[0])})")
    return scores


def _train_task(X_train, y_train, X_test, y_test, scores, permutation, size, keep_fractions, metric, seed, keep,
                model, model_settings) -> list[tuple]:
    """Rows (:data:`COLUMNS`) of the cells of one random subset pruned by one metric, one per keep fraction."""
    subset = permutation[:size]
    rows = []
    # One BLAS (and OpenMP, which some estimators sum with) thread: the same sums in the same order in this
    # process, in loky workers and on Dask workers, so the same bits.
    with one_blas_thread(), threadpool_limits(limits=1, user_api="openmp"):
        for fraction in keep_fractions:
            kept = subset[select(scores[subset], fraction, keep=keep)]
            estimator = make_model(model, seed=seed, **model_settings)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", ConvergenceWarning)
                try:
                    estimator.fit(X_train[kept], y_train[kept])
                except ValueError as exc:
                    raise ValueError(f"training {model!r} on {kept.size} examples failed (size {size}, keep_fraction "
                                     f"{fraction}, metric {metric!r}, seed {seed}): {exc}") from exc
            converged = True
            for w in caught:
                if issubclass(w.category, ConvergenceWarning):
                    converged = False
                else:  # recording swallowed it: pass it on
                    warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
            error = float(np.mean(estimator.predict(X_test) != y_test))
            rows.append((size, fraction, metric, seed, int(kept.size), error, converged))
    return rows


def _show_progress(progress) -> bool:
    if progress is None:
        return os.environ.get(HEADLESS_ENV, "").strip().lower() not in ("1", "true", "yes")
    return bool(progress)


# -- results file ------------------------------------------------------------------------------

def _plain(settings: dict) -> dict:
    """``settings`` as they read back from JSON (tuples as lists, NumPy scalars as Python numbers)."""

    def default(value):
        if isinstance(value, (np.generic, np.ndarray)):
            return value.tolist()
        raise TypeError(f"sweep settings must be JSON values to be kept in a results file; got "
                        f"{type(value).__name__} {value!r}")

    return json.loads(json.dumps(settings, default=default))


def _load_results(path: Path, settings: dict) -> dict:
    """Finished cells of a results file, as cell -> row; empty if the file does not exist."""
    if not path.exists():
        return {}
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        saved, columns, cells = document["settings"], document["columns"], document["cells"]
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError) as exc:
        raise ValueError(f"{path} is not a sweep results file ({type(exc).__name__}: {exc}); give another "
                         f"results_path") from None
    if saved != settings or columns != list(COLUMNS):
        differ = sorted(k for k in settings.keys() | saved.keys() if saved.get(k) != settings.get(k))
        detail = "; ".join(f"{k}: file has {saved.get(k)!r}, this sweep {settings.get(k)!r}" for k in differ)
        raise ValueError(f"{path} holds cells of a sweep with other settings ({detail or 'other columns'}); give "
                         f"another results_path, or delete the file to start afresh")
    return {tuple(row[:4]): tuple(row) for row in cells}


def _save_results(path: Path, settings: dict, done: dict) -> None:
    # Sorted so that the file's content depends on the cells only, not on the order tasks finished in.
    write_json_atomically(path, {"settings": _plain(settings), "columns": list(COLUMNS),
                                  "cells": [list(done[cell]) for cell in sorted(done)]})


# -- scaling of error with data -------------------------------------------------------------------

class ExponentialDecay(Law):
    """Exponential approach to an offset: ``err(n) = E + A exp(-n / n0)``.

    n in examples, ``n0`` the number of examples over which the excess error falls by a factor e.
    """

    name = "exponential"
    formula = "err(n) = E + A exp(-n / n0)"
    coefficients = ("E", "A")
    nonnegative = (True, True)
    shape_params = ("n0",)
    log_scale = ("n0",)
    grid_points = 300

    def data_bounds(self, X):
        (x,) = X
        # Far below the smallest n the exponential has vanished everywhere (A is not identified); far above
        # the largest it is a straight line.
        return {"n0": (float(x.min()) / 10, float(x.max()) * 10)}

    def basis(self, theta, X):
        (x,) = X
        decay = np.exp(-x / theta[..., 0:1])
        return np.stack([np.ones_like(decay), decay], axis=-1)

    def basis_derivative(self, theta, X):
        (x,) = X
        out = np.zeros((x.size, 2, 1))
        out[:, 1, 0] = np.exp(-x / theta[0]) * x / theta[0] ** 2
        return out


SCALING_LAWS = {"power": PowerLaw(), "exponential": ExponentialDecay()}
"""The laws :func:`fit_error_scaling` fits: ``err = E + A n^-alpha`` and ``err = E + A exp(-n / n0)``."""


@dataclass(frozen=True)
class ErrorScalingFit:
    """Result of :func:`fit_error_scaling`.

    Attributes
    ----------
    metric : str
    keep_fraction : float
    x : str
        The table column used as n (``"n_kept"`` or ``"size"``), in examples.
    fits : dict of str -> FitResult
        One per law of :data:`SCALING_LAWS`, fitted to every (n, test error) point, one per seed and size.
    comparison : pandas.DataFrame
        One row per law: ``formula, status, rmse_log`` (root-mean-square of log(predicted / observed)
        error), ``aic`` (``n log(RSS_log / n) + 2 k``, log residuals taken as Gaussian) and ``delta_aic``
        (to the smallest; 0 marks the preferred law).
    """

    metric: str
    keep_fraction: float
    x: str
    fits: dict
    comparison: pd.DataFrame

    @property
    def preferred(self) -> str:
        """Name of the law with the smallest AIC."""
        return str(self.comparison["aic"].idxmin())

    def params(self, level: float | None = None) -> pd.DataFrame:
        """Estimates with bootstrap s.e. and percentile intervals, rows (law, parameter)."""
        return pd.concat({name: result.summary(level) for name, result in self.fits.items()}, names=["law"])


def fit_error_scaling(result, *, metric: str, keep_fraction: float, x: str = "n_kept",
                      objective: str = "huber_log", n_bootstrap: int = 200, seed: int = 0, level: float = 0.95,
                      n_jobs: int = 1) -> ErrorScalingFit:
    """Fit test error against the number of examples with a power law and an exponential, and compare them.

    Every seed's point enters the fit (not the means), and the bootstrap resamples points.

    Parameters
    ----------
    result : SweepResult or pandas.DataFrame
        A sweep, or a table with at least the columns ``metric, keep_fraction, test_error`` and ``x``.
    metric : str
    keep_fraction : float
        One of the table's keep fractions.
    x : {"n_kept", "size"}
        n as the examples trained on (after pruning) or the dataset size before pruning.
    objective : {"huber_log", "least_squares"}
        Passed to :func:`scaling_lib.fit`; the comparison is made on log residuals either way.
    n_bootstrap : int
        Resamples for the intervals (0: none).
    seed : int
        Seed of the bootstrap.
    level : float
        Coverage of the intervals.
    n_jobs : int
        Processes for the bootstrap.

    Returns
    -------
    ErrorScalingFit

    Raises
    ------
    ValueError
        Unknown ``x``, metric or keep fraction; fewer than four distinct n; a test error of 0 (a power law
        with offset cannot be fitted on the log scale to it).
    """
    if x not in ("n_kept", "size"):
        raise ValueError(f"x must be 'n_kept' or 'size', got {x!r}")
    table = result.table if isinstance(result, SweepResult) else result
    missing = [c for c in ("metric", "keep_fraction", "test_error", x) if c not in table.columns]
    if missing:
        raise ValueError(f"table lacks column(s) {missing}")
    if metric not in set(table["metric"]):
        raise ValueError(f"metric {metric!r} is not in the table; it has {sorted(set(table['metric']))}")
    at_fraction = np.isclose(table["keep_fraction"].to_numpy(dtype=float), float(keep_fraction), rtol=1e-12, atol=0)
    if not at_fraction.any():
        raise ValueError(f"keep_fraction {keep_fraction!r} is not in the table; it has "
                         f"{sorted(set(table['keep_fraction']))}")
    rows = table[at_fraction & (table["metric"] == metric).to_numpy()]
    (n,), error = check_inputs(rows[x], rows["test_error"], names=(x,), target="test_error")
    if np.unique(n).size < 4:
        raise ValueError(f"fitting three parameters needs at least 4 distinct {x} values, got {np.unique(n).size}")
    fits = {name: fit(law, n, error, objective=objective, n_bootstrap=n_bootstrap, seed=seed, level=level,
                      n_jobs=n_jobs) for name, law in SCALING_LAWS.items()}
    comparison = pd.DataFrame([_goodness(law, fits[name], n, error) for name, law in SCALING_LAWS.items()],
                              index=pd.Index(list(SCALING_LAWS), name="law"))
    comparison["delta_aic"] = comparison["aic"] - comparison["aic"].min()
    return ErrorScalingFit(metric=metric, keep_fraction=float(keep_fraction), x=x, fits=fits, comparison=comparison)


def _goodness(law: Law, result: FitResult, n: np.ndarray, error: np.ndarray) -> dict:
    residuals = np.log(result.predict(n) / error)
    rss = float(residuals @ residuals)
    return {"formula": law.formula, "status": result.status, "rmse_log": float(np.sqrt(rss / n.size)),
            "aic": n.size * np.log(rss / n.size) + 2 * len(law.param_names)}


def compare_metrics_scaling(result, *, keep_fraction: float, metrics=None, x: str = "n_kept",
                            objective: str = "huber_log", n_bootstrap: int = 200, seed: int = 0,
                            level: float = 0.95, n_jobs: int = 1) -> pd.DataFrame:
    """Fitted power-law exponent of error against data, with its interval, for each metric.

    Metrics are compared by how their error scales, ``err = E + A n^-alpha`` fitted by
    :func:`fit_error_scaling` over all sizes, rather than by the error at one size.

    Parameters
    ----------
    result : SweepResult or pandas.DataFrame
    keep_fraction : float
    metrics : sequence of str, optional
        Default: every metric of the table, in its order.
    x, objective, n_bootstrap, seed, level, n_jobs
        As for :func:`fit_error_scaling`.

    Returns
    -------
    pandas.DataFrame
        Index ``metric``; columns ``alpha, alpha_low, alpha_high`` (exponent and percentile interval),
        ``E, E_low, E_high`` (error at infinite data, fraction), ``delta_aic_exponential`` (AIC of the
        exponential minus that of the power law: positive favours the power law), ``preferred`` and
        ``n_points``.
    """
    table = result.table if isinstance(result, SweepResult) else result
    metrics = list(dict.fromkeys(table["metric"])) if metrics is None else _grid_values(metrics, "metrics")
    rows = []
    for metric in metrics:
        scaling = fit_error_scaling(table, metric=metric, keep_fraction=keep_fraction, x=x, objective=objective,
                                    n_bootstrap=n_bootstrap, seed=seed, level=level, n_jobs=n_jobs)
        power = scaling.fits["power"].summary(level)
        aic = scaling.comparison["aic"]
        rows.append({"metric": metric, "alpha": power.loc["alpha", "estimate"], "alpha_low": power.loc["alpha", "low"],
                     "alpha_high": power.loc["alpha", "high"], "E": power.loc["E", "estimate"],
                     "E_low": power.loc["E", "low"], "E_high": power.loc["E", "high"],
                     "delta_aic_exponential": aic["exponential"] - aic["power"], "preferred": scaling.preferred,
                     "n_points": scaling.fits["power"].n_points})
    return pd.DataFrame(rows).set_index("metric")


def compare_with_random(result, *, level: float = 0.95, baseline: str = "random") -> pd.DataFrame:
    """Each metric's test error minus the baseline's, paired by seed, per (size, keep fraction).

    At one (size, seed) every metric prunes the same random subset, so the difference is paired and its
    t-interval over seeds is far narrower than the two metrics' own intervals would suggest.

    Returns
    -------
    pandas.DataFrame
        Columns size, keep_fraction, metric, difference (mean, fraction of the test set; negative: the metric
        beats the baseline), low, high, n_seeds and verdict: "beats random" / "loses to random" when the
        interval excludes 0, else "no clear difference" (also with fewer than two seeds).
    """
    level = check_level(level)
    table = result.table if isinstance(result, SweepResult) else result
    if baseline not in set(table["metric"]):
        raise ValueError(f"the sweep has no {baseline!r} cells to compare with")
    reference = table[table["metric"] == baseline].set_index(["size", "keep_fraction", "seed"])["test_error"]
    others = table[table["metric"] != baseline].join(reference.rename("baseline"), on=["size", "keep_fraction",
                                                                                      "seed"])
    others = others.assign(difference=others["test_error"] - others["baseline"])
    out = others.groupby(["size", "keep_fraction", "metric"], sort=False).agg(
        difference=("difference", "mean"), sd=("difference", "std"), n_seeds=("seed", "size")).reset_index()
    out["low"], out["high"] = _seed_interval(out["difference"], out["sd"], out["n_seeds"], level)
    out["verdict"] = np.select([out["high"] < 0, out["low"] > 0], [f"beats {baseline}", f"loses to {baseline}"],
                               "no clear difference")
    out.attrs["level"] = level
    return out[["size", "keep_fraction", "metric", "difference", "low", "high", "n_seeds", "verdict"]]


def prunable_fraction(result, *, size=None, level: float = 0.95) -> pd.DataFrame:
    """How much each metric can prune at no measurable loss: the least keep fraction still as good as all data.

    "As good" means the mean test error at that keep fraction is at most the upper end of the unpruned
    error's seed interval (keep fraction 1) at the same size.

    Parameters
    ----------
    result : SweepResult or pandas.DataFrame
        Must contain keep fraction 1.
    size : int, optional
        Dataset size before pruning; default the largest of the sweep.

    Returns
    -------
    pandas.DataFrame
        Index metric; columns keep_fraction (the least such fraction; 1 when none below it qualifies),
        test_error there, unpruned_error and unpruned_high.
    """
    result = result if isinstance(result, SweepResult) else SweepResult(result)
    summary = result.summary(level)
    size = summary["size"].max() if size is None else size
    at_size = summary[summary["size"] == size]
    if at_size.empty:
        raise ValueError(f"the sweep has no cells at size {size}")
    unpruned = at_size[at_size["keep_fraction"] == 1.0].set_index("metric")
    if unpruned.empty:
        raise ValueError("prunable_fraction needs keep fraction 1 (the unpruned baseline) in the sweep")
    rows = []
    for metric, group in at_size.groupby("metric", sort=False):
        # With a single seed there is no interval: then "as good" means no worse than the unpruned mean.
        limit = unpruned.loc[metric, "high"]
        limit = limit if np.isfinite(limit) else unpruned.loc[metric, "test_error"]
        good = group[group["test_error"] <= limit].sort_values("keep_fraction")
        best = good.iloc[0]
        rows.append(dict(metric=metric, keep_fraction=best["keep_fraction"], test_error=best["test_error"],
                         unpruned_error=unpruned.loc[metric, "test_error"], unpruned_high=limit))
    return pd.DataFrame(rows).set_index("metric")


def metrics_with_verdict(comparison: pd.DataFrame, verdict: str, *, size) -> str:
    """The metrics that get ``verdict`` from :func:`compare_with_random` at some pruned keep fraction of ``size``.

    Returns them sorted and comma-separated ("none" when there are none), a form :func:`scaling_lib.results.record`
    can keep.
    """
    rows = comparison[(comparison["size"] == size) & (comparison["keep_fraction"] < 1)
                      & (comparison["verdict"] == verdict)]
    return ", ".join(sorted(rows["metric"].unique())) or "none"
