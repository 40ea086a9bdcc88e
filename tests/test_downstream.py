"""scaling_lib.downstream: two-stage (Gadre), observational scaling, metrics/mirage, PassUntil; recovery, edges, errors."""
import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from scaling_lib import datasets
from scaling_lib import downstream as ds
from scaling_lib.downstream.explorer import describe_heldout
from scaling_lib.laws import ExponentialLink, OverTraining

PUBLISHED = {"loss_1p4b_m640": 0.71, "loss_6p9b_m20": 0.73, "err_1p4b_m640": 3.64, "err_6p9b_m20": 0.05}


# -- two-stage -----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def gadre():
    points = ds.gadre_error_points(datasets.load("gadre_overtraining"))
    return points, *ds.gadre_fit_points(points)


def test_gadre_selection_is_the_papers(gadre):
    points, loss_runs, err_runs, targets = gadre
    assert len(points) == 35 and len(loss_runs) == 5 and len(err_runs) == 6
    assert sorted(loss_runs["multiplier"]) == [20, 20, 20, 20, 320]
    assert set(err_runs["run"]) - set(loss_runs["run"]) == {"rpj-open_lm_1b-1.0"}
    assert list(targets["run"]) == ["rpj-open_lm_1b-32.0", "rpj-open_lm_7b-1.0"]
    assert np.all((points["err"] > 0) & (points["err"] < 1))


def test_gadre_headline_relative_errors_reproduce_within_0p05_points(gadre):
    _, loss_runs, err_runs, targets = gadre
    pred = ds.fit_two_stage(loss_runs, err_runs).predict(targets["N"], targets["multiplier"])
    rel = pred.relative_errors(targets["loss"], targets["err"]).set_index(targets.index)
    for key in ("1p4b_m640", "6p9b_m20"):
        assert abs(rel.loc[key, "loss_rel_error"] - PUBLISHED[f"loss_{key}"]) < 0.05
        assert abs(rel.loc[key, "err_rel_error"] - PUBLISHED[f"err_{key}"]) < 0.05


def _synthetic_two_stage():
    law, link = OverTraining(), ExponentialLink()
    truth = {"E": 1.8, "A": 160.0, "B": 280.0, "alpha": 0.27}
    link_truth = {"eps": 0.86, "k": 2.2, "gamma": 0.7}
    N = np.array([1e7, 3e7, 8e7, 1.5e8, 4e8, 1e7, 8e7, 1.5e9])
    M = np.array([20, 20, 20, 20, 20, 320, 160, 20.0])
    loss = law.predict(truth, N, M * N)
    frame = pd.DataFrame({"N": N, "D": M * N, "loss": loss, "err": link.predict(link_truth, loss)})
    return frame, truth, link_truth


def test_two_stage_recovers_a_known_chain():
    frame, truth, link_truth = _synthetic_two_stage()
    model = ds.fit_two_stage(frame, frame)
    pred = model.predict([7e9, 1.4e9], [20, 640])
    want_loss = OverTraining().predict(truth, np.array([7e9, 1.4e9]), np.array([7e9 * 20, 1.4e9 * 640]))
    np.testing.assert_allclose(pred.loss, want_loss, rtol=1e-5)
    np.testing.assert_allclose(pred.err, ExponentialLink().predict(link_truth, want_loss), rtol=1e-5)
    assert np.all(np.isnan(pred.loss_low)) and pred.n_draws == 0  # no bootstrap, no interval


def test_bootstrap_intervals_propagate_both_stages(gadre):
    _, loss_runs, err_runs, targets = gadre
    model = ds.fit_two_stage(loss_runs, err_runs, n_bootstrap=40, seed=3)
    pred = model.predict(targets["N"], targets["multiplier"])
    assert 2 <= pred.n_draws <= 40
    assert np.all(pred.loss_low <= pred.loss) and np.all(pred.loss <= pred.loss_high)
    assert np.all(pred.err_low < pred.err) and np.all(pred.err < pred.err_high)
    # with the link fixed (no stage-2 uncertainty) the error interval is narrower: stage 2 adds its own spread
    fixed = ds.fit_two_stage(loss_runs, err_runs, n_bootstrap=40, seed=3)
    fixed.err_fit.bootstrap.loc[:, :] = np.array([fixed.err_fit.params[p] for p in fixed.err_fit.law.param_names])
    narrow = fixed.predict(targets["N"], targets["multiplier"])
    assert np.all(narrow.err_high - narrow.err_low < pred.err_high - pred.err_low)
    again = ds.fit_two_stage(loss_runs, err_runs, n_bootstrap=40, seed=3).predict(targets["N"], targets["multiplier"])
    np.testing.assert_array_equal(again.err_low, pred.err_low)  # seeded


@pytest.mark.parametrize("change, message", [
    (lambda f: f.drop(columns="loss"), "needs column"),
    (lambda f: f.assign(loss=np.r_[np.nan, f["loss"].to_numpy()[1:]]), "NaN or non-positive"),
    (lambda f: f.assign(N=-f["N"]), "NaN or non-positive"),
    (lambda f: f.iloc[:3], "fewer than the 4 parameters"),
])
def test_two_stage_bad_inputs(change, message):
    frame, _, _ = _synthetic_two_stage()
    with pytest.raises(ValueError, match=message):
        ds.fit_two_stage(change(frame), frame)


def test_predict_rejects_negative_size_and_selection_rejects_missing_runs(gadre):
    points, loss_runs, err_runs, _ = gadre
    with pytest.raises(ValueError, match="positive"):
        ds.fit_two_stage(loss_runs, err_runs).predict([-1e9], [20])
    with pytest.raises(ValueError, match="lacks Gadre"):
        ds.gadre_fit_points(points[points["multiplier"] != 320])
    with pytest.raises(ValueError, match="not in the table"):
        ds.gadre_error_points(datasets.load("gadre_overtraining"), tasks=["no_such_task"])


# -- resolution / PassUntil ----------------------------------------------------------------------------
def test_clopper_pearson_matches_scipy_binomtest_and_jeffreys_the_beta_posterior():
    for c, n in [(0, 10_000), (1, 10_000), (37, 500), (500, 500)]:
        got = ds.pass_rate(c, n, level=0.9)
        ci = stats.binomtest(c, n).proportion_ci(confidence_level=0.9, method="exact")
        np.testing.assert_allclose([got.low[0], got.high[0]], [ci.low, ci.high], rtol=1e-7, atol=1e-15)  # scipy root-finds
    j = ds.pass_rate(3, 1000, method="jeffreys")
    np.testing.assert_allclose([j.low[0], j.high[0]], stats.beta(3.5, 997.5).ppf([0.025, 0.975]), rtol=1e-12)
    assert ds.pass_rate(0, 100, method="jeffreys").low[0] == 0.0


def test_pass_until_interval_covers_the_true_rate():
    rng = np.random.default_rng(0)
    p, r = 2e-3, 3
    T = rng.negative_binomial(r, p, size=4000) + r  # failures before the r-th pass, plus the passes
    est = ds.pass_until_rate(np.full(T.size, r), T)
    coverage = np.mean((est.low <= p) & (p <= est.high))
    assert coverage >= 0.94  # exact interval: at least the nominal level (up to Monte Carlo error)
    assert abs(np.median(est.estimate) / p - 1) < 0.2
    assert ds.pass_until_rate(1, 1).high[0] == 1.0


def test_sample_until_pass_replays_recorded_samples():
    out = ds.sample_until_pass([10, 10, 10_000, 50], [10, 0, 3, 2], passes=2, seed=1)
    assert out[0] == 2 and out[1] == -1 and 2 <= out[2] <= 10_000 and 2 <= out[3] <= 50
    np.testing.assert_array_equal(out, ds.sample_until_pass([10, 10, 10_000, 50], [10, 0, 3, 2], passes=2, seed=1))


@pytest.mark.parametrize("call, message", [
    (lambda: ds.pass_rate(11, 10), "passes <= attempts"),
    (lambda: ds.pass_rate(np.nan, 10), "finite integers"),
    (lambda: ds.pass_rate(1.5, 10), "finite integers"),
    (lambda: ds.pass_rate(1, 10, method="wald"), "method must be"),
    (lambda: ds.pass_until_rate(0, 10), "at least 1"),
    (lambda: ds.pass_until_rate(5, 3), "passes <= attempts"),
    (lambda: ds.low_resolution_accuracy([10, 10], [1, 2], 11), "n_low must be"),
])
def test_resolution_bad_inputs(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# -- metrics / mirage ----------------------------------------------------------------------------------
def test_analytic_model_and_its_inverse():
    p = np.array([0.0, 0.5, 0.9, 1.0])
    np.testing.assert_allclose(ds.exact_match(p, 3), p ** 3)
    np.testing.assert_allclose(ds.token_edit_distance(p, 4), 4 * (1 - p))
    np.testing.assert_allclose(ds.per_token_probability(ds.exact_match(p, 7), 7), p, atol=1e-15)
    with pytest.raises(ValueError, match="integer >= 1"):
        ds.exact_match(0.5, 0)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        ds.exact_match(1.2, 3)


def test_sharpness_of_a_linear_rise_a_jump_and_its_invariances():
    x = np.logspace(0, 4, 5)
    assert ds.sharpness(x, [0, 1, 2, 3, 4]).value == pytest.approx(0.2)
    jump = ds.sharpness(x, [0, 0, 0, 1, 1])
    assert jump.value == pytest.approx(0.8) and jump.width == pytest.approx(0.8)
    y = np.array([0.1, 0.15, 0.3, 0.7, 0.72])
    assert ds.sharpness(x * 1e9, 5 * y + 2).value == pytest.approx(ds.sharpness(x, y).value)
    assert ds.sharpness(x, -y, higher_is_better=False).value == pytest.approx(ds.sharpness(x, y).value)
    # a regression is not an improvement: the running best is used
    assert ds.sharpness(x, [0, 1, 0.5, 2, 2]).width == pytest.approx(ds.sharpness(x, [0, 1, 1, 2, 2]).width)


@pytest.mark.parametrize("x, y, message", [
    ([1, 2, 3], [0, 1], "equal length"), ([1, 2, 3], [0, np.nan, 1], "no NaN"),
    ([1, 2, -3], [0, 1, 2], "positive"), ([1, 1, 2], [0, 1, 2], "at least 3"), ([1, 2, 3], [3, 2, 1], "never improves"),
])
def test_sharpness_bad_inputs(x, y, message):
    with pytest.raises(ValueError, match=message):
        ds.sharpness(x, y)


def test_exact_match_is_sharper_than_edit_distance_for_long_answers():
    N = np.geomspace(1e7, 1e12, 11)
    p = 1 / (1 + np.exp(-(np.log10(N / 1e7) - 0.5)))
    ed = ds.sharpness(N, ds.token_edit_distance(p, 20), higher_is_better=False)
    assert ds.sharpness(N, ds.exact_match(p, 20)).value > ed.value
    assert ds.sharpness(N, ds.exact_match(p, 1)).value == pytest.approx(ed.value)


def test_ukp_rescoring_per_task():
    scores = ds.rescore(datasets.load("ukp_on_emergence"))
    per_task = ds.task_sharpness(scores)
    assert len(per_task) == 22 and per_task["models"].min() >= 6
    assert per_task[["exact_match_accuracy", "edit_distance"]].stack().between(0, 1).all()
    with pytest.raises(ValueError, match="unknown metric"):
        ds.rescore(datasets.load("ukp_on_emergence"), ("exact_match_accuracy", "nope"))


# -- observational -------------------------------------------------------------------------------------
def test_capability_space_imputes_a_low_rank_matrix_exactly():
    rng = np.random.default_rng(0)
    truth = np.outer(rng.normal(size=40), rng.normal(size=6)) + rng.normal(size=6)
    scores = pd.DataFrame(truth, columns=list("abcdef"))
    holes = scores.mask(rng.random(truth.shape) < 0.1)
    space = ds.capability_space(holes, n_components=2, impute_rank=1)
    np.testing.assert_allclose(space.imputed.to_numpy(), truth, atol=1e-6)
    assert space.explained[0] > 0.999
    with pytest.raises(ValueError, match="n_components"):
        ds.capability_space(holes.iloc[:3], n_components=4)
    with pytest.raises(ValueError, match="without scores"):
        ds.capability_space(holes.assign(g=np.nan))


def test_sigmoid_link_recovers_its_parameters_and_rejects_nan():
    x = np.linspace(-3, 3, 50)
    y = 0.25 + 0.75 / (1 + np.exp(-(1.7 * x - 0.4)))
    fit = ds.fit_sigmoid_link(x, y, chance=0.25)
    np.testing.assert_allclose([fit.w[0], fit.b], [1.7, -0.4], rtol=1e-6)
    with pytest.raises(ValueError, match="finite"):
        ds.fit_sigmoid_link(np.r_[x[:-1], np.nan], y)
    with pytest.raises(ValueError, match="rows"):
        ds.fit_sigmoid_link(x[:-1], y)


@pytest.fixture(scope="module")
def obs():
    table = datasets.load("obsscaling")
    scores = ds.score_matrix(table)
    space = ds.capability_space(scores[[b for b in ds.OBS_BENCHMARKS if b != "GSM8K"]])
    return scores, space


def test_heldout_gsm8k_beats_the_log_compute_baseline(obs):
    scores, space = obs
    h = ds.heldout_comparison(space, scores["C"], scores["GSM8K"], cutoff=8.4e22, n_components=2)
    assert h.n_train + h.n_test == scores[["C", "GSM8K"]].dropna().shape[0]
    assert (h.predictions["C"] > 8.4e22).all()
    assert h.capability_mae < h.baseline_mae


def test_heldout_bad_inputs(obs):
    scores, space = obs
    with pytest.raises(ValueError, match="leaves"):
        ds.heldout_comparison(space, scores["C"], scores["GSM8K"], cutoff=1e30)
    with pytest.raises(ValueError, match="leaves"):
        ds.heldout_comparison(space, scores["C"], scores["GSM8K"], cutoff=1e10)
    with pytest.raises(ValueError, match="positive"):
        ds.heldout_comparison(space, -scores["C"], scores["GSM8K"], cutoff=8.4e22)
    other = pd.concat([scores["GSM8K"], pd.Series({"not/a-model": 0.5})])
    with pytest.raises(ValueError, match="mismatched model lists"):
        ds.heldout_comparison(space, pd.concat([scores["C"], pd.Series({"not/a-model": 1e22})]), other, cutoff=8.4e22)


def test_heldout_links_and_bad_link(obs):
    scores, space = obs
    lin = ds.heldout_comparison(space, scores["C"], scores["GSM8K"], cutoff=8.4e22, n_components=2, link="linear")
    sig = ds.heldout_comparison(space, scores["C"], scores["GSM8K"], cutoff=8.4e22, n_components=2)
    assert isinstance(lin.capability_fit, ds.LinearLinkFit) and lin.link == "linear"
    assert lin.capability_mae != pytest.approx(sig.capability_mae, rel=1e-3)
    assert np.isnan(sig.capability_coverage) and "capability_low" not in sig.predictions
    with pytest.raises(ValueError, match="link must be one of"):
        ds.heldout_comparison(space, scores["C"], scores["GSM8K"], cutoff=8.4e22, link="probit")
    with pytest.raises(ValueError, match="n_bootstrap"):
        ds.heldout_comparison(space, scores["C"], scores["GSM8K"], cutoff=8.4e22, n_bootstrap=-1)


@pytest.mark.parametrize("link", ds.LINKS)
def test_heldout_intervals_are_seeded_and_cover_most_scores(obs, link):
    scores, space = obs
    kw = {"cutoff": 8.4e22, "n_components": 2, "link": link, "n_bootstrap": 60}
    h = ds.heldout_comparison(space, scores["C"], scores["GSM8K"], seed=1, **kw)
    again = ds.heldout_comparison(space, scores["C"], scores["GSM8K"], seed=1, **kw)
    other = ds.heldout_comparison(space, scores["C"], scores["GSM8K"], seed=2, **kw)
    p = h.predictions
    pd.testing.assert_frame_equal(p, again.predictions)
    assert not np.allclose(p["capability_low"], other.predictions["capability_low"])
    for name in ("capability", "log_compute"):
        assert (p[f"{name}_low"] <= p[f"{name}_high"]).all() and (p[f"{name}_low"] >= 0).all()
        assert (p[f"{name}_high"] <= 1).all()
    inside = (p["observed"] >= p["capability_low"]) & (p["observed"] <= p["capability_high"])
    assert h.capability_coverage == pytest.approx(inside.mean())
    assert 0.3 < h.capability_coverage <= 1  # a prediction interval, not one of the mean


def test_bootstrap_without_noise_gives_the_point_prediction():
    """Exact linear data: every refit is the same line and every residual 0, so the interval collapses."""
    rng = np.random.default_rng(0)
    models = [f"m{i}" for i in range(30)]
    C = pd.Series(np.geomspace(1e20, 1e24, 30), index=models)
    pcs = pd.DataFrame({"PC1": rng.normal(size=30), "PC2": rng.normal(size=30)}, index=models)
    space = ds.CapabilitySpace(pcs, None, np.ones(2), None, None, 1)
    y = pd.Series(0.4 + 0.05 * pcs["PC1"] - 0.02 * pcs["PC2"], index=models)
    h = ds.heldout_comparison(space, C, y, cutoff=1e23, n_components=2, link="linear", n_bootstrap=20)
    p = h.predictions
    np.testing.assert_allclose(p["capability_low"], p["observed"], atol=1e-9)
    np.testing.assert_allclose(p["capability_high"], p["observed"], atol=1e-9)
    assert h.capability_mae < 1e-9 and h.n_bootstrap == 20


def _registry_cases():
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).parent / "browser"))
    from _explorers import EXPLORERS
    return {case.control: case for case in EXPLORERS if case.notebook == "04_downstream_prediction.ipynb"}


def test_explorer_text_matches_the_browser_registry(obs):
    """Each 04 control's regex finds its value in the explorer's text, and moving the control moves value and result."""
    scores, space = obs
    cases = _registry_cases()
    assert set(cases) == {"benchmark", "link function", "cutoff (FLOP)", "capability components"}
    arith = ds.capability_space(scores[list(ds.OBS_BENCHMARKS)])
    start = {"cutoff": 8.4e22, "n_components": 2, "link": "sigmoid", "benchmark": 0, "task": "GSM8K"}
    moved = {"benchmark": {"benchmark": 1, "task": "MMLU"}, "link function": {"link": "linear"},
             "cutoff (FLOP)": {"cutoff": 8.4e22 * 10 ** 0.05}, "capability components": {"n_components": 3}}
    before = describe_heldout(space, scores["C"], scores["GSM8K"], **start)
    for control, change in moved.items():
        target, sp = (scores["MMLU"], arith) if control == "benchmark" else (scores["GSM8K"], space)
        after = describe_heldout(sp, scores["C"], target, **{**start, **change})
        a, b = re.search(cases[control].text, before), re.search(cases[control].text, after)
        assert a and b, (control, before, after)
        assert (float(b["value"]) - float(a["value"])) * cases[control].direction > 0, control
        assert a["result"] != b["result"], control


def test_explorer_validates_its_lists(obs):
    from scaling_lib.downstream.explorer import observational_explorer
    scores, space = obs
    with pytest.raises(ValueError, match="same benchmarks"):
        observational_explorer({"GSM8K": space}, scores["C"], {"MMLU": scores["MMLU"]}, interactive=False)
    with pytest.raises(ValueError, match="link in"):
        observational_explorer({"GSM8K": space}, scores["C"], {"GSM8K": scores["GSM8K"]}, link=5, interactive=False)


def test_pythia_curves():
    curves = ds.pythia_curves(datasets.load("pythia_evals"))
    assert curves["model"].nunique() == 8 and (curves["tokens"] > 0).all()
    with pytest.raises(ValueError, match="no Pythia rows"):
        ds.pythia_curves(datasets.load("pythia_evals"), task="nope")


def test_figures_and_static_explorer_draw(gadre, obs):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from scaling_lib.downstream import plots
    from scaling_lib.downstream.explorer import observational_explorer
    points, loss_runs, err_runs, targets = gadre
    fig = plots.two_stage_panels(points, ds.fit_two_stage(loss_runs, err_runs), loss_runs, err_runs, targets)
    assert [ax.get_xscale() for ax in fig.axes[:1]] == ["log"]
    with pytest.raises(ValueError, match="nothing to draw"):
        plots.two_stage_panels(points.iloc[:0], None, loss_runs, err_runs, targets)
    scores, space = obs
    assert observational_explorer({"GSM8K": space}, scores["C"], {"GSM8K": scores["GSM8K"]}, n_bootstrap=20,
                                  interactive=False) is None
    plt.close("all")


@pytest.fixture(scope="module")
def pythia():
    return ds.pythia_curves(datasets.load("pythia_evals"))


def test_pythia_backtest_holds_out_the_largest_model_beyond_the_training_compute(pythia):
    bt = ds.pythia_backtest(pythia, n_bootstrap=30, seed=0)
    p = bt.predictions
    assert bt.test_model == "pythia-12b" and "pythia-12b" not in bt.train_models and len(bt.train_models) == 7
    assert bt.n_train == 7 * 16 and (p["C"] > pythia[pythia["model"] != "pythia-12b"]["C"].max()).all()
    assert bt.fit.law.name == "sigmoid link" and bt.fit.status == "converged"
    assert bt.mae == pytest.approx(np.mean(np.abs(p["predicted"] - p["observed"])))
    assert 0 < bt.mae < 0.05 and (p["low"] < p["predicted"]).all() and (p["predicted"] < p["high"]).all()
    assert bt.coverage == pytest.approx(np.mean((p["observed"] >= p["low"]) & (p["observed"] <= p["high"])))
    assert np.isnan(ds.pythia_backtest(pythia).coverage)


def test_pythia_backtest_bad_inputs(pythia):
    with pytest.raises(ValueError, match="fractions in"):
        ds.pythia_backtest(pythia, min_tokens=0)
    with pytest.raises(ValueError, match="at least 3 model sizes"):
        ds.pythia_backtest(pythia[pythia["N"] > 5e9])
    with pytest.raises(ValueError, match="lack columns"):
        ds.pythia_backtest(pythia.drop(columns="C"))
    early = pythia[~((pythia["model"] == "pythia-12b") & (pythia["tokens"] > 1e11))]
    with pytest.raises(ValueError, match="beyond the training compute"):
        ds.pythia_backtest(early)


def test_two_stage_backtest_excludes_fitted_runs_and_matches_predict(gadre):
    points, loss_runs, err_runs, _ = gadre
    fit = ds.fit_two_stage(loss_runs, err_runs)
    table = ds.two_stage_backtest(fit, points, exclude=err_runs["run"])
    assert len(table) == len(points) - len(err_runs) and not set(table["run"]) & set(err_runs["run"])
    row = table.set_index("run").loc["rpj-open_lm_7b-1.0"]
    assert row["loss_rel_error"] == pytest.approx(0.732, abs=1e-3) and row["err_rel_error"] == pytest.approx(0.046, abs=1e-3)
    span = np.ptp(points["loss"])
    loss = points.set_index("run").loc["rpj-open_lm_7b-1.0", "loss"]
    assert row["loss_range_error"] == pytest.approx(row["loss_rel_error"] * loss / span)
    with pytest.raises(ValueError, match="no run left"):
        ds.two_stage_backtest(fit, points, exclude=points["run"])


def test_new_figures_draw(gadre, pythia):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from scaling_lib.downstream import plots
    points, loss_runs, err_runs, _ = gadre
    table = ds.two_stage_backtest(ds.fit_two_stage(loss_runs, err_runs), points, exclude=err_runs["run"])
    fig = plots.loss_vs_task_errors(table)
    assert [ax.get_yscale() for ax in fig.axes] == ["log", "log"]
    with pytest.raises(ValueError, match="nothing to draw"):
        plots.loss_vs_task_errors(table.iloc[:0])
    ax = plots.pythia_backtest_panel(pythia[pythia["tokens"] >= 2e9], ds.pythia_backtest(pythia, n_bootstrap=10), "acc")
    assert ax.get_xscale() == "log"
    plt.close("all")


def test_interactive_explorer_has_the_four_controls(obs):
    pytest.importorskip("ipywidgets")
    from scaling_lib.downstream.explorer import observational_explorer
    scores, space = obs
    arith = ds.capability_space(scores[list(ds.OBS_BENCHMARKS)])
    explorer = observational_explorer({"GSM8K": space, "MMLU": arith}, scores["C"],
                                      {"GSM8K": scores["GSM8K"], "MMLU": scores["MMLU"]}, interactive=True)
    assert list(explorer.controls) == ["benchmark", "cutoff", "link", "n_components"]
    assert [explorer.controls[k].description for k in ("benchmark", "link")] == ["benchmark", "link function"]
    text = "".join(o.get("text", "") for o in explorer.output.outputs)
    explorer.controls["link"].value = 1
    after = "".join(o.get("text", "") for o in explorer.output.outputs)
    assert "link 0 (sigmoid" in text and "link 1 (linear" in after and explorer.redraws == 2
