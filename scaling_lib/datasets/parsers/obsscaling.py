"""Ruan, Maddison & Hashimoto (2024): benchmark scores of ~150 public LLMs (Observational Scaling Laws).

All seven CSVs of ``eval_results/`` are read into one long table, one row per (file, model, score
column). The files are of the same kind (a ``Model`` column plus one column per benchmark metric),
so they share the table; ``table`` says which file a row comes from:

``base_benchmark``       ``base_llm_benchmark_eval.csv``: the 8 standard benchmarks used for the PCA
                         (MMLU, ARC-C, HellaSwag, Winograd, TruthfulQA, GSM8K, XWinograd, HumanEval).
``base_emergent``        ``base_llm_emergent_capability_eval.csv``: 2-shot BIG-bench style "emergent" tasks.
``base_post_training``   ``base_llm_post_training_eval.csv``: lm-eval-harness GSM8K / BBH variants, including
                         the test-time-compute pair ``gsm8k_cot_self_consistency_8_exact_match,maj@5``
                         (majority vote over 5 sampled chains) vs ``...,score-first`` (first chain only);
                         select them with ``filter``.
``base_leaderboard_v2``  ``base_llm_leaderboard_v2_eval.csv``: Open LLM Leaderboard v2 tasks.
``instruct_benchmark``   ``instruct_llm_benchmark_eval.csv``: instruct / API models, incl. Arena-Elo, MTBench.
``instruct_agent``       ``instruct_llm_agent_eval.csv``: AgentBench / AgentBoard scores.

Model metadata (family, N, D, C) comes from ``base_llm_benchmark_eval.csv`` for base models and from
``instruct_llm_benchmark_eval.csv`` for instruct models, joined on ``Model``; it is missing (null) where
upstream leaves it empty (25 base models, among them Qwen2, Mistral/Mixtral, GPT-2, RWKV; most API models).
Upstream's compute is exactly 6 N D; it is converted from units of 1e21 FLOP to FLOP.

Units. ``value`` is normalised so that accuracy-like scores are fractions in [0, 1]: AgentBench /
AgentBoard percentages (0-100) and ``ipa_transliterate_2_bleu`` (BLEU, 0-100) are divided by 100; every
other score is already a fraction upstream and is kept. Exceptions, flagged by ``value_unit``:
``"normalised"`` for BBH columns ending in ``,norm`` (normalised against a baseline, can be negative) and
the instruct file's ``Arena-Elo`` and ``MTBench`` (upstream-normalised to [0, 1], not raw Elo / MT-Bench
points); ``"score"`` for ``ABench-OA`` (AgentBench's weighted overall score, 0.03-4.01, not a percentage,
kept unchanged). ``raw_value`` keeps the number as written upstream. Parsing raises
:class:`DataFormatError` if a score declared a fraction falls outside [0, 1].

Rows. Empty cells (no score upstream) are not rows: at this commit 40 (base benchmark), 59 (emergent),
4,766 (post-training), 0 (leaderboard v2), 24 (instruct benchmark) and 365 (agent) empty cells are
skipped (``tiiuae/falcon-180B`` and ``bigscience/bloom`` have an all-empty post-training row, so only
94 of its 96 models appear there). ``base_llm_benchmark_eval_sub_10b.csv`` lists 92 of the base models with values identical to
``base_llm_benchmark_eval.csv`` (to 1e-16), so it is not repeated: ``in_sub_10b`` marks the base models it
lists. A sub-10B value that differed from the main file would be kept as its own row with
``table == "base_benchmark_sub_10b"`` (none at this commit).

Caveats kept from upstream (see ``note``): ``cerebras/btlm-3b-8k-base`` has D = 627 T tokens and
C = 1.13e25 FLOP; BTLM was trained on 627 *billion* tokens, so D and C are likely 1000x too large.
MoE sizes are inconsistent: Mixtral-8x7B 45 B (total), Mixtral-8x22B 39 B (active), Qwen2-57B-A14B 24 B.
The base file's ``Winograd`` is Winogrande (the instruct file calls it ``Winogrande``).
"""
import re

import numpy as np
import pandas as pd

from .._schema import Column, DataFormatError, numeric_columns, read_csv

SOURCE = "obsscaling"

DESCRIPTION = ("One row per (upstream file, model, score column) of the ObsScaling evaluation results: model "
               "family, parameters, training tokens and compute where upstream gives them, benchmark name "
               "(parsed into task, shots, metric, filter for lm-eval columns) and the score as a fraction.")

COLUMNS = [
    Column("table", "str", "", "which upstream file the row comes from: base_benchmark, base_emergent, "
           "base_post_training, base_leaderboard_v2, instruct_benchmark or instruct_agent"),
    Column("model", "str", "", "Hugging Face id (base models) or API / chat model name (instruct models)"),
    Column("model_family", "str", "", "upstream 'Model Family' (e.g. Llama-2, Qwen1.5)", nullable=True),
    Column("instruct", "bool", "", "the model is an instruct / chat / API model (instruct_* files)"),
    Column("N", "float", "parameters", "model size, upstream 'Model Size (B)' x 1e9", positive=True, nullable=True),
    Column("D", "float", "tokens", "pretraining tokens, upstream 'Pretraining Data Size (T)' x 1e12",
           positive=True, nullable=True),
    Column("C", "float", "FLOP", "training compute, upstream 'FLOPs (1E21)' x 1e21 (= 6 N D)",
           positive=True, nullable=True),
    Column("in_sub_10b", "bool", "", "the model is listed in base_llm_benchmark_eval_sub_10b.csv"),
    Column("benchmark", "str", "", "upstream column name, verbatim (e.g. MMLU, "
           "gsm8k_cot_self_consistency_8_exact_match,maj@5)"),
    Column("task", "str", "", "benchmark without shots/metric/filter suffixes (e.g. gsm8k_cot_self_consistency)"),
    Column("n_shot", "int", "examples", "number of in-context examples, parsed from lm-eval style names",
           nullable=True),
    Column("metric", "str", "", "metric parsed from lm-eval style names (acc, exact_match, bleu)", nullable=True),
    Column("filter", "str", "", "lm-eval filter after the comma: maj@5, score-first, strict-match, "
           "flexible-extract, ...,norm", nullable=True),
    Column("value", "float", "fraction", "score; a fraction in [0, 1] unless value_unit says otherwise"),
    Column("value_unit", "str", "", "'fraction', 'normalised' (baseline- or upstream-normalised, may be "
           "negative for ,norm) or 'score' (AgentBench overall)"),
    Column("raw_value", "float", "", "the number as written upstream (percent / BLEU 0-100 for some columns)"),
    Column("note", "str", "", "known upstream caveat for this model's metadata", nullable=True),
]

_DIR = "eval_results/"
_BASE = _DIR + "base_llm_benchmark_eval.csv"
_SUB10 = _DIR + "base_llm_benchmark_eval_sub_10b.csv"
_INSTRUCT = _DIR + "instruct_llm_benchmark_eval.csv"
_SCORE_FILES = [  # (table, file, instruct)
    ("base_benchmark", _BASE, False),
    ("base_emergent", _DIR + "base_llm_emergent_capability_eval.csv", False),
    ("base_post_training", _DIR + "base_llm_post_training_eval.csv", False),
    ("base_leaderboard_v2", _DIR + "base_llm_leaderboard_v2_eval.csv", False),
    ("instruct_benchmark", _INSTRUCT, True),
    ("instruct_agent", _DIR + "instruct_llm_agent_eval.csv", True),
]
_META = ["Model", "Model Family", "Model Size (B)", "Pretraining Data Size (T)", "FLOPs (1E21)"]
_BASE_BENCHMARKS = ["MMLU", "ARC-C", "HellaSwag", "Winograd", "TruthfulQA", "GSM8K", "XWinograd", "HumanEval"]
_NORMALISED = {"Arena-Elo", "MTBench"}
_LM_EVAL = re.compile(r"^(?P<task>.+?)_(?P<shot>\d+)_(?P<metric>acc|exact_match|bleu)(?:,(?P<filter>.+))?$")
_NOTES = {
    "cerebras/btlm-3b-8k-base": "upstream D = 627 T tokens; BTLM was trained on 627B tokens, so D and C are "
                                "likely 1000x too large",
    "mistralai/Mixtral-8x7B-v0.1": "MoE; upstream N = 45 B is about the total size (46.7 B; 12.9 B active)",
    "mistralai/Mixtral-8x22B-v0.1": "MoE; upstream N = 39 B is the active size (141 B total)",
    "Qwen/Qwen2-57B-A14B": "MoE; upstream N = 24 B matches neither total (57 B) nor active (14 B) size",
}


def _metadata(frame, path):
    if frame["Model"].isna().any() or frame["Model"].duplicated().any():
        raise DataFormatError(f"{SOURCE}: {path} has missing or duplicated Model names")
    num = numeric_columns(frame, _META[2:], SOURCE, path)
    return pd.DataFrame({"model_family": frame["Model Family"].to_numpy(), "N": num["Model Size (B)"].to_numpy() * 1e9,
                         "D": num["Pretraining Data Size (T)"].to_numpy() * 1e12,
                         "C": num["FLOPs (1E21)"].to_numpy() * 1e21}, index=frame["Model"].to_numpy())


def _describe(name, table):
    """(task, n_shot, metric, filter, value_unit, divisor) of one upstream score column."""
    match = _LM_EVAL.match(name)
    if match:
        task, shot, metric, filt = match["task"], int(match["shot"]), match["metric"], match["filter"]
        if metric == "bleu":
            return task, shot, metric, filt, "fraction", 100.0
        unit = "normalised" if filt is not None and filt.endswith(",norm") else "fraction"
        return task, shot, metric, filt, unit, 1.0
    if table == "instruct_agent":
        if name == "ABench-OA":
            return name, None, None, None, "score", 1.0
        return name, None, None, None, "fraction", 100.0
    if name in _NORMALISED:
        return name, None, None, None, "normalised", 1.0
    return name, None, None, None, "fraction", 1.0


def _long(frame, table, path, instruct):
    scores = [c for c in frame.columns if c not in _META]
    if not scores:
        raise DataFormatError(f"{SOURCE}: {path} has no score columns")
    if frame["Model"].isna().any() or frame["Model"].duplicated().any():
        raise DataFormatError(f"{SOURCE}: {path} has missing or duplicated Model names")
    values = numeric_columns(frame, scores, SOURCE, path)
    parts = []
    for name in scores:
        keep = values[name].notna().to_numpy()
        raw = values[name].to_numpy()[keep]
        task, shot, metric, filt, unit, divisor = _describe(name, table)
        value = raw / divisor
        if unit == "fraction" and np.any((value < 0) | (value > 1)):
            raise DataFormatError(f"{SOURCE}: {path} column {name!r} should be a fraction after dividing by "
                                  f"{divisor:g} but holds values outside [0, 1] (e.g. {raw[(value < 0) | (value > 1)][:3].tolist()})")
        n = int(keep.sum())
        parts.append(pd.DataFrame({
            "table": table, "model": frame["Model"].to_numpy()[keep], "instruct": instruct, "benchmark": name,
            "task": task, "n_shot": pd.array([shot] * n, dtype="Int64"), "metric": pd.array([metric] * n, dtype="string"),
            "filter": pd.array([filt] * n, dtype="string"), "value": value, "value_unit": unit, "raw_value": raw}))
    return parts


def parse(files):
    for _, path, _ in _SCORE_FILES:
        if path not in files:
            raise DataFormatError(f"{SOURCE}: raw file {path} was not provided")
    raw = {path: read_csv(files[path], ["Model"], SOURCE) for _, path, _ in _SCORE_FILES}
    for path in (_BASE, _INSTRUCT):
        required = _META + (_BASE_BENCHMARKS if path == _BASE else [])
        missing = [c for c in required if c not in raw[path].columns]
        if missing:
            raise DataFormatError(f"{SOURCE}: {path} lacks column(s) {missing}; found {list(raw[path].columns)}")
    base_meta = _metadata(raw[_BASE], _BASE)
    meta = {False: base_meta, True: _metadata(raw[_INSTRUCT], _INSTRUCT)}

    parts = []
    for table, path, instruct in _SCORE_FILES:
        parts.extend(_long(raw[path], table, path, instruct))

    # The sub-10B file repeats the main base file: keep only what differs, flag membership.
    sub10 = read_csv(files[_SUB10], _META + _BASE_BENCHMARKS, SOURCE) if _SUB10 in files else None
    sub10_models = set()
    if sub10 is not None:
        sub10_meta = _metadata(sub10, _SUB10)
        sub10_models = set(sub10_meta.index)
        sub_long = pd.concat(_long(sub10, "base_benchmark_sub_10b", _SUB10, False), ignore_index=True)
        main_long = pd.concat([p for p in parts if p["table"].iat[0] == "base_benchmark"], ignore_index=True)
        merged = sub_long.merge(main_long[["model", "benchmark", "raw_value"]], on=["model", "benchmark"],
                                how="left", suffixes=("", "_main"))
        differs = ~np.isclose(merged["raw_value"], merged["raw_value_main"], rtol=0, atol=1e-9)
        extra = sub_long[differs]
        if len(extra):
            parts.append(extra)
        meta_main = base_meta.reindex(sub10_meta.index)
        same_meta = np.isclose(sub10_meta[["N", "D", "C"]], meta_main[["N", "D", "C"]], rtol=1e-12, equal_nan=True)
        if not same_meta.all():
            bad = sub10_meta.index[~same_meta.all(axis=1)].tolist()[:3]
            raise DataFormatError(f"{SOURCE}: {_SUB10} gives model size / tokens / compute different from "
                                  f"{_BASE} for {bad}")

    table = pd.concat(parts, ignore_index=True)
    for instruct, lookup in meta.items():
        rows = (table["instruct"] == instruct).to_numpy()
        joined = lookup.reindex(table.loc[rows, "model"].to_numpy())
        for col in ("model_family", "N", "D", "C"):
            table.loc[rows, col] = joined[col].to_numpy()
    table["in_sub_10b"] = table["model"].isin(sub10_models) & ~table["instruct"]
    table["note"] = table["model"].map(_NOTES)
    return table
