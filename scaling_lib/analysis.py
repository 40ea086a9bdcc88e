"""Analysis-ready selections of the tidy source tables (one function per recipe a paper used)."""
from __future__ import annotations

import numbers
from pathlib import Path
from typing import Callable

import pandas as pd

from .datasets import Column, pass_at_k, read_csv, validate_table

__all__ = ["chinchilla_points", "misfitting_final_runs", "gadre_loss_points", "colpret_loss_points",
           "read_runs_csv", "overview_table", "OVERVIEW_SOURCES", "OVERVIEW_COVERAGE_K"]


def _require(table: pd.DataFrame, columns, what: str):
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"{what} needs column(s) {missing}; got {list(table.columns)}")


def chinchilla_points(table: pd.DataFrame, drop_highest: int = 5) -> pd.DataFrame:
    """The Chinchilla runs Besiroglu et al. (2024) fitted: all but the ``drop_highest`` highest-loss points.

    Parameters
    ----------
    table : DataFrame
        ``datasets.load("chinchilla_epoch")`` (columns N in parameters, D in tokens, loss in nats/token).
    drop_highest : int
        Number of highest-loss points to drop (ties in row order), ``0 <= drop_highest < len(table)``.
        The replication drops 5. In ``chinchilla_epoch`` these are not the smallest runs but the five
        largest models of the lowest-compute IsoFLOP profile: N = 2.0e9, 2.3e9, 2.6e9, 3.0e9 and
        6.8e9 parameters at C = 9.2e18-1.0e19 FLOP, trained on 2.5e8-8.1e8 tokens (0.04-0.4 tokens
        per parameter), with losses of 3.45-5.01 nats/token; the other 240 runs lie between 2.08
        and 3.41 (the 1.7e9 and 1.8e9 runs of that profile, at 3.40 and 3.41, are kept).

    Returns
    -------
    DataFrame
        The kept rows of ``table`` in their original order, with a fresh index.

    Raises
    ------
    TypeError
        If ``drop_highest`` is not an integer (floats and booleans are refused, not rounded).
    ValueError
        If ``drop_highest`` is out of range or ``table`` lacks a column.
    """
    if isinstance(drop_highest, bool) or not isinstance(drop_highest, numbers.Integral):
        raise TypeError(f"drop_highest must be an int, got {type(drop_highest).__name__} {drop_highest!r}")
    _require(table, ["N", "D", "loss"], "chinchilla_points")
    if drop_highest < 0 or drop_highest >= len(table):
        raise ValueError(f"drop_highest must be in [0, {len(table) - 1}], got {drop_highest}")
    keep = table["loss"].rank(method="first", ascending=False) > drop_highest
    return table[keep].reset_index(drop=True)


def misfitting_final_runs(table: pd.DataFrame, best_lr: bool = True) -> pd.DataFrame:
    """Final checkpoints of Li et al. (2025), optionally only the best peak learning rate per (model, D).

    Parameters
    ----------
    table : DataFrame
        ``datasets.load("misfitting_scaling")``.
    best_lr : bool
        Keep, for each (model, D), only the run with the lowest final loss over its peak learning rates.

    Returns
    -------
    DataFrame
        Columns model, N (parameters), D (tokens), C (FLOP), loss (nats/token) and peak_lr, sorted by
        N then D; one row per (model, D) when ``best_lr``.
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


#: Samples per problem k at which :func:`overview_table` reports ``monkey_power_laws`` coverage (pass@k).
#: Every row it uses has n = 10,000 samples, so the unbiased estimator is defined (k <= n).
OVERVIEW_COVERAGE_K = 100


def _mean_by(frame: pd.DataFrame, keys: list[str], value: str) -> pd.DataFrame:
    return frame.groupby(keys, as_index=False, observed=True)[value].mean()


def _final_model_coverage(table: pd.DataFrame) -> pd.DataFrame:
    # Only the llmonkeys rows are final (released, 300B-token) Pythia models with a fixed n = 10,000 per
    # problem; pythia_checkpoints mixes intermediate checkpoints with an adaptive, undocumented n.
    final = table[table["table"] == "llmonkeys"]
    coverage = pass_at_k(final["n_samples"].to_numpy(dtype=float), final["n_correct"].to_numpy(dtype=float),
                         OVERVIEW_COVERAGE_K)
    per_model = _mean_by(final.assign(coverage=coverage), ["benchmark", "model", "N"], "coverage")
    return per_model.sort_values(["benchmark", "N"])


# source -> (selection from its tidy table, columns shown: x, y, then colour where there is one)
_OVERVIEWS: dict[str, tuple[Callable[[pd.DataFrame], pd.DataFrame], list[str]]] = {
    "chinchilla_epoch": (lambda t: t, ["C", "loss", "N"]),
    "chinchilla_model_params": (lambda t: t, ["reported_params", "relative_error_pct"]),
    "misfitting_scaling": (lambda t: t, ["D", "loss", "N"]),
    "gadre_overtraining": (lambda t: t[t["metric"] == "c4_val"], ["C", "value", "multiplier"]),
    "colpret_subset": (lambda t: t[(t["unit"] == "nats/token") & t["D"].notna()], ["D", "value", "N"]),
    "pythia_evals": (lambda t: t[(t["task"] == "lambada_openai") & (t["metric"] == "acc") & (t["n_shot"] == 0)
                                & (t["tokens"] > 0) & ~t["deduped"]], ["tokens", "value", "N"]),
    "obsscaling": (lambda t: t[(t["table"] == "base_benchmark") & (t["benchmark"] == "MMLU") & t["C"].notna()],
                   ["C", "value"]),
    "ukp_on_emergence": (lambda t: _mean_by(t[(t["metric"] == "exact_match_accuracy") & t["N"].notna()],
                                            ["model", "N"], "value"), ["N", "value"]),
    "inverse_scaling_naimenz": (lambda t: _mean_by(t[t["duplicate_of"].isna() & t["loss"].notna()],
                                                   ["experiment", "model_family", "N"], "loss"),
                                ["N", "loss", "experiment"]),
    "monkey_power_laws": (_final_model_coverage, ["N", "benchmark", "model", "coverage"]),
    "llmonkeys_digitized": (lambda t: t, ["k", "value", "curve"]),
}

#: Sources :func:`overview_table` knows, sorted.
OVERVIEW_SOURCES: tuple[str, ...] = tuple(sorted(_OVERVIEWS))


def overview_table(name: str, table: pd.DataFrame) -> pd.DataFrame:
    """What the data tour shows of source ``name``: the rows (or per-group means) of its tidy table.

    ============================  ====================================================  ==========================
    source                        rows                                                  columns (x, y[, colour])
    ============================  ====================================================  ==========================
    ``chinchilla_epoch``          every run                                             C, loss, N
    ``chinchilla_model_params``   every configuration                                   reported_params,
                                                                                        relative_error_pct
    ``misfitting_scaling``        every checkpoint                                      D, loss, N
    ``gadre_overtraining``        C4 validation losses (``metric == "c4_val"``)         C, value, multiplier
    ``colpret_subset``            losses in nats/token with known D (OPT, GPT-3)        D, value, N
    ``pythia_evals``              zero-shot LAMBADA accuracy, non-deduplicated models,  tokens, value, N
                                  after step 0
    ``obsscaling``                MMLU of base models with known compute                C, value
    ``ukp_on_emergence``          mean exact-match accuracy per (model, N), N known     N, value
    ``inverse_scaling_naimenz``   mean loss per (experiment, model family, N), first    N, loss, experiment
                                  copy of each result file
    ``monkey_power_laws``         final Pythia models on MATH (table ``llmonkeys``):    N, benchmark, model,
                                  mean over problems of pass@k at                       coverage
                                  k = :data:`OVERVIEW_COVERAGE_K` per
                                  (benchmark, model, N)
    ``llmonkeys_digitized``       every digitised point                                 k, value, curve
    ============================  ====================================================  ==========================

    ``coverage`` is the expected fraction of problems solved by at least one of k = 100 samples, from
    the unbiased estimator :func:`scaling_lib.datasets.pass_at_k` applied to each problem's n = 10,000
    samples; it is not the fraction solved at least once in all n samples (upstream's "coverage").

    Parameters
    ----------
    name : str
        One of :data:`OVERVIEW_SOURCES`.
    table : DataFrame
        ``datasets.load(name)``; not modified.

    Returns
    -------
    DataFrame
        The columns above, in that order; selected rows keep their order, means are sorted by their
        group keys (``monkey_power_laws`` by benchmark, then N); fresh index.

    Raises
    ------
    KeyError
        If ``name`` is not in :data:`OVERVIEW_SOURCES` (the message lists them).
    ValueError
        If ``table`` is not the tidy table of ``name`` (its ``attrs["source"]`` differs, a column is
        missing or nothing is selected), or, for ``monkey_power_laws``, a final-model problem has
        fewer than :data:`OVERVIEW_COVERAGE_K` samples.
    """
    if name not in _OVERVIEWS:
        raise KeyError(f"no overview for source {name!r}; known: {', '.join(OVERVIEW_SOURCES)}")
    given = table.attrs.get("source", name)
    if given != name:
        raise ValueError(f"overview_table({name!r}) got the table of {given!r}; pass datasets.load({name!r})")
    select, columns = _OVERVIEWS[name]
    try:
        frame = select(table)[columns]
    except KeyError as exc:
        raise ValueError(f"overview_table({name!r}) needs the tidy table of datasets.load({name!r}); the given "
                         f"table (columns {list(table.columns)}) lacks one it selects on: {exc}") from exc
    if frame.empty:
        raise ValueError(f"overview_table({name!r}) selected no rows; is the table datasets.load({name!r})?")
    return frame.reset_index(drop=True)
