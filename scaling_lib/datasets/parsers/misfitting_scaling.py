"""Li, Kudugunta & Zettlemoyer (2025): 11 model sizes (12M-1B) trained on C4, every logged checkpoint.

Both upstream files are read: ``scaling_results.csv`` (all evaluation checkpoints) and
``scaling_results_last_ckpt_only.csv`` (the final checkpoint of each run). The final rows are
a subset of the full file, so the table holds the full file once, with ``final`` marking the
rows that also appear in the last-checkpoint file. Compute is recomputed as ``6 N D`` in float
(upstream's integer compute columns overflow int64 and agree with 6 N D to 1e-6).
"""
import numpy as np
import pandas as pd

from .._schema import Column, DataFormatError, numeric_columns, read_csv

DESCRIPTION = ("One row per evaluation checkpoint of a training run: model size with and without embeddings, "
               "tokens seen, compute, C4 validation loss, learning rate, schedule position, and whether the row "
               "is the run's final checkpoint.")

COLUMNS = [
    Column("model", "str", "", "architecture name, misfitting_{12m ... 1b}"),
    Column("run", "str", "", "training run identifier: sweep id, model, planned steps and peak learning rate"),
    Column("N", "float", "parameters", "parameters including embeddings", positive=True),
    Column("N_no_emb", "float", "parameters", "non-embedding parameters", positive=True),
    Column("D", "float", "tokens", "tokens seen at this checkpoint", positive=True),
    Column("C", "float", "FLOP", "training compute so far, 6 N D", positive=True),
    Column("loss", "float", "nats/token", "C4 evaluation loss at this checkpoint", positive=True),
    Column("peak_lr", "float", "1", "peak learning rate of the run", positive=True),
    Column("step", "int", "steps", "optimizer step of this checkpoint", positive=True),
    Column("total_steps", "int", "steps", "planned steps of the run (cosine schedule length)", positive=True),
    Column("fraction_of_schedule", "float", "fraction", "step / total_steps (may slightly exceed 1)",
           positive=True),
    Column("final", "bool", "", "this is the run's final checkpoint (appears in scaling_results_last_ckpt_only.csv)"),
]

_SOURCE = "misfitting_scaling"
_ALL = "data/scaling_results.csv"
_LAST = "data/scaling_results_last_ckpt_only.csv"
_NEEDED = ["loss", "N", "N_no_emb", "D", "model", "total_steps", "current_steps", "peak_lr", "sweep",
           "portion_steps_elapsed"]
_KEY = ["sweep", "model", "total_steps", "peak_lr", "current_steps"]


def parse(files):
    every = read_csv(files[_ALL], _NEEDED, _SOURCE)
    last = read_csv(files[_LAST], _NEEDED, _SOURCE)
    final_keys = pd.MultiIndex.from_frame(last[_KEY])
    is_final = pd.MultiIndex.from_frame(every[_KEY]).isin(final_keys)
    if is_final.sum() < len(last.drop_duplicates(_KEY)):
        raise DataFormatError(f"{_SOURCE}: {_LAST} has rows that {_ALL} lacks")
    num = numeric_columns(every, ["N", "D"], _SOURCE, _ALL, nullable=False)
    run = (every["sweep"].astype(str) + "/" + every["model"].astype(str) + "/steps="
           + every["total_steps"].astype(str) + "/lr=" + every["peak_lr"].astype(str))
    return pd.DataFrame({
        "model": every["model"], "run": run, "N": num["N"], "N_no_emb": every["N_no_emb"], "D": num["D"],
        "C": 6.0 * num["N"] * num["D"], "loss": every["loss"], "peak_lr": every["peak_lr"],
        "step": every["current_steps"], "total_steps": every["total_steps"],
        "fraction_of_schedule": every["portion_steps_elapsed"], "final": np.asarray(is_final),
    })
