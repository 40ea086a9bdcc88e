"""Checks of the monkey_power_laws, llmonkeys_digitized and chinchilla_model_params parsers against the raw data."""
import csv
import shutil

import pytest

from scaling_lib import datasets
from scaling_lib.datasets import DataFormatError
from scaling_lib.datasets.parsers import chinchilla_model_params, llmonkeys_digitized, monkey_power_laws


@pytest.fixture(scope="module")
def monkeys(raw):
    return raw.load("monkey_power_laws")


@pytest.fixture(scope="module")
def digitized(raw):
    return raw.load("llmonkeys_digitized")


@pytest.fixture(scope="module")
def chin(raw):
    return raw.load("chinchilla_model_params")


def _copy_files(raw, name, tmp_path):
    """Copies of a source's raw files in tmp_path, keyed like fetch(), so one of them can be damaged."""
    files = {}
    for rel, path in raw.files(name).items():
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
        files[rel] = target
    return files


# --- monkey_power_laws ----------------------------------------------------------------------------------

def test_monkeys_counts(monkeys):
    sizes = monkeys.groupby(["table", "benchmark"]).size().to_dict()
    assert sizes[("llmonkeys", "MATH")] == 7 * 128                     # SOURCE.md: 7 models x 128 problems
    assert sizes[("bon_jailbreaking", "BoN jailbreaking (text)")] == 7 * 159
    assert sizes[("pythia_checkpoints", "GSM8K")] == 10273               # (checkpoint, problem) pairs
    assert sizes[("pythia_checkpoints", "MATH")] == 9097
    assert sizes[("gpt4_gsm8k_nll", "GSM8K")] == 9 * 1319
    assert len(monkeys) == 896 + 1113 + 10273 + 9097 + 11871
    ckpt = monkeys[monkeys["table"] == "pythia_checkpoints"]
    assert ckpt.loc[ckpt["benchmark"] == "GSM8K", "checkpoint"].nunique() == 81
    assert ckpt.loc[ckpt["benchmark"] == "MATH", "checkpoint"].nunique() == 72
    per_ckpt = ckpt.groupby(["benchmark", "checkpoint"]).size()
    assert per_ckpt[("GSM8K", "Pythia_12B_2M")] == 30 and per_ckpt[("MATH", "Pythia_12B_2M")] == 9
    assert per_ckpt[("GSM8K", "Pythia_410M_20B")] == 130
    # LLMonkeys: n = 10,000 for every problem; coverage at k = n is the fraction with c > 0 (SOURCE.md)
    llm = monkeys[monkeys["table"] == "llmonkeys"]
    assert (llm["n_samples"] == 10000).all()
    coverage = (llm["n_correct"] > 0).groupby(llm["model"]).mean()
    assert coverage["Pythia 70M"] == pytest.approx(0.266, abs=1e-3)
    assert coverage["Pythia 12B"] == pytest.approx(0.875, abs=1e-3)
    bon = monkeys[monkeys["table"] == "bon_jailbreaking"]
    assert bon["n_samples"].min() == 60 and bon["n_samples"].max() == 10020 and bon["n_correct"].max() == 44
    counted = monkeys[monkeys["table"] != "gpt4_gsm8k_nll"]
    assert counted["n_samples"].notna().all() and (counted["n_correct"] <= counted["n_samples"]).all()


def test_monkeys_spot_values(monkeys, raw):
    import pyarrow.parquet as pq
    files = raw.files("monkey_power_laws")
    upstream = pq.read_table(files["data/processed_data/large_language_monkeys_original_pass_at_k.parquet"]).to_pandas()
    first = upstream.iloc[0]
    assert (first["Model"], first["Problem Idx"], first["Num. Samples Correct"]) == ("Pythia 12B", 82, 122.0)
    row = monkeys[(monkeys["table"] == "llmonkeys") & (monkeys["model"] == "Pythia 12B") & (monkeys["problem"] == 82)]
    assert len(row) == 1
    assert row["n_samples"].iloc[0] == 10000 and row["n_correct"].iloc[0] == 122
    assert row["checkpoint"].iloc[0] == "Pythia_12B_300B" and row["N"].iloc[0] == 12e9 and row["D"].iloc[0] == 3e11

    upstream = pq.read_table(files["data/raw_data/large_language_monkeys/math_pass_at_k.parquet"]).to_pandas()
    first = upstream.iloc[0]      # Pythia_1.4B_200B, prompt 50, Level 4, n = 10112, c = 17
    row = monkeys[(monkeys["table"] == "pythia_checkpoints") & (monkeys["benchmark"] == "MATH")
                  & (monkeys["checkpoint"] == first["Model Nickname"]) & (monkeys["problem"] == first["prompt_idx"])]
    assert len(row) == 1
    assert row["n_samples"].iloc[0] == first["Num. Samples"] == 10112
    assert row["n_correct"].iloc[0] == first["Num. Samples Correct"] == 17
    assert row["level"].iloc[0] == first["Level"] == "Level 4"
    assert row["N"].iloc[0] == 1.4e9 and row["D"].iloc[0] == 2e11

    upstream = pq.read_table(files["data/processed_data/gpt4_gsm8k_neg_log_likelihood.parquet"]).to_pandas()
    first = upstream.iloc[0]      # Pythia_1.4B_300B, problem 0, NLL 52.03
    row = monkeys[(monkeys["table"] == "gpt4_gsm8k_nll") & (monkeys["model"] == first["Model"])
                  & (monkeys["problem"] == first["Problem Idx"])]
    assert row["nll"].iloc[0] == pytest.approx(52.030307, abs=1e-5) == first["Neg Log Score"]
    assert row["C"].iloc[0] == pytest.approx(first["Scaling Parameter"], rel=1e-9)


def test_monkeys_pass_at_k_recomputable(monkeys, raw):
    """Unbiased pass@k from (n, c) reproduces an upstream curve value (BoN, Llama 3 8B IT, prompt 1, k = 10)."""
    from math import comb

    import pyarrow.parquet as pq
    upstream = pq.read_table(raw.files("monkey_power_laws")["data/processed_data/bon_jailbreaking_pass_at_k.parquet"]
                             ).to_pandas()
    upstream = upstream[(upstream["Model"] == "Llama 3 8B IT") & (upstream["Problem Idx"] == 1)
                        & (upstream["Scaling Parameter"] == 10)]
    row = monkeys[(monkeys["table"] == "bon_jailbreaking") & (monkeys["model"] == "Llama 3 8B IT")
                  & (monkeys["problem"] == 1)]
    n, c = int(row["n_samples"].iloc[0]), int(row["n_correct"].iloc[0])
    assert 1 - comb(n - c, 10) / comb(n, 10) == pytest.approx(upstream["Score"].iloc[0], abs=1e-9)
    assert datasets.pass_at_k(n, c, 10) == pytest.approx(upstream["Score"].iloc[0], abs=1e-9)


def test_monkeys_truncated_parquet_raises(raw, tmp_path):
    files = _copy_files(raw, "monkey_power_laws", tmp_path)
    path = files["data/processed_data/bon_jailbreaking_pass_at_k.parquet"]
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataFormatError, match="bon_jailbreaking_pass_at_k.parquet"):
        monkey_power_laws.parse(files)


def test_monkeys_missing_csv_column_raises(raw, tmp_path):
    files = _copy_files(raw, "monkey_power_laws", tmp_path)
    path = files["data/raw_data/gpt4_gsm8k/models_pythia.csv"]
    lines = path.read_text().splitlines()
    path.write_text("\n".join(line.replace("Tokens", "Tokenz", 1) if i == 0 else line
                              for i, line in enumerate(lines)) + "\n")
    with pytest.raises(DataFormatError, match="models_pythia.csv"):
        monkey_power_laws.parse(files)


# --- llmonkeys_digitized --------------------------------------------------------------------------------

def test_digitized_counts(digitized):
    sizes = digitized.groupby("curve").size().to_dict()
    assert sizes == {"pythia28B": 31, "gemma2B": 25, "llama8BpassN": 112, "llama38Binstruct_oracle": 23,
                     "llama38Binstruct_maj": 17, "llama370Binstruct_oracle": 22, "llama370Binstruct_maj": 16}
    kinds = digitized.groupby("curve")["kind"].first()
    assert kinds["llama38Binstruct_maj"] == "majority_vote" and kinds["llama38Binstruct_oracle"] == "coverage"
    assert digitized["value"].between(0, 1).all() and (digitized["k"] > 0).all()
    for _, curve in digitized.groupby("curve"):
        assert curve["k"].is_monotonic_increasing
        assert sorted(curve["point"]) == list(range(len(curve)))


def test_digitized_spot_value(digitized, raw):
    with open(raw.files("llmonkeys_digitized")["pythia28B.csv"], newline="") as handle:
        rows = list(csv.reader(handle, skipinitialspace=True))
    assert rows[0] == ["x", "y"] and rows[1] == ["9913.32356818683", "0.8128272251308901"]
    point = digitized[(digitized["curve"] == "pythia28B") & (digitized["point"] == 0)]
    assert point["k"].iloc[0] == float(rows[1][0]) and point["value"].iloc[0] == float(rows[1][1])
    assert point["model"].iloc[0] == "Pythia-2.8B" and point["task"].iloc[0] == "MATH"
    # majority vote never beats coverage at the end of the Llama-3-8B-Instruct curves
    maj = digitized[digitized["curve"] == "llama38Binstruct_maj"]["value"].iloc[-1]
    ora = digitized[digitized["curve"] == "llama38Binstruct_oracle"]["value"].iloc[-1]
    assert maj < ora


def test_digitized_truncated_raises(raw, tmp_path):
    files = _copy_files(raw, "llmonkeys_digitized", tmp_path)
    path = files["gemma2B.csv"]
    text = path.read_text()
    path.write_text(text[: text.rindex(",") + 1])       # last row cut after "x,"
    with pytest.raises(DataFormatError, match="gemma2B.csv"):
        llmonkeys_digitized.parse(files)
    path.write_text("x\n1\n2\n")                          # y column missing
    with pytest.raises(DataFormatError, match="gemma2B.csv"):
        llmonkeys_digitized.parse(files)


# --- chinchilla_model_params ----------------------------------------------------------------------------

def test_chinchilla_params_counts_and_units(chin):
    assert chin.shape == (50, 21)                                           # SOURCE.md: 50 configs, 21 columns
    assert (chin["vocab_size"] == 32168).all()
    assert {c.unit for c in chinchilla_model_params.COLUMNS if c.name.startswith("params_")} == {"parameters"}
    assert chin["reported_params"].min() == 44e6 and chin["reported_params"].max() == 16183e6
    assert chin["relative_error_pct"].between(3, 16).all()


def test_chinchilla_params_spot_values(chin, raw):
    with open(raw.files("chinchilla_model_params")["data/chinchilla_model_parameters.csv"], newline="") as handle:
        rows = list(csv.DictReader(handle))
    last, table_last = rows[-1], chin.iloc[-1]
    assert int(last["d_model"]) == table_last["d_model"] == 5120
    assert int(last["n_layers"]) == table_last["n_layers"] == 47
    assert float(last["Reported Parameters (M)"]) * 1e6 == table_last["reported_params"] == 16183e6
    assert table_last["params_untied_gating_shared_kv"] == 18810552320.0     # 18810.55232 M
    assert table_last["relative_error_pct"] == pytest.approx(float(last["Relative Error (%)"]))
    assert int(rows[0]["Embedding Parameters"]) == chin["embedding_params"].iloc[0] == 16470016


def test_chinchilla_params_missing_column_raises(raw, tmp_path):
    files = _copy_files(raw, "chinchilla_model_params", tmp_path)
    path = files["data/chinchilla_model_parameters.csv"]
    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))
    drop = rows[0].index("Total Attn Params")
    with open(path, "w", newline="") as handle:
        csv.writer(handle).writerows([r[:drop] + r[drop + 1:] for r in rows])
    with pytest.raises(DataFormatError, match="chinchilla_model_parameters.csv"):
        chinchilla_model_params.parse(files)


def test_chinchilla_params_truncated_raises(raw, tmp_path):
    files = _copy_files(raw, "chinchilla_model_params", tmp_path)
    path = files["data/chinchilla_model_parameters.csv"]
    text = path.read_text()
    path.write_text(text[: len(text) - 40])             # last row cut short
    with pytest.raises(DataFormatError, match="chinchilla_model_parameters.csv"):
        chinchilla_model_params.parse(files)
