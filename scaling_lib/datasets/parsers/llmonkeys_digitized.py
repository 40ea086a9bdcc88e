"""Coverage and majority-vote curves digitised from Large Language Monkeys (Brown et al. 2024) by Ellis-Mohr et al.

Seven two-column CSVs (header ``x, y``, a space after the comma, no final newline), one curve each:
x = number of samples k (continuous, read off a log axis), y = fraction of problems solved. One row
per (curve, point); rows are sorted by k within each curve (upstream files are partly unsorted), and
``point`` keeps each point's 0-based position in its raw file. No row is dropped; ``llama8BpassN.csv``
holds one repeated k (kept). Values are digitised (precision of a few 1e-3; k slightly below 1 occurs).

Identification of curves follows the mirror's SOURCE.md: only ``pythia28B.csv`` has been checked
(against coverage recomputed from per-problem counts of Large Language Monkeys, MATH); the task of the
other curves is not labelled upstream and is left null (``note`` says what is likely). ``kind`` is
``coverage`` (pass@k, i.e. success with an oracle verifier) or ``majority_vote`` (accuracy of the
majority answer among k samples).
"""
import pandas as pd

from .._schema import Column, DataFormatError, numeric_columns, read_csv

DESCRIPTION = ("Coverage (pass@k / oracle verifier) and majority-vote accuracy vs number of samples k, digitised "
               "from Large Language Monkeys figures: one row per (curve, point), with the curve's model, task "
               "(where known) and kind.")

COLUMNS = [
    Column("curve", "str", "", "upstream file name without .csv (e.g. llama38Binstruct_maj)"),
    Column("model", "str", "", "model of the curve (e.g. Llama-3-8B-Instruct)"),
    Column("task", "str", "", "benchmark, where verified (MATH for the Pythia-2.8B curve); null if unlabelled "
           "upstream", nullable=True),
    Column("kind", "str", "", "coverage (pass@k, oracle verifier) or majority_vote"),
    Column("note", "str", "", "how the curve was identified, and what is uncertain"),
    Column("point", "int", "", "0-based position of the point in the raw file"),
    Column("k", "float", "samples", "number of samples per problem, digitised (continuous)", positive=True),
    Column("value", "float", "fraction", "fraction of problems solved (coverage or majority-vote accuracy)"),
]

_SOURCE = "llmonkeys_digitized"

# file -> (model, task, kind, note)
_CURVES = {
    "pythia28B.csv": ("Pythia-2.8B", "MATH", "coverage",
                      "Large Language Monkeys MATH subset; agrees within 0.003 with coverage recomputed from "
                      "per-problem counts (monkey_power_laws, table llmonkeys)"),
    "gemma2B.csv": ("Gemma-2B", None, "coverage", "benchmark not labelled upstream; likely MATH (LLMonkeys Fig. 3)"),
    "llama8BpassN.csv": ("Llama-3-8B", None, "coverage",
                         "benchmark and base/instruct not labelled upstream; pass@1 ~ 0.147"),
    "llama38Binstruct_oracle.csv": ("Llama-3-8B-Instruct", None, "coverage",
                                    "oracle-verifier success; benchmark not labelled upstream, pass@1 ~ 0.266 "
                                    "consistent with MATH"),
    "llama38Binstruct_maj.csv": ("Llama-3-8B-Instruct", None, "majority_vote",
                                 "majority vote, same setting as llama38Binstruct_oracle"),
    "llama370Binstruct_oracle.csv": ("Llama-3-70B-Instruct", None, "coverage",
                                     "oracle-verifier success; benchmark not labelled upstream, pass@1 ~ 0.477"),
    "llama370Binstruct_maj.csv": ("Llama-3-70B-Instruct", None, "majority_vote",
                                  "majority vote, same setting as llama370Binstruct_oracle"),
}


def parse(files):
    parts = []
    for name, (model, task, kind, note) in _CURVES.items():
        raw = read_csv(files[name], ["x", "y"], _SOURCE, skipinitialspace=True)
        if len(raw.columns) != 2:
            raise DataFormatError(f"{_SOURCE}: {name} should have exactly the columns x, y; found {list(raw.columns)}")
        num = numeric_columns(raw, ["x", "y"], _SOURCE, name, nullable=False)
        k, value = num["x"], num["y"]
        if ((value < 0) | (value > 1)).any():
            raise DataFormatError(f"{_SOURCE}: {name}: y must be a fraction in [0, 1]; found "
                                  f"{value[(value < 0) | (value > 1)].tolist()[:3]}")
        curve = pd.DataFrame({"curve": name[:-4], "model": model, "task": task, "kind": kind, "note": note,
                              "point": range(len(raw)), "k": k.astype(float), "value": value.astype(float)})
        parts.append(curve.sort_values("k", kind="stable"))
    return pd.concat(parts, ignore_index=True)
