"""Compute-optimal test time: coverage against inference FLOP across model sizes.

One generated token of a dense transformer with ``N`` parameters costs about ``2 N`` FLOP (a
multiply and an add per weight; attention over the context neglected), so ``k`` samples of ``T``
tokens cost ``2 N T k``. ``T`` scales every model alike, so it moves the frontier's FLOP axis but
not which model is on it.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["inference_flop", "pareto_frontier", "saturation_budget"]


def inference_flop(N, k, tokens_per_sample: float = 256.0) -> np.ndarray:
    """FLOP of ``k`` samples of ``tokens_per_sample`` tokens from a model of ``N`` parameters: ``2 N T k``."""
    N, k = np.asarray(N, dtype=float), np.asarray(k, dtype=float)
    if np.any(N <= 0) or np.any(k <= 0) or not tokens_per_sample > 0:
        raise ValueError("inference_flop: N, k and tokens_per_sample must be positive")
    return 2.0 * N * tokens_per_sample * k


def pareto_frontier(table: pd.DataFrame, *, cost: str = "flop", value: str = "coverage") -> pd.DataFrame:
    """Rows not dominated by another (no other row reaches at least their ``value`` for at most their ``cost``).

    Parameters
    ----------
    table : DataFrame
        One row per (model, k) with columns ``cost`` and ``value`` (and anything else, kept).

    Returns
    -------
    DataFrame
        The frontier, sorted by increasing cost (and so increasing value).
    """
    missing = [col for col in (cost, value) if col not in table.columns]
    if missing:
        raise ValueError(f"pareto_frontier: table lacks column(s) {missing}; has {list(table.columns)}")
    if table.empty:
        raise ValueError("pareto_frontier: table is empty")
    ordered = table.sort_values([cost, value], ascending=[True, False], kind="stable")
    values = ordered[value].to_numpy(dtype=float)
    previous_best = np.concatenate([[-np.inf], np.maximum.accumulate(values)[:-1]])
    return ordered[values > previous_best].reset_index(drop=True)


def saturation_budget(frontier: pd.DataFrame, *, gain_per_decade: float = 0.02, cost: str = "flop",
                      value: str = "coverage") -> float:
    """Budget from which every further tenfold increase of compute buys less than ``gain_per_decade``.

    The frontier is read as a step function, ``best(F)`` = the best value reachable within budget
    ``F``; the gain at ``F`` is ``best(10 F) - best(F)``, evaluated at every frontier budget whose
    tenfold is still inside the data. Returns the first frontier budget after the last one whose
    gain reaches the threshold (NaN if the last evaluable budget still gains that much: the data
    end before saturation).

    Parameters
    ----------
    frontier : DataFrame
        From :func:`pareto_frontier`, sorted by cost.
    gain_per_decade : float
        Threshold, in units of ``value`` (fraction of problems) per factor 10 of cost.

    Returns
    -------
    float
        Budget in units of ``cost`` (FLOP).
    """
    if frontier.empty:
        raise ValueError("saturation_budget: frontier is empty")
    f = frontier[cost].to_numpy(dtype=float)
    v = frontier[value].to_numpy(dtype=float)
    best = lambda budget: v[np.searchsorted(f, budget, side="right") - 1]  # noqa: E731
    evaluable = np.flatnonzero(f * 10 <= f.max())
    if not evaluable.size:
        return float("nan")
    gains = np.array([best(10 * f[i]) - best(f[i]) for i in evaluable])
    large = np.flatnonzero(gains >= gain_per_decade)
    if not large.size:
        return float(f[0])
    last = evaluable[large[-1]]
    return float(f[last + 1]) if last + 1 <= evaluable[-1] else float("nan")
