"""Non-monotone or inverse trends in real benchmark results: Pythia (lm-eval-harness) and ObsScaling.

Neither source has per-example scores, so the rule runs on means and standard errors
(:func:`~scaling_lib.inverse.trend.classify_trend_from_means`, unpaired and therefore conservative).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import datasets
from .trend import classify_trend_from_means

__all__ = ["TRUTHFULQA_QUESTIONS", "pythia_final", "obsscaling_benchmark", "classify_table"]

TRUTHFULQA_QUESTIONS = 817
"""Questions of TruthfulQA (Lin et al. 2022), used for the binomial upper bound of the standard error."""


def pythia_final(table: pd.DataFrame | None = None, *, metric: str = "acc", n_shot: int = 0,
                 deduped: bool = False) -> pd.DataFrame:
    """Final-checkpoint (step 143,000) Pythia results, one row per (task, model): ``family, task, model, N,
    value, stderr``; MMLU subjects and CrowS-Pairs subsets left out (their aggregates overlap)."""
    table = datasets.load("pythia_evals") if table is None else table
    rows = table[(table["step"] == table["step"].max()) & (table["metric"] == metric) & (table["n_shot"] == n_shot)
                 & (table["deduped"] == deduped) & ~table["group"].isin(["mmlu", "crows_pairs"])]
    if rows.empty:
        raise ValueError(f"pythia_final: no rows for metric {metric!r}, n_shot {n_shot}, deduped {deduped}")
    out = rows.assign(family="Pythia" + (" (deduped)" if deduped else ""))
    return out[["family", "task", "model", "N", "value", "stderr"]].reset_index(drop=True)


def obsscaling_benchmark(table: pd.DataFrame | None = None, *, benchmark: str = "TruthfulQA",
                         n_questions: int = TRUTHFULQA_QUESTIONS) -> pd.DataFrame:
    """One ObsScaling base-model benchmark across model families: ``family, task, model, N, value, stderr``.

    ``stderr`` is the binomial bound ``sqrt(v (1 - v) / n_questions)``, an upper bound for a mean of
    per-question scores in [0, 1]. Models without a size are left out.
    """
    table = datasets.load("obsscaling") if table is None else table
    rows = table[(table["table"] == "base_benchmark") & (table["benchmark"] == benchmark) & table["N"].notna()
                 & table["model_family"].notna()]
    if rows.empty:
        raise ValueError(f"obsscaling_benchmark: no base_benchmark rows for {benchmark!r}")
    value = rows["value"].to_numpy(dtype=float)
    return pd.DataFrame({"family": rows["model_family"].to_numpy(), "task": benchmark, "model": rows["model"].to_numpy(),
                         "N": rows["N"].to_numpy(dtype=float), "value": value,
                         "stderr": np.sqrt(value * (1 - value) / n_questions)})


def classify_table(summary: pd.DataFrame, *, min_models: int = 3, level: float = 0.95, n_bootstrap: int = 2000,
                   seed: int = 0) -> pd.DataFrame:
    """The trend rule per (family, task) of a table with ``family, task, model, N, value, stderr``.

    Families are never pooled. Where a family has two models of the same size (e.g. a re-release),
    only the first is kept, and ``n_duplicate_sizes`` says how many were dropped.
    """
    missing = {"family", "task", "model", "N", "value", "stderr"} - set(summary)
    if missing:
        raise ValueError(f"classify_table: missing column(s) {sorted(missing)}")
    rows = []
    for (family, task), g in summary.groupby(["family", "task"], sort=True):
        unique = g.drop_duplicates("N")
        if len(unique) < min_models:
            continue
        result = classify_trend_from_means(unique["N"], unique["value"], unique["stderr"], level=level,
                                           n_bootstrap=n_bootstrap, seed=seed)
        rows.append({"family": family, "task": task, "n_duplicate_sizes": len(g) - len(unique),
                     **result.to_dict(), "value_smallest": result.means[0], "value_largest": result.means[-1],
                     "N_min": result.sizes[0], "N_max": result.sizes[-1]})
    return pd.DataFrame(rows)
