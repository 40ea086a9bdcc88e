"""Inverse Scaling Prize organisers' pilot pipeline: per-example results of GPT-2, GPT-3 and OPT sizes.

Every per-model result file ``results/<experiment>/<model>.csv`` (279 files in 74 experiment folders; one
folder name, ``2022-03-09T15:59:55_escher``, contains ``:``) becomes one row per evaluated example, so
that trend tests can be bootstrapped over examples. Each file holds exactly one primary score column,
named in ``metric``, and possibly ``correct`` and ``total_logprob``:

``loss``                -log p(correct answer) in nats. For ``classification`` tasks the probabilities are
                        renormalised over the answer options; for ``lambada`` / ``single_word`` tasks (and the
                        earliest runs) it is the negative log-probability of the target.
``logodds``             QA-bias tasks (``task_type`` QA): log-odds between the two answer options, in nats.
``logodds_difference``  ``logodds`` / ``absolute_logodds`` tasks: difference in log-odds between two prompt
                        variants (absolute value for ``absolute_logodds``), in nats.
``estimate``            anchoring (``numeric``) tasks: the model's numeric estimate (units of the question).

``dataset`` and ``task_type`` come from the folder's ``args.log`` (concatenated JSON objects, one per run;
the **last** run's values are used; ``task_type`` is null for the oldest run, the escher folder).
Folders such as ``QA-v0-combined`` and ``lambada_combined`` hold byte-identical copies of files of other
folders; ``duplicate_of`` names the alphabetically first folder holding the same bytes for the same model,
so filter ``duplicate_of.isna()`` before pooling experiments.

Model sizes: GPT-2 exact parameter counts of the Hugging Face checkpoints; OPT nominal sizes from the OPT
paper; GPT-3 API models (``ada``, ``babbage``, ``curie``, ``davinci``) and their ``text-*-001`` instruct
versions use the usual estimates 350M / 1.3B / 6.7B / 175B (Gao 2021; not published by OpenAI) -- see
``N_source``.

Dropped rows (said here, not silent): rows whose score columns are all empty. At this commit that is
24,960 rows of the 8 ``dice-0shot-gpt2`` / ``dice-1shot-gpt2`` files (a line-ending artefact: each real row
is followed by two blank rows with shifted indices, 4,680 lines for 1,560 examples), 120 rows of the four
``boolq-noq-gpt3`` files (examples 3270-3299, never scored) and one row of ``anli_r1-gpt3/ada.csv``
(example 899). Four result files are empty upstream (header only) and give no rows:
``QA-v1-opt/opt-350m.csv``, ``QA-v2-gpt2-new/gpt2-medium.csv``, ``syllogism-0shot-opt/opt-2.7b.csv``,
``anli_r1-gpt2/gpt2-large.csv``. ``anli_all-gpt3`` files miss a few examples (3,197-3,199 of 3,200).
In ``anli_r1-gpt3`` only ``davinci.csv`` lacks ``correct``. In ``ids-gpt3-seq`` ``total_logprob`` is
positive (a sequence-scoring artefact upstream), so it is not a log-probability there.
"""
import hashlib
import io
import json
from pathlib import PurePosixPath

import numpy as np
import pandas as pd

from .._schema import Column, DataFormatError, numeric_columns

SOURCE = "inverse_scaling_naimenz"

DESCRIPTION = ("One row per (experiment, model, evaluated example) of the Inverse Scaling Prize organisers' "
               "pilot experiments: model size, the example's loss / log-odds / estimate, whether the model "
               "chose the correct option, and the run's dataset and task type.")

COLUMNS = [
    Column("experiment", "str", "", "upstream results folder (e.g. syllogism-0shot-gpt3)"),
    Column("dataset", "str", "", "'dataset' of the folder's last run in args.log (e.g. syllogism)", nullable=True),
    Column("task_type", "str", "", "'task_type' of the last run: classification, QA, logodds, absolute_logodds, "
           "lambada, single_word, numeric", nullable=True),
    Column("model", "str", "", "model name as upstream (gpt2-xl, davinci, text-curie-001, opt-1.3b, ...)"),
    Column("model_family", "str", "", "gpt2, gpt3, gpt3-instruct or opt"),
    Column("N", "float", "parameters", "model size (exact, nominal or estimated, see N_source)", positive=True),
    Column("N_source", "str", "", "'exact' (HF checkpoint count), 'nominal' (OPT paper) or 'estimate' "
           "(OpenAI API models, Gao 2021)"),
    Column("example", "int", "", "upstream 'index': row of the experiment's dataset"),
    Column("metric", "str", "", "primary score column of the file: loss, logodds, logodds_difference or estimate"),
    Column("loss", "float", "nats", "-log p(correct answer); null if the file has no loss", positive=True,
           nullable=True),
    Column("logodds", "float", "nats", "log-odds between the two answer options (QA tasks)", nullable=True),
    Column("logodds_difference", "float", "nats", "difference in log-odds between two prompt variants "
           "(absolute for absolute_logodds)", nullable=True),
    Column("estimate", "float", "", "numeric estimate given by the model (anchoring tasks)", nullable=True),
    Column("correct", "int", "", "1 if the correct option had the highest probability, else 0; null where "
           "the file has no 'correct' column", nullable=True),
    Column("total_logprob", "float", "nats", "log of the total probability mass on the answer options",
           nullable=True),
    Column("duplicate_of", "str", "", "earlier experiment folder holding a byte-identical file for this model",
           nullable=True),
]

_PRIMARY = ("loss", "logodds", "logodds_difference", "estimate")
_HEADERS = {
    ("index", "loss", "correct", "total_logprob"),
    ("index", "loss"),
    ("index", "logodds", "correct", "total_logprob"),
    ("index", "logodds_difference", "correct", "total_logprob"),
    ("index", "estimate"),
}
_GPT3 = {"ada": 350e6, "babbage": 1.3e9, "curie": 6.7e9, "davinci": 175e9}
_SIZES = {  # model -> (family, N, source)
    "gpt2": ("gpt2", 124_439_808.0, "exact"),
    "gpt2-medium": ("gpt2", 354_823_168.0, "exact"),
    "gpt2-large": ("gpt2", 774_030_080.0, "exact"),
    "gpt2-xl": ("gpt2", 1_557_611_200.0, "exact"),
    "opt-125m": ("opt", 125e6, "nominal"),
    "opt-350m": ("opt", 350e6, "nominal"),
    "opt-1.3b": ("opt", 1.3e9, "nominal"),
    "opt-2.7b": ("opt", 2.7e9, "nominal"),
    **{name: ("gpt3", n, "estimate") for name, n in _GPT3.items()},
    **{f"text-{name}-001": ("gpt3-instruct", n, "estimate") for name, n in _GPT3.items()},
}


def _read_args(path, label):
    """Last JSON object of a concatenated args.log."""
    try:
        text = open(path, encoding="utf-8").read()
    except UnicodeDecodeError as exc:
        raise DataFormatError(f"{SOURCE}: {label} is not UTF-8 text ({exc})") from exc
    decoder, pos, last = json.JSONDecoder(), 0, None
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            break
        try:
            last, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise DataFormatError(f"{SOURCE}: {label} is not a sequence of JSON objects ({exc})") from exc
    if not isinstance(last, dict):
        raise DataFormatError(f"{SOURCE}: {label} holds no JSON object")
    return last


def _read_result(data, label):
    try:
        frame = pd.read_csv(io.BytesIO(data))
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataFormatError(f"{SOURCE}: cannot parse {label} as CSV: {exc}") from exc
    header = tuple(frame.columns)
    if header not in _HEADERS:
        raise DataFormatError(f"{SOURCE}: {label} has an unexpected header {list(header)}")
    numeric = numeric_columns(frame, list(header), SOURCE, label)
    scored = numeric[list(header[1:])].notna().any(axis=1)
    numeric = numeric[scored]
    index = numeric["index"]
    if index.isna().any() or (index != np.round(index)).any() or index.duplicated().any():
        raise DataFormatError(f"{SOURCE}: {label} has missing, non-integer or duplicated 'index' values")
    if "correct" in numeric and not numeric["correct"].dropna().isin([0, 1]).all():
        raise DataFormatError(f"{SOURCE}: {label} column 'correct' must hold 0/1")
    return numeric


def parse(files):
    results, args = {}, {}
    for rel, local in files.items():
        parts = PurePosixPath(rel).parts
        if len(parts) != 3 or parts[0] != "results":
            raise DataFormatError(f"{SOURCE}: unexpected raw file {rel}")
        if parts[2] == "args.log":
            args[parts[1]] = _read_args(local, rel)
        elif parts[2].endswith(".csv"):
            results[rel] = (parts[1], parts[2][:-4], local)
        else:
            raise DataFormatError(f"{SOURCE}: unexpected raw file {rel}")
    if not results:
        raise DataFormatError(f"{SOURCE}: no result files were provided")

    first_seen = {}
    frames = []
    for rel in sorted(results):
        experiment, model, local = results[rel]
        if model not in _SIZES:
            raise DataFormatError(f"{SOURCE}: {rel}: unknown model {model!r} (no parameter count)")
        data = open(local, "rb").read()
        digest = (model, hashlib.sha256(data).hexdigest())
        duplicate_of = first_seen.setdefault(digest, experiment)
        frame = _read_result(data, rel)
        if frame.empty:
            continue
        family, n, n_source = _SIZES[model]
        run = args.get(experiment, {})
        metric = next(c for c in frame.columns if c in _PRIMARY)
        out = pd.DataFrame({"example": frame["index"].astype("int64").to_numpy()})
        for col in _PRIMARY + ("correct", "total_logprob"):
            out[col] = frame[col].to_numpy() if col in frame else np.nan
        out["experiment"] = experiment
        out["dataset"] = run.get("dataset")
        out["task_type"] = run.get("task_type")
        out["model"] = model
        out["model_family"] = family
        out["N"] = n
        out["N_source"] = n_source
        out["metric"] = metric
        out["duplicate_of"] = None if duplicate_of == experiment else duplicate_of
        frames.append(out)
    if not frames:
        raise DataFormatError(f"{SOURCE}: every result file is empty")
    return pd.concat(frames, ignore_index=True)
