"""Checks of the obsscaling and inverse_scaling_naimenz parsers against the fetched raw files."""
import csv
import shutil
from pathlib import Path

import pytest

from scaling_lib.datasets import DataFormatError
from scaling_lib.datasets.parsers import inverse_scaling_naimenz, obsscaling


@pytest.fixture(scope="module")
def obs(raw):
    return raw.load("obsscaling")


@pytest.fixture(scope="module")
def inv(raw):
    return raw.load("inverse_scaling_naimenz")


# --- obsscaling -----------------------------------------------------------------------------------------

def test_obsscaling_counts(obs):
    base = obs[obs["table"] == "base_benchmark"]
    assert base["model"].nunique() == 148                     # SOURCE.md: 148 base models
    assert base["model_family"].nunique() == 47               # ... in 47 families
    assert len(base) == 148 * 8 - 40                          # 8 benchmarks, 40 empty cells
    assert obs.loc[obs["in_sub_10b"], "model"].nunique() == 92
    assert obs.loc[obs["table"] == "base_emergent", "model"].nunique() == 84
    assert obs.loc[obs["table"] == "base_leaderboard_v2", "model"].nunique() == 72
    assert obs.loc[obs["table"] == "base_post_training", "benchmark"].nunique() == 234
    assert obs.loc[obs["instruct"], "model"].nunique() == 27
    assert len(obs) == 20524
    frac = obs[obs["value_unit"] == "fraction"]["value"]
    assert frac.between(0, 1).all()


def test_obsscaling_spot_values(obs, raw):
    with open(raw.files("obsscaling")["eval_results/base_llm_benchmark_eval.csv"], newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["Model"] == "meta-llama/Llama-2-7b-hf")
    got = obs[(obs["table"] == "base_benchmark") & (obs["model"] == "meta-llama/Llama-2-7b-hf")]
    mmlu = got.loc[got["benchmark"] == "MMLU"].iloc[0]
    assert mmlu["value"] == pytest.approx(float(row["MMLU"]))
    assert mmlu["N"] == pytest.approx(float(row["Model Size (B)"]) * 1e9)
    assert mmlu["D"] == pytest.approx(float(row["Pretraining Data Size (T)"]) * 1e12)
    assert mmlu["C"] == pytest.approx(float(row["FLOPs (1E21)"]) * 1e21)
    assert mmlu["C"] == pytest.approx(6 * mmlu["N"] * mmlu["D"])

    # test-time compute pair: maj@5 vs first sample, parsed into task / shots / filter
    maj = obs[(obs["model"] == "meta-llama/Llama-2-7b-hf") & (obs["filter"] == "maj@5")].iloc[0]
    assert (maj["task"], maj["n_shot"], maj["metric"]) == ("gsm8k_cot_self_consistency", 8, "exact_match")
    assert maj["value"] == pytest.approx(0.144)

    # AgentBench percentages are divided by 100; the overall score is not a percentage
    with open(raw.files("obsscaling")["eval_results/instruct_llm_agent_eval.csv"], newline="") as handle:
        agent = next(r for r in csv.DictReader(handle) if r["Model"] == "gpt-4-0613")
    gpt4 = obs[(obs["table"] == "instruct_agent") & (obs["model"] == "gpt-4-0613")].set_index("benchmark")
    assert gpt4.loc["ABench-Code_OS", "value"] == pytest.approx(float(agent["ABench-Code_OS"]) / 100)
    assert gpt4.loc["ABench-OA", "value"] == pytest.approx(float(agent["ABench-OA"]))
    assert gpt4.loc["ABench-OA", "value_unit"] == "score"


def test_obsscaling_malformed_raises(raw, tmp_path):
    files = raw.files("obsscaling")
    files = {rel: shutil.copy(path, tmp_path / Path(rel).name) for rel, path in files.items()}
    files = {rel: Path(p) for rel, p in files.items()}
    bad = files["eval_results/base_llm_benchmark_eval.csv"]
    lines = bad.read_text().splitlines()
    bad.write_text("\n".join([lines[0].replace("MMLU", "MMLU_renamed")] + lines[1:]) + "\n")
    with pytest.raises(DataFormatError, match="base_llm_benchmark_eval.csv"):
        obsscaling.parse(files)
    bad.write_text(lines[0] + "\n" + lines[1] + "\n" + '"meta-llama/Llama-2-13b-hf,Llama-2,13\n')
    with pytest.raises(DataFormatError, match="base_llm_benchmark_eval.csv"):
        obsscaling.parse(files)


# --- inverse_scaling_naimenz ------------------------------------------------------------------------------

def test_inverse_counts(inv):
    assert inv["experiment"].nunique() == 74
    # 279 result files, 4 of them empty upstream
    assert inv.groupby(["experiment", "model"]).ngroups == 275
    # 415,168 data lines minus 25,081 blank-score rows (documented in the parser)
    assert len(inv) == 390_087
    assert (inv["N"] > 0).all()
    assert not inv.duplicated(["experiment", "model", "example"]).any()
    dice = inv[inv["experiment"] == "dice-0shot-gpt2"]
    assert dice.groupby("model")["example"].agg(["size", "max"]).eq([1560, 1559]).all().all()
    snli = inv[(inv["experiment"] == "snli-gpt2") & (inv["model"] == "gpt2-xl")]
    assert len(snli) == 10_000 and snli["correct"].isna().all()


def test_inverse_spot_values(inv, raw):
    rel = "results/2022-03-09T15:59:55_escher/davinci.csv"
    with open(raw.files("inverse_scaling_naimenz")[rel], newline="") as handle:
        upstream = {int(r["index"]): float(r["loss"]) for r in csv.DictReader(handle)}
    got = inv[(inv["experiment"] == "2022-03-09T15:59:55_escher") & (inv["model"] == "davinci")]
    assert len(got) == len(upstream) == 18
    assert dict(zip(got["example"], got["loss"])) == pytest.approx(upstream)
    assert got["N"].iloc[0] == 175e9 and got["dataset"].iloc[0] == "escher"

    # SOURCE.md: QA-v1-reversed-gpt3 accuracy falls from 0.475 (ada) to 0.250 (davinci)
    acc = inv[inv["experiment"] == "QA-v1-reversed-gpt3"].groupby("model")["correct"].mean()
    assert acc["ada"] == pytest.approx(0.475) and acc["davinci"] == pytest.approx(0.25)
    qa = inv[inv["experiment"] == "QA-v1-reversed-gpt3"]
    assert (qa["metric"] == "logodds").all() and qa["task_type"].eq("QA").all()
    # the combined folder copies the per-family folders byte for byte
    assert inv.loc[inv["experiment"] == "QA-v0-gpt3", "duplicate_of"].eq("QA-v0-combined").all()


def test_inverse_malformed_raises(raw, tmp_path):
    files = raw.files("inverse_scaling_naimenz")
    keep = {rel: path for rel, path in files.items() if rel.startswith("results/QA-v1-gpt3/")}
    copied = {}
    for rel, path in keep.items():
        copied[rel] = tmp_path / Path(rel).name
        shutil.copy(path, copied[rel])
    assert len(inverse_scaling_naimenz.parse(copied)) == 4 * 80

    bad = copied["results/QA-v1-gpt3/ada.csv"]
    original = bad.read_text()
    bad.write_text(original.replace("index,logodds,", "index,logodd,", 1))
    with pytest.raises(DataFormatError, match="ada.csv"):
        inverse_scaling_naimenz.parse(copied)
    bad.write_text(original.replace("\n1,", "\nx,", 1))
    with pytest.raises(DataFormatError, match="ada.csv"):
        inverse_scaling_naimenz.parse(copied)
    bad.write_text(original)
    log = copied["results/QA-v1-gpt3/args.log"]
    log.write_text(log.read_text()[:-5])
    with pytest.raises(DataFormatError, match="args.log"):
        inverse_scaling_naimenz.parse(copied)
