"""Gadre et al. (2024): 104 open_lm models (11M-6.9B parameters, 5-640 tokens per parameter) on three datasets.

One row per (training run, metric), long format. Each run contributes its 8 validation losses
(``metric_kind == "loss"``, from ``exp_data/models/<run>.json``) and its 46 downstream accuracies
(``metric_kind == "accuracy"``, from ``exp_data/evals/evaluation_<run>_heavy.json``), i.e. 54 rows per
run and 5,616 rows in all. Task metadata (random baseline, category, task type, shots) comes from
``exp_data/eval_metadata.csv``.

Typical selections::

    t[(t.metric == "c4_val")]                        # L(N, D) per training dataset
    t[(t.metric_kind == "accuracy")]                 # accuracy per task per model
    1 - t[t.metric_kind == "accuracy"].groupby("run").value.mean()   # upstream's err_avg

Notes and caveats
-----------------
* The loss eval-set name is the second-to-last component of upstream's ``val_data`` shard path:
  ``openlm``, ``c4_val``, ``paloma_c4_en``, ``paloma_dolma_100_programing_languages``,
  ``paloma_falcon-refinedweb``, ``paloma_ptb``, ``paloma_redpajama``, ``de-en`` (German C4). The
  ``openlm`` shard is the same file for every run whatever its training set.
* ``lo95``/``hi95`` are upstream's sequence-level 95% CIs (``loss_sequences_*_95``, resampling whole
  sequences); ``lo95_tok``/``hi95_tok`` resample tokens, treat tokens as independent and are much
  narrower. The small Paloma sets (e.g. ``paloma_ptb``, ~90k tokens) have wide CIs.
* ``D`` is upstream's ``hyperparameters.tokens``; ``multiplier = D / N`` equals 20 x upstream's
  ``chinchilla_multiplier`` exactly for every run. ``C = 6 N D`` uses N including embeddings.
* The three 7B runs record ``global_bs = 1`` and ``lr = 3e-4`` (apparently placeholders; not in the table),
  and their eval files carry four extra aggregate scores (``rw_small_centered``, ...) that are not per-task
  accuracies and are not included. Upstream's 17-task subset is :data:`UPSTREAM_SUBSET`.
* Many tasks sit at or below chance for small models (``bigbench_*``, ``simple_arithmetic_*``, ``coqa``
  at 0); accuracies of exactly 0 are real values, kept as is.
* Five tasks described in ``eval_metadata.csv`` (gsm8k, svamp, aqua, agi_eval_sat_math, triviaqa_sm_sub)
  were never evaluated and do not appear; a blank line in that file is skipped.

Nothing is dropped. A model file without a matching eval file contributes only its loss rows; an eval
file without a model file, a duplicated eval set, a run name that does not match its file name, or a
missing key raises :class:`DataFormatError`.
"""
from __future__ import annotations

import re
from pathlib import PurePosixPath

import pandas as pd

from .._schema import Column, DataFormatError, format_error, json_number, numeric_columns, read_csv, read_json

SOURCE = "gadre_overtraining"

DESCRIPTION = ("One row per (training run, metric) of Gadre et al.'s 104 open_lm over-training runs: training set, "
               "parameters, tokens, tokens per parameter, compute, and either a validation loss (8 eval sets, with "
               "95% CIs) or a downstream top-1 accuracy (46 tasks, with random baseline).")

COLUMNS = [
    Column("run", "str", "", "upstream run name <dataset>-<model>-<chinchilla multiplier>"),
    Column("dataset", "str", "", "training data: c4_original (C4), rpj (RedPajama) or rw_original (RefinedWeb)"),
    Column("model", "str", "", "architecture config, e.g. d=96_l=8_h=4, open_lm_1b, open_lm_7b"),
    Column("N", "float", "parameters", "parameters including embeddings", positive=True),
    Column("N_no_emb", "float", "parameters", "non-embedding parameters", positive=True),
    Column("D", "float", "tokens", "training tokens", positive=True),
    Column("multiplier", "float", "tokens/parameter", "token multiplier M = D / N (20 = Chinchilla-optimal)",
           positive=True),
    Column("C", "float", "FLOP", "training compute 6 N D", positive=True),
    Column("metric_kind", "str", "", "'loss' (validation loss) or 'accuracy' (downstream task)"),
    Column("metric", "str", "", "validation-set name (c4_val, openlm, paloma_*, de-en) or downstream task name"),
    Column("value", "float", "nats/token | fraction",
           "mean next-token cross-entropy (nats/token) for losses; top-1 accuracy in [0, 1] for tasks"),
    Column("lo95", "float", "nats/token", "loss 95% CI lower bound, sequence-level bootstrap (losses only)",
           nullable=True),
    Column("hi95", "float", "nats/token", "loss 95% CI upper bound, sequence-level bootstrap (losses only)",
           nullable=True),
    Column("lo95_tok", "float", "nats/token", "loss 95% CI lower bound, token-level bootstrap (losses only)",
           nullable=True),
    Column("hi95_tok", "float", "nats/token", "loss 95% CI upper bound, token-level bootstrap (losses only)",
           nullable=True),
    Column("eval_tokens", "float", "tokens", "tokens in the validation set (losses only)", positive=True,
           nullable=True),
    Column("chance", "float", "fraction", "random-guess accuracy of the task, eval_metadata.csv 'Random baseline' "
           "/ 100 (tasks only)", nullable=True),
    Column("category", "str", "", "task category, e.g. 'world knowledge' (tasks only)", nullable=True),
    Column("task_type", "str", "", "'multiple choice', 'language modeling', 'schema' ... (tasks only)",
           nullable=True),
    Column("shots", "int", "examples", "in-context examples in the prompt (tasks only)", nullable=True),
]

#: Upstream's 17-task subset for ``err_avg_subset`` (``scaling/shared.py``).
UPSTREAM_SUBSET = ("bigbench_operators", "pubmed_qa_labeled", "hellaswag_zeroshot", "boolq", "arc_easy", "coqa",
                   "bigbench_dyck_languages", "lambada_openai", "bigbench_novel_concepts", "winograd",
                   "bigbench_cs_algorithms", "commonsense_qa", "bigbench_qa_wikidata", "hellaswag", "copa", "squad",
                   "piqa")

_METADATA = "exp_data/eval_metadata.csv"
_MODEL_RE = re.compile(r"^exp_data/models/(?P<run>.+)\.json$")
_EVAL_RE = re.compile(r"^exp_data/evals/evaluation_(?P<run>.+)_heavy\.json$")
_HYPER = ("params", "params_no_embed", "tokens", "model")
# tidy column -> upstream key of a loss result, besides "loss" itself and "val_data"
_LOSS_FIELDS = {"lo95": "loss_sequences_lower_95", "hi95": "loss_sequences_upper_95",
                "lo95_tok": "loss_tokens_lower_95", "hi95_tok": "loss_tokens_upper_95", "eval_tokens": "tokens"}
_RESULT = ("loss", *_LOSS_FIELDS.values(), "val_data")
_META_COLS = ["Eval Task", "Task Category", "Task Type", "#shots", "Random baseline"]


def _eval_set(val_data, key):
    if not (isinstance(val_data, list) and len(val_data) == 1 and isinstance(val_data[0], str)):
        raise format_error(SOURCE, key, f"'val_data' must be a one-element list of shard paths, got {val_data!r}")
    parts = PurePosixPath(val_data[0]).parts
    if len(parts) < 2:
        raise format_error(SOURCE, key, f"cannot read the eval-set name from val_data {val_data[0]!r}")
    return parts[-2]


def _model_rows(run, key, path):
    raw = read_json(path, SOURCE)
    if not isinstance(raw, dict):
        raise format_error(SOURCE, key, "top level is not a JSON object")
    missing = [k for k in ("name", "dataset_name", "hyperparameters", "results") if k not in raw]
    if missing:
        raise format_error(SOURCE, key, f"missing key(s) {missing}")
    if raw["name"] != run:
        raise format_error(SOURCE, key, f"run name {raw['name']!r} does not match the file name")
    hyper = raw["hyperparameters"]
    if not isinstance(hyper, dict) or any(k not in hyper for k in _HYPER):
        raise format_error(SOURCE, key, f"'hyperparameters' lacks one of {list(_HYPER)}")
    results = raw["results"]
    if not isinstance(results, list) or not results:
        raise format_error(SOURCE, key, "'results' must be a non-empty list")
    run_info = {
        "run": run, "dataset": str(raw["dataset_name"]), "model": PurePosixPath(str(hyper["model"])).stem,
        "N": json_number(hyper["params"], SOURCE, key, "params"),
        "N_no_emb": json_number(hyper["params_no_embed"], SOURCE, key, "params_no_embed"),
        "D": json_number(hyper["tokens"], SOURCE, key, "tokens"),
    }
    rows, seen = [], set()
    for i, result in enumerate(results):
        if not isinstance(result, dict) or any(k not in result for k in _RESULT):
            raise format_error(SOURCE, key, f"results[{i}] lacks one of {list(_RESULT)}")
        metric = _eval_set(result["val_data"], key)
        if metric in seen:
            raise format_error(SOURCE, key, f"eval set {metric!r} appears twice")
        seen.add(metric)
        loss = json_number(result["loss"], SOURCE, key, f"results[{i}].loss")
        if loss <= 0:
            raise format_error(SOURCE, key, f"results[{i}].loss must be positive, got {loss}")
        rows.append({**run_info, "metric_kind": "loss", "metric": metric, "value": loss,
                     **{column: json_number(result[field], SOURCE, key, f"results[{i}].{field}")
                        for column, field in _LOSS_FIELDS.items()}})
    return run_info, rows


def _eval_rows(run_info, key, path):
    raw = read_json(path, SOURCE)
    if not isinstance(raw, dict) or not isinstance(raw.get("eval_metrics"), dict) \
            or not isinstance(raw["eval_metrics"].get("icl"), dict) or not raw["eval_metrics"]["icl"]:
        raise format_error(SOURCE, key, "missing non-empty 'eval_metrics.icl' mapping of task -> accuracy")
    if "model" in raw and str(raw["model"]) != run_info["model"]:
        raise format_error(SOURCE, key, f"evaluated model {raw['model']!r} differs from the run's model "
                                        f"{run_info['model']!r}")
    rows = []
    for task, acc in raw["eval_metrics"]["icl"].items():
        acc = json_number(acc, SOURCE, key, f"accuracy of {task!r}")
        if not 0.0 <= acc <= 1.0:
            raise format_error(SOURCE, key, f"accuracy of {task!r} is {acc}, outside [0, 1]")
        rows.append({**run_info, "metric_kind": "accuracy", "metric": str(task), "value": acc})
    return rows


def _task_metadata(path):
    meta = read_csv(path, _META_COLS, SOURCE)
    meta = meta.dropna(how="all")
    if meta["Eval Task"].isna().any() or meta["Eval Task"].duplicated().any():
        raise format_error(SOURCE, _METADATA, "'Eval Task' has missing or duplicated names")
    num = numeric_columns(meta, ["Random baseline", "#shots"], SOURCE, _METADATA)
    if ((num["Random baseline"] < 0) | (num["Random baseline"] > 100)).any():
        raise format_error(SOURCE, _METADATA, "'Random baseline' must be a percentage in [0, 100]")
    return pd.DataFrame({"metric": meta["Eval Task"].astype(str), "chance": num["Random baseline"] / 100.0,
                         "category": meta["Task Category"], "task_type": meta["Task Type"],
                         "shots": num["#shots"], "metric_kind": "accuracy"})


def parse(files):
    if _METADATA not in files:
        raise DataFormatError(f"{SOURCE}: raw file {_METADATA} is missing")
    models, evals = {}, {}
    for key, path in files.items():
        if m := _MODEL_RE.match(key):
            models[m["run"]] = key
        elif m := _EVAL_RE.match(key):
            evals[m["run"]] = key
    if not models:
        raise DataFormatError(f"{SOURCE}: no exp_data/models/*.json file among the raw files")
    orphans = sorted(set(evals) - set(models))
    if orphans:
        raise DataFormatError(f"{SOURCE}: eval file(s) without a model file (no N, D): "
                              f"{[evals[r] for r in orphans]}")
    rows = []
    for run in sorted(models):
        run_info, loss_rows = _model_rows(run, models[run], files[models[run]])
        rows.extend(loss_rows)
        if run in evals:
            rows.extend(_eval_rows(run_info, evals[run], files[evals[run]]))
    table = pd.DataFrame(rows)
    table = table.merge(_task_metadata(files[_METADATA]), on=["metric_kind", "metric"], how="left",
                        validate="many_to_one")
    table["multiplier"] = table["D"] / table["N"]
    table["C"] = 6.0 * table["N"] * table["D"]
    order = {"loss": 0, "accuracy": 1}
    table = table.assign(_k=table["metric_kind"].map(order)).sort_values(
        ["dataset", "N", "D", "_k", "metric"], kind="stable").drop(columns="_k")
    return table[[c.name for c in COLUMNS]].reset_index(drop=True)
