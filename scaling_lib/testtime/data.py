"""Analysis-ready selections of the repeated-sampling data for the test-time topic."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import datasets
from .coverage import coverage_curve

__all__ = ["llmonkeys_math", "model_counts", "digitized_gap", "size_label"]


def size_label(model: str) -> str:
    """``'Pythia 2.8B'`` -> ``'2p8b'`` (the suffix of the headline keys)."""
    return model.split()[-1].lower().replace(".", "p")


def llmonkeys_math(table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Large Language Monkeys per-problem counts: 7 Pythia sizes x 128 MATH problems, n = 10,000 each.

    Columns ``model, N, problem, n_samples, n_correct``, sorted by N then problem. Upstream's
    precomputed pass@k is not used (it is 1.0 for k > n even with no correct sample): curves are
    recomputed from the counts.
    """
    table = datasets.load("monkey_power_laws") if table is None else table
    rows = table[(table["table"] == "llmonkeys") & (table["benchmark"] == "MATH")]
    if rows.empty:
        raise ValueError("llmonkeys_math: the table has no llmonkeys MATH rows")
    out = rows[["model", "N", "problem", "n_samples", "n_correct"]].astype(
        {"n_samples": "int64", "n_correct": "int64"})
    return out.sort_values(["N", "problem"], kind="stable").reset_index(drop=True)


def model_counts(counts: pd.DataFrame) -> dict:
    """``model -> (N, n, c)`` arrays per model, in order of size."""
    groups = sorted(counts.groupby("model", sort=False), key=lambda item: float(item[1]["N"].iloc[0]))
    return {model: (float(g["N"].iloc[0]), g["n_samples"].to_numpy(), g["n_correct"].to_numpy())
            for model, g in groups}


def digitized_gap(n, c, k_digitized, value_digitized):
    """Largest absolute gap between recomputed coverage and a digitised curve, and where it is.

    Recomputed coverage is evaluated at the integers around each digitised (continuous) k and
    interpolated linearly in log k; digitised k below 1 are clipped to 1.

    Returns
    -------
    gap : float
        ``max |digitised - recomputed|`` (fraction of problems).
    k_at : float
        Digitised k of the largest gap.
    gaps : ndarray, shape (D,)
        Signed gaps, digitised minus recomputed.
    """
    k_digitized = np.clip(np.asarray(k_digitized, dtype=float), 1.0, float(np.min(n)))
    lo, hi = np.floor(k_digitized).astype(int), np.ceil(k_digitized).astype(int)
    grid = np.unique(np.concatenate([lo, hi]))
    cov = coverage_curve(n, c, grid).coverage
    at = dict(zip(grid.tolist(), cov))
    cov_lo, cov_hi = np.array([at[x] for x in lo]), np.array([at[x] for x in hi])
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(hi > lo, (np.log(k_digitized) - np.log(lo)) / (np.log(hi) - np.log(np.maximum(lo, 1))), 0.0)
    recomputed = cov_lo + t * (cov_hi - cov_lo)
    gaps = np.asarray(value_digitized, dtype=float) - recomputed
    worst = int(np.argmax(np.abs(gaps)))
    return float(abs(gaps[worst])), float(k_digitized[worst]), gaps
