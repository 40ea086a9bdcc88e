"""Hypothesis tests on a bootstrapped fit: are published parameter values consistent with it?"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .result import FitResult

__all__ = ["compare_with"]


def compare_with(result: FitResult, values: dict, *, published_se: dict | None = None,
                 level: float | None = None) -> tuple[pd.DataFrame, dict]:
    """Are published parameter values consistent with a bootstrapped fit?

    Parameters
    ----------
    result : FitResult
        A fit with ``n_bootstrap > 0``.
    values : dict
        Published values of some or all parameters (e.g. Hoffmann et al.'s ``E, A, B, alpha, beta``).
    published_se : dict, optional
        Published standard errors, for a replication: adds ``published_se`` and ``se_ratio``.

    Returns
    -------
    table : DataFrame
        Per parameter: ``published``, ``estimate``, ``difference_pct`` (100 (estimate / published
        - 1)), ``se`` (bootstrap), ``z`` = (published - estimate) / se, and ``inside`` (published
        value within the percentile interval).
    joint : dict
        ``chi2``, ``dof`` and ``p_value`` of the squared Mahalanobis distance of the published
        vector from the estimate under the bootstrap covariance. Non-negative coefficients are
        compared on a log scale, where their bootstrap distribution is closer to normal.
    """
    if result.bootstrap is None:
        raise ValueError("compare_with needs a fit with n_bootstrap > 0")
    unknown = sorted(set(values) - set(result.law.param_names))
    if unknown:
        raise KeyError(f"{result.law.name} has no parameter(s) {unknown}; it has {result.law.param_names}")
    names = [n for n in result.law.param_names if n in values]
    summary = result.summary(level)
    table = pd.DataFrame({"published": [float(values[n]) for n in names]}, index=pd.Index(names, name="parameter"))
    table["estimate"] = summary.loc[names, "estimate"]
    table["difference_pct"] = 100 * (table["estimate"] / table["published"] - 1)
    table["se"] = summary.loc[names, "se"]
    if published_se is not None:
        table["published_se"] = [float(published_se[n]) for n in names]
        table["se_ratio"] = table["se"] / table["published_se"]
    table["z"] = (table["published"] - table["estimate"]) / table["se"]
    table["inside"] = (table["published"] >= summary.loc[names, "low"]) & (table["published"] <= summary.loc[names, "high"])
    logged = [n in result.law.coefficients and result.law.nonnegative[result.law.coefficients.index(n)]
              for n in names]
    admitted = result.draws()
    draws = np.column_stack([admitted[n] for n in names]) if admitted else np.empty((0, len(names)))
    if len(draws) <= 2 * len(names):
        raise ValueError(f"compare_with needs more than {2 * len(names)} successful bootstrap draws for "
                         f"{len(names)} parameters, got {len(draws)}; raise n_bootstrap")

    def transform(v):
        return np.where(logged, np.log(np.maximum(v, 1e-300)), v)

    diff = transform(table["published"].to_numpy()) - transform(table["estimate"].to_numpy())
    cov = np.cov(transform(draws), rowvar=False).reshape(len(names), len(names))
    eigenvalues = np.linalg.eigvalsh(cov)
    if eigenvalues.min() <= 1e-12 * eigenvalues.max():
        raise ValueError("the bootstrap covariance of the compared parameters is singular; compare fewer "
                         "parameters or raise n_bootstrap")
    chi2 = float(diff @ np.linalg.solve(cov, diff))
    return table, {"chi2": chi2, "dof": len(names), "p_value": float(stats.chi2.sf(chi2, len(names)))}
