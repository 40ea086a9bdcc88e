"""Selections of source tables, the data-tour overview, pass@k, and reading your own runs (synthetic tables).

The same functions on the real sources are checked in tests/datasets/test_analysis_on_sources.py.
"""
import inspect
import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from scaling_lib import analysis, datasets
from scaling_lib.analysis import (OVERVIEW_COVERAGE_K, OVERVIEW_SOURCES, chinchilla_points, colpret_loss_points,
                                  gadre_loss_points, misfitting_final_runs, overview_table, read_runs_csv)
from scaling_lib.datasets import DataFormatError, pass_at_k


def test_analysis_uses_only_the_public_datasets_api():
    assert "_schema" not in inspect.getsource(analysis)
    for name in ("read_csv", "validate_table", "pass_at_k", "Column", "DataFormatError"):
        assert name in datasets.__all__ and callable(getattr(datasets, name))


# --- chinchilla_points ----------------------------------------------------------------------------------------

CHIN = pd.DataFrame({"N": [1e8, 2e8, 3e8, 4e8], "D": [1e9] * 4, "loss": [3.0, 5.0, 2.5, 4.0]})


def test_chinchilla_points_drops_the_highest_losses():
    kept = chinchilla_points(CHIN, drop_highest=2)
    assert sorted(kept["loss"]) == [2.5, 3.0]
    assert chinchilla_points(CHIN, drop_highest=np.int64(1))["loss"].tolist() == [3.0, 2.5, 4.0]
    with pytest.raises(ValueError, match="drop_highest"):
        chinchilla_points(CHIN, drop_highest=4)


@pytest.mark.parametrize("value, kind", [(2.0, "float"), (1.5, "float"), (True, "bool"), ("2", "str")])
def test_chinchilla_points_refuses_a_non_integer_drop_highest(value, kind):
    with pytest.raises(TypeError, match=rf"drop_highest must be an int, got {kind} {value!r}"):
        chinchilla_points(CHIN, drop_highest=value)


# --- misfitting_final_runs, gadre_loss_points, colpret_loss_points --------------------------------------------

MISFIT = pd.DataFrame({
    "model": ["a", "a", "a", "a", "b", "b"],
    "N": [1e7, 1e7, 1e7, 1e7, 5e7, 5e7],
    "D": [2e8, 2e8, 2e8, 1e8, 4e8, 4e8],
    "C": [1.2e16, 1.2e16, 1.2e16, 6e15, 1.2e17, 1.2e17],
    "loss": [4.0, 3.5, 3.9, 5.0, 3.0, 2.0],
    "peak_lr": [1e-3, 2e-3, 4e-3, 1e-3, 1e-3, 1e-3],
    "final": [True, True, True, True, True, False],
    "step": [10, 10, 10, 5, 20, 10],
})


def test_misfitting_final_runs_keeps_the_best_learning_rate_per_model_and_tokens():
    best = misfitting_final_runs(MISFIT)
    assert list(best.columns) == ["model", "N", "D", "C", "loss", "peak_lr"]
    assert best[["model", "D", "loss", "peak_lr"]].values.tolist() == [
        ["a", 1e8, 5.0, 1e-3], ["a", 2e8, 3.5, 2e-3], ["b", 4e8, 3.0, 1e-3]]  # b's 2.0 is not final
    every = misfitting_final_runs(MISFIT, best_lr=False)
    assert len(every) == 5 and every["N"].is_monotonic_increasing
    with pytest.raises(ValueError, match=r"misfitting_final_runs needs column\(s\) \['final'\]"):
        misfitting_final_runs(MISFIT.drop(columns="final"))


GADRE = pd.DataFrame({
    "run": ["r1", "r1", "r2", "c1"], "dataset": ["rpj", "rpj", "rpj", "c4_original"],
    "metric_kind": ["loss", "loss", "loss", "loss"], "metric": ["c4_val", "paloma_ptb", "c4_val", "c4_val"],
    "N": [2e8, 2e8, 1e8, 1e8], "D": [4e9, 4e9, 2e9, 2e9], "C": [4.8e18, 4.8e18, 1.2e18, 1.2e18],
    "multiplier": [20.0, 20.0, 20.0, 20.0], "value": [3.1, 4.2, 3.4, 3.3],
})


def test_gadre_loss_points_selects_dataset_and_eval_set():
    points = gadre_loss_points(GADRE)
    assert list(points.columns) == ["run", "N", "D", "C", "multiplier", "loss"]
    assert points[["run", "loss"]].values.tolist() == [["r2", 3.4], ["r1", 3.1]]  # sorted by N
    assert gadre_loss_points(GADRE, eval_set="paloma_ptb")["loss"].tolist() == [4.2]
    assert gadre_loss_points(GADRE, dataset="c4_original")["run"].tolist() == ["c1"]
    with pytest.raises(ValueError, match=r"unknown training dataset 'rw'; choose from \['c4_original', 'rpj'\]"):
        gadre_loss_points(GADRE, dataset="rw")
    with pytest.raises(ValueError, match=r"no loss on eval set 'de-en'; choose from \['c4_val', 'paloma_ptb'\]"):
        gadre_loss_points(GADRE, eval_set="de-en")


COLPRET = pd.DataFrame({
    "family": ["OPT", "OPT", "OPT", "OPT", "GPT-3", "Revisiting-LM"],
    "model": ["125m", "125m", "1.3b", "125m", "small", "1.68e+07"],
    "metric_kind": ["loss", "loss", "loss", "accuracy", "loss", "loss"],
    "unit": ["nats/token", "nats/token", "nats/token", "fraction", "nats/token", "benchmark"],
    "N": [1.25e8, 1.25e8, 1.3e9, 1.25e8, 1.25e8, 1.68e7],
    "D": [1e9, 4e9, 2e9, 4e9, 1e10, 1e6],
    "value": [3.5, 3.0, 2.8, 0.4, 2.9, 0.9],
})


def test_colpret_loss_points_keeps_one_family_in_nats_per_token():
    points = colpret_loss_points(COLPRET)
    assert list(points.columns) == ["model", "N", "D", "loss", "C"]
    assert points[["model", "D", "loss"]].values.tolist() == [["125m", 1e9, 3.5], ["125m", 4e9, 3.0],
                                                              ["1.3b", 2e9, 2.8]]
    np.testing.assert_array_equal(points["C"], 6 * points["N"] * points["D"])
    assert colpret_loss_points(COLPRET, min_tokens=2e9)["D"].tolist() == [4e9, 2e9]
    assert colpret_loss_points(COLPRET, family="GPT-3")["loss"].tolist() == [2.9]
    with pytest.raises(ValueError, match=r"family 'Revisiting-LM'; families with losses: \['GPT-3', 'OPT'\]"):
        colpret_loss_points(COLPRET, family="Revisiting-LM")


# --- pass_at_k ---------------------------------------------------------------------------------------------------

def _exact_pass_at_k(n, c, k):
    return 1 - Fraction(math.comb(n - c, k), math.comb(n, k))


@pytest.mark.parametrize("n, c, k", [(1, 1, 1), (5, 2, 1), (10, 1, 5), (10, 3, 7), (10, 3, 8), (128, 1, 100),
                                     (10_000, 3, 100), (10_000, 122, 100), (10_000, 9_999, 10_000),
                                     (3_720_320, 5, 10_000)])
def test_pass_at_k_matches_the_exact_binomial_ratio(n, c, k):
    # log-gamma values near n ln(n) round to about 1e-16 n ln(n) each: the documented 1e-15 n ln(n) bound
    assert pass_at_k(n, c, k) == pytest.approx(float(_exact_pass_at_k(n, c, k)), rel=0,
                                               abs=1e-15 * n * math.log(n + 1))


def test_pass_at_k_is_exactly_zero_without_successes_and_one_when_certain():
    # log-gamma rounding alone would give +-1e-16 ... 3e-13 for some of these c = 0 cases, even negative ones
    zero = pass_at_k([3, 13, 1002, 10_000, 10_000, 128], 0, [1, 10, 1000, 1, 10_000, 100])
    assert zero.tolist() == [0.0] * 6
    assert pass_at_k([10, 10], [8, 10], [3, 1]).tolist() == [1.0, 1.0]
    assert pass_at_k(np.full((2, 3), 50), np.arange(6).reshape(2, 3), 10).shape == (2, 3)


# Bad counts are refused: tests/test_testtime_passk.py checks each message.


# --- overview_table ----------------------------------------------------------------------------------------------

def _monkeys(rows):
    """A monkey_power_laws-like table from (table, benchmark, model, N, n_samples, n_correct) rows."""
    frame = pd.DataFrame(rows, columns=["table", "benchmark", "model", "N", "n_samples", "n_correct"])
    return frame.astype({"n_samples": "Int64", "n_correct": "Int64"})


def test_overview_knows_every_registered_source():
    assert OVERVIEW_SOURCES == tuple(datasets.names())
    with pytest.raises(KeyError, match="no overview for source 'chinchilla'; known: " + ", ".join(OVERVIEW_SOURCES)):
        overview_table("chinchilla", CHIN)


def test_overview_refuses_the_table_of_another_source():
    with pytest.raises(ValueError, match=r"overview_table\('gadre_overtraining'\) needs the tidy table of "
                                         r"datasets.load\('gadre_overtraining'\).*lacks .*'metric'"):
        overview_table("gadre_overtraining", CHIN)
    loaded = CHIN.copy()
    loaded.attrs["source"] = "chinchilla_epoch"
    with pytest.raises(ValueError, match=r"got the table of 'chinchilla_epoch'"):
        overview_table("misfitting_scaling", loaded)
    with pytest.raises(ValueError, match=r"selected no rows"):
        overview_table("monkey_power_laws", _monkeys([("pythia_checkpoints", "MATH", "P_1B_2B", 1e9, 200, 3)]))


def test_overview_coverage_of_final_models_is_the_exact_pass_at_k_mean():
    k = OVERVIEW_COVERAGE_K
    assert k == 100
    table = _monkeys([
        ("llmonkeys", "MATH", "Pythia 1B", 1e9, 10_000, 0),
        ("llmonkeys", "MATH", "Pythia 1B", 1e9, 10_000, 3),
        ("llmonkeys", "MATH", "Pythia 1B", 1e9, 10_000, 9_950),
        ("llmonkeys", "MATH", "Pythia 70M", 7e7, 10_000, 0),
        ("llmonkeys", "MATH", "Pythia 70M", 7e7, 10_000, 1),
        ("pythia_checkpoints", "MATH", "Pythia_70M_2B", 7e7, 128, 128),     # not a final model: ignored
        ("bon_jailbreaking", "BoN jailbreaking (text)", "GPT4o", np.nan, 60, 5),
    ])
    out = overview_table("monkey_power_laws", table)
    assert list(out.columns) == ["N", "benchmark", "model", "coverage"]
    assert out[["N", "benchmark", "model"]].values.tolist() == [[7e7, "MATH", "Pythia 70M"], [1e9, "MATH", "Pythia 1B"]]
    expected_70m = (0 + _exact_pass_at_k(10_000, 1, k)) / 2
    expected_1b = (0 + _exact_pass_at_k(10_000, 3, k) + 1) / 3
    assert out["coverage"].tolist() == pytest.approx([float(expected_70m), float(expected_1b)], rel=0, abs=1e-11)
    zero = overview_table("monkey_power_laws", _monkeys([("llmonkeys", "MATH", "Pythia 70M", 7e7, 10_000, 0)]))
    assert zero["coverage"].tolist() == [0.0]


def test_overview_coverage_needs_at_least_k_samples_per_problem():
    table = _monkeys([("llmonkeys", "MATH", "Pythia 1B", 1e9, OVERVIEW_COVERAGE_K - 1, 3)])
    with pytest.raises(ValueError, match=r"k must be <= n"):
        overview_table("monkey_power_laws", table)


def test_overview_does_not_modify_its_input():
    table = _monkeys([("llmonkeys", "MATH", "Pythia 1B", 1e9, 10_000, 3)])
    before = table.copy()
    overview_table("monkey_power_laws", table)
    pd.testing.assert_frame_equal(table, before)
    runs = CHIN.assign(C=6 * CHIN["N"] * CHIN["D"])
    assert overview_table("chinchilla_epoch", runs).columns.tolist() == ["C", "loss", "N"]
    assert runs.columns.tolist() == ["N", "D", "loss", "C"]


# --- read_runs_csv -----------------------------------------------------------------------------------------------

def test_read_runs_csv_adds_compute(tmp_path):
    path = tmp_path / "runs.csv"
    path.write_text("N,D,loss,note\n1e8,2e9,3.1,a\n4e8,8e9,2.7,b\n")
    runs = read_runs_csv(path)
    assert list(runs.columns) == ["N", "D", "loss", "C"]
    assert runs["C"].tolist() == [6 * 1e8 * 2e9, 6 * 4e8 * 8e9]


@pytest.mark.parametrize("text, message", [
    ("N,loss\n1e8,3.1\n", r"lacks column\(s\) \['D'\]"),
    ("N,D,loss\n1e8,2e9,abc\n", "'loss' must be numeric"),
    ("N,D,loss\n1e8,-2e9,3.0\n", "'D' must be positive"),
    ("N,D,loss\n1e8,,3.0\n", "'D' has 1 missing"),
])
def test_read_runs_csv_rejects_bad_files(tmp_path, text, message):
    path = tmp_path / "runs.csv"
    path.write_text(text)
    with pytest.raises(DataFormatError, match=message):
        read_runs_csv(path)


def test_read_runs_csv_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such CSV"):
        read_runs_csv(tmp_path / "absent.csv")
