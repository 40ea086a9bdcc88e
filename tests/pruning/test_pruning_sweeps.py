"""Pruning sweeps: determinism over n_jobs and a Dask cluster, resuming, input checks, summaries, scaling fits."""
import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from scaling_lib.environment import HEADLESS_ENV
from scaling_lib.pruning import sweeps
from scaling_lib.pruning.data import digits
from scaling_lib.pruning.models import make_model
from scaling_lib.pruning.sweeps import COLUMNS, SweepResult, compare_metrics_scaling, fit_error_scaling, sweep

GRID = dict(sizes=[100, 200, 400], keep_fractions=[0.5, 1.0], metrics=["random", "el2n"], seeds=[0, 1])
N_CELLS = 3 * 2 * 2 * 2


@pytest.fixture(scope="module")
def dataset():
    return digits(test_fraction=0.25, seed=0)


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("scores")


@pytest.fixture(scope="module")
def reference(dataset, cache_dir):
    return sweep(dataset, **GRID, cache_dir=cache_dir, n_jobs=1, progress=False)


class CountingModel:
    """An estimator that logs each fit (its seed and training examples) and raises after ``limit`` fits, as an
    interrupted sweep would."""

    def __init__(self, estimator, log, limit):
        self.estimator, self.log, self.limit = estimator, log, limit

    def fit(self, X, y):
        if len(self.log) == self.limit:
            raise RuntimeError("interrupted")
        self.log.append((self.estimator.random_state, frozenset(map(bytes, X))))
        self.estimator.fit(X, y)
        return self

    def predict(self, X):
        return self.estimator.predict(X)


def n_trainings(cells):
    """Models a sweep trains for ``cells``: one per pruned cell, one per (size, seed) for the unpruned ones."""
    return (sum(fraction < 1 for _, fraction, _, _ in cells)
            + len({(size, seed) for size, fraction, _, seed in cells if fraction == 1}))


def all_cells(grid):
    return [(size, fraction, metric, seed) for size in grid["sizes"] for fraction in grid["keep_fractions"]
            for metric in grid["metrics"] for seed in grid["seeds"]]


def counting_factory(monkeypatch, limit=None):
    log = []
    monkeypatch.setattr(sweeps, "make_model", lambda *a, **k: CountingModel(make_model(*a, **k), log, limit))
    return log


# -- the table ------------------------------------------------------------------------------------

def test_table_has_one_row_per_cell(reference, dataset):
    table = reference.table
    assert list(table.columns) == list(COLUMNS) and len(table) == N_CELLS
    assert not table.duplicated(["size", "keep_fraction", "metric", "seed"]).any()
    assert (table["n_kept"] == (table["size"] * table["keep_fraction"]).round()).all()
    full = table[table["keep_fraction"] == 1.0].pivot_table(index=["size", "seed"], columns="metric",
                                                            values="test_error")
    assert (full["random"] == full["el2n"]).all()
    assert table["test_error"].between(0, 1).all()
    assert reference.settings["dataset"] == dataset.key


def test_subsets_are_paired_across_metrics_and_nested_across_sizes(dataset, cache_dir, monkeypatch):
    log = counting_factory(monkeypatch)
    sweep(dataset, **GRID, cache_dir=cache_dir, progress=False)
    for seed in GRID["seeds"]:
        sets = [examples for model_seed, examples in log if model_seed == seed]
        largest = [s for s in sets if len(s) == 400]  # only the unpruned subset of size 400 has 400 examples
        assert len(largest) == 1 and all(s <= largest[0] for s in sets)
        # Both metrics prune the size-100 subset to 50 examples: one unpruned 100-example set holds them both.
        halves = [s for s in sets if len(s) == 50]
        assert len(halves) == 2 and halves[0] != halves[1]
        assert any(halves[0] | halves[1] <= s for s in sets if len(s) == 100)


def test_unpruned_model_is_trained_once_for_all_metrics(dataset, cache_dir, monkeypatch):
    log = counting_factory(monkeypatch)
    sweep(dataset, **GRID, cache_dir=cache_dir, progress=False)
    assert len(log) == N_CELLS - 3 * 2 == n_trainings(all_cells(GRID))  # 3 sizes x 2 seeds shared


def test_same_table_for_one_and_two_jobs(reference, dataset, cache_dir):
    parallel = sweep(dataset, **GRID, cache_dir=cache_dir, n_jobs=2, progress=False)
    pd.testing.assert_frame_equal(parallel.table, reference.table, check_exact=True)


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_dask_cluster_gives_identical_table(reference, dataset, cache_dir, dask_client):
    import joblib
    from distributed import get_task_stream

    with get_task_stream(dask_client) as tasks, joblib.parallel_config(backend="dask"):
        on_cluster = sweep(dataset, **GRID, cache_dir=cache_dir, n_jobs=-1, progress=False)
    assert len(tasks.data) > 0  # the models were trained on the cluster's workers
    pd.testing.assert_frame_equal(on_cluster.table, reference.table, check_exact=True)


# -- resuming ---------------------------------------------------------------------------------------

def test_interrupted_sweep_resumes_with_only_missing_cells(reference, dataset, cache_dir, tmp_path, monkeypatch):
    path = tmp_path / "cells.json"
    first = counting_factory(monkeypatch, limit=5)
    with pytest.raises(RuntimeError, match="interrupted"):
        sweep(dataset, **GRID, cache_dir=cache_dir, results_path=path, progress=False)
    assert [p.name for p in tmp_path.iterdir()] == ["cells.json"]  # no temporary file left behind
    saved = {tuple(cell[:4]) for cell in json.loads(path.read_text())["cells"]}
    assert 0 < n_trainings(saved) <= len(first) < n_trainings(all_cells(GRID))
    second = counting_factory(monkeypatch)
    resumed = sweep(dataset, **GRID, cache_dir=cache_dir, results_path=path, progress=False)
    assert len(second) == n_trainings(set(all_cells(GRID)) - saved)
    pd.testing.assert_frame_equal(resumed.table, reference.table, check_exact=True)
    third = counting_factory(monkeypatch)
    again = sweep(dataset, **GRID, cache_dir=cache_dir, results_path=path, progress=False)
    assert third == []
    pd.testing.assert_frame_equal(again.table, reference.table, check_exact=True)


def test_rerun_with_a_larger_grid_trains_only_new_cells(reference, dataset, cache_dir, tmp_path, monkeypatch):
    path = tmp_path / "cells.json"
    sweep(dataset, **{**GRID, "seeds": [0]}, cache_dir=cache_dir, results_path=path, progress=False)
    log = counting_factory(monkeypatch)
    grown = sweep(dataset, **GRID, cache_dir=cache_dir, results_path=path, n_jobs=1, progress=False)
    assert len(log) == n_trainings(all_cells(GRID)) // 2
    pd.testing.assert_frame_equal(grown.table, reference.table, check_exact=True)


@pytest.mark.parametrize("change, named", [({"C": 0.5}, "model_settings"), ({"keep": "easy"}, "keep"),
                                           ({"score_seed": 1}, "score_seed"), ({"model": "mlp"}, "model")])
def test_results_file_of_other_settings_is_refused(dataset, cache_dir, tmp_path, change, named):
    path = tmp_path / "cells.json"
    small = dict(sizes=[100], keep_fractions=[1.0], metrics=["random"], seeds=[0])
    sweep(dataset, **small, cache_dir=cache_dir, results_path=path, progress=False)
    before = path.read_text()
    with pytest.raises(ValueError, match=f"other settings.*{named}"):
        sweep(dataset, **small, **change, cache_dir=cache_dir, results_path=path, progress=False)
    assert path.read_text() == before


def test_results_file_of_other_dataset_or_broken_file_is_refused(dataset, cache_dir, tmp_path):
    path = tmp_path / "cells.json"
    small = dict(sizes=[100], keep_fractions=[1.0], metrics=["random"], seeds=[0])
    sweep(dataset, **small, cache_dir=cache_dir, results_path=path, progress=False)
    with pytest.raises(ValueError, match="other settings.*dataset"):
        sweep(digits(test_fraction=0.25, seed=1), **small, cache_dir=cache_dir, results_path=path, progress=False)
    path.write_text(path.read_text()[:-40])  # what a non-atomic writer could leave behind
    with pytest.raises(ValueError, match="not a sweep results file"):
        sweep(dataset, **small, cache_dir=cache_dir, results_path=path, progress=False)


# -- bad input --------------------------------------------------------------------------------------

@pytest.mark.parametrize("change, error, match", [
    ({"sizes": []}, ValueError, "sizes is empty"),
    ({"sizes": [100, 100]}, ValueError, "sizes has repeated value 100"),
    ({"sizes": [100, 10_000]}, ValueError, "at most the training pool's size 1347, got 10000"),
    ({"sizes": [100.0]}, TypeError, "sizes must be an integer"),
    ({"keep_fractions": [0.5, 0.0]}, ValueError, r"keep_fractions must lie in \(0, 1\], got .*0.0"),
    ({"keep_fractions": [1.5]}, ValueError, r"keep_fractions must lie in \(0, 1\], got .*1.5"),
    ({"metrics": ["random", "loss"]}, ValueError, "unknown metric 'loss'"),
    ({"seeds": [-1]}, ValueError, "seeds must be at least 0"),
    ({"keep": "middle"}, ValueError, "keep must be one of"),
    ({"model": "forest"}, ValueError, "unknown model 'forest'"),
])
def test_bad_grid_is_refused(dataset, cache_dir, change, error, match):
    grid = {**dict(sizes=[100], keep_fractions=[1.0], metrics=["random"], seeds=[0]), **change}
    with pytest.raises(error, match=match):
        sweep(dataset, **grid, cache_dir=cache_dir, progress=False)


def test_nan_scores_are_refused(dataset, monkeypatch):
    def scores(dataset, metric, **kwargs):
        out = np.zeros(len(dataset.y_train))
        out[7] = np.nan
        return out

    monkeypatch.setattr(sweeps, "score_examples", scores)
    with pytest.raises(ValueError, match="metric 'el2n' have 1 NaN or infinite value.*example 7"):
        sweep(dataset, sizes=[100], keep_fractions=[0.5], metrics=["el2n"], seeds=[0], progress=False)


def test_progress_bar_is_off_in_headless_runs(dataset, cache_dir, monkeypatch, capsys):
    small = dict(sizes=[100], keep_fractions=[1.0], metrics=["random"], seeds=[0], cache_dir=cache_dir)
    monkeypatch.setenv(HEADLESS_ENV, "1")
    sweep(dataset, **small)
    assert capsys.readouterr().err == ""
    sweep(dataset, **small, progress=True)
    assert "pruning sweep" in capsys.readouterr().err


# -- summary ----------------------------------------------------------------------------------------

def noisy_table(n_seeds, seed=0):
    rng = np.random.default_rng(seed)
    rows = [(size, 1.0, "random", s, size, 0.2 + 0.03 * rng.standard_normal(), True)
            for size in (100, 200) for s in range(n_seeds)]
    return SweepResult(pd.DataFrame(rows, columns=list(COLUMNS)))


def test_summary_interval_is_the_t_interval_over_seeds(reference):
    summary = reference.summary(level=0.9)
    assert len(summary) == N_CELLS // 2 and (summary["n_seeds"] == 2).all()
    assert ((summary["low"] <= summary["test_error"]) & (summary["test_error"] <= summary["high"])).all()
    one = reference.table.query("size == 200 and keep_fraction == 0.5 and metric == 'el2n'")["test_error"]
    low, high = stats.t.interval(0.9, len(one) - 1, loc=one.mean(), scale=one.std(ddof=1) / np.sqrt(len(one)))
    row = summary.query("size == 200 and keep_fraction == 0.5 and metric == 'el2n'").iloc[0]
    assert (row["low"], row["high"]) == pytest.approx((low, high), rel=1e-12)


def test_summary_interval_shrinks_with_more_seeds():
    few, many = noisy_table(3).summary(), noisy_table(30).summary()
    for summary in (few, many):
        assert ((summary["low"] < summary["test_error"]) & (summary["test_error"] < summary["high"])).all()
    assert ((many["high"] - many["low"]) < (few["high"] - few["low"]) / 3).all()
    single = noisy_table(1).summary()
    assert single["low"].isna().all() and single["high"].isna().all()
    with pytest.raises(ValueError, match="level"):
        noisy_table(3).summary(level=1.0)


# -- scaling fits -----------------------------------------------------------------------------------

LAW_N = np.geomspace(100, 100_000, 10).round()


def law_table(errors, n=LAW_N, n_seeds=3, noise=0.01, seed=0):
    """Sweep-like table whose error follows ``errors[metric](n)`` with multiplicative noise."""
    rng = np.random.default_rng(seed)
    rows = [(int(k), 0.5, metric, s, int(k), float(law(k) * (1 + noise * rng.standard_normal())), True)
            for metric, law in errors.items() for k in n for s in range(n_seeds)]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def test_power_law_parameters_are_recovered():
    table = law_table({"el2n": lambda n: 0.1 + 2 * n ** -0.5})
    scaling = fit_error_scaling(table, metric="el2n", keep_fraction=0.5, n_bootstrap=100)
    params = scaling.params(level=0.95).loc["power"]
    assert params.loc["E", "estimate"] == pytest.approx(0.1, abs=0.005)
    assert params.loc["A", "estimate"] == pytest.approx(2.0, rel=0.15)
    assert params.loc["alpha", "estimate"] == pytest.approx(0.5, abs=0.03)
    for name, truth in (("E", 0.1), ("A", 2.0), ("alpha", 0.5)):
        assert params.loc[name, "low"] <= truth <= params.loc[name, "high"]
    assert scaling.preferred == "power" and scaling.comparison.loc["exponential", "delta_aic"] > 10


def test_exponential_decay_is_preferred_when_the_data_decay_exponentially():
    table = law_table({"margin": lambda n: 0.05 + 0.5 * np.exp(-n / 3000)})
    scaling = fit_error_scaling(table, metric="margin", keep_fraction=0.5, n_bootstrap=0)
    assert scaling.preferred == "exponential"
    assert scaling.fits["exponential"].params["n0"] == pytest.approx(3000, rel=0.1)


def test_metrics_are_compared_by_fitted_exponent():
    table = law_table({"random": lambda n: 0.1 + 2 * n ** -0.3, "el2n": lambda n: 0.1 + 2 * n ** -0.6})
    compared = compare_metrics_scaling(table, keep_fraction=0.5, n_bootstrap=50)
    assert list(compared.index) == ["random", "el2n"]
    assert compared.loc["random", "alpha"] == pytest.approx(0.3, abs=0.03)
    assert compared.loc["el2n", "alpha"] == pytest.approx(0.6, abs=0.05)
    assert (compared["alpha_low"] < compared["alpha"]).all() and (compared["alpha"] < compared["alpha_high"]).all()
    assert (compared["n_points"] == 30).all()


@pytest.mark.parametrize("kwargs, match", [
    ({"metric": "forgetting"}, "metric 'forgetting' is not in the table"),
    ({"keep_fraction": 0.7}, "keep_fraction 0.7 is not in the table"),
    ({"x": "flops"}, "x must be 'n_kept' or 'size'"),
])
def test_fit_error_scaling_bad_input(kwargs, match):
    table = law_table({"el2n": lambda n: 0.1 + 2 * n ** -0.5})
    with pytest.raises(ValueError, match=match):
        fit_error_scaling(table, **{"metric": "el2n", "keep_fraction": 0.5, **kwargs})


def test_fit_error_scaling_needs_four_sizes_and_positive_errors():
    few = law_table({"el2n": lambda n: 0.1 + 2 * n ** -0.5}, n=np.array([100, 200, 400]))
    with pytest.raises(ValueError, match="at least 4 distinct n_kept"):
        fit_error_scaling(few, metric="el2n", keep_fraction=0.5)
    perfect = law_table({"el2n": lambda n: 0.0 * n}, noise=0.0)
    with pytest.raises(ValueError, match="test_error must be strictly positive"):
        fit_error_scaling(perfect, metric="el2n", keep_fraction=0.5)


def _toy_table():
    """A hand-made sweep table: 'good' beats random by 0.02 at size 800 on every seed, loses by 0.05 at 100."""
    rows = []
    for size, offset in ((100, 0.05), (800, -0.02)):
        for fraction in (0.5, 1.0):
            for seed in range(4):
                base = 0.3 / np.sqrt(size) + 0.001 * seed
                rows.append(dict(size=size, keep_fraction=fraction, metric="random", seed=seed,
                                 n_kept=int(size * fraction), test_error=base, converged=True))
                shift = offset if fraction < 1 else 0.0
                rows.append(dict(size=size, keep_fraction=fraction, metric="good", seed=seed,
                                 n_kept=int(size * fraction), test_error=base + shift + 0.0005 * (seed % 2),
                                 converged=True))
    return pd.DataFrame(rows)


def test_compare_with_random_is_paired_and_gives_verdicts():
    from scaling_lib.pruning.sweeps import compare_with_random
    table = compare_with_random(_toy_table()).set_index(["size", "keep_fraction", "metric"])
    assert table.loc[(800, 0.5, "good"), "verdict"] == "beats random"
    assert table.loc[(100, 0.5, "good"), "verdict"] == "loses to random"
    assert table.loc[(800, 0.5, "good"), "difference"] == pytest.approx(-0.02 + 0.00025)
    with pytest.raises(ValueError, match="no 'random' cells"):
        compare_with_random(_toy_table().query("metric == 'good'"))


def test_prunable_fraction_finds_the_least_fraction_at_no_loss():
    from scaling_lib.pruning.sweeps import prunable_fraction
    table = prunable_fraction(_toy_table())
    assert table.loc["good", "keep_fraction"] == 0.5  # better than unpruned at 800
    assert table.loc["random", "keep_fraction"] == 0.5  # the toy random is as good at half the data
    assert prunable_fraction(_toy_table(), size=100).loc["good", "keep_fraction"] == 1.0
    with pytest.raises(ValueError, match="keep fraction 1"):
        prunable_fraction(_toy_table().query("keep_fraction < 1"))
