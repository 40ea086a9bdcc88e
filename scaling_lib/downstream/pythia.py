"""Pythia across size and training time (Biderman et al. 2023): one task's score per checkpoint, and a backtest.

:func:`pythia_backtest` fits one sigmoid link of the score against training compute ``C = 6 N tokens``
(:class:`scaling_lib.laws.SigmoidLink` through :func:`scaling_lib.fit`) on every checkpoint of the smaller
models, so that size and training time share one axis, and predicts the largest model's checkpoints beyond
the compute of any training point.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..fitting import FitResult, fit, one_blas_thread
from ..laws import SigmoidLink

__all__ = ["pythia_curves", "pythia_backtest", "PythiaBacktest"]


def pythia_curves(table: pd.DataFrame, task: str = "lambada_openai", metric: str = "acc", *, n_shot: int = 0,
                  deduped: bool = False) -> pd.DataFrame:
    """Score of ``task`` under ``metric`` for every Pythia size and checkpoint after initialisation.

    Parameters
    ----------
    table : DataFrame
        ``datasets.load("pythia_evals")``.
    task, metric : str
        lm-evaluation-harness task and metric (``acc`` is a fraction).
    n_shot : int
    deduped : bool
        Models trained on the deduplicated Pile instead of the standard one.

    Returns
    -------
    DataFrame
        Columns model, N (parameters), step, tokens (training tokens), C (6 N tokens, FLOP), value; sorted by N, tokens.
        Duplicate evaluations of one checkpoint are averaged.

    Raises
    ------
    ValueError
        If nothing matches (the message lists the tasks that exist).
    """
    rows = table[(table["task"] == task) & (table["metric"] == metric) & (table["n_shot"] == n_shot)
                 & (table["deduped"] == deduped) & (table["tokens"] > 0)]
    if rows.empty:
        raise ValueError(f"no Pythia rows for task {task!r}, metric {metric!r}, n_shot {n_shot}; tasks: "
                         f"{sorted(table['task'].unique())[:20]}...")
    out = rows.groupby(["model", "N", "step", "tokens"], as_index=False, observed=True)["value"].mean()
    return out.assign(C=6.0 * out["N"] * out["tokens"]).sort_values(["N", "tokens"]).reset_index(drop=True)


@dataclass
class PythiaBacktest:
    """Result of :func:`pythia_backtest`.

    Attributes
    ----------
    fit : FitResult
        Sigmoid link of the score (fraction) in C (FLOP), fitted on ``n_train`` checkpoints of ``train_models``.
    predictions : DataFrame
        The held-out checkpoints: model, tokens, C (FLOP), observed, predicted, low, high (the ``level``
        observation interval: bootstrap over whole training models plus the fit's residual scatter).
    mae : float
        Mean absolute error (score fraction); ``rel_error`` the mean of ``100 |pred - obs| / obs`` (percent).
    coverage : float
        Fraction of held-out checkpoints whose observed score lies in its interval (NaN without bootstrap).
    """

    fit: FitResult
    predictions: pd.DataFrame
    train_models: list
    test_model: str
    n_train: int
    mae: float
    rel_error: float
    coverage: float
    level: float


def pythia_backtest(curves: pd.DataFrame, *, min_tokens: float = 2e9, n_bootstrap: int = 0, seed: int = 0,
                    level: float = 0.95) -> PythiaBacktest:
    """Fit the score against C = 6 N tokens on the smaller models, predict the largest beyond the training compute.

    Parameters
    ----------
    curves : DataFrame
        :func:`pythia_curves` output (columns model, N, tokens, C in FLOP, value a fraction).
    min_tokens : float
        Checkpoints with fewer training tokens are left out (those of the first 1e9 tokens all score 0 here).
    n_bootstrap : int
        Resamples of whole training models (cluster bootstrap: a run's checkpoints are correlated), seeded by ``seed``.

    Raises
    ------
    ValueError
        Fewer than three sizes, missing columns, scores outside (0, 1], or no held-out checkpoint beyond the
        training compute.
    """
    missing = {"model", "N", "tokens", "C", "value"} - set(curves.columns)
    if missing:
        raise ValueError(f"curves lack columns {sorted(missing)}")
    rows = curves[curves["tokens"] >= min_tokens]
    if rows["N"].nunique() < 3:
        raise ValueError(f"need at least 3 model sizes above {min_tokens:.3g} tokens, got {rows['N'].nunique()}")
    if not ((rows["value"] > 0) & (rows["value"] <= 1)).all():
        raise ValueError("scores must be fractions in (0, 1]; raise min_tokens past the checkpoints that score 0")
    largest = rows["N"].max()
    train = rows[rows["N"] < largest]
    test = rows[(rows["N"] == largest) & (rows["C"] > train["C"].max())]
    if test.empty:
        raise ValueError(f"the largest model has no checkpoint beyond the training compute {train['C'].max():.3g} FLOP")
    with one_blas_thread():
        result = fit(SigmoidLink(), train["C"].to_numpy(), train["value"].to_numpy(), objective="least_squares",
                     n_bootstrap=n_bootstrap, seed=seed, groups=train["model"].to_numpy(), level=level)
        est = result.predict_interval(test["C"].to_numpy(), kind="observation")
    obs = test["value"].to_numpy()
    pred = test[["model", "tokens", "C"]].assign(observed=obs, predicted=est.value, low=est.low, high=est.high)
    coverage = float(np.mean((obs >= est.low) & (obs <= est.high))) if n_bootstrap else float("nan")
    return PythiaBacktest(result, pred.reset_index(drop=True), list(train["model"].unique()), str(test["model"].iloc[0]),
                          len(train), float(np.mean(np.abs(est.value - obs))),
                          float(np.mean(100 * np.abs(est.value - obs) / obs)), coverage, float(level))
