"""Bootstrap of a fit: resample the points (or whole clusters), refit each resample like the estimate.

Results are bit-identical whatever ``n_jobs``: the resamples are drawn up front from one seeded
generator, every refit runs with BLAS on one thread, in this process and in joblib's workers
alike, and the results are put back in resample order.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .checks import one_blas_thread
from .result import ADMITTED_RESAMPLE_STATUSES
from .solver import FitError, solve

__all__ = ["resample_indices", "bootstrap_fits", "RESAMPLE_STATUSES"]

RESAMPLE_STATUSES = ("converged", "at_bound", "max_iterations", "stalled", "failed")
"""Status of one bootstrap refit: a stationary point, one on a bound, the iteration limit, a line search that
stalled away from a stationary point, or no finite fit at all."""


def resample_indices(n_points: int, n_bootstrap: int, seed: int, groups=None) -> list[np.ndarray]:
    """Row indices of each resample: ``n_points`` points drawn with replacement, or whole clusters.

    Parameters
    ----------
    n_points : int
    n_bootstrap : int
        Number of resamples.
    seed : int
    groups : array_like, shape (n_points,), optional
        Cluster labels; each resample then draws as many clusters as there are, with replacement,
        and takes every row of each drawn cluster.

    Returns
    -------
    list of ndarray of int
    """
    rng = np.random.default_rng(seed)
    if groups is None:
        return list(rng.integers(0, n_points, size=(n_bootstrap, n_points)))
    _, labels = np.unique(np.asarray(groups), return_inverse=True)
    members = [np.flatnonzero(labels == g) for g in range(labels.max() + 1)]
    picks = rng.integers(0, len(members), size=(n_bootstrap, len(members)))
    return [np.concatenate([members[g] for g in row]) for row in picks]


def _refit(law, X, y, options, index):
    """Parameters (natural, ``law.param_names`` order) and status of one resample."""
    try:
        problem, best = solve(law, tuple(x[index] for x in X), y[index], **options)
    except FitError:
        return np.full(len(law.param_names), np.nan), "failed"
    flags = problem.optimizer_flags(best, options["maxiter"])
    if "max_iterations" in flags:
        status = "max_iterations"
    elif "ill_conditioned" in flags:  # the only other optimizer flag: a line search that stalled
        status = "stalled"
    else:
        status = "at_bound" if problem.at_bound(best.x) else "converged"
    coef, theta = problem.from_u(best.x)
    return np.concatenate([coef, theta]), status


def _refit_chunk(law, X, y, options, indices):
    with one_blas_thread():
        return [_refit(law, X, y, options, index) for index in indices]


def bootstrap_fits(law, X, y, options, n_bootstrap, seed, n_jobs=1, groups=None) -> tuple[pd.DataFrame, pd.Series]:
    """Refit ``n_bootstrap`` resamples.

    Returns
    -------
    params : DataFrame, shape (n_bootstrap, n_params)
        Columns ``law.param_names``; NaN where a refit failed.
    statuses : Series of str, length n_bootstrap
        One of :data:`RESAMPLE_STATUSES` per resample.

    Warns
    -----
    RuntimeWarning
        When resamples are left out of the intervals (see
        :data:`~scaling_lib.fitting.result.ADMITTED_RESAMPLE_STATUSES`), saying how many and why.
    """
    indices = resample_indices(y.size, n_bootstrap, seed, groups)
    if n_jobs == 1:
        out = _refit_chunk(law, X, y, options, indices)
    else:
        from joblib import Parallel, delayed

        n_chunks = max(1, 4 * (n_jobs if n_jobs > 0 else 2))
        chunks = [[indices[i] for i in part] for part in np.array_split(np.arange(len(indices)), n_chunks) if part.size]
        parts = Parallel(n_jobs=n_jobs)(delayed(_refit_chunk)(law, X, y, options, c) for c in chunks)
        out = [item for part in parts for item in part]
    params = pd.DataFrame(np.stack([o[0] for o in out]), columns=list(law.param_names))
    statuses = pd.Series([o[1] for o in out], name="status")
    dropped = statuses[~statuses.isin(ADMITTED_RESAMPLE_STATUSES)].value_counts()
    if len(dropped):
        detail = ", ".join(f"{count} {status}" for status, count in dropped.items())
        warnings.warn(f"{law.name}: {int(dropped.sum())} of {n_bootstrap} bootstrap refits are left out of the "
                      f"intervals ({detail})", RuntimeWarning, stacklevel=3)
    return params, statuses
