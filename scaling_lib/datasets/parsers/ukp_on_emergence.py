"""Lu et al. (2024), "Are Emergent Abilities in Large Language Models just In-Context Learning?": 24 models on
23 BIG-bench-style tasks, scored with discrete (exact match) and continuous (edit distance, BERTScore) metrics.

The single upstream file ``evaluation_scores.csv`` has one row per evaluation run (model x task x prompt
type x number of shots x seed) and one column per metric. It becomes one long table with one row per
(run, metric). What is left out, and why:

* **3 upstream rows are exact duplicates** (all 24 fields equal, including ``run_id``; Flan-T5-small on
  codenames) and are kept once. Two rows with the same ``run_id`` but different content raise
  :class:`DataFormatError`.
* **Metric cells equal to -100** (upstream's marker for "not applicable / not computed") and empty cells
  produce no row; among the 5,055 rows of the mirrored file that is 1,787 cells each of ``exact_match_loss``/``exact_match_gain``,
  1,828 each of ``bert_score_accuracy``/``bert_score_f1``, 2,919 each of ``bert_score_loss``/
  ``bert_score_gain`` and 1,209 of ``single_bert_score``. ``exact_match_accuracy``, ``exact_match_f1`` and
  ``edit_distance`` are present for every run.
* Generation settings that do not vary in a useful way or only describe hardware (``max_new_tokens``, always
  ``adaptive``; ``batch_size``, ``pad_token``, ``pad_token_id``, ``eos_token_id``, ``device``) are not
  columns. ``seed`` and ``temperature`` are; ``seed`` is missing for API models (davinci, text-davinci-*,
  gpt-4, ``code``), which were run once at temperature 0.

Metrics (``metric`` holds the upstream column name; units of ``value`` differ by metric):
``exact_match_accuracy``, ``exact_match_f1``, ``bert_score_accuracy``, ``bert_score_f1`` are fractions in
[0, 1] (higher is better); ``edit_distance`` is the mean character edit distance between output and target
(characters, lower is better); ``single_bert_score`` is the mean BERTScore (fraction, higher is better);
``exact_match_loss``/``exact_match_gain``/``bert_score_loss``/``bert_score_gain`` are integer counts of
examples whose definition upstream does not document (presumably examples lost/gained relative to a
reference setting); treat them with care.

Model size ``N`` is not in the file. It is the nominal total parameter count as the model's paper or card
names it (approximate, not an exact count of the checkpoint): GPT-2 124M (the released checkpoint; the GPT-2
paper's 117M is a miscount), GPT-2-XL 1.5B, GPT-J-6B and GPT-JT-6B 6B, T5-small 60M, T5-large 770M,
Flan-T5-small 80M, Flan-T5-large 780M (Flan-T5 paper), LLaMA 6.7B/13.0B/32.5B (LLaMA paper, Table 2; the
Alpaca models are fine-tuned LLaMA-7B/13B), Falcon 7B/40B, davinci 175B (GPT-3 paper). It is missing (NaN)
where the size was never disclosed: text-davinci-001/003 (often assumed to be 175B), gpt-4 and ``code``
(an upstream label for 21 runs of an unidentified, probably OpenAI code, model). ``base_model`` names the
pretrained model a checkpoint derives from, so base/instruction-tuned pairs of equal size can be compared.
"""
import pandas as pd

from .._schema import Column, DataFormatError, numeric_columns, read_csv

DESCRIPTION = ("One row per evaluation run and metric of Lu et al. (2024): model, nominal size, whether it is "
               "instruction-tuned, task, prompt type, number of in-context examples, seed and the metric value "
               "(exact match, edit distance, BERTScore...).")

COLUMNS = [
    Column("run_id", "str", "", "upstream experiment id, YYYYMMDD_HHMMSS"),
    Column("model", "str", "", "model as labelled upstream, e.g. gpt2, google/flan-t5-large, models--llama/7B"),
    Column("base_model", "str", "", "pretrained model the checkpoint derives from (gpt2, llama-7b, gpt-3...)"),
    Column("kind", "str", "", "base, instruction-tuned, or unknown (the upstream label 'code')"),
    Column("N", "float", "parameters", "nominal total parameters from the model's paper/card; NaN if undisclosed",
           positive=True, nullable=True),
    Column("task", "str", "", "task name (upstream filename without /task.json), e.g. gsm8k, strategyqa"),
    Column("n_examples", "int", "examples", "number of test examples evaluated", positive=True),
    Column("prompt_type", "str", "", "prompt format of the paper: closed, closed-adv or open"),
    Column("n_shot", "int", "examples", "in-context examples per prompt: 0, 2, 4 or 5"),
    Column("seed", "int", "", "random seed of the run; missing for API models", nullable=True),
    Column("temperature", "float", "", "sampling temperature (0 or 0.01)"),
    Column("metric", "str", "", "upstream metric column, e.g. exact_match_accuracy, edit_distance"),
    Column("value", "float", "per metric", "metric value: fraction for accuracy/F1/BERTScore, characters for "
           "edit_distance, example counts for *_loss/*_gain"),
]

SOURCE = "ukp_on_emergence"
_FILE = "evaluation_scores.csv"
METRICS = ["exact_match_accuracy", "exact_match_f1", "exact_match_loss", "exact_match_gain",
           "bert_score_accuracy", "bert_score_f1", "bert_score_loss", "bert_score_gain",
           "edit_distance", "single_bert_score"]
_SETTINGS = ["run_id", "filename", "number_of_data", "model", "prompt_type", "number_of_shots",
             "temperature", "seed"]
NOT_COMPUTED = -100

# upstream model label -> (base model, kind, nominal parameters or None)
MODELS = {
    "gpt2": ("gpt2", "base", 124e6),
    "Rachneet/gpt2-alpaca": ("gpt2", "instruction-tuned", 124e6),
    "gpt2-xl": ("gpt2-xl", "base", 1.5e9),
    "Rachneet/gpt2-xl-alpaca": ("gpt2-xl", "instruction-tuned", 1.5e9),
    "EleutherAI/gpt-j-6b": ("gpt-j-6b", "base", 6e9),
    "togethercomputer/GPT-JT-6B-v1": ("gpt-j-6b", "instruction-tuned", 6e9),
    "t5-small": ("t5-small", "base", 60e6),
    "google/flan-t5-small": ("t5-small", "instruction-tuned", 80e6),
    "t5-large": ("t5-large", "base", 770e6),
    "google/flan-t5-large": ("t5-large", "instruction-tuned", 780e6),
    "models--llama/7B": ("llama-7b", "base", 6.7e9),
    "chavinlo/alpaca-native": ("llama-7b", "instruction-tuned", 6.7e9),
    "models--llama/13B": ("llama-13b", "base", 13.0e9),
    "chavinlo/alpaca-13b": ("llama-13b", "instruction-tuned", 13.0e9),
    "models--llama/30B": ("llama-30b", "base", 32.5e9),
    "tiiuae/falcon-7b": ("falcon-7b", "base", 7e9),
    "tiiuae/falcon-7b-instruct": ("falcon-7b", "instruction-tuned", 7e9),
    "tiiuae/falcon-40b": ("falcon-40b", "base", 40e9),
    "tiiuae/falcon-40b-instruct": ("falcon-40b", "instruction-tuned", 40e9),
    "davinci": ("gpt-3", "base", 175e9),
    "text-davinci-001": ("gpt-3", "instruction-tuned", None),
    "text-davinci-003": ("gpt-3", "instruction-tuned", None),
    "gpt-4": ("gpt-4", "instruction-tuned", None),
    "code": ("code", "unknown", None),
}


def parse(files):
    raw = read_csv(files[_FILE], _SETTINGS + METRICS, SOURCE)
    raw = raw.drop_duplicates(ignore_index=True)
    clash = raw["run_id"].duplicated(keep=False)
    if clash.any():
        raise DataFormatError(f"{SOURCE}: {_FILE} has different rows with the same run_id, e.g. "
                              f"{raw.loc[clash, 'run_id'].astype(str).unique()[:3].tolist()}")
    task = raw["filename"].astype(str).str.replace(r"/task\.json$", "", regex=True)
    if task.str.contains("/").any() or raw["filename"].isna().any():
        raise DataFormatError(f"{SOURCE}: {_FILE} column 'filename' should read <task>/task.json; found "
                              f"{raw['filename'].astype(str).unique()[:3].tolist()}")
    model = raw["model"].astype(str)
    known = {label: MODELS.get(label, (label, "unknown", None)) for label in model.unique()}
    settings = numeric_columns(raw, ["number_of_data", "number_of_shots", "temperature"], SOURCE, _FILE,
                               nullable=False)
    scores = numeric_columns(raw, METRICS, SOURCE, _FILE)
    runs = pd.DataFrame({
        "run_id": raw["run_id"].astype(str), "model": model,
        "base_model": model.map(lambda m: known[m][0]),
        "kind": model.map(lambda m: known[m][1]),
        "N": pd.to_numeric(model.map(lambda m: known[m][2]), errors="coerce").astype(float),
        "task": task,
        "n_examples": settings["number_of_data"],
        "prompt_type": raw["prompt_type"],
        "n_shot": settings["number_of_shots"],
        "seed": numeric_columns(raw, "seed", SOURCE, _FILE),
        "temperature": settings["temperature"],
    })
    parts = []
    for metric in METRICS:
        values = scores[metric]
        keep = values.notna() & (values != NOT_COMPUTED)
        part = runs[keep].copy()
        part["metric"] = metric
        part["value"] = values[keep].astype(float)
        parts.append(part)
    table = pd.concat(parts, ignore_index=True)
    return table.sort_values(["run_id", "metric"], kind="stable", ignore_index=True)
