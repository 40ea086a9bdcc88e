"""Smoke tests of every public plotting function: it draws, axes carry units, scales sit on log axes,
and empty input fails with a ValueError naming the function."""
import dataclasses
import os

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.container import ErrorbarContainer

from scaling_lib import analysis, datasets, fit_chinchilla, plotting
from scaling_lib.allocation import compute_optimal, isoflop_fit
from scaling_lib.backtest import backtest
from scaling_lib.laws import Chinchilla

matplotlib.use("Agg")

TRUE = dict(E=1.8, A=500.0, B=2000.0, alpha=0.34, beta=0.37)
BUDGETS = np.array([1e19, 1e20, 1e21])  # FLOP
SOURCES = ("chinchilla_epoch", "llmonkeys_digitized", "monkey_power_laws")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def runs():
    """Synthetic runs of the Chinchilla law with 0.3 % noise: N (parameters), D (tokens), loss (nats/token)."""
    rng = np.random.default_rng(0)
    N = np.exp(rng.uniform(np.log(3e7), np.log(3e10), 60))
    D = N * np.exp(rng.uniform(np.log(5), np.log(300), 60))
    return N, D, Chinchilla().predict(TRUE, N, D) * np.exp(rng.normal(0, 0.003, 60))


@pytest.fixture(scope="module")
def fit(runs):
    return fit_chinchilla(*runs, n_bootstrap=8, seed=0)


@pytest.fixture(scope="module")
def isoflop(fit):
    """Approach 2 on noiseless IsoFLOP profiles of the true law, seven sizes around each optimum."""
    n_opt = compute_optimal(fit, BUDGETS)["N_opt"].to_numpy()
    N = (n_opt[:, None] * np.geomspace(0.2, 5, 7)).ravel()
    C = np.repeat(BUDGETS, 7)
    return isoflop_fit(N, C, Chinchilla().predict(TRUE, N, C / (6 * N)), budgets=BUDGETS, n_bootstrap=8)


@pytest.fixture(scope="module")
def backtests(runs):
    """Backtests fitted below 3e9 parameters, with and without bootstrap (hence intervals)."""
    N, D, loss = runs
    with_bootstrap = backtest(Chinchilla(), (N, D), loss, N < 3e9, n_bootstrap=8)
    without = backtest(Chinchilla(), (N, D), loss, N < 3e9, n_bootstrap=0)
    return {"with bootstrap": with_bootstrap, "without bootstrap": without}


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    """Real tables of a few small sources, loaded from the offline mirror into a private cache."""
    if not os.environ.get(datasets.MIRROR_ENV):
        pytest.skip(f"{datasets.MIRROR_ENV} is not set: no offline data mirror to load the sources from")
    cache = tmp_path_factory.mktemp("cache")
    try:
        return {name: datasets.load(name, cache_dir=cache) for name in SOURCES}
    except datasets.FetchError as exc:
        pytest.skip(f"cannot load the sources from the mirror: {exc}")


def test_set_style_applies_the_theme_only_when_called():
    with matplotlib.rc_context():
        plotting.set_style()
        assert matplotlib.rcParams["savefig.dpi"] == 150
        assert matplotlib.rcParams["axes.grid"]


def test_loss_scatter(runs):
    N, D, loss = runs
    ax = plotting.loss_scatter(N, 6 * N * D, loss)
    assert ax.collections and ax.get_xscale() == "log"
    assert "(FLOP)" in ax.get_xlabel() and "(nats/token)" in ax.get_ylabel()
    colorbar = ax.figure.axes[-1]
    assert "parameters" in colorbar.get_ylabel() and colorbar.get_yscale() == "log"
    with pytest.raises(ValueError, match="loss_scatter: .*empty"):
        plotting.loss_scatter([], [], [])
    with pytest.raises(ValueError, match="loss_scatter: .*one shape"):
        plotting.loss_scatter(N, D[:3], loss)


def test_fit_curves(fit, runs):
    ax = plotting.fit_curves(fit, *runs, n_curves=4)
    assert len(ax.lines) == 4 and ax.collections and ax.get_legend() is not None
    assert ax.get_xscale() == "log" and "tokens" in ax.get_xlabel() and "(nats/token)" in ax.get_ylabel()
    with pytest.raises(ValueError, match="fit_curves: .*empty"):
        plotting.fit_curves(fit, [], [], [])


def test_allocation_curve_with_bootstrap_band_and_isoflop(fit, isoflop):
    table = compute_optimal(fit, np.geomspace(1e19, 1e24, 20))
    ax = plotting.allocation_curve(table, isoflop=isoflop, marker_budget=1e22)
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert "(FLOP)" in ax.get_xlabel() and "parameters" in ax.get_ylabel()
    assert sum(isinstance(c, PolyCollection) for c in ax.collections) == 2  # both bootstrap bands
    assert any("IsoFLOP" in t.get_text() for t in ax.get_legend().get_texts())


def test_allocation_curve_without_bootstrap_draws_no_band(runs):
    table = compute_optimal(fit_chinchilla(*runs), np.geomspace(1e19, 1e24, 5))
    ax = plotting.allocation_curve(table)
    assert ax.lines and not any(isinstance(c, PolyCollection) for c in ax.collections)
    assert not any("interval" in t.get_text() for t in ax.get_legend().get_texts())


def test_allocation_curve_rejects_empty_and_foreign_tables(fit):
    table = compute_optimal(fit, BUDGETS)
    with pytest.raises(ValueError, match="allocation_curve: .*empty"):
        plotting.allocation_curve(table.iloc[:0])
    with pytest.raises(ValueError, match=r"allocation_curve: .*\['N_low'\]"):
        plotting.allocation_curve(table.drop(columns="N_low"))


def test_backtest_scatter_with_intervals(backtests):
    ax = plotting.backtest_scatter(backtests["with bootstrap"])
    assert any(isinstance(c, ErrorbarContainer) for c in ax.containers)
    assert "(nats/token)" in ax.get_xlabel() and "(nats/token)" in ax.get_ylabel()
    assert "coverage" in ax.get_title() and "%" in ax.get_title().split("coverage")[-1]


def test_backtest_scatter_without_intervals_says_coverage_na(backtests):
    result = backtests["without bootstrap"]
    assert np.isnan(result.coverage)
    ax = plotting.backtest_scatter(result)
    assert "coverage n/a" in ax.get_title()
    assert len(ax.lines[0].get_xdata()) == len(result.table)
    assert not any(isinstance(c, ErrorbarContainer) for c in ax.containers)


def test_backtest_scatter_rejects_a_backtest_without_rows(backtests):
    result = backtests["with bootstrap"]
    with pytest.raises(ValueError, match="backtest_scatter: .*no held-out rows"):
        plotting.backtest_scatter(dataclasses.replace(result, table=result.table.iloc[:0]))


def test_backtest_panels(backtests):
    fig = plotting.backtest_panels(backtests)
    assert [ax.get_title().split("\n")[0] for ax in fig.axes] == list(backtests)
    with pytest.raises(ValueError, match="backtest_panels: .*empty"):
        plotting.backtest_panels({})


def test_bootstrap_params(fit):
    reference = {"truth": TRUE, "exponents only": {"alpha": 0.3}}
    axes = plotting.bootstrap_params(fit, ("E", "alpha", "beta"), reference=reference)
    assert len(axes) == 3 and all(ax.patches for ax in axes)
    assert "(nats/token)" in axes[0].get_xlabel() and "bootstrap draws" in axes[0].get_ylabel()
    assert len(axes[1].lines) == 3 and len(axes[2].lines) == 2  # this fit + references holding the name
    assert [t.get_text() for t in axes[0].get_legend().get_texts()] == ["this fit", "truth", "exponents only"]


def test_bootstrap_params_rejects_fits_without_draws_and_unknown_names(fit, runs):
    with pytest.raises(ValueError, match="bootstrap_params: .*no bootstrap draws"):
        plotting.bootstrap_params(fit_chinchilla(*runs))
    with pytest.raises(ValueError, match=r"bootstrap_params: .*\['gamma'\]"):
        plotting.bootstrap_params(fit, ("gamma",))
    with pytest.raises(ValueError, match="bootstrap_params: no parameter names"):
        plotting.bootstrap_params(fit, ())


def test_tour_covers_every_registered_source():
    assert set(plotting.TOUR) == set(datasets.names())


@pytest.mark.parametrize("name", SOURCES)
def test_source_overview(tables, name):
    ax = plotting.source_overview(name, tables[name])
    view = plotting.TOUR[name]
    assert ax.collections or ax.lines
    assert ax.get_xscale() == "log"
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == (view.x_label, view.y_label, view.title)


def test_monkeys_overview_states_k_and_estimator(tables):
    ax = plotting.source_overview("monkey_power_laws", tables["monkey_power_laws"])
    assert f"k = {analysis.OVERVIEW_COVERAGE_K} samples" in ax.get_ylabel() and "pass@k" in ax.get_ylabel()
    assert "parameters" in ax.get_xlabel()
    assert ax.get_legend().get_title().get_text() == "benchmark"


def test_source_overview_rejects_empty_tables_and_unknown_sources(tables):
    with pytest.raises(ValueError, match="source_overview: .*'chinchilla_epoch' is empty"):
        plotting.source_overview("chinchilla_epoch", tables["chinchilla_epoch"].iloc[:0])
    with pytest.raises(KeyError, match="no overview for source 'nonesuch'"):
        plotting.source_overview("nonesuch", tables["chinchilla_epoch"])


def test_source_overviews_one_panel_per_source_in_order(tables):
    fig = plotting.source_overviews(tables, n_cols=2)
    titles = [ax.get_title() for ax in fig.axes if ax.get_visible() and ax.get_title()]
    assert titles == [plotting.TOUR[name].title for name in tables]
    assert sum(not ax.get_visible() for ax in fig.axes) == 1  # 2 x 2 grid, 3 sources
    with pytest.raises(ValueError, match="source_overviews: .*empty"):
        plotting.source_overviews({})
