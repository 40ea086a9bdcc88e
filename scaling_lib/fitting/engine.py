"""``fit``: one call that validates, solves, classifies and bootstraps a scaling-law fit."""
from __future__ import annotations

import warnings

import numpy as np

from ..laws import Chinchilla, Law
from .bootstrap import bootstrap_fits
from .checks import check_inputs, check_level, check_n_bootstrap, one_blas_thread
from .identification import classify
from .objective import OBJECTIVES
from .result import FitResult
from .solver import solve

__all__ = ["fit", "fit_chinchilla"]


def fit(law: Law, X, y, *, objective: str = "huber_log", delta: float = 1e-3, method: str = "vp",
        starts=None, grid=None, n_polish: int = 4, maxiter: int = 2000, n_bootstrap: int = 0, seed: int = 0,
        groups=None, level: float = 0.95, n_jobs: int = 1) -> FitResult:
    """Fit ``law`` to targets ``y`` at inputs ``X``.

    Parameters
    ----------
    law : Law
        E.g. ``Chinchilla()``, ``PowerLaw()``, ``BrokenPowerLaw(1)``.
    X : array_like or tuple of array_like, each shape (n,)
        Inputs in the order of ``law.inputs`` (e.g. ``(N, D)`` in parameters and tokens); a
        single array for a law of one input.
    y : array_like, shape (n,)
        Targets (loss in nats/token, error fraction, ...). Must be positive.
    objective : {"huber_log", "least_squares"}
    delta : float
        Huber threshold on log residuals (only for ``"huber_log"``).
    method : {"vp", "multistart"}
        Variable-projection grid screen plus polish, or L-BFGS-B from each of ``starts``.
    starts : array_like, shape (S, p), optional
        Starting points in natural parameters, ``law.param_names`` order (``"multistart"`` only).
    grid : array_like, shape (G, m), optional
        Shape-parameter grid for ``"vp"``; defaults to ``law.shape_grid(X)``.
    n_polish : int
        Number of best grid candidates polished.
    n_bootstrap : int
        Resamples of the data points (with replacement), each fitted exactly like the point estimate.
    seed : int
        Seed of the bootstrap resampling.
    groups : array_like, shape (n,), optional
        Cluster labels (e.g. the model of each checkpoint). The bootstrap then resamples whole
        clusters rather than single points, which is right when points of a cluster are correlated.
    level : float
        Default coverage of reported intervals.
    n_jobs : int
        Processes for the bootstrap (joblib, so ``joblib.parallel_config(backend="dask")`` runs
        it on a cluster); results are bit-identical whatever ``n_jobs`` and BLAS thread count.

    Returns
    -------
    FitResult

    Raises
    ------
    ValueError
        Bad inputs (empty, NaN, infinite, non-positive, length mismatch) or options.
    FitError
        When no finite fit exists.
    """
    if not isinstance(law, Law):
        raise TypeError(f"law must be a scaling_lib.laws.Law instance, got {type(law).__name__}")
    X, y = check_inputs(X, y, law.inputs)
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {OBJECTIVES}, got {objective!r}")
    if not delta > 0:
        raise ValueError(f"delta must be positive, got {delta}")
    if method == "multistart" and starts is None:
        raise ValueError("method='multistart' needs starts (e.g. scaling_lib.laws.hoffmann_starts())")
    if int(n_polish) < 1:
        raise ValueError(f"n_polish must be at least 1, got {n_polish}")
    n_bootstrap = check_n_bootstrap(n_bootstrap)
    level = check_level(level)
    if groups is not None and np.shape(groups) != y.shape:
        raise ValueError(f"groups must have one label per point ({y.size}), got shape {np.shape(groups)}")
    grid = law.shape_grid(X) if grid is None else np.asarray(grid, dtype=float)
    if grid.ndim != 2 or grid.shape[1] != len(law.shape_params):
        raise ValueError(f"grid must have shape (G, {len(law.shape_params)}) for shape parameters "
                         f"{law.shape_params}, got {grid.shape}")
    options = dict(objective=objective, delta=delta, method=method, grid=grid, starts=starts, n_polish=n_polish,
                   maxiter=maxiter)
    with one_blas_thread():
        problem, best = solve(law, X, y, **options)
        status, flags, ident = classify(problem, best.x, best, maxiter)
    coef, theta = problem.from_u(best.x)
    params = dict(zip(law.param_names, map(float, np.concatenate([coef, theta]))))
    result = FitResult(law=law, params=params, objective=float(best.fun * problem.scale), status=status,
                       flags=flags, approx_se=ident.approx_se, condition_number=ident.condition_number,
                       n_points=y.size, objective_name=objective, delta=delta, iterations=int(best.nit),
                       level=level, seed=seed, _residuals=ident.residuals)
    if status != "converged":
        warnings.warn(f"{law.name} fit status {status!r}: {flags}", RuntimeWarning, stacklevel=2)
    if n_bootstrap:
        result.bootstrap, result.bootstrap_statuses = bootstrap_fits(law, X, y, options, n_bootstrap, seed, n_jobs,
                                                                     groups)
        result.bootstrap_status = result.bootstrap_statuses.value_counts().to_dict()
    return result


def fit_chinchilla(N, D, loss, *, delta: float = 1e-3, n_bootstrap: int = 0, seed: int = 0, **kwargs) -> FitResult:
    """Fit ``L(N, D) = E + A / N^alpha + B / D^beta`` with the summed Huber loss on log residuals.

    Parameters
    ----------
    N : array_like, shape (n,)
        Model sizes, in parameters.
    D : array_like, shape (n,)
        Training tokens.
    loss : array_like, shape (n,)
        Final losses, nats/token.
    delta, n_bootstrap, seed, **kwargs
        Passed to :func:`fit`.

    Returns
    -------
    FitResult
        ``.params`` has keys ``E, A, B, alpha, beta``; ``.objective``; ``.status``.
    """
    return fit(Chinchilla(), (N, D), loss, delta=delta, n_bootstrap=n_bootstrap, seed=seed, **kwargs)
