"""Coverage curves, coverage laws, voting, verifiers and the compute frontier of scaling_lib.testtime."""
import itertools
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from scaling_lib import testtime as tt
from scaling_lib.testtime.coverage import miss_table


def _synthetic(problems=300, n=2000, a=0.3, b=8.0, seed=0):
    rng = np.random.default_rng(seed)
    return np.full(problems, n), rng.binomial(n, rng.beta(a, b, problems))


def test_dense_coverage_matches_pass_at_k_mean():
    n, c = _synthetic()
    k = np.arange(1, 2001)
    want = tt.pass_at_k(n[:, None], c[:, None], k[None, :]).mean(axis=0)
    np.testing.assert_allclose(tt.coverage_curve(n, c).coverage, want, rtol=1e-10, atol=1e-14)
    sparse = np.array([1, 7, 300, 2000])
    np.testing.assert_allclose(tt.coverage_curve(n, c, sparse).coverage, want[sparse - 1], rtol=1e-10)


def test_mixed_n_and_miss_table():
    n, c = np.array([30, 50, 50, 80]), np.array([0, 3, 3, 79])
    k = np.arange(1, 31)
    np.testing.assert_allclose(miss_table(n, c, k), 1 - tt.pass_at_k(n[:, None], c[:, None], k[None, :]), atol=1e-14)
    from fractions import Fraction
    from math import comb
    want = sum(1 - Fraction(comb(m - r, 30), comb(m, 30)) for m, r in zip(n.tolist(), c.tolist())) / 4
    assert tt.coverage_curve(n, c, [30]).coverage[0] == pytest.approx(float(want), rel=1e-12)


def test_bootstrap_interval_contains_estimate_and_is_seeded():
    n, c = _synthetic(problems=100)
    one = tt.coverage_curve(n, c, [1, 10, 100], n_bootstrap=100, seed=3)
    two = tt.coverage_curve(n, c, [1, 10, 100], n_bootstrap=100, seed=3)
    np.testing.assert_array_equal(one.low, two.low)
    assert np.all(one.low <= one.coverage) and np.all(one.coverage <= one.high)
    assert np.all(one.high - one.low > 0)
    assert one.at(10) == one.coverage[1]


def test_power_law_fit_recovers_exponent():
    k = tt.log_grid(10_000)
    fit = tt.fit_coverage_power_law(k, np.exp(-3.0 * k ** -0.35))
    assert fit.b == pytest.approx(0.35, rel=1e-10) and fit.a == pytest.approx(3.0, rel=1e-10)
    with pytest.raises(ValueError, match="two points"):
        tt.fit_coverage_power_law([1, 2], [0.0, 1.0])


def test_beta_binomial_recovers_parameters_and_forecasts_coverage():
    n, c = _synthetic(problems=4000, n=200, a=0.4, b=6.0, seed=1)
    fit = tt.fit_beta_binomial(n, c)
    assert fit.converged
    assert fit.alpha == pytest.approx(0.4, rel=0.1) and fit.beta == pytest.approx(6.0, rel=0.15)
    # the beta forecast is the coverage of the distribution: compare with quadrature of 1 - (1-p)^k
    from scipy import integrate, stats
    k = 50
    want = integrate.quad(lambda p: (1 - (1 - p) ** k) * stats.beta.pdf(p, fit.alpha, fit.beta), 0, 1, limit=200)[0]
    assert fit.coverage(k) == pytest.approx(want, rel=1e-6)
    # the likelihood agrees with scipy.stats.betabinom
    assert fit.log_likelihood == pytest.approx(stats.betabinom.logpmf(c, n, fit.alpha, fit.beta).sum(), rel=1e-10)
    with pytest.raises(ValueError, match="no problem has a correct sample"):
        tt.fit_beta_binomial([10, 10], [0, 0])


def test_forecast_comparison_on_beta_data():
    n, c = _synthetic(problems=200, n=5000, a=0.3, b=5.0, seed=2)
    result = tt.forecast_exponents(n, c, subsample=500, k_fit_max=100, n_repeats=5, seed=0)
    summary = result.summary()
    assert result.b_reference > 0
    assert summary["distributional"][0] < 0.2 and summary["power_law"][0] < 0.5
    assert summary["power_law"][1] <= summary["power_law"][0] <= summary["power_law"][2]
    with pytest.raises(ValueError, match="k_fit_max <= subsample"):
        tt.forecast_exponents(n, c, subsample=50, k_fit_max=100)


def test_per_problem_failure_is_exponential():
    observed, exponential = tt.per_problem_failure([10_000], [50], [1, 10, 100])
    np.testing.assert_allclose(observed, exponential, rtol=1e-2)  # without vs with replacement
    assert observed[0, 0] == pytest.approx(1 - 50 / 10_000)


def _brute_majority(labels, correct, k):
    scores = []
    for subset in itertools.combinations(labels, k):
        tally = Counter(subset)
        top = max(tally.values())
        winners = [a for a, v in tally.items() if v == top]
        scores.append(1 / len(winners) if correct in winners else 0.0)
    return np.mean(scores)


def test_majority_vote_against_enumeration():
    labels = ["a"] * 3 + ["b"] * 4 + ["c"] * 2 + ["d"]
    counts, index = tt.answer_counts(labels, "a")
    for k in (1, 3, 5):
        want = _brute_majority(labels, "a", k)
        got = tt.majority_vote_accuracy([counts], [index], [k], n_draws=20_000, seed=0).accuracy[0]
        assert got == pytest.approx(want, abs=0.015)
    assert tt.majority_vote_accuracy([counts], [index], [10], n_draws=5).accuracy[0] == 0.0  # b has the majority
    votes = tt.majority_vote_accuracy([np.array([5, 5])], [0], [10], n_draws=5)
    assert votes.accuracy[0] == 0.5 and votes.plateau == 0.5


def test_majority_vote_bad_input():
    with pytest.raises(ValueError, match="k = 11 exceeds"):
        tt.majority_vote_accuracy([np.array([5, 5])], [0], [11])
    with pytest.raises(ValueError, match="correct\\[0\\] = 2"):
        tt.majority_vote_accuracy([np.array([5, 5])], [2], [1])
    with pytest.raises(ValueError, match="1 problems in counts but 2"):
        tt.majority_vote_accuracy([np.array([5, 5])], [0, 0], [1])


def test_simulated_answers_keep_counts():
    n, c = np.array([100, 100, 50]), np.array([10, 0, 50])
    counts, correct = tt.simulate_answer_counts(n, c, n_wrong_answers=5, seed=1)
    np.testing.assert_array_equal(counts.sum(axis=1), n)
    np.testing.assert_array_equal(counts[:, 0], c)
    np.testing.assert_array_equal(correct, [0, -1, 0])


def test_verifier_closed_form_against_simulation():
    p, fpr, fnr, k = np.array([0.05, 0.3]), 0.02, 0.1, 20
    out = tt.resample_with_verifier(p, [k], fpr=fpr, fnr=fnr)
    rng = np.random.default_rng(0)
    trials = 100_000
    results = []
    for pi in p:
        correct = rng.random((trials, k)) < pi
        accepted = np.where(correct, rng.random((trials, k)) < 1 - fnr, rng.random((trials, k)) < fpr)
        first = np.argmax(accepted, axis=1)
        any_ = accepted.any(axis=1)
        results.append((np.mean(any_ & correct[np.arange(trials), first]), np.mean(any_ & ~correct[np.arange(trials), first])))
    sim = np.mean(results, axis=0)
    assert out.correct[0] == pytest.approx(sim[0], abs=0.005) and out.wrong[0] == pytest.approx(sim[1], abs=0.005)
    assert out.correct[0] + out.wrong[0] + out.abstain[0] == pytest.approx(1.0)


def test_verifier_ceiling_utility_and_optimal_k():
    p = np.array([0.0, 0.001, 0.01, 0.2])
    assert tt.accuracy_ceiling(p, fpr=0.0) == 0.75
    ceiling = tt.accuracy_ceiling(p, fpr=1e-3)
    far = tt.resample_with_verifier(p, [10**7], fpr=1e-3)
    assert far.correct[0] == pytest.approx(ceiling, rel=1e-6)
    best = tt.optimal_k(p, fpr=1e-3, wrong_cost=5.0, k_max=5000)
    assert 1 < best.k < 5000 and best.utility >= max(best.utility_k1, best.utility_kmax)
    # free wrong answers and free samples: more samples never hurt
    assert tt.optimal_k(p, fpr=1e-3, wrong_cost=0.0, k_max=500).k == 500
    with pytest.raises(ValueError, match="fpr must be a probability"):
        tt.accuracy_ceiling(p, fpr=1.5)


def test_flaws_weaker_model_cannot_reach_stronger_with_high_fpr():
    weak, strong = np.array([0.01, 0.02, 0.0]), 0.3
    limit = tt.max_fpr_to_reach(weak, strong)
    assert tt.accuracy_ceiling(weak, fpr=limit) == pytest.approx(strong, rel=1e-8)
    assert tt.accuracy_ceiling(weak, fpr=limit * 1.1) < strong
    assert tt.max_fpr_to_reach(weak, 0.7) == 0.0  # a third of the problems are never solved


def test_pareto_frontier_and_saturation():
    table = pd.DataFrame({"model": ["s", "s", "s", "b", "b"], "flop": [1, 10, 100, 20, 200],
                          "coverage": [0.1, 0.3, 0.35, 0.32, 0.5]})
    front = tt.pareto_frontier(table)
    assert front["flop"].tolist() == [1, 10, 20, 100, 200]
    assert list(front["coverage"]) == sorted(front["coverage"])
    dominated = pd.concat([table, pd.DataFrame({"model": ["x"], "flop": [50], "coverage": [0.2]})])
    assert 50 not in tt.pareto_frontier(dominated)["flop"].tolist()
    flat = pd.DataFrame({"flop": [1.0, 10, 100, 1000, 10_000], "coverage": [0.1, 0.5, 0.55, 0.56, 0.565]})
    assert tt.saturation_budget(flat, gain_per_decade=0.1) == 10.0
    assert tt.inference_flop(1e9, 10, 100) == 2e12


def test_verifier_explorer_headless_and_interactive(monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    from scaling_lib.testtime.explorer import describe_verifier, verifier_explorer

    p = np.array([0.0, 0.01, 0.2])
    assert verifier_explorer(p, k_max=1000, interactive=False) is None
    text = describe_verifier(p, fpr=1e-3, wrong_cost=2.0, k=10, k_max=1000)
    assert "best k =" in text
    pytest.importorskip("ipywidgets")
    monkeypatch.setattr("IPython.display.display", lambda *args, **kwargs: None)
    explorer = verifier_explorer(p, k_max=1000, interactive=True)
    before = explorer.redraws
    explorer.controls["fpr"].value = 0.05
    assert explorer.redraws == before + 1
    assert not any(out.get("output_type") == "error" for out in explorer.output.outputs)
