"""Checks of the pythia_evals and ukp_on_emergence parsers against the fetched raw data.

The malformed-file tests build their own raw files.
"""
import csv
import json
import math

import pytest

from scaling_lib.datasets import DataFormatError
from scaling_lib.datasets.parsers import pythia_evals, ukp_on_emergence


@pytest.fixture(scope="module")
def pythia(raw):
    return raw.load("pythia_evals")


@pytest.fixture(scope="module")
def ukp(raw):
    return raw.load("ukp_on_emergence")


# ---------------------------------------------------------------- pythia_evals

def test_pythia_models_checkpoints_tasks(pythia):
    assert pythia["model"].nunique() == 16
    assert sorted(pythia["size"].unique()) == sorted(pythia_evals.PARAMETERS)
    assert pythia.groupby("size")["deduped"].nunique().eq(2).all()
    assert pythia["file"].nunique() == 672
    per_shot = pythia.groupby("n_shot").agg(steps=("step", "nunique"), tasks=("task", "nunique"),
                                            files=("file", "nunique"))
    assert per_shot.loc[0].tolist() == [27, 87, 432]
    assert per_shot.loc[5].tolist() == [15, 65, 240]
    assert set(pythia.loc[pythia["n_shot"] == 5, "step"]) == {3000 + 10000 * i for i in range(15)}
    assert (pythia.groupby(["model", "n_shot"])["step"].nunique().unstack().to_numpy() == [27, 15]).all()
    # every (model, step, n_shot, task, metric) once; every metric has its stderr
    assert not pythia.duplicated(["model", "step", "n_shot", "task", "metric"]).any()
    assert pythia["stderr"].notna().all()
    assert len(pythia) == 105024


def test_pythia_step0_and_units(pythia):
    assert (pythia.loc[pythia["step"] == 0, "tokens"] == 0).all()
    assert pythia.loc[pythia["step"] == 0, "model"].nunique() == 16
    final = pythia[pythia["step"] == 143000]
    assert (final["tokens"] == 143000 * 2_097_152).all()
    assert pythia.loc[pythia["model"] == "pythia-12b-deduped", "N"].eq(11_846_072_320).all()
    assert pythia.loc[pythia["model"] == "pythia-70m", "N_no_emb"].eq(18_915_328).all()
    frac = pythia[pythia["metric"].isin(["acc", "acc_norm", "pct_stereotype"])]["value"]
    assert frac.between(0, 1).all()
    assert set(pythia.loc[pythia["metric"] == "ppl", "task"]) == {"lambada_openai"}
    assert set(pythia.loc[pythia["task"].str.startswith("hendrycksTest-"), "group"]) == {"mmlu"}


def test_pythia_spot_values_match_raw_files(pythia, raw):
    files = raw.files("pythia_evals")
    path = "evals/pythia-v1/pythia-410m/zero-shot/410m_step143000.json"
    upstream = json.loads(files[path].read_text())["results"]["lambada_openai"]
    row = pythia[(pythia["file"] == path) & (pythia["task"] == "lambada_openai") & (pythia["metric"] == "ppl")]
    assert len(row) == 1
    assert row["value"].iloc[0] == upstream["ppl"]
    assert row["stderr"].iloc[0] == upstream["ppl_stderr"]
    assert row[["model", "step", "n_shot", "deduped"]].iloc[0].tolist() == ["pythia-410m", 143000, 0, False]
    # a file named "...-5shot..." in zero-shot/ is a 0-shot run (config.num_fewshot = 0)
    odd = "evals/pythia-v1/pythia-1b-bf16/zero-shot/1b-bf16-5shot_step512.json"
    upstream = json.loads(files[odd].read_text())
    rows = pythia[pythia["file"] == odd]
    assert set(rows["n_shot"]) == {upstream["config"]["num_fewshot"]} == {0}
    assert set(rows["model"]) == {"pythia-1b"} and set(rows["step"]) == {512}
    piqa = rows[(rows["task"] == "piqa") & (rows["metric"] == "acc_norm")]["value"].iloc[0]
    assert piqa == upstream["results"]["piqa"]["acc_norm"]


def test_pythia_truncated_json_raises(tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps({
        "results": {"piqa": {"acc": 0.6, "acc_stderr": 0.01}}, "versions": {"piqa": 0},
        "config": {"model_args": "pretrained=EleutherAI/pythia-v1.1-70m,revision=step3000", "num_fewshot": 0}}))
    path = "evals/pythia-v1/pythia-70m/zero-shot/70m_step3000.json"
    table = pythia_evals.parse({path: good})
    assert table[["model", "step", "tokens", "value", "stderr"]].iloc[0].tolist() == [
        "pythia-70m", 3000, 3000 * 2_097_152, 0.6, 0.01]
    bad = tmp_path / "bad.json"
    bad.write_text(good.read_text()[:-20])
    with pytest.raises(DataFormatError, match="bad.json"):
        pythia_evals.parse({path: bad})
    # a revision that contradicts the file name is a structural error too
    wrong = tmp_path / "wrong.json"
    wrong.write_text(good.read_text().replace("step3000", "step13000"))
    with pytest.raises(DataFormatError, match="model_args"):
        pythia_evals.parse({path: wrong})


# ------------------------------------------------------------ ukp_on_emergence

def test_ukp_counts(ukp):
    assert ukp["model"].nunique() == 24
    assert ukp["task"].nunique() == 23
    assert ukp["run_id"].nunique() == 5052  # 5,055 upstream rows minus 3 exact duplicates
    assert not ukp.duplicated(["run_id", "metric"]).any()
    assert set(ukp["n_shot"]) == {0, 2, 4, 5}
    assert set(ukp["prompt_type"]) == {"closed", "closed-adv", "open"}
    assert (ukp["value"] != -100).all()
    # the three always-present metrics have one row per run
    for metric in ["exact_match_accuracy", "exact_match_f1", "edit_distance"]:
        assert (ukp["metric"] == metric).sum() == 5052
    assert set(ukp.loc[ukp["N"].isna(), "model"]) == {"text-davinci-001", "text-davinci-003", "gpt-4", "code"}
    assert ukp.loc[ukp["model"] == "davinci", "N"].eq(175e9).all()


def test_ukp_spot_value_matches_raw_file(ukp, raw):
    with open(raw.files("ukp_on_emergence")["evaluation_scores.csv"], newline="") as handle:
        first = next(csv.DictReader(handle))
    rows = ukp[ukp["run_id"] == first["run_id"]].set_index("metric")
    assert rows.loc["exact_match_accuracy", "value"] == float(first["exact_match_accuracy"])
    assert math.isclose(rows.loc["edit_distance", "value"], float(first["edit_distance"]))
    assert rows.loc["edit_distance", "task"] == first["filename"].split("/")[0]
    assert rows.loc["edit_distance", "seed"] == int(first["seed"])
    assert "exact_match_loss" not in rows.index  # -100 upstream


def test_ukp_malformed_csv_raises(tmp_path):
    bad = tmp_path / "evaluation_scores.csv"
    bad.write_text("run_id,filename,model\n20230524_123238,gsm8k/task.json,gpt2\n")
    with pytest.raises(DataFormatError, match="evaluation_scores.csv"):
        ukp_on_emergence.parse({"evaluation_scores.csv": bad})
