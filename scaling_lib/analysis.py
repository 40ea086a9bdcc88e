"""Analysis-ready selections of the tidy source tables (one function per recipe a paper used)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .datasets._schema import Column, read_csv, validate_table

__all__ = ["chinchilla_points", "misfitting_final_runs", "gadre_loss_points", "colpret_loss_points",
           "read_runs_csv"]


def _require(table: pd.DataFrame, columns, what: str):
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"{what} needs column(s) {missing}; got {list(table.columns)}")


def chinchilla_points(table: pd.DataFrame, drop_highest: int = 5) -> pd.DataFrame:
    """The Chinchilla runs Besiroglu et al. (2024) fitted: all but the ``drop_highest`` highest-loss points.

    Parameters
    ----------
    table : DataFrame
        ``datasets.load("chinchilla_epoch")`` (columns N, D, loss).
    drop_highest : int
        Number of highest-loss points to drop (5 in the replication; they are the smallest
        runs, whose loss is off the colour bar's reliable range).
    """
    _require(table, ["N", "D", "loss"], "chinchilla_points")
    if drop_highest < 0 or drop_highest >= len(table):
        raise ValueError(f"drop_highest must be in [0, {len(table) - 1}], got {drop_highest}")
    keep = table["loss"].rank(method="first", ascending=False) > drop_highest
    return table[keep].reset_index(drop=True)


def misfitting_final_runs(table: pd.DataFrame, best_lr: bool = True) -> pd.DataFrame:
    """Final checkpoints of Li et al. (2025), optionally only the best peak learning rate per (model, D).

    Returns columns model, N, D, C, loss (one row per (model, D) when ``best_lr``).
    """
    _require(table, ["final", "model", "N", "D", "C", "loss", "peak_lr"], "misfitting_final_runs")
    final = table[table["final"]]
    if best_lr:
        final = final.loc[final.groupby(["model", "D"])["loss"].idxmin()]
    return final[["model", "N", "D", "C", "loss", "peak_lr"]].sort_values(["N", "D"]).reset_index(drop=True)


def gadre_loss_points(table: pd.DataFrame, dataset: str = "rpj", eval_set: str = "c4_val") -> pd.DataFrame:
    """Gadre et al. (2024) models trained on ``dataset``, with their loss on ``eval_set`` (nats/token).

    Returns columns run, N, D, C, multiplier, loss.
    """
    _require(table, ["dataset", "metric", "run", "N", "D", "C", "multiplier", "value"], "gadre_loss_points")
    known = sorted(table["dataset"].unique())
    if dataset not in known:
        raise ValueError(f"unknown training dataset {dataset!r}; choose from {known}")
    rows = table[(table["dataset"] == dataset) & (table["metric"] == eval_set)]
    if rows.empty:
        raise ValueError(f"no loss on eval set {eval_set!r}; choose from "
                         f"{sorted(table.loc[table['metric_kind'] == 'loss', 'metric'].unique())}")
    out = rows[["run", "N", "D", "C", "multiplier", "value"]].rename(columns={"value": "loss"})
    return out.sort_values(["N", "D"]).reset_index(drop=True)


def colpret_loss_points(table: pd.DataFrame, family: str = "OPT", min_tokens: float = 0.0) -> pd.DataFrame:
    """Training-trajectory losses of one model family in ColPret (nats/token), N and D known.

    ``min_tokens`` drops the earliest checkpoints (warm-up), where no scaling law is expected
    to hold.
    """
    _require(table, ["family", "metric_kind", "unit", "N", "D", "value", "model"], "colpret_loss_points")
    rows = table[(table["family"] == family) & (table["metric_kind"] == "loss") & (table["unit"] == "nats/token")]
    rows = rows.dropna(subset=["N", "D"])
    if rows.empty:
        families = sorted(table.loc[table["unit"] == "nats/token", "family"].unique())
        raise ValueError(f"no losses in nats/token for family {family!r}; families with losses: {families}")
    rows = rows[rows["D"] >= min_tokens]
    out = rows[["model", "N", "D", "value"]].rename(columns={"value": "loss"})
    out = out.assign(C=6.0 * out["N"] * out["D"])
    return out.sort_values(["N", "D"]).reset_index(drop=True)


_RUN_COLUMNS = [
    Column("N", "float", "parameters", "model size", positive=True),
    Column("D", "float", "tokens", "training tokens", positive=True),
    Column("loss", "float", "nats/token", "final loss", positive=True),
]


def read_runs_csv(path) -> pd.DataFrame:
    """Read your own training runs from a CSV with columns ``N`` (parameters), ``D`` (tokens), ``loss`` (nats/token).

    Other columns are ignored. Adds ``C = 6 N D`` (FLOP). Raises :class:`scaling_lib.datasets.DataFormatError`
    (a ``ValueError``) naming the file and the problem when a column is missing, non-numeric, missing values,
    or not positive.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such CSV file: {path}")
    raw = read_csv(path, [c.name for c in _RUN_COLUMNS], path.name)
    runs = validate_table(raw, _RUN_COLUMNS, path.name)
    return runs.assign(C=6.0 * runs["N"] * runs["D"])
