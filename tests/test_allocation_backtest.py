"""Compute-optimal allocation, IsoFLOP Approach 2, backtests and the widget fallback."""
import matplotlib
import numpy as np
import pytest

import pandas as pd

from scaling_lib import fit, fit_chinchilla
from scaling_lib.allocation import (ProportionalCost, allocation_exponent, compute_optimal, describe_allocation,
                                    isoflop_fit)
from scaling_lib.backtest import BacktestDesign, backtest, run_backtests
from scaling_lib.laws import Chinchilla, OverTraining, PowerLaw
from scaling_lib.widgets import allocation_explorer, has_front_end

matplotlib.use("Agg")
TRUE = dict(E=1.8, A=500.0, B=2000.0, alpha=0.34, beta=0.37)


def grid(seed=0, noise=0.003, n=80):
    rng = np.random.default_rng(seed)
    N = np.exp(rng.uniform(np.log(3e7), np.log(3e10), n))
    D = N * np.exp(rng.uniform(np.log(5), np.log(300), n))
    return N, D, Chinchilla().predict(TRUE, N, D) * np.exp(rng.normal(0, noise, n))


class SixND:
    """C = 6 N D written as a generic cost model, to exercise the numeric path."""

    def tokens(self, N, C):
        return np.asarray(C) / (6.0 * np.asarray(N))


def test_closed_form_allocation_matches_numeric_minimisation():
    N, D, loss = grid()
    result = fit_chinchilla(N, D, loss, n_bootstrap=8, seed=1)
    budgets = [1e21, 1e24]
    closed = compute_optimal(result, budgets)
    numeric = compute_optimal(result, budgets, cost=SixND())
    np.testing.assert_allclose(numeric[["N_opt", "D_opt", "N_low", "N_high"]],
                               closed[["N_opt", "D_opt", "N_low", "N_high"]], rtol=1e-5)
    assert np.all(closed["N_low"] <= closed["N_opt"]) and np.all(closed["N_opt"] <= closed["N_high"])
    np.testing.assert_allclose(closed["tokens_per_param"], closed["D_opt"] / closed["N_opt"])


def test_allocation_of_the_true_law_follows_the_known_exponent():
    budgets = np.array([1e20, 1e24])
    a = TRUE["beta"] / (TRUE["alpha"] + TRUE["beta"])
    result = fit_chinchilla(*grid(noise=1e-4))
    n_opt = compute_optimal(result, budgets)["N_opt"].to_numpy()
    assert np.log(n_opt[1] / n_opt[0]) / np.log(1e4) == pytest.approx(a, abs=0.01)


def test_other_cost_models_shift_the_optimum():
    result = fit_chinchilla(*grid())
    six = compute_optimal(result, [1e23])["N_opt"].iloc[0]
    eight = compute_optimal(result, [1e23], cost=ProportionalCost(8.0))["N_opt"].iloc[0]
    assert eight < six  # each token costs more, so the same budget buys a smaller model


def test_allocation_rejects_laws_of_other_inputs_and_bad_budgets():
    x = np.geomspace(1e6, 1e10, 20)
    one_d = fit(PowerLaw(), (x,), 2 + 30 * x ** -0.3)
    with pytest.raises(ValueError, match="law of \\(N, D\\)"):
        compute_optimal(one_d, [1e21])
    with pytest.raises(ValueError, match="positive"):
        compute_optimal(fit_chinchilla(*grid()), [1e21, -1.0])


def test_isoflop_recovers_the_allocation_exponent():
    law, budgets = Chinchilla(), np.array([1e18, 1e19, 1e20, 1e21, 1e22])
    C = np.repeat(budgets, 9)
    N = np.concatenate([np.geomspace(0.2, 5, 9) * np.exp(np.log(b / 6) * 0.5) for b in budgets])
    loss = law.predict(TRUE, N, C / (6 * N))
    result = isoflop_fit(N, C, loss, budgets=budgets, n_bootstrap=20, seed=0)
    assert result.exponent.value == pytest.approx(TRUE["beta"] / (TRUE["alpha"] + TRUE["beta"]), abs=0.02)
    assert len(result.draws) == 20


def test_isoflop_n_opt_follows_its_power_law_with_intervals():
    law, budgets = Chinchilla(), np.array([1e18, 1e19, 1e20, 1e21, 1e22])
    C = np.repeat(budgets, 9)
    N = np.concatenate([np.geomspace(0.2, 5, 9) * np.exp(np.log(b / 6) * 0.5) for b in budgets])
    loss = law.predict(TRUE, N, C / (6 * N)) * np.exp(np.random.default_rng(0).normal(0, 0.002, C.size))
    result = isoflop_fit(N, C, loss, budgets=budgets, n_bootstrap=30, seed=0)
    at = np.array([1e20, 1e24])
    est = result.n_opt(at)
    np.testing.assert_allclose(est.value, np.exp(result.log_prefactor.value) * at ** result.exponent.value)
    assert np.all(est.low < est.value) and np.all(est.value < est.high)
    # Extrapolating four decades past the budgets widens the interval.
    assert (est.high[1] / est.low[1]) > (est.high[0] / est.low[0])
    assert len(result.draws) + result.n_dropped == 30


@pytest.mark.parametrize("option, message", [
    (dict(n_bootstrap=1), "n_bootstrap"), (dict(n_bootstrap=2.5), "n_bootstrap"), (dict(n_bootstrap=-1), "n_bootstrap"),
    (dict(level=1.5), "level"), (dict(level=0), "level"), (dict(budgets=[1e19, -1e20]), "budgets"),
    (dict(budgets=[1e19]), "budgets"), (dict(budgets=[1e19, 1e19]), "distinct"),
    (dict(tolerance_decades=0), "tolerance_decades"),
])
def test_isoflop_rejects_bad_options(option, message):
    with pytest.raises(ValueError, match=message):
        isoflop_fit([1e8, 2e8, 4e8], [1e19, 1e19, 1e19], [3.0, 2.9, 3.0], **option)


def test_allocation_exponent_is_beta_over_alpha_plus_beta():
    result = fit_chinchilla(*grid(), n_bootstrap=10, seed=0)
    est = allocation_exponent(result)
    p = result.params
    assert est.value == pytest.approx(p["beta"] / (p["alpha"] + p["beta"]))
    draws = result.bootstrap
    np.testing.assert_allclose(est.se, (draws["beta"] / (draws["alpha"] + draws["beta"])).std(ddof=1))
    with pytest.raises(ValueError, match="exponents alpha and beta"):
        x = np.geomspace(1e6, 1e10, 20)
        allocation_exponent(fit(PowerLaw(), x, 2 + 30 * x ** -0.3))


class FixedTokens:
    """A cost model whose token count does not fall with N: the loss falls with N without end."""

    def tokens(self, N, C):
        return np.full(np.shape(N), 1e12)


def test_numeric_allocation_refuses_an_optimum_at_the_edge_of_its_search():
    result = fit_chinchilla(*grid())
    with pytest.raises(ValueError, match="no interior compute-optimal N at C = 1e\\+21"):
        compute_optimal(result, [1e21], cost=FixedTokens())


def test_allocation_refuses_an_unfinished_fit_and_warns_on_a_flagged_one():
    N, D, loss = grid()
    with pytest.warns(RuntimeWarning):
        unfinished = fit_chinchilla(N, D, loss, maxiter=2)
    assert unfinished.status == "max_iterations"
    with pytest.raises(ValueError, match="iteration limit"):
        compute_optimal(unfinished, [1e21])
    narrow = N < 1e8
    with pytest.warns(RuntimeWarning):
        flagged = fit_chinchilla(N[narrow], D[narrow], loss[narrow])
    if flagged.status != "converged":
        with pytest.warns(RuntimeWarning, match=f"status '{flagged.status}'"):
            compute_optimal(flagged, [1e21])


def test_describe_allocation_states_the_intervals():
    row = compute_optimal(fit_chinchilla(*grid(), n_bootstrap=8, seed=0), [1e23]).iloc[0]
    text = describe_allocation(row)
    assert text.startswith("C = 1e+23 FLOP: N_opt = ")
    assert f"{row.tokens_per_param:.1f} ({row.tokens_per_param_low:.1f} to {row.tokens_per_param_high:.1f})" in text


def test_isoflop_needs_profiles():
    with pytest.raises(ValueError, match="at least two budgets"):
        isoflop_fit([1e8, 2e8], [1e19, 1e19], [3.0, 2.9])


def test_backtest_scores_held_out_points():
    N, D, loss = grid(noise=0.005)
    train = N < 3e9
    result = backtest(Chinchilla(), (N, D), loss, train, n_bootstrap=30, seed=0)
    table = result.table
    assert len(table) == (~train).sum() and result.n_train == train.sum()
    np.testing.assert_allclose(table["abs_rel_error"], np.abs(table["predicted"] - table["actual"]) / table["actual"])
    assert result.mean_abs_rel_error < 0.02
    assert result.coverage >= 0.8
    assert set(result.summary()) >= {"mean_abs_rel_error", "coverage", "fit_status"}


def test_backtest_without_bootstrap_has_no_coverage_rather_than_zero():
    N, D, loss = grid(noise=0.005)
    result = backtest(Chinchilla(), (N, D), loss, N < 3e9, n_bootstrap=0)
    assert np.isnan(result.coverage) and np.isnan(result.median_relative_width)
    assert result.table["covered"].isna().all()
    assert result.mean_abs_rel_error < 0.02  # the point forecast is still scored


def test_backtest_takes_inputs_as_a_list():
    N, D, loss = grid()
    as_list = backtest(Chinchilla(), [N, D], loss, N < 3e9, n_bootstrap=4)
    as_tuple = backtest(Chinchilla(), (N, D), loss, N < 3e9, n_bootstrap=4)
    pd.testing.assert_frame_equal(as_list.table, as_tuple.table)
    with pytest.raises(ValueError, match="expected 2 input arrays"):
        backtest(Chinchilla(), [N], loss, N < 3e9)


def test_run_backtests_reports_statuses_and_resamples():
    N, D, loss = grid()
    runs = pd.DataFrame({"N": N, "D": D, "loss": loss, "model": np.arange(N.size) // 2})
    designs = {"free": BacktestDesign(Chinchilla(), runs, runs["N"] < 3e9),
               "clustered": BacktestDesign(OverTraining(), runs, runs["N"] < 3e9, group="model"),
               "unfinished": BacktestDesign(Chinchilla(), runs, runs["N"] < 3e9)}
    results, summary = run_backtests(designs, n_bootstrap=6, seed=0, maxiter=3)
    assert list(summary.index) == list(designs)
    assert {"fit_status", "resamples_used", "resamples_dropped", "resamples_at_bound", "warnings"} <= set(summary)
    row = summary.loc["unfinished"]
    assert row["fit_status"] == "max_iterations"
    assert row["resamples_used"] + row["resamples_dropped"] == 6 and row["resamples_dropped"] > 0
    assert row["warnings"] >= 2  # the fit's status and the dropped resamples, kept with the result
    assert any("left out of the intervals" in w for w in results["unfinished"].warnings)
    for name, result in results.items():
        assert summary.loc[name, "mean_abs_rel_error"] == result.mean_abs_rel_error
    with pytest.raises(TypeError, match="BacktestDesign"):
        run_backtests({"tuple": (Chinchilla(), runs, runs["N"] < 3e9)})


def test_backtest_with_the_over_training_law_and_bad_masks():
    N, D, loss = grid()
    assert backtest(OverTraining(), (N, D), loss, N < 3e9, n_bootstrap=5).table["covered"].dtype == "boolean"
    with pytest.raises(ValueError, match="boolean mask"):
        backtest(Chinchilla(), (N, D), loss, (N < 3e9).astype(int))
    with pytest.raises(ValueError, match="hold out"):
        backtest(Chinchilla(), (N, D), loss, np.ones(N.size, bool))


def test_explorer_draws_a_static_figure_without_front_end(monkeypatch, capsys):
    import matplotlib.pyplot as plt

    monkeypatch.delenv("SCALING_LIB_HEADLESS", raising=False)
    assert not has_front_end()
    result = fit_chinchilla(*grid(), n_bootstrap=8, seed=0)
    plt.close("all")
    table = allocation_explorer(result, budget=1e23, budgets=np.geomspace(1e19, 1e25, 7))
    assert len(table) == 7
    assert "tokens per parameter" in capsys.readouterr().out
    [number] = plt.get_fignums()  # one static figure, no widget
    assert "1e+23 FLOP" in plt.figure(number).axes[0].get_title()
    plt.close("all")
    monkeypatch.setenv("SCALING_LIB_HEADLESS", "0")
    assert has_front_end()
