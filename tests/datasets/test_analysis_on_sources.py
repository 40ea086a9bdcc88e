"""scaling_lib.analysis on the real tidy tables: the selections the notebooks fit and the data tour shows."""
import math
from fractions import Fraction

import numpy as np
import pytest

from scaling_lib import datasets
from scaling_lib.analysis import (OVERVIEW_COVERAGE_K, chinchilla_points, colpret_loss_points, gadre_loss_points,
                                  misfitting_final_runs, overview_table)


def test_chinchilla_points_drops_the_five_largest_models_of_the_lowest_isoflop(raw):
    table = raw.load("chinchilla_epoch")
    kept = chinchilla_points(table)
    dropped = table.nlargest(5, "loss").sort_values("N")
    assert kept.equals(table.drop(index=dropped.index).reset_index(drop=True))
    # as the docstring says: N = 2.0e9 ... 6.8e9 at C = 9.2e18 ... 1.0e19, 0.04-0.4 tokens per parameter
    np.testing.assert_allclose(dropped["N"], [2.0e9, 2.3e9, 2.6e9, 3.0e9, 6.8e9], rtol=0.02)
    assert dropped["C"].between(9.2e18, 1.0e19).all()
    assert (dropped["D"] / dropped["N"]).between(0.03, 0.41).all()
    np.testing.assert_allclose(dropped["loss"].agg(["min", "max"]), [3.45, 5.01], atol=0.005)
    assert kept["loss"].max() < 3.41 and kept["loss"].min() > 2.07
    assert dropped["N"].min() > table["N"].median()                     # not the smallest runs


def test_misfitting_final_runs_one_best_run_per_model_and_tokens(raw):
    table = raw.load("misfitting_scaling")
    best = misfitting_final_runs(table)
    final = table[table["final"]]
    assert len(best) == final.groupby(["model", "D"]).ngroups == 81
    assert not best.duplicated(["model", "D"]).any()
    lowest = final.groupby(["model", "D"])["loss"].min()
    np.testing.assert_array_equal(best["loss"], lowest.loc[list(zip(best["model"], best["D"]))])
    assert len(misfitting_final_runs(table, best_lr=False)) == len(final) == 261
    assert best["N"].is_monotonic_increasing


def test_gadre_loss_points_one_row_per_run(raw):
    table = raw.load("gadre_overtraining")
    rpj = gadre_loss_points(table)
    assert len(rpj) == 35 and rpj["run"].is_unique and rpj["run"].str.startswith("rpj-").all()
    assert set(rpj["multiplier"].round(6)) == {5, 10, 20, 40, 80, 160, 320, 640}
    expected = table[(table["run"] == "rpj-open_lm_1b-32.0") & (table["metric"] == "c4_val")]["value"].iloc[0]
    assert rpj.set_index("run").loc["rpj-open_lm_1b-32.0", "loss"] == expected
    assert len(gadre_loss_points(table, "c4_original", "paloma_ptb")) == 34


def test_colpret_loss_points_per_family(raw):
    table = raw.load("colpret_subset")
    opt = colpret_loss_points(table)
    assert len(opt) == 142 and opt["model"].nunique() == 6
    assert len(colpret_loss_points(table, "GPT-3")) == 12_097
    late = colpret_loss_points(table, min_tokens=1e10)
    assert len(late) == 131 and late["D"].min() >= 1e10
    np.testing.assert_allclose(opt["C"], 6 * opt["N"] * opt["D"])


# What each source's overview holds: its columns and number of rows.
OVERVIEWS = {
    "chinchilla_epoch": (["C", "loss", "N"], 245),
    "chinchilla_model_params": (["reported_params", "relative_error_pct"], 50),
    "misfitting_scaling": (["D", "loss", "N"], 4852),
    "gadre_overtraining": (["C", "value", "multiplier"], 104),                # one c4_val loss per run
    "colpret_subset": (["D", "value", "N"], 142 + 12_097),                     # OPT and GPT-3 losses
    "pythia_evals": (["tokens", "value", "N"], 8 * 26),                        # 8 sizes x 26 steps after 0
    "obsscaling": (["C", "value"], 123),
    "ukp_on_emergence": (["N", "value"], 20),                                  # the 20 models of known size
    "inverse_scaling_naimenz": (["N", "loss", "experiment"], 189),
    "monkey_power_laws": (["N", "benchmark", "model", "coverage"], 7),        # the 7 final Pythia models
    "llmonkeys_digitized": (["k", "value", "curve"], 246),
}


@pytest.mark.parametrize("name", datasets.names())
def test_overview_of_every_source(name, raw):
    table = raw.load(name)
    columns, rows = OVERVIEWS[name]
    view = overview_table(name, table)
    assert list(view.columns) == columns and len(view) == rows
    assert view.notna().all().all()
    assert (view[columns[0]] > 0).all()   # x is a scale (FLOP, tokens, parameters, samples) on a log axis


def test_overview_selections_match_the_tables(raw):
    gadre = raw.load("gadre_overtraining")
    view = overview_table("gadre_overtraining", gadre)
    assert sorted(view["value"]) == sorted(gadre.loc[gadre["metric"] == "c4_val", "value"])
    pythia = overview_table("pythia_evals", raw.load("pythia_evals"))
    assert pythia["value"].between(0, 1).all() and pythia["tokens"].min() == 2_097_152   # step 1
    ukp = raw.load("ukp_on_emergence")
    gpt2 = ukp[(ukp["model"] == "gpt2") & (ukp["metric"] == "exact_match_accuracy")]["value"].mean()
    assert gpt2 in set(overview_table("ukp_on_emergence", ukp)["value"])
    colpret = overview_table("colpret_subset", raw.load("colpret_subset"))
    assert colpret["value"].between(1.5, 12).all()   # nats/token, no benchmark-scale Revisiting values


def test_overview_coverage_of_final_pythia_models(raw):
    table = raw.load("monkey_power_laws")
    view = overview_table("monkey_power_laws", table)
    assert view["benchmark"].eq("MATH").all() and view["N"].is_monotonic_increasing
    assert view["model"].tolist() == ["Pythia 70M", "Pythia 160M", "Pythia 410M", "Pythia 1B", "Pythia 2.8B",
                                      "Pythia 6.9B", "Pythia 12B"]
    assert view["coverage"].is_monotonic_increasing
    final = table[table["table"] == "llmonkeys"]
    # coverage at k = 100 stays below the fraction of problems solved at least once in all n = 10,000 samples
    solved = (final["n_correct"] > 0).groupby(final["model"]).mean()
    assert (view.set_index("model")["coverage"] < solved.loc[view["model"]]).all()
    for model in ("Pythia 70M", "Pythia 2.8B"):
        rows = final[final["model"] == model]
        k = OVERVIEW_COVERAGE_K
        exact = sum(1 - Fraction(math.comb(int(n) - int(c), k), math.comb(int(n), k))
                    for n, c in zip(rows["n_samples"], rows["n_correct"])) / len(rows)
        got = view.loc[view["model"] == model, "coverage"].iloc[0]
        assert got == pytest.approx(float(exact), rel=0, abs=1e-10)
    assert view.loc[view["model"] == "Pythia 70M", "coverage"].iloc[0] == pytest.approx(0.0361, abs=1e-4)
