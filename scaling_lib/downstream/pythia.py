"""Pythia across size and training time (Biderman et al. 2023): one task's score per checkpoint."""
from __future__ import annotations

import pandas as pd

__all__ = ["pythia_curves"]


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
