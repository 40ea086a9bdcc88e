"""Every CSV parser stops on text in a numeric column with a message naming source, file, column and value."""
import csv
import re
import shutil
from pathlib import Path

import pytest

from scaling_lib import datasets
from scaling_lib.datasets import DataFormatError

# (source, raw CSV, numeric column) -- one per parser that reads CSV files
CASES = [
    ("chinchilla_epoch", "data/svg_extracted_data.csv", "Model Size"),
    ("chinchilla_model_params", "data/chinchilla_model_parameters.csv", "Total FFN Params"),
    ("misfitting_scaling", "data/scaling_results.csv", "N"),
    ("gadre_overtraining", "exp_data/eval_metadata.csv", "#shots"),
    ("colpret_subset", "aggregated_eval/opt_trajectories.csv", "ppl"),
    ("obsscaling", "eval_results/base_llm_benchmark_eval.csv", "MMLU"),
    ("ukp_on_emergence", "evaluation_scores.csv", "temperature"),
    ("inverse_scaling_naimenz", "results/QA-v1-gpt3/ada.csv", "logodds"),
    ("monkey_power_laws", "data/raw_data/gpt4_gsm8k/models_pythia.csv", "Tokens"),
    ("llmonkeys_digitized", "gemma2B.csv", "y"),
]


def _with_text_in_first_row(path: Path, column: str, text: str) -> None:
    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))
    position = [name.strip() for name in rows[0]].index(column)
    rows[1][position] = text
    with open(path, "w", newline="") as handle:
        csv.writer(handle).writerows(rows)


@pytest.mark.parametrize("name, rel, column", CASES, ids=[case[0] for case in CASES])
def test_text_in_a_numeric_column_names_source_file_column_and_value(name, rel, column, raw, tmp_path):
    files = raw.files(name)
    if name == "inverse_scaling_naimenz":  # one experiment is enough, and 40 times faster
        files = {key: path for key, path in files.items() if key.startswith("results/QA-v1-gpt3/")}
    files = {key: Path(shutil.copy(path, tmp_path / f"{i}-{Path(key).name}")) for i, (key, path)
             in enumerate(files.items())}
    _with_text_in_first_row(files[rel], column, "twelve")
    parser = datasets._parser(name)
    with pytest.raises(DataFormatError, match=rf"^{name}: (.*/)?{re.escape(Path(rel).name)}: column "
                                              rf"'{re.escape(column)}' must be numeric; found \['twelve'\]$"):
        parser.parse(files)
