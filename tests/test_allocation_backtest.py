"""Compute-optimal allocation, IsoFLOP Approach 2, backtests and the widget fallback."""
import matplotlib
import numpy as np
import pytest

from scaling_lib import fit, fit_chinchilla
from scaling_lib.allocation import ProportionalCost, compute_optimal, isoflop_fit
from scaling_lib.backtest import backtest
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
    assert result.a.value == pytest.approx(TRUE["beta"] / (TRUE["alpha"] + TRUE["beta"]), abs=0.02)
    assert len(result.draws) == 20


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


def test_backtest_with_the_over_training_law_and_bad_masks():
    N, D, loss = grid()
    assert backtest(OverTraining(), (N, D), loss, N < 3e9, n_bootstrap=5).table["covered"].dtype == bool
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
