"""The trend rule applied per task and model family, never pooled across families, as one tidy table.

Works on per-example records in the layout of ``inverse_scaling_naimenz`` (columns ``experiment``,
``model``, ``model_family``, ``N``, ``example``, ``loss``, ``correct``, ``task_type``, ``duplicate_of``);
other sources with those columns work too.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .metrics import METRICS, record_scores
from .trend import classify_trend

__all__ = ["pilot_metric", "pilot_scores", "pilot_cases", "score_matrix", "classify_families"]

_SKIPPED_TASK_TYPES = {"numeric"}  # anchoring estimates: no correct answer to score


def pilot_metric(rows: pd.DataFrame) -> str | None:
    """The prize's primary score for one task's records: ``neg_loss`` where every record has a loss,
    else ``accuracy`` where every record has ``correct``, else None (e.g. anchoring estimates)."""
    if set(rows["task_type"].dropna()) & _SKIPPED_TASK_TYPES:
        return None
    if rows["loss"].notna().all():
        return "neg_loss"
    if rows["correct"].notna().all():
        return "accuracy"
    return None


def pilot_scores(table: pd.DataFrame) -> pd.DataFrame:
    """Distinct experiments only: rows that duplicate another folder's file (``duplicate_of``) are dropped."""
    if "duplicate_of" not in table:
        return table
    return table[table["duplicate_of"].isna()]


def score_matrix(rows: pd.DataFrame, metric: str):
    """Scores (models x examples) of one task and family, on the examples every model was scored on.

    Returns
    -------
    models : list of str
        Sorted by size.
    sizes : ndarray, shape (J,)
    scores : ndarray, shape (J, n)
    n_dropped : int
        Examples left out because some model lacks them (said, not silent).
    """
    groups = sorted(rows.groupby("model"), key=lambda item: float(item[1]["N"].iloc[0]))
    sets = [set(g["example"].tolist()) for _, g in groups]
    common = np.array(sorted(set.intersection(*sets)))
    models, sizes, scores = [], [], []
    for model, g in groups:
        g = g.set_index("example").loc[common]
        models.append(model)
        sizes.append(float(g["N"].iloc[0]))
        scores.append(record_scores(g, metric))
    return models, np.array(sizes), np.array(scores), len(set.union(*sets)) - common.size


def pilot_cases(table: pd.DataFrame, *, min_models: int = 3) -> pd.DataFrame:
    """Every (experiment, family) with at least ``min_models`` models and a score, with its metric."""
    rows = []
    for (experiment, family), g in pilot_scores(table).groupby(["experiment", "model_family"], sort=True):
        metric = pilot_metric(g)
        if g["model"].nunique() >= min_models and metric is not None:
            rows.append({"experiment": experiment, "family": family, "metric": metric,
                         "n_models": g["model"].nunique(), "task_type": g["task_type"].iloc[0]})
    return pd.DataFrame(rows)


def _select(values, available, what):
    if values is None:
        return list(available)
    unknown = sorted(set(values) - set(available))
    if unknown:
        raise ValueError(f"classify_families: unknown {what} {unknown}; the table has {sorted(available)}")
    return list(values)


def classify_families(table: pd.DataFrame, *, experiments=None, families=None, metric: str = "auto",
                      min_models: int = 3, level: float = 0.95, n_bootstrap: int = 2000, seed: int = 0,
                      one_more: bool = True) -> pd.DataFrame:
    """:func:`classify_trend` for every task x family, one row each; families are never pooled.

    Parameters
    ----------
    table : DataFrame
        Per-example records (see the module docstring).
    experiments, families : sequence of str, optional
        Restrict to these; a name not in the table is an error.
    metric : {"auto", "neg_loss", "logodds", "accuracy"}
        ``auto`` takes the prize's primary score per task (:func:`pilot_metric`).
    min_models : int
        Tasks x families with fewer models are left out (at least 3).
    level, n_bootstrap, seed
        As in :func:`classify_trend` (the same seed for every row).
    one_more : bool
        Also classify without the largest model (for families of at least four models) and report
        ``label_without_largest`` and ``changed``.

    Returns
    -------
    DataFrame
        ``experiment, family, metric, models, n_models, n_examples, n_dropped``, the columns of
        :meth:`TrendResult.to_dict`, ``mean_smallest, mean_largest`` and, with ``one_more``,
        ``label_without_largest, changed``. With an explicit ``metric``, tasks whose records lack the column
        it needs (``correct`` for accuracy, ``loss`` otherwise) are left out and named in ``.attrs["skipped"]``.
    """
    if metric != "auto" and metric not in METRICS:
        raise ValueError(f"classify_families: unknown metric {metric!r}; choose 'auto' or one of {sorted(METRICS)}")
    if min_models < 3:
        raise ValueError(f"classify_families: min_models must be >= 3, got {min_models}")
    table = pilot_scores(table)
    families = _select(families, table["model_family"].unique(), "families")
    experiments = _select(experiments, table["experiment"].unique(), "experiments")
    table = table[table["model_family"].isin(families) & table["experiment"].isin(experiments)]
    rows, skipped = [], []
    for (experiment, family), g in table.groupby(["experiment", "model_family"], sort=True):
        chosen = pilot_metric(g) if metric == "auto" else metric
        if chosen is None or g["model"].nunique() < min_models:
            continue
        if g["correct" if chosen == "accuracy" else "loss"].isna().any():
            skipped.append(f"{experiment} on {family}: some records lack the column metric {chosen!r} needs")
            continue
        models, sizes, scores, dropped = score_matrix(g, chosen)
        result = classify_trend(sizes, scores, level=level, n_bootstrap=n_bootstrap, seed=seed)
        row = {"experiment": experiment, "family": family, "metric": chosen, "models": " ".join(models),
               "n_dropped": dropped, **result.to_dict(), "mean_smallest": result.means[0],
               "mean_largest": result.means[-1]}
        if one_more:
            before = (classify_trend(sizes[:-1], scores[:-1], level=level, n_bootstrap=n_bootstrap, seed=seed).label
                      if sizes.size >= 4 else None)
            row.update(label_without_largest=before, changed=before is not None and before != result.label)
        rows.append(row)
    out = pd.DataFrame(rows)
    out.attrs["skipped"] = skipped
    return out
