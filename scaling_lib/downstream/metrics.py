"""Metric choice and apparent emergence (Schaeffer et al. 2023, "Are emergent abilities a mirage?").

If a model emits each of an answer's ``L`` tokens correctly with probability ``p`` (independently),
exact match is ``p^L`` (discontinuous in the sense that one wrong token scores 0), while the expected
token edit distance is ``L (1 - p)``, linear in ``p``. A per-token ``p`` that improves smoothly with scale
then looks "emergent" under exact match and smooth under edit distance. :func:`sharpness` measures
how concentrated a metric's improvement is along log-scale, so the same models can be compared under
both metrics; :func:`rescore` tabulates per-task, per-model means of two metrics of the same runs.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["exact_match", "token_edit_distance", "per_token_probability", "sharpness", "Sharpness",
           "rescore", "task_sharpness"]


def _prob(p, L):
    p, L = np.broadcast_arrays(np.asarray(p, dtype=float), np.asarray(L, dtype=float))
    if np.any(~np.isfinite(p) | (p < 0) | (p > 1)):
        raise ValueError(f"per-token probability p must lie in [0, 1], got {p[~((p >= 0) & (p <= 1))][:5]}")
    if np.any(~np.isfinite(L) | (L < 1) | (L != np.round(L))):
        raise ValueError(f"answer length L must be an integer >= 1 (tokens), got {np.unique(L)[:5]}")
    return p, L


def exact_match(p, L) -> np.ndarray:
    """Exact-match accuracy ``p^L`` of an ``L``-token answer with per-token probability ``p`` (fraction)."""
    p, L = _prob(p, L)
    return p ** L


def token_edit_distance(p, L) -> np.ndarray:
    """Expected token edit distance ``L (1 - p)`` (tokens) of an ``L``-token answer, substitutions only."""
    p, L = _prob(p, L)
    return L * (1 - p)


def per_token_probability(em, L) -> np.ndarray:
    """Per-token probability implied by exact match: ``em^(1/L)`` (inverse of :func:`exact_match`)."""
    em, L = _prob(em, L)
    return em ** (1 / L)


@dataclass
class Sharpness:
    """Result of :func:`sharpness`.

    Attributes
    ----------
    value : float
        ``1 - width / span`` in [0, 1): 0.2 for a rise linear in log-scale, ``1 - 0.8 gap / span`` for a
        single jump between neighbouring scales ``gap`` decades apart.
    width : float
        Decades of scale (log10 x) over which the metric goes from 10% to 90% of its total improvement.
    span : float
        Decades of scale covered by the models.
    at : tuple of float
        Scales (unit of x) at which 10% and 90% of the improvement are reached.
    total : float
        Improvement from the smallest to the best scale (metric units, oriented so that larger is better).
    """

    value: float
    width: float
    span: float
    at: tuple
    total: float


def sharpness(x, y, *, higher_is_better: bool = True) -> Sharpness:
    """How concentrated a metric's improvement is along log-scale: one minus its 10-90% transition width.

    The points are sorted by ``x`` (scale: parameters or FLOP; ties averaged), the metric is oriented so
    that larger is better, its running maximum is taken (a regression is not an improvement) and scaled
    to the fraction of its total improvement. Interpolating linearly in ``log10 x``, the transition width
    is the number of decades between 10% and 90% of the improvement, and the statistic is
    ``1 - width / span``. A rise linear in log-scale gives 0.2, a single jump between two neighbouring
    models gives ``1 - 0.8 gap / span`` with ``gap`` their distance in decades. The statistic is invariant to
    increasing affine rescaling of the metric and to the unit of ``x``, so two metrics of the same models can
    be compared directly: a larger value for exact match than for a continuous metric is the "mirage".

    Parameters
    ----------
    x : array_like, shape (n,)
        Scale, positive.
    y : array_like, shape (n,)
        Metric values (any unit).
    higher_is_better : bool
        False for an error or a distance.

    Raises
    ------
    ValueError
        Mismatched lengths, NaN values, non-positive x, fewer than 3 distinct scales, or no improvement at all.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError(f"x and y must be 1-D of equal length, got shapes {x.shape} and {y.shape}")
    if np.any(~np.isfinite(x)) or np.any(~np.isfinite(y)):
        raise ValueError("x and y must be finite (no NaN scores)")
    if np.any(x <= 0):
        raise ValueError(f"scales x must be positive, got {x[x <= 0][:5]}")
    scales, inverse = np.unique(x, return_inverse=True)
    if scales.size < 3:
        raise ValueError(f"sharpness needs at least 3 distinct scales, got {scales.size}")
    means = np.bincount(inverse, weights=y if higher_is_better else -y) / np.bincount(inverse)
    best = np.maximum.accumulate(means)
    total = best[-1] - best[0]
    if not total > 0:
        raise ValueError("the metric never improves over the smallest scale; sharpness is undefined")
    share, logx = (best - best[0]) / total, np.log10(scales)
    lo, hi = _first_crossing(share, logx, 0.1), _first_crossing(share, logx, 0.9)
    span = float(logx[-1] - logx[0])
    return Sharpness(1.0 - (hi - lo) / span, hi - lo, span, (10 ** lo, 10 ** hi), float(total))


def _first_crossing(share: np.ndarray, logx: np.ndarray, q: float) -> float:
    """``log10 x`` where the nondecreasing ``share`` (0 at the first scale, 1 at the last) first reaches ``q``."""
    j = int(np.argmax(share >= q))  # j >= 1 since share[0] = 0 < q
    return float(logx[j - 1] + (q - share[j - 1]) / (share[j] - share[j - 1]) * (logx[j] - logx[j - 1]))


def rescore(table: pd.DataFrame, metrics=("exact_match_accuracy", "edit_distance"), *, kind: str = "base",
            prompt_type: str = "closed", n_shot: int = 0) -> pd.DataFrame:
    """Per (task, model) means over seeds of several metrics of the same UKP runs (Lu et al. 2024).

    Parameters
    ----------
    table : DataFrame
        ``datasets.load("ukp_on_emergence")``.
    metrics : sequence of str
        Metric names (``metric`` column); every (task, model) kept has all of them.
    kind, prompt_type, n_shot
        Which runs: model kind (``base`` avoids the instruction-tuning confound), prompt format, shots.

    Returns
    -------
    DataFrame
        Columns task, model, N (parameters) and one per metric; models with unknown N are dropped.
    """
    metrics = list(metrics)
    unknown = sorted(set(metrics) - set(table["metric"].unique()))
    if unknown:
        raise ValueError(f"unknown metric(s) {unknown}; the table has {sorted(table['metric'].unique())}")
    rows = table[(table["kind"] == kind) & (table["prompt_type"] == prompt_type) & (table["n_shot"] == n_shot)
                 & table["metric"].isin(metrics) & table["N"].notna()]
    if rows.empty:
        raise ValueError(f"no runs with kind={kind!r}, prompt_type={prompt_type!r}, n_shot={n_shot}")
    wide = rows.pivot_table(index=["task", "model", "N"], columns="metric", values="value", aggfunc="mean",
                            observed=True)
    return wide.dropna()[metrics].reset_index().sort_values(["task", "N"]).reset_index(drop=True)


def task_sharpness(scores: pd.DataFrame, discrete: str = "exact_match_accuracy", continuous: str = "edit_distance",
                   *, continuous_higher_is_better: bool = False, min_models: int = 4) -> pd.DataFrame:
    """Sharpness of a discrete and a continuous metric per task, from :func:`rescore`'s table.

    Tasks with fewer than ``min_models`` distinct sizes, or on which a metric never improves, are left out.

    Returns
    -------
    DataFrame
        Indexed by task: models, sharpness of each metric, their difference (discrete minus continuous).
    """
    out = {}
    for task, group in scores.groupby("task", sort=True):
        if group["N"].nunique() < min_models:
            continue
        try:
            d = sharpness(group["N"], group[discrete])
            c = sharpness(group["N"], group[continuous], higher_is_better=continuous_higher_is_better)
        except ValueError:
            continue
        out[task] = {"models": len(group), discrete: d.value, continuous: c.value, "difference": d.value - c.value}
    if not out:
        raise ValueError(f"no task has {min_models} sizes with improvement under both metrics")
    return pd.DataFrame(out).T.astype({"models": int})
