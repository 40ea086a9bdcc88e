"""Checks of the gadre_overtraining and colpret_subset parsers against the fetched raw data."""
import io
import json
import math
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scaling_lib.datasets import DataFormatError
from scaling_lib.datasets.parsers import colpret_subset, gadre_overtraining


@pytest.fixture(scope="module")
def gadre(raw):
    return raw.load("gadre_overtraining")


@pytest.fixture(scope="module")
def colpret(raw):
    return raw.load("colpret_subset")


# --- gadre_overtraining -----------------------------------------------------------------------------------------

def test_gadre_runs_and_metric_counts(gadre):
    assert gadre["run"].nunique() == 104
    assert gadre.drop_duplicates("run")["dataset"].value_counts().to_dict() == {
        "rpj": 35, "rw_original": 35, "c4_original": 34}
    per_run = gadre.groupby(["run", "metric_kind"]).size().unstack()
    assert (per_run["loss"] == 8).all() and (per_run["accuracy"] == 46).all()
    assert len(gadre) == 104 * (8 + 46)
    assert set(gadre.loc[gadre.metric_kind == "loss", "metric"]) == {
        "openlm", "c4_val", "paloma_c4_en", "paloma_dolma_100_programing_languages", "paloma_falcon-refinedweb",
        "paloma_ptb", "paloma_redpajama", "de-en"}
    assert not gadre.duplicated(["run", "metric"]).any()


def test_gadre_sizes_tokens_compute(gadre):
    runs = gadre.drop_duplicates("run").set_index("run")
    assert set(runs.loc[runs.model == "d=96_l=8_h=4", "N"]) == {10_569_312}
    assert set(runs.loc[runs.model == "open_lm_7b", "N"]) == {6_889_410_560}
    assert set(runs["multiplier"].round(9)) == {5, 10, 20, 40, 80, 160, 320, 640}
    np.testing.assert_allclose(runs["C"], 6 * runs["N"] * runs["D"])
    assert runs.loc["rpj-open_lm_1b-32.0", "multiplier"] == 640


def test_gadre_spot_values_match_raw(gadre, raw):
    files = raw.files("gadre_overtraining")
    model = json.loads(files["exp_data/models/rpj-d=96_l=8_h=4-1.0.json"].read_text())
    c4 = next(r for r in model["results"] if "/c4_val/" in r["val_data"][0])
    row = gadre[(gadre.run == "rpj-d=96_l=8_h=4-1.0") & (gadre.metric == "c4_val")].iloc[0]
    assert row["value"] == c4["loss"] == pytest.approx(5.38702091510821)
    assert (row["lo95"], row["hi95"]) == (c4["loss_sequences_lower_95"], c4["loss_sequences_upper_95"])
    assert row["lo95"] < row["value"] < row["hi95"]
    assert row["D"] == 211_386_240 and row["multiplier"] == 20
    ev = json.loads(files["exp_data/evals/evaluation_rpj-d=96_l=8_h=4-1.0_heavy.json"].read_text())
    acc = gadre[(gadre.run == "rpj-d=96_l=8_h=4-1.0") & (gadre.metric == "piqa")].iloc[0]
    assert acc["metric_kind"] == "accuracy" and acc["value"] == ev["eval_metrics"]["icl"]["piqa"]
    assert acc["chance"] == 0.5 and acc["shots"] == 10 and math.isnan(acc["lo95"])


def test_gadre_fit_selection(gadre):
    c4 = gadre[gadre.metric == "c4_val"]
    assert len(c4) == 104 and c4["value"].between(1.5, 8).all()
    assert not c4.duplicated(["dataset", "N", "D"]).any()
    acc = gadre[gadre.metric_kind == "accuracy"]
    assert acc["value"].between(0, 1).all() and acc["chance"].notna().all()
    assert set(gadre_overtraining.UPSTREAM_SUBSET) <= set(acc["metric"])
    # bigger models at the same multiplier reach a lower c4_val loss
    m20 = c4[c4.multiplier == 20].sort_values("N")
    assert (m20.groupby("dataset")["value"].apply(lambda s: s.is_monotonic_decreasing)).all()


def _damaged(raw, name, key, tmp_path, damage):
    """The fetched files of ``name`` with ``key`` replaced by a copy whose bytes are ``damage(original)``."""
    files = dict(raw.files(name))
    broken = tmp_path / Path(key).name
    broken.write_bytes(damage(files[key].read_bytes()))
    files[key] = broken
    return files


def test_gadre_truncated_json_raises(raw, tmp_path):
    files = _damaged(raw, "gadre_overtraining", "exp_data/models/rpj-d=96_l=8_h=4-1.0.json", tmp_path,
                     lambda data: data[:500])
    with pytest.raises(DataFormatError, match=r"rpj-d=96_l=8_h=4-1\.0\.json"):
        gadre_overtraining.parse(files)


def test_gadre_missing_key_raises(raw, tmp_path):
    files = dict(raw.files("gadre_overtraining"))
    key = "exp_data/models/c4_original-open_lm_1b-1.0.json"
    model = json.loads(files[key].read_text())
    del model["hyperparameters"]["params"]
    files[key] = tmp_path / "c4_original-open_lm_1b-1.0.json"
    files[key].write_text(json.dumps(model))
    with pytest.raises(DataFormatError, match="c4_original-open_lm_1b-1.0.json"):
        gadre_overtraining.parse(files)


# --- colpret_subset ---------------------------------------------------------------------------------------------

def test_colpret_row_counts_per_file(colpret):
    counts = colpret.groupby(["family", "file"]).size().to_dict()
    assert counts == {
        ("OPT", "aggregated_eval/opt_trajectories.csv"): 142,
        ("OPT", "aggregated_eval/opt.csv"): 147 * 6,
        ("GPT-3", "raw_data/gpt3/extracted.csv"): 12_097,
        ("Revisiting-LM", "aggregated_eval/revisiting_lang.csv"): 229,   # 916 raw rows, each LM row 4x
        ("Revisiting-NMT", "aggregated_eval/revisiting_lang.csv"): 53,
        ("Revisiting-BB", "aggregated_eval/revisiting_lang.csv"): 430,
    }


def test_colpret_families_and_sizes(colpret):
    loss = colpret[colpret.metric_kind == "loss"]
    opt = loss[loss.family == "OPT"]
    assert sorted(opt["N"].unique()) == [1.25e8, 1.3e9, 6.7e9, 1.3e10, 3e10, 1.75e11]
    gpt3 = loss[loss.family == "GPT-3"]
    assert gpt3["model"].nunique() == 8
    assert dict(gpt3.drop_duplicates("model").set_index("model")["N"]) == {
        "small": 1.25e8, "medium": 3.5e8, "large": 7.6e8, "xl": 1.3e9, "2.7b": 2.7e9, "6.7b": 6.7e9,
        "13b": 1.3e10, "175b": 1.75e11}
    assert set(gpt3["metric"]) == {"train_loss", "val_loss"}
    assert gpt3["D"].between(9e9, 3.01e11).all()
    nmt = colpret[colpret.family == "Revisiting-NMT"]
    assert nmt["N"].isna().all() and nmt["D"].isna().all() and nmt["examples"].notna().all()
    assert set(colpret.loc[colpret.family.str.startswith("Revisiting"), "split"]) == {"fit", "heldout"}


def test_colpret_opt_conversions_match_raw(colpret, raw):
    files = raw.files("colpret_subset")
    first = pd.read_csv(files["aggregated_eval/opt_trajectories.csv"]).iloc[0]  # OPT 125m, step 2000
    row = colpret[(colpret.family == "OPT") & (colpret.metric_kind == "loss") & (colpret.model == "125m")
                  & (colpret.step == first["steps"])].iloc[0]
    assert row["value"] == pytest.approx(math.log(first["ppl"]))
    assert row["D"] == 1e9 == first["steps"] * 5e5
    assert row["C"] == pytest.approx(10 ** first["flops"], rel=1e-9)
    opt = colpret[(colpret.family == "OPT") & (colpret.metric_kind == "loss")]
    batch = {"125m": 5e5, "1.3b": 1e6, "6.7b": 2e6, "13b": 4e6, "30b": 4e6, "175b": 2e6}
    np.testing.assert_array_equal(opt["D"], opt["step"] * opt["model"].map(batch))
    bb = colpret[(colpret.family == "OPT") & (colpret.metric_kind == "accuracy")]
    assert bb["value"].between(0, 1).all() and bb["metric"].nunique() == 6


def test_colpret_fit_small_predict_large_selection(colpret):
    opt = colpret[(colpret.family == "OPT") & (colpret.metric_kind == "loss")]
    small, large = opt[opt.N < 1e10], opt[opt.N >= 1e11]
    assert small["model"].nunique() == 3 and large["model"].nunique() == 1
    assert (opt.groupby("model")["value"].apply(lambda s: s.iloc[-1] < s.iloc[0])).all()


def test_colpret_malformed_csv_raises(raw, tmp_path):
    files = _damaged(raw, "colpret_subset", "aggregated_eval/opt_trajectories.csv", tmp_path,
                     lambda data: b"model_name,model_size,steps,num_token\nOPT,125m,2000,9.0\n")  # no ppl column
    with pytest.raises(DataFormatError, match="opt_trajectories.csv"):
        colpret_subset.parse(files)


def _rewrite(workbook: bytes, member: str, edit) -> bytes:
    """``workbook`` with its zip member ``member`` replaced by ``edit(bytes)``, every other member unchanged."""
    source, out = zipfile.ZipFile(io.BytesIO(workbook)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, edit(data) if name == member else data)
    return out.getvalue()


_SHEET, _STRINGS = "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"


@pytest.mark.parametrize("damage", [
    lambda data: data[:1000],                                                 # not a zip any more
    lambda data: data[: len(data) - 10],                                      # zip directory cut off
    lambda data: _rewrite(data, _SHEET, lambda xml: xml[: len(xml) // 2]),    # worksheet XML cut in half
    lambda data: _rewrite(data, _SHEET, lambda xml: xml.replace(b"<v>12</v>", b"<v>twelve</v>", 1)),
    lambda data: _rewrite(data, _STRINGS, lambda xml: xml.replace(b">125M<", b">125 apples<")),
    lambda data: _rewrite(data, _STRINGS, lambda xml: xml.replace(b">GPT-3 Small<", b">GPT-3 XL<")),
], ids=["truncated", "no-zip-directory", "sheet-xml-cut", "text-in-number-cell", "unreadable-size", "model-twice"])
def test_colpret_bad_xlsx_raises(raw, tmp_path, damage):
    files = _damaged(raw, "colpret_subset", "raw_data/gpt3/gpt3_metadata.xlsx", tmp_path, damage)
    with pytest.raises(DataFormatError, match=r"^colpret_subset: (raw_data/gpt3/)?gpt3_metadata\.xlsx: "):
        colpret_subset.parse(files)


def test_colpret_gpt3_sizes_read_from_the_workbook(raw):
    sizes = colpret_subset._gpt3_sizes(raw.files("colpret_subset")["raw_data/gpt3/gpt3_metadata.xlsx"])
    assert sizes == {"small": 1.25e8, "medium": 3.5e8, "large": 7.6e8, "xl": 1.3e9, "2.7b": 2.7e9,
                     "6.7b": 6.7e9, "13b": 1.3e10, "175b": 1.75e11}
