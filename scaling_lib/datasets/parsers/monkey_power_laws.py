"""Repeated-sampling success counts per problem, and per-problem NLLs (Schaeffer et al. 2025, "Monkey power laws").

One long table of 33,250 rows, one row per (model, benchmark, problem); the ``table`` column names
which upstream file a row comes from:

``llmonkeys``
    ``large_language_monkeys_original_pass_at_k.parquet``: Large Language Monkeys (Brown et al. 2024),
    7 Pythia models on 128 MATH problems, n = 10,000 samples each (896 rows).
``bon_jailbreaking``
    ``bon_jailbreaking_pass_at_k.parquet``: Best-of-N jailbreaking (Hughes et al. 2024), text modality,
    temperature 1.0, 7 models x 159 prompts; n = attempts actually made (60-10,020; sampling stopped
    early after a success), c = successful jailbreaks (1,113 rows).
``pythia_checkpoints``
    ``raw_data/large_language_monkeys/{gsm8k,math}_pass_at_k.parquet``: 81 (GSM8K) / 72 (MATH) Pythia
    checkpoints, n varies per problem (128 to 3.7 M; sampling protocol undocumented upstream)
    (10,273 GSM8K + 9,097 MATH rows).
``gpt4_gsm8k_nll``
    ``gpt4_gsm8k_neg_log_likelihood.parquet``: NLL of a GPT-4-written solution of each of the 1,319
    GSM8K test problems under 9 Pythia checkpoints (11,871 rows); ``n_samples``/``n_correct`` are null.

**The precomputed pass@k curves are collapsed, not exploded.** The four pass@k files hold one row per
(model, problem, k) with k on a fixed grid (101 values 1..10,000, or 24 values 1..10,000). Their
sufficient statistics are (n, c), constant across k; :func:`parse` checks that, and checks that every
upstream pass@k with k <= n equals the unbiased estimator ``1 - C(n-c, k) / C(n, k)`` (to 1e-6), so the
curves are recomputable exactly from ``n_samples`` and ``n_correct`` with :func:`scaling_lib.datasets.pass_at_k`
and one row per problem is kept. The only upstream values not reproduced are those with k > n, where
upstream stores pass@k = 1 even when c = 0 (BoN 50,724 rows, GSM8K 44,353, MATH 37,549): an artifact of
evaluating the estimator outside its domain, deliberately not carried. ``Log Score``/``Neg Log Score``/
``neg_log_pass@k`` are logs of that score, and BoN's ``Attempt Idxmean`` is (n - 1) / 2 (checked), so
they are not carried either. Upstream ``Inference Compute`` is exactly k times its k = 1 value (checked);
the k = 1 value is kept as ``inference_flop_per_sample``. Its method is undocumented: read as 2 N FLOP per
token it implies from ~1 to ~1.4 million tokens per sample (medians per size and benchmark from ~10 to
~40,000), so treat it as unverified.

``models_pythia.csv`` (81 checkpoints) is joined onto the Pythia rows (``checkpoint`` = upstream
``Model Nickname``): nominal parameters, non-embedding parameters, tokens, layers, width and Hugging Face
revision. Its constant columns (Model Family = Pythia, Context Length = 2048, Batch Size = 2 M tokens)
and ``Warming Up`` (1 exactly for the 2M/64M/512M-token checkpoints) are not carried. ``C`` is 6 N D
with the nominal N; it equals the NLL file's ``Scaling Parameter`` (checked). The Large Language
Monkeys file names models ``Pythia 70M`` ... ``Pythia 12B`` without checkpoint; they are mapped to the
final, 300B-token checkpoints ``Pythia_<size>_300B`` (assumption: ``monkey_business`` sampled the
released final models). BoN rows have no N, D or C.

Problem indices are upstream's and their index spaces are not known to agree between tables (e.g.
``llmonkeys`` MATH indices are MATH test-set indices, the ``pythia_checkpoints`` ``prompt_idx`` may not
be). No row is dropped. Parquet files are read with pyarrow (``pyarrow.parquet``); nothing is unpickled.
"""
import numpy as np
import pandas as pd

from ...passk import pass_at_k
from .._schema import Column, DataFormatError, numeric_columns, read_csv

DESCRIPTION = ("One row per (model, benchmark, problem) from Schaeffer et al. (2025): number of samples n and "
               "number correct c per problem for Large Language Monkeys (Pythia on MATH, n = 10,000), Best-of-N "
               "jailbreaking, and Pythia training checkpoints on GSM8K/MATH, so pass@k can be recomputed with "
               "the unbiased estimator; plus per-problem NLLs of GPT-4 GSM8K solutions under Pythia models.")

COLUMNS = [
    Column("table", "str", "", "kind of row / upstream file: llmonkeys, bon_jailbreaking, pythia_checkpoints, "
           "gpt4_gsm8k_nll"),
    Column("model", "str", "", "model label as upstream writes it (e.g. 'Pythia 12B', 'GPT4o', 'Pythia_1B_20B')"),
    Column("benchmark", "str", "", "MATH, GSM8K, or 'BoN jailbreaking (text)'"),
    Column("problem", "int", "", "upstream problem (prompt) index within the benchmark"),
    Column("n_samples", "int", "samples", "number of attempts n made on the problem (null for NLL rows)",
           positive=True, nullable=True),
    Column("n_correct", "int", "samples", "number of correct attempts c (successful jailbreaks for BoN); "
           "null for NLL rows", nullable=True),
    Column("level", "str", "", "MATH difficulty level, 'Level 1'..'Level 5' (pythia_checkpoints MATH rows only)",
           nullable=True),
    Column("temperature", "float", "", "sampling temperature (bon_jailbreaking rows only; 1.0)",
           positive=True, nullable=True),
    Column("checkpoint", "str", "", "Pythia checkpoint Pythia_<size>_<tokens> (null for BoN rows)",
           nullable=True),
    Column("N", "float", "parameters", "nominal Pythia model size (models_pythia.csv 'Parameters')",
           positive=True, nullable=True),
    Column("N_no_emb", "float", "parameters", "Pythia parameters excluding embeddings", positive=True,
           nullable=True),
    Column("D", "float", "tokens", "pretraining tokens seen by the checkpoint", positive=True, nullable=True),
    Column("C", "float", "FLOP", "pretraining compute 6 N D with the nominal N", positive=True, nullable=True),
    Column("n_layers", "int", "layers", "Pythia layers", positive=True, nullable=True),
    Column("d_model", "int", "", "Pythia model width", positive=True, nullable=True),
    Column("hf_revision", "str", "", "Hugging Face revision of the checkpoint (e.g. step143000)", nullable=True),
    Column("inference_flop_per_sample", "float", "FLOP", "upstream 'Inference Compute' at k = 1, one sample of "
           "this problem (pythia_checkpoints only); method and unit undocumented upstream, presumably FLOP",
           positive=True, nullable=True),
    Column("nll", "float", "nats", "negative log-likelihood of the GPT-4-written solution under the model "
           "(gpt4_gsm8k_nll rows only)", positive=True, nullable=True),
]

_SOURCE = "monkey_power_laws"
_LLM = "data/processed_data/large_language_monkeys_original_pass_at_k.parquet"
_BON = "data/processed_data/bon_jailbreaking_pass_at_k.parquet"
_GSM8K = "data/raw_data/large_language_monkeys/gsm8k_pass_at_k.parquet"
_MATH = "data/raw_data/large_language_monkeys/math_pass_at_k.parquet"
_NLL = "data/processed_data/gpt4_gsm8k_neg_log_likelihood.parquet"
_MODELS = "data/raw_data/gpt4_gsm8k/models_pythia.csv"

_C = "Num. Samples Correct"


def _read_parquet(path, required, label):
    """Read ``required`` columns of a parquet file with pyarrow, naming the file on any structural problem."""
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:  # pragma: no cover - environment problem, not a data problem
        raise ImportError(f"{_SOURCE}: reading {label} needs pyarrow (pip install pyarrow)") from exc
    import pyarrow as pa
    try:
        schema = pq.read_schema(path)
        missing = [c for c in required if c not in schema.names]
        if missing:
            raise DataFormatError(f"{_SOURCE}: {label} lacks column(s) {missing}; found {schema.names}")
        table = pq.read_table(path, columns=list(required))
        return table.to_pandas(ignore_metadata=True)
    except DataFormatError:
        raise
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise DataFormatError(f"{_SOURCE}: cannot read {label} as parquet: {exc}") from exc


def _collapse(raw, key, n_col, k_col, score_col, label):
    """One row per ``key`` after checking that (n, c) are constant across k and pass@k is the unbiased one."""
    if raw[key].isna().any().any():
        raise DataFormatError(f"{_SOURCE}: {label} has missing values in {key}")
    num = numeric_columns(raw, [n_col, _C, k_col, score_col], _SOURCE, label, nullable=False)
    n, c, k, score = (num[col] for col in (n_col, _C, k_col, score_col))
    counts = num[[n_col, _C, k_col]].to_numpy()
    if (counts != np.round(counts)).any() or (c < 0).any() or (c > n).any() or (n <= 0).any() or (k < 1).any():
        raise DataFormatError(f"{_SOURCE}: {label}: counts must be integers with 0 <= c <= n, n > 0 and k >= 1")
    if raw.duplicated(key + [k_col]).any():
        raise DataFormatError(f"{_SOURCE}: {label} has duplicate ({', '.join(key)}, {k_col}) rows")
    frame = raw[key].copy()
    frame["_n"], frame["_c"] = n.to_numpy(), c.to_numpy()
    spread = frame.groupby(key, sort=False)[["_n", "_c"]].nunique()
    if (spread > 1).any().any():
        raise DataFormatError(f"{_SOURCE}: {label}: n or c varies across k within a (model, problem); the file "
                              "is not a set of per-problem pass@k curves")
    in_domain = k <= n  # upstream's values for k > n are an artifact (module docstring), not compared
    error = np.abs(pass_at_k(n[in_domain], c[in_domain], k[in_domain]) - score[in_domain].to_numpy())
    if np.any(error > 1e-6):
        raise DataFormatError(f"{_SOURCE}: {label}: upstream pass@k differs from the unbiased estimator of "
                              f"(n, c) by up to {error.max():.3g}; collapsing to (n, c) would lose data")
    first = raw[k == 1]
    if len(first) != len(spread):
        raise DataFormatError(f"{_SOURCE}: {label}: {len(spread)} (model, problem) pairs but {len(first)} "
                              "rows with k = 1")
    out = first.copy()
    out["n_samples"] = n[k == 1].astype("int64")
    out["n_correct"] = c[k == 1].astype("int64")
    return out


def _pythia_checkpoints(files):
    raw = read_csv(files[_MODELS], ["Model Nickname", "HuggingFace Revision", "Tokens", "Parameters", "Layers",
                                    "Dimension", "Parameters Excluding Embeddings"], _SOURCE)
    if raw["Model Nickname"].duplicated().any():
        raise DataFormatError(f"{_SOURCE}: {_MODELS} lists a Model Nickname twice")
    upstream = {"N": "Parameters", "N_no_emb": "Parameters Excluding Embeddings", "D": "Tokens", "n_layers": "Layers",
                "d_model": "Dimension"}
    num = numeric_columns(raw, list(upstream.values()), _SOURCE, _MODELS, nullable=False)
    models = pd.DataFrame({"checkpoint": raw["Model Nickname"].astype(str),
                           **{column: num[name] for column, name in upstream.items()},
                           "hf_revision": raw["HuggingFace Revision"].astype(str)})
    models["C"] = 6.0 * models["N"] * models["D"]
    return models


def _join_checkpoints(frame, models, label):
    unknown = sorted(set(frame["checkpoint"]) - set(models["checkpoint"]))
    if unknown:
        raise DataFormatError(f"{_SOURCE}: {label} names checkpoint(s) absent from {_MODELS}: {unknown[:5]}")
    return frame.merge(models, on="checkpoint", how="left", validate="many_to_one")


def parse(files):
    models = _pythia_checkpoints(files)
    parts = []

    raw = _read_parquet(files[_LLM], ["Model", "Benchmark", "Problem Idx", "Num. Samples Total", _C,
                                      "Scaling Parameter", "Score"], _LLM)
    llm = _collapse(raw, ["Model", "Benchmark", "Problem Idx"], "Num. Samples Total", "Scaling Parameter",
                    "Score", _LLM)
    size = llm["Model"].astype(str).str.extract(r"^Pythia ([0-9.]+[MB])$")[0]
    if size.isna().any():
        raise DataFormatError(f"{_SOURCE}: {_LLM} has model names not of the form 'Pythia <size>': "
                              f"{sorted(llm.loc[size.isna(), 'Model'].astype(str).unique())[:5]}")
    llm = pd.DataFrame({"table": "llmonkeys", "model": llm["Model"].astype(str),
                        "benchmark": llm["Benchmark"].astype(str), "problem": llm["Problem Idx"],
                        "n_samples": llm["n_samples"], "n_correct": llm["n_correct"],
                        "checkpoint": "Pythia_" + size + "_300B"})
    parts.append(_join_checkpoints(llm, models, _LLM))

    raw = _read_parquet(files[_BON], ["Model", "Modality", "Temperature", "Problem Idx", "Num. Samples", _C,
                                      "Attempt Idxmean", "Scaling Parameter", "Score"], _BON)
    bon = _collapse(raw, ["Model", "Modality", "Temperature", "Problem Idx"], "Num. Samples",
                    "Scaling Parameter", "Score", _BON)
    attempt_mean = numeric_columns(bon, "Attempt Idxmean", _SOURCE, _BON, nullable=False)
    if np.any(np.abs(attempt_mean - (bon["n_samples"] - 1) / 2) > 1e-9):
        raise DataFormatError(f"{_SOURCE}: {_BON}: 'Attempt Idxmean' is not (n - 1) / 2 as expected")
    parts.append(pd.DataFrame({"table": "bon_jailbreaking", "model": bon["Model"].astype(str),
                               "benchmark": "BoN jailbreaking (" + bon["Modality"].astype(str).str.lower() + ")",
                               "problem": bon["Problem Idx"], "n_samples": bon["n_samples"],
                               "n_correct": bon["n_correct"], "temperature": bon["Temperature"]}))

    for path, benchmark in ((_GSM8K, "GSM8K"), (_MATH, "MATH")):
        needed = ["Model Nickname", "prompt_idx", "Num. Samples", _C, "Inference Compute", "k", "pass@k"]
        if benchmark == "MATH":
            needed.append("Level")
        raw = _read_parquet(files[path], needed, path)
        ckpt = _collapse(raw, ["Model Nickname", "prompt_idx"], "Num. Samples", "k", "pass@k", path)
        num = numeric_columns(raw, ["Inference Compute", "k"], _SOURCE, path, nullable=False)
        per_sample = num["Inference Compute"] / num["k"]
        spread = per_sample.groupby([raw["Model Nickname"], raw["prompt_idx"]], sort=False).agg(["min", "max"])
        if np.any(np.abs(spread["max"] / spread["min"] - 1) > 1e-9):
            raise DataFormatError(f"{_SOURCE}: {path}: 'Inference Compute' is not proportional to k")
        if benchmark == "MATH" and raw.groupby(["Model Nickname", "prompt_idx"])["Level"].nunique().max() > 1:
            raise DataFormatError(f"{_SOURCE}: {path}: 'Level' varies across k within a problem")
        frame = pd.DataFrame({"table": "pythia_checkpoints", "model": ckpt["Model Nickname"].astype(str),
                              "benchmark": benchmark, "problem": ckpt["prompt_idx"],
                              "n_samples": ckpt["n_samples"], "n_correct": ckpt["n_correct"],
                              "level": ckpt["Level"].astype(str) if benchmark == "MATH" else None,
                              "checkpoint": ckpt["Model Nickname"].astype(str),
                              "inference_flop_per_sample": ckpt["Inference Compute"]})
        parts.append(_join_checkpoints(frame, models, path))

    raw = _read_parquet(files[_NLL], ["Model", "Problem Idx", "Neg Log Score", "Scaling Parameter"], _NLL)
    if raw.duplicated(["Model", "Problem Idx"]).any():
        raise DataFormatError(f"{_SOURCE}: {_NLL} has duplicate (Model, Problem Idx) rows")
    nll = _join_checkpoints(pd.DataFrame({
        "table": "gpt4_gsm8k_nll", "model": raw["Model"].astype(str), "benchmark": "GSM8K",
        "problem": raw["Problem Idx"], "checkpoint": raw["Model"].astype(str),
        "nll": raw["Neg Log Score"],
        "_flop": numeric_columns(raw, "Scaling Parameter", _SOURCE, _NLL, nullable=False)}), models, _NLL)
    if np.any(np.abs(nll["_flop"] / nll["C"] - 1) > 1e-6):
        raise DataFormatError(f"{_SOURCE}: {_NLL}: 'Scaling Parameter' is not 6 N D of the checkpoint")
    parts.append(nll.drop(columns="_flop"))

    table = pd.concat(parts, ignore_index=True)
    order = {"llmonkeys": 0, "bon_jailbreaking": 1, "pythia_checkpoints": 2, "gpt4_gsm8k_nll": 3}
    table["_order"] = table["table"].map(order)
    table = table.sort_values(["_order", "benchmark", "N", "D", "model", "problem"], kind="stable",
                              na_position="first")
    return table.drop(columns="_order").reset_index(drop=True)
