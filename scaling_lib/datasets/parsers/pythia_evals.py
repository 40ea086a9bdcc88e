"""Pythia (Biderman et al. 2023): lm-evaluation-harness results of the 16 Pythia v1.1 models across training.

The 672 upstream JSON files (``evals/pythia-v1/<model>/{zero-shot,five-shot}/*.json``, one harness run per
model x checkpoint x few-shot setting) become one long table with one row per (model, step, n_shot, task,
metric). Every metric in every file is kept; the harness's ``<metric>_stderr`` entries become the ``stderr``
column of their metric (NaN if a metric had no stderr entry; in the mirrored data every metric has one).
Nothing is dropped.

Where the columns come from:

* ``model`` / ``size`` / ``deduped`` from the folder name. The standard 1B folder is ``pythia-1b-bf16`` (the
  1B run trained in bf16; its files evaluate ``EleutherAI/pythia-v1.1-1b-bf16``); it is called ``pythia-1b``
  here, and ``hf_model`` keeps the exact id that ``config.model_args`` names.
* ``step`` from the file name, checked against ``revision=step<N>`` in ``config.model_args``; the folder's
  size and deduplication are checked against ``pretrained=...`` there too.
* ``n_shot`` from ``config.num_fewshot``, not from the file name: four files in ``pythia-1b-bf16/zero-shot``
  are named ``1b-bf16-5shot_step*.json`` but are 0-shot runs. A file whose ``num_fewshot`` disagrees with
  its folder (``zero-shot`` = 0, ``five-shot`` = 5) raises :class:`DataFormatError`.
* ``tokens`` = ``step`` x 2,097,152 (Pythia batch: 1024 sequences x 2048 tokens, per the Pythia paper and
  README). Step 0 (the initialisation) is present for every model in the zero-shot files, so ``tokens`` is 0
  there and the column is not marked positive.
* ``N`` / ``N_no_emb``: parameter counts are not in the files. They are the totals and non-embedding counts
  of the "Models" table in the Pythia README (github.com/EleutherAI/pythia), which equal the GPT-NeoX count
  L(12d^2 + 13d) + 2d (+ 2 V d for the untied input/output embeddings, padded vocabulary V = 50,304,
  50,432 for 6.9B and 50,688 for 12B); the 12B Hugging Face card lists 128 more (11,846,072,448).
  Deduplicated and standard models of a size share the architecture and so the count.

Units of ``value`` depend on ``metric``: ``acc`` and ``acc_norm`` (length-normalised accuracy) are fractions
in [0, 1]; ``ppl`` (``lambada_openai`` only) is a perplexity, exp of the mean negative log-likelihood of the
target word (so ``log(ppl)`` is in nats per example), and is huge at early steps; ``pct_stereotype``
(CrowS-Pairs) is a fraction; ``likelihood_difference`` (CrowS-Pairs) is the mean absolute difference of
log-likelihoods of the sentence pair, in nats. ``stderr`` is in the unit of ``value``.

Tasks: 87 in zero-shot runs (LAMBADA, PIQA, WinoGrande, WSC, ARC-Easy/Challenge, SciQ, LogiQA, 57 MMLU
subjects ``hendrycksTest-*`` and 22 CrowS-Pairs subsets ``crows_pairs_*``), 65 in five-shot runs (no
CrowS-Pairs). ``group`` collects ``hendrycksTest-*`` as ``mmlu`` and ``crows_pairs_*`` as ``crows_pairs``;
note that ``crows_pairs_english`` and ``crows_pairs_french`` are aggregates of the other subsets of their
language, so do not average over the whole ``crows_pairs`` group. Zero-shot runs cover 27 checkpoints
(steps 0, 1, 2, 4, ..., 512, 1000, 3000, 13000, ..., 143000), five-shot runs 15 (3000, 13000, ..., 143000).

Observations on the mirrored data: the step-0 and step-1 results are identical for every model and task
(presumably the first update, at warm-up learning rate 0, leaves the weights unchanged), and at step 0 each
deduplicated model scores exactly like its standard twin (same initialisation), except the 1B pair, whose
standard model is the separate bf16 run. LAMBADA ``ppl`` is of order 1e6-1e9 before step 1000.
"""
import math
import re

import pandas as pd

from .._schema import Column, DataFormatError, json_number, read_json

DESCRIPTION = ("One row per Pythia model, training checkpoint, few-shot setting, task and metric of the "
               "lm-evaluation-harness runs shipped with the Pythia repository: model size, tokens seen, "
               "metric value and its standard error.")

COLUMNS = [
    Column("model", "str", "", "model name, pythia-<size>[-deduped] (pythia-1b is the bf16-trained 1B run)"),
    Column("size", "str", "", "nominal size label: 70m, 160m, 410m, 1b, 1.4b, 2.8b, 6.9b, 12b"),
    Column("deduped", "bool", "", "trained on the deduplicated Pile (else the standard Pile)"),
    Column("N", "float", "parameters", "total parameters incl. input and output embeddings (Pythia README)",
           positive=True),
    Column("N_no_emb", "float", "parameters", "non-embedding parameters (Pythia README)", positive=True),
    Column("step", "int", "steps", "training step of the evaluated checkpoint (0 = initialisation)"),
    Column("tokens", "float", "tokens", "training tokens seen at the checkpoint, step x 2,097,152 (0 at step 0)"),
    Column("n_shot", "int", "examples", "in-context examples per prompt (config.num_fewshot: 0 or 5)"),
    Column("task", "str", "", "lm-evaluation-harness task name, e.g. lambada_openai, hendrycksTest-anatomy"),
    Column("group", "str", "", "task family: mmlu for hendrycksTest-*, crows_pairs for crows_pairs_*, else task"),
    Column("metric", "str", "", "acc, acc_norm, ppl, pct_stereotype or likelihood_difference"),
    Column("value", "float", "per metric", "metric value: fraction (acc, acc_norm, pct_stereotype), perplexity "
           "(ppl), nats (likelihood_difference)"),
    Column("stderr", "float", "per metric", "the harness's standard error of value, same unit", nullable=True),
    Column("task_version", "int", "", "harness version number of the task (versions[task])"),
    Column("hf_model", "str", "", "evaluated model id from config.model_args, e.g. EleutherAI/pythia-v1.1-410m"),
    Column("file", "str", "", "repository-relative upstream file the row comes from"),
]

SOURCE = "pythia_evals"
TOKENS_PER_STEP = 1024 * 2048  # sequences x sequence length

# size label -> (total parameters, non-embedding parameters), Pythia README "Models" table.
PARAMETERS = {
    "70m": (70_426_624, 18_915_328),
    "160m": (162_322_944, 85_056_000),
    "410m": (405_334_016, 302_311_424),
    "1b": (1_011_781_632, 805_736_448),
    "1.4b": (1_414_647_808, 1_208_602_624),
    "2.8b": (2_775_208_960, 2_517_652_480),
    "6.9b": (6_857_302_016, 6_444_163_072),
    "12b": (11_846_072_320, 11_327_027_200),
}

_PATH = re.compile(r"^evals/pythia-v1/pythia-(?P<size>[0-9.]+[mb])(?P<variant>-bf16|-deduped)?/"
                   r"(?P<setting>zero-shot|five-shot)/[^/]*step(?P<step>\d+)\.json$")
_SHOTS = {"zero-shot": 0, "five-shot": 5}
_ARGS = re.compile(r"pretrained=EleutherAI/pythia-v1\.1-(?P<size>[0-9.]+[mb])(?P<variant>-bf16|-deduped)?"
                   r"(?:,|$).*?revision=step(?P<step>\d+)")


def _group(task):
    if task.startswith("hendrycksTest-"):
        return "mmlu"
    if task.startswith("crows_pairs_"):
        return "crows_pairs"
    return task


def _parse_file(path, local, records):
    name = path.rsplit("/", 1)[-1]
    match = _PATH.match(path)
    if match is None:
        raise DataFormatError(f"{SOURCE}: unexpected file {path}; expected "
                              "evals/pythia-v1/pythia-<size>[-deduped|-bf16]/<zero-shot|five-shot>/...step<N>.json")
    size, variant, step = match["size"], match["variant"] or "", int(match["step"])
    if size not in PARAMETERS:
        raise DataFormatError(f"{SOURCE}: {name}: unknown Pythia size {size!r} in {path}")
    data = read_json(local, SOURCE)
    if not isinstance(data, dict) or not isinstance(data.get("results"), dict) \
            or not isinstance(data.get("config"), dict):
        raise DataFormatError(f"{SOURCE}: {name} ({path}) lacks the 'results' and 'config' objects of a "
                              "harness output")
    config, versions = data["config"], data.get("versions") or {}
    if not isinstance(versions, dict):
        raise DataFormatError(f"{SOURCE}: {name}: 'versions' is not an object")
    n_shot = config.get("num_fewshot")
    if isinstance(n_shot, bool) or not isinstance(n_shot, int):
        raise DataFormatError(f"{SOURCE}: {name}: config.num_fewshot is {n_shot!r}, not an integer")
    if n_shot != _SHOTS[match["setting"]]:
        raise DataFormatError(f"{SOURCE}: {name}: config.num_fewshot = {n_shot} but the file is in "
                              f"{match['setting']}/")
    args = _ARGS.search(str(config.get("model_args", "")))
    if args is None:
        raise DataFormatError(f"{SOURCE}: {name}: cannot read model and revision from config.model_args "
                              f"{config.get('model_args')!r}")
    if (args["size"], args["variant"] or "", int(args["step"])) != (size, variant, step):
        raise DataFormatError(f"{SOURCE}: {name}: config.model_args {config['model_args']!r} does not match "
                              f"the file path {path}")
    hf_model = "EleutherAI/pythia-v1.1-" + size + variant
    deduped = variant == "-deduped"
    model = f"pythia-{size}" + ("-deduped" if deduped else "")
    n_total, n_no_emb = PARAMETERS[size]
    for task, metrics in data["results"].items():
        if not isinstance(metrics, dict) or not metrics:
            raise DataFormatError(f"{SOURCE}: {name}: results[{task!r}] is not a non-empty object")
        version = versions.get(task)
        if isinstance(version, bool) or not isinstance(version, int):
            raise DataFormatError(f"{SOURCE}: {name}: versions[{task!r}] is {version!r}, not an integer")
        for key in metrics:
            if key.endswith("_stderr") and key[: -len("_stderr")] not in metrics:
                raise DataFormatError(f"{SOURCE}: {name}: results[{task!r}] has {key!r} without its metric")
        for metric, value in metrics.items():
            if metric.endswith("_stderr"):
                continue
            where = f"results[{task!r}][{metric!r}]"
            stderr = metrics.get(metric + "_stderr")
            records.append((model, size, deduped, float(n_total), float(n_no_emb), step,
                            float(step * TOKENS_PER_STEP), n_shot, task, _group(task), metric,
                            json_number(value, SOURCE, name, where),
                            math.nan if stderr is None else json_number(stderr, SOURCE, name, where + " stderr"),
                            version, hf_model, path))


def parse(files):
    records = []
    for path in sorted(files):
        _parse_file(path, files[path], records)
    if not records:
        raise DataFormatError(f"{SOURCE}: no evaluation results found in {len(files)} file(s)")
    table = pd.DataFrame.from_records(records, columns=[c.name for c in COLUMNS])
    key = ["model", "step", "n_shot", "task", "metric"]
    duplicated = table.duplicated(key, keep=False)
    if duplicated.any():
        clash = table.loc[duplicated, "file"].unique()[:4].tolist()
        raise DataFormatError(f"{SOURCE}: the same (model, step, n_shot, task, metric) appears in more than one "
                              f"file, e.g. in {clash}")
    return table
