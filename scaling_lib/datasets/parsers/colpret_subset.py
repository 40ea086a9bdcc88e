"""ColPret subset (Choshen, Zhang & Andreas 2025): OPT and GPT-3 training curves, OPT BIG-bench scores, Revisiting data.

One long table, one row per (family, model, training point, metric); ``metric_kind`` says what ``value``
is and ``unit`` its unit. Five families, from the five mirrored files:

- ``OPT`` losses: ``aggregated_eval/opt_trajectories.csv``, 142 validation losses, 6 sizes 125M-175B (nats/token);
- ``OPT`` accuracies: ``aggregated_eval/opt.csv``, 147 checkpoints x 6 BIG-bench tasks = 882 rows (fraction);
- ``GPT-3`` losses: ``raw_data/gpt3/extracted.csv`` + ``gpt3_metadata.xlsx``, 12,097 digitised train/val
  losses, 8 sizes 125M-175B (nats/token);
- ``Revisiting-LM``: ``aggregated_eval/revisiting_lang.csv``, 229 validation losses, 5 decoder sizes (benchmark scale);
- ``Revisiting-NMT``: same file, 53 log-perplexities, 5 architectures without a parameter count (benchmark scale);
- ``Revisiting-BB``: same file, 430 BIG-bench errors of one 262M model, 10 task/shot pairs (benchmark scale).

13,833 rows in all. For fitting L(N, D) per family and "fit small, predict large" backtests select
``metric_kind == "loss"`` and one ``family`` (and for GPT-3 one ``metric``, ``val_loss`` or ``train_loss``).

Conversions and caveats
-----------------------
* OPT losses: upstream gives validation **perplexity** (Xia et al. 2022); ``value = ln(ppl)`` in nats/token.
  ``D = 10**num_token`` (upstream stores log10 tokens), rounded to whole tokens; it equals ``steps`` x the
  OPT batch size (0.5M/1M/2M/4M tokens) exactly. ``N`` is the nominal size from the name (125m -> 1.25e8);
  upstream's (log10) FLOP column equals 6 N D with that N. ``opt.csv`` holds 5 checkpoints without a loss
  (175b at steps 44000 and 64000; 30b at 6000, 18000, 34000); its BIG-bench scores are in percent upstream
  and are divided by 100 here.
* GPT-3 curves were digitised from a figure of Brown et al. (2020): upstream's ``step`` column is
  tokens seen in billions (``D = step x 1e9``), points are noisy and several share the same ``D``. Each raw
  row holds either ``train_loss`` or ``val_loss``; the empty half is not a row here (nothing is lost). ``N``
  comes from ``gpt3_metadata.xlsx`` (paper Table 2.1, e.g. "125M", "13.0B"), read with pandas/openpyxl.
* Revisiting (Alabdulmohsin et al. 2022 benchmark): ``value`` is upstream's ``Loss`` on the benchmark's own
  scale, **not** nats/token: every LM curve starts at exactly 0.999 (normalised), NMT is a rescaled
  log-perplexity, and BB values fall with training (error rates). Do not pool them with OPT/GPT-3 losses.
  ``examples`` is upstream's ``Seen Examples``; ``D`` repeats it for LM and BB (decoder LMs; ColPret treats
  it as tokens) and is missing for NMT (sentence pairs). ``N`` is the numeric ``Model`` value (LM), 262M
  (BB), missing for NMT (architecture names only). ``split`` carries upstream's ``Training`` flag
  (1 -> "fit", 0 -> "heldout"; presumably the benchmark's extrapolation split, undocumented in ColPret).
* **Dropped rows:** ``revisiting_lang.csv`` holds every LM row four times (916 rows, 229 distinct); the
  687 exact duplicate rows (identical in every column) are dropped. Nothing else is dropped.

``C`` is 6 N D wherever both are known.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from openpyxl.utils.exceptions import InvalidFileException

from .._schema import Column, DataFormatError, format_error, numeric_columns, read_csv

SOURCE = "colpret_subset"

DESCRIPTION = ("One row per (model family, model, training point, metric) from ColPret's OPT, GPT-3 and Revisiting "
               "files: parameters, steps, tokens seen, compute, and a loss (OPT/GPT-3 in nats/token) or a "
               "downstream score, with the metric's name and unit.")

COLUMNS = [
    Column("family", "str", "", "model family / scaled set: OPT, GPT-3, Revisiting-LM, Revisiting-NMT, Revisiting-BB"),
    Column("model", "str", "", "model name as upstream gives it (125m, small, 1.68e+07, '6 Enc, 6 Dec', 262M ...)"),
    Column("N", "float", "parameters", "parameters (nominal size from the name or paper table); missing for "
           "Revisiting-NMT", positive=True, nullable=True),
    Column("step", "float", "steps", "optimizer step (OPT only)", positive=True, nullable=True),
    Column("D", "float", "tokens", "tokens seen at this point; missing for Revisiting-NMT", positive=True,
           nullable=True),
    Column("examples", "float", "examples", "upstream 'Seen Examples' (Revisiting rows only)", positive=True,
           nullable=True),
    Column("C", "float", "FLOP", "training compute so far, 6 N D (where N and D are known)", positive=True,
           nullable=True),
    Column("metric_kind", "str", "", "'loss' (lower is better), 'accuracy' (higher is better) or 'error' "
           "(lower is better)"),
    Column("metric", "str", "", "val_loss / train_loss / log_perplexity, or the BIG-bench task "
           "(e.g. bigbench__implicatures, date/1-shot)"),
    Column("value", "float", "see unit", "the measurement, in the row's unit"),
    Column("unit", "str", "", "'nats/token', 'fraction', or 'benchmark' (Revisiting's own normalised scale)"),
    Column("split", "str", "", "Revisiting 'Training' flag: 'fit' (1) or 'heldout' (0); missing elsewhere",
           nullable=True),
    Column("file", "str", "", "upstream file the row comes from"),
]

_OPT_TRAJ = "aggregated_eval/opt_trajectories.csv"
_OPT_BB = "aggregated_eval/opt.csv"
_GPT3 = "raw_data/gpt3/extracted.csv"
_GPT3_META = "raw_data/gpt3/gpt3_metadata.xlsx"
_REVISITING = "aggregated_eval/revisiting_lang.csv"
_FILES = (_OPT_TRAJ, _OPT_BB, _GPT3, _GPT3_META, _REVISITING)
_BB_TASKS = ("bigbench__codelinedescription", "bigbench__humanorganssenses", "bigbench__implicatures",
             "bigbench__phraserelatedness", "bigbench__whatisthetao", "bigbench__swahilienglishproverbs")
_SUFFIX = {"": 1.0, "k": 1e3, "m": 1e6, "b": 1e9, "t": 1e12}
_SIZE_RE = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*([kmbt]?)\s*$", re.IGNORECASE)


def _size(text) -> float:
    """'125m' -> 1.25e8, '13.0B' -> 1.3e10, '1.68e+07' -> 1.68e7; anything else -> nan."""
    m = _SIZE_RE.match(str(text))
    return float(m[1]) * _SUFFIX[m[2].lower()] if m else np.nan


def _opt_losses(path):
    raw = read_csv(path, ["model_name", "model_size", "steps", "num_token", "ppl"], SOURCE)
    num = numeric_columns(raw, ["steps", "num_token", "ppl"], SOURCE, _OPT_TRAJ)
    if num["ppl"].isna().any() or (num["ppl"] < 1).any():
        raise format_error(SOURCE, _OPT_TRAJ, "'ppl' must be a perplexity >= 1 in every row")
    n = raw["model_size"].map(_size)
    if n.isna().any():
        raise format_error(SOURCE, _OPT_TRAJ,
                           f"unreadable model_size {raw.loc[n.isna(), 'model_size'].unique()[:3].tolist()}")
    return pd.DataFrame({"family": "OPT", "model": raw["model_size"].astype(str), "N": n, "step": num["steps"],
                         "D": np.rint(10.0 ** num["num_token"]), "metric_kind": "loss", "metric": "val_loss",
                         "value": np.log(num["ppl"]), "unit": "nats/token", "file": _OPT_TRAJ})


def _opt_bigbench(path):
    raw = read_csv(path, ["size", "steps", "tokens", *_BB_TASKS], SOURCE)
    num = numeric_columns(raw, ["steps", "tokens", *_BB_TASKS], SOURCE, _OPT_BB)
    n = raw["size"].map(_size)
    if n.isna().any():
        raise format_error(SOURCE, _OPT_BB, f"unreadable size {raw.loc[n.isna(), 'size'].unique()[:3].tolist()}")
    wide = pd.DataFrame({"model": raw["size"].astype(str), "N": n, "step": num["steps"], "D": num["tokens"],
                         **{t: num[t] / 100.0 for t in _BB_TASKS}})
    long = wide.melt(id_vars=["model", "N", "step", "D"], value_vars=list(_BB_TASKS), var_name="metric",
                     value_name="value")
    if long["value"].isna().any() or ((long["value"] < 0) | (long["value"] > 1)).any():
        raise format_error(SOURCE, _OPT_BB, "BIG-bench scores must be percentages in [0, 100]")
    return long.assign(family="OPT", metric_kind="accuracy", unit="fraction", file=_OPT_BB)


def _gpt3_sizes(path) -> dict[str, float]:
    """GPT-3 Table 2.1 (first worksheet, no header: name, parameters, ...): short model key -> parameters."""
    try:
        sheet = pd.read_excel(path, sheet_name=0, header=None, dtype=str, engine="openpyxl")
    except (zipfile.BadZipFile, InvalidFileException, ET.ParseError, KeyError, ValueError, OSError) as exc:
        raise format_error(SOURCE, _GPT3_META,
                           f"cannot read as an .xlsx workbook ({type(exc).__name__}: {exc})") from exc
    if sheet.shape[1] < 2:
        raise format_error(SOURCE, _GPT3_META, f"want model names and sizes in the first two columns; found "
                                               f"{sheet.shape[1]} column(s)")
    names, params = sheet[0], sheet[1]
    key = names.str.extract(r"^\s*GPT-3\s+(\S+)", expand=False)
    n = params.map(_size)
    bad = key.isna() | n.isna()
    if bad.any():
        raise format_error(SOURCE, _GPT3_META, f"unexpected row(s) {sheet.loc[bad, [0, 1]].values.tolist()[:3]} "
                                               "(want 'GPT-3 <size>', '<params>')")
    key = key.map(_size_key)
    if key.duplicated().any():
        raise format_error(SOURCE, _GPT3_META, f"model(s) {sorted(key[key.duplicated()].unique())} listed twice")
    return dict(zip(key, n))


def _size_key(text: str) -> str:
    """'XL' -> 'xl', '13B' / '13.0B' / '13b' -> '13b'."""
    n = _size(text)
    if np.isfinite(n) and n >= 1e9:
        return f"{n / 1e9:g}b"
    return text.strip().lower()


def _gpt3_losses(path, sizes):
    raw = read_csv(path, ["model", "step", "train_loss", "val_loss"], SOURCE)
    num = numeric_columns(raw, ["step", "train_loss", "val_loss"], SOURCE, _GPT3)
    both = num["train_loss"].notna() & num["val_loss"].notna()
    neither = num["train_loss"].isna() & num["val_loss"].isna()
    if both.any() or neither.any() or num["step"].isna().any():
        raise format_error(SOURCE, _GPT3, "every row must have a step and exactly one of train_loss / val_loss")
    key = raw["model"].astype(str).map(_size_key)
    n = key.map(sizes)
    if n.isna().any():
        raise format_error(SOURCE, _GPT3, f"model(s) {sorted(raw.loc[n.isna(), 'model'].unique())} are not in "
                                          f"{Path(_GPT3_META).name}")
    is_train = num["train_loss"].notna()
    return pd.DataFrame({"family": "GPT-3", "model": raw["model"].astype(str), "N": n, "step": np.nan,
                         "D": num["step"] * 1e9, "metric_kind": "loss",
                         "metric": np.where(is_train, "train_loss", "val_loss"),
                         "value": num["train_loss"].where(is_train, num["val_loss"]), "unit": "nats/token",
                         "file": _GPT3})


def _revisiting(path):
    raw = read_csv(path, ["Domain", "Task", "Model", "Seen Examples", "Loss", "Training"], SOURCE)
    raw = raw.drop_duplicates(ignore_index=True)  # LM rows appear four times upstream (see module docstring)
    num = numeric_columns(raw, ["Seen Examples", "Loss", "Training"], SOURCE, _REVISITING)
    domain = raw["Domain"].astype(str)
    unknown = sorted(set(domain) - {"LM", "NMT", "BB"})
    if unknown:
        raise format_error(SOURCE, _REVISITING, f"unexpected Domain value(s) {unknown}")
    if not num["Training"].isin([0.0, 1.0]).all():
        raise format_error(SOURCE, _REVISITING, "'Training' must be 0 or 1")
    n = raw["Model"].map(_size).where(domain != "NMT")
    if n[domain != "NMT"].isna().any():
        raise format_error(SOURCE, _REVISITING,
                           f"non-numeric Model {raw.loc[(domain != 'NMT') & n.isna(), 'Model'].unique()[:3]}")
    task = raw["Task"].astype(str).str.replace(r"^\('([^']*)', '([^']*)'\)$", r"\1/\2", regex=True)
    return pd.DataFrame({"family": "Revisiting-" + domain, "model": raw["Model"].astype(str), "N": n,
                         "step": np.nan, "D": num["Seen Examples"].where(domain != "NMT"),
                         "examples": num["Seen Examples"],
                         "metric_kind": np.where(domain == "BB", "error", "loss"), "metric": task,
                         "value": num["Loss"], "unit": "benchmark",
                         "split": np.where(num["Training"] == 1.0, "fit", "heldout"), "file": _REVISITING})


def parse(files):
    missing = [f for f in _FILES if f not in files]
    if missing:
        raise DataFormatError(f"{SOURCE}: raw file(s) {missing} are missing")
    table = pd.concat([_opt_losses(files[_OPT_TRAJ]), _opt_bigbench(files[_OPT_BB]),
                       _gpt3_losses(files[_GPT3], _gpt3_sizes(files[_GPT3_META])),
                       _revisiting(files[_REVISITING])], ignore_index=True)
    for col in ("examples", "split"):
        if col not in table:
            table[col] = np.nan
    losses = table["metric_kind"] == "loss"
    bad = losses & ~(np.isfinite(table["value"]) & (table["value"] > 0))
    if bad.any():
        raise DataFormatError(f"{SOURCE}: non-positive or missing loss values in {sorted(table.loc[bad, 'file'].unique())}")
    table["C"] = 6.0 * table["N"] * table["D"]
    return table[[c.name for c in COLUMNS]]
