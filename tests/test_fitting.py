"""Tests of the fitting engine: recovery, global optimality, identifiability reporting, bad inputs."""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, stats
from scipy.spatial import distance
from threadpoolctl import threadpool_limits

from scaling_lib import FitError, fit, fit_chinchilla
from scaling_lib.fitting import (ADMITTED_RESAMPLE_STATUSES, check_inputs, compare_with, objective_value,
                                 resample_indices)
from scaling_lib.fitting.solver import Problem
from scaling_lib.laws import (BrokenPowerLaw, Chinchilla, ExponentialLink, OverTraining, PowerLaw, SigmoidLink,
                              hoffmann_starts)

CHINCHILLA = Chinchilla()


def synthetic_grid(rng, params, *, n=60, n_decades=3.0, noise=0.003, n_min=1e7, tpp=(5.0, 500.0)):
    """Random (N, D) design over ``n_decades`` of N and a range of tokens per parameter, with lognormal noise."""
    N = np.exp(rng.uniform(np.log(n_min), np.log(n_min) + n_decades * np.log(10), n))
    D = N * np.exp(rng.uniform(*np.log(tpp), n))
    loss = CHINCHILLA.predict(params, N, D) * np.exp(rng.normal(0.0, noise, n))
    return N, D, loss


def identifiable_params(rng):
    """True parameters for which both power-law terms are a sizeable part of the loss on the design."""
    return dict(E=rng.uniform(1.5, 2.5), A=np.exp(rng.uniform(np.log(200), np.log(3000))),
                B=np.exp(rng.uniform(np.log(1000), np.log(8000))), alpha=rng.uniform(0.25, 0.55),
                beta=rng.uniform(0.25, 0.45))


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_engine_objective_never_worse_than_truth_and_extrapolates(seed):
    # A global optimiser can always reach the true parameters, so its objective is never worse.
    rng = np.random.default_rng(seed)
    true = identifiable_params(rng)
    N, D, loss = synthetic_grid(rng, true)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        result = fit_chinchilla(N, D, loss)
    assert result.objective <= objective_value(CHINCHILLA, true, (N, D), loss) + 1e-12
    # One decade beyond the largest N and D. Measured over 40 draws: median 0.13%, max 0.62% error
    # at 0.3% noise on 60 points; 2% is over three times the largest seen, and an order of
    # magnitude below what a wrong basin gives (e.g. an exponent off by 0.1 moves it by ~5%).
    n_far, d_far = N.max() * 10, D.max() * 10
    predicted = result.predict([n_far], [d_far])[0]
    truth = CHINCHILLA.predict(true, [n_far], [d_far])[0]
    assert abs(predicted / truth - 1) < 0.02


def test_identifiability_is_reported_in_status():
    # Narrow design (one decade of N, tokens/param 10-40) at 1% noise: exponents are not identified.
    flagged_narrow = []
    for seed in range(10):
        rng = np.random.default_rng(seed)
        N, D, loss = synthetic_grid(rng, dict(E=1.8, A=400, B=2000, alpha=0.34, beta=0.37), n=40, n_decades=1,
                                    noise=0.01, n_min=1e8, tpp=(10, 40))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            result = fit_chinchilla(N, D, loss)
        flagged_narrow.append(result.status == "ill_conditioned")
    # Wide design at 0.3% noise with both terms sizeable: identified.
    converged_wide = []
    for seed in range(10):
        rng = np.random.default_rng(1000 + seed)
        N, D, loss = synthetic_grid(rng, identifiable_params(rng), n=80, n_decades=3.5)
        converged_wide.append(fit_chinchilla(N, D, loss).status == "converged")
    assert sum(flagged_narrow) >= 9, flagged_narrow
    assert sum(converged_wide) >= 8, converged_wide


def test_non_converged_fit_warns_and_says_so():
    rng = np.random.default_rng(3)
    N, D, loss = synthetic_grid(rng, identifiable_params(rng))
    with pytest.warns(RuntimeWarning, match="max_iterations"):
        result = fit_chinchilla(N, D, loss, maxiter=3)
    assert result.status == "max_iterations"
    assert "iteration limit" in result.flags["max_iterations"]


def test_hoffmann_starts_are_their_grid():
    starts = hoffmann_starts()
    assert starts.shape == (4500, 5)
    E, A, B, alpha, beta = starts.T
    np.testing.assert_allclose(np.unique(np.log(E)), [-1, -0.5, 0, 0.5, 1], atol=1e-12)
    np.testing.assert_allclose(np.unique(np.log(A)), [0, 5, 10, 15, 20, 25], atol=1e-12)
    assert np.array_equal(np.unique(alpha), [0, 0.5, 1, 1.5, 2]) and np.array_equal(np.unique(beta), np.unique(alpha))


def test_vp_matches_hoffmann_multistart_on_a_subset_of_starts():
    rng = np.random.default_rng(7)
    N, D, loss = synthetic_grid(rng, dict(E=1.7, A=400, B=400, alpha=0.34, beta=0.28), n=50)
    engine = fit_chinchilla(N, D, loss)
    starts = hoffmann_starts()[::45]  # 100 of the 4,500 starts, spread over the grid
    reference = fit(CHINCHILLA, (N, D), loss, method="multistart", starts=starts)
    assert engine.objective <= reference.objective + 1e-9


@pytest.mark.parametrize("law, X", [
    (PowerLaw(), (np.geomspace(1e6, 1e10, 30),)),
    (CHINCHILLA, (np.geomspace(1e7, 1e10, 30), np.geomspace(1e9, 1e12, 30)[::-1])),
    (OverTraining(), (np.geomspace(1e7, 1e10, 30), np.geomspace(1e9, 1e12, 30)[::-1])),
    (BrokenPowerLaw(1), (np.geomspace(1e6, 1e10, 30),)),
    (BrokenPowerLaw(2), (np.geomspace(1e6, 1e10, 30),)),
    (SigmoidLink(), (np.geomspace(1e20, 1e24, 30),)),
    (ExponentialLink(), (np.linspace(2.0, 4.0, 30),)),
])
def test_analytic_gradient_matches_finite_differences(law, X):
    rng = np.random.default_rng(0)
    grid = law.shape_grid(X)
    theta = grid[rng.integers(len(grid))]
    coef = rng.uniform(0.5, 2.0, len(law.coefficients))
    y = law.basis(theta, X) @ coef * np.exp(rng.normal(0, 0.05, X[0].size))
    for objective in ("huber_log", "least_squares"):
        problem = Problem(law, X, y, objective, delta=0.1)
        u = problem.to_u(coef * 1.1, theta * 1.01)
        error = optimize.check_grad(lambda v: problem.value_and_grad(v)[0], lambda v: problem.value_and_grad(v)[1],
                                    u, epsilon=1e-7)
        scale = np.linalg.norm(problem.value_and_grad(u)[1])
        assert error <= 1e-4 * max(scale, 1.0), (law.name, objective, error, scale)


@pytest.mark.parametrize("law, X, true", [
    (PowerLaw(), (np.geomspace(1e6, 1e10, 40),), dict(E=1.5, A=30.0, alpha=0.2)),
    (BrokenPowerLaw(1), (np.geomspace(1e2, 1e8, 60),), dict(a=0.1, b=5.0, c0=0.1, c1=0.4, d1=1e5, f1=0.3)),
    (SigmoidLink(), (np.geomspace(1e20, 1e24, 40),), dict(floor=0.25, span=0.6, slope=1.5, x0=1e22)),
    (ExponentialLink(), (np.linspace(2.0, 4.0, 40),), dict(eps=0.75, k=10.0, gamma=1.8)),
])
def test_other_laws_fit_their_own_curves(law, X, true):
    rng = np.random.default_rng(1)
    y = law.predict(true, *X) * np.exp(rng.normal(0, 0.003, X[0].size))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        result = fit(law, X, y)
    assert result.objective <= objective_value(law, true, X, y) + 1e-12
    np.testing.assert_allclose(result.predict(*X), law.predict(true, *X), rtol=0.01)


def test_user_defined_law_needs_no_fitter_change():
    class LogLaw(PowerLaw):
        """y = E + A * (log x)^-alpha, a law the fitter has never seen."""
        name = "log law"

        def basis(self, theta, X):
            return super().basis(theta, (np.log(X[0]),))

        def basis_derivative(self, theta, X):
            return super().basis_derivative(theta, (np.log(X[0]),))

    law = LogLaw()
    x = np.geomspace(1e3, 1e12, 40)
    true = dict(E=0.5, A=4.0, alpha=1.2)
    result = fit(law, (x,), law.predict(true, x))
    assert result.params == pytest.approx(true, rel=1e-4)


def test_bootstrap_is_seeded_and_independent_of_jobs_and_blas_threads():
    rng = np.random.default_rng(11)
    N, D, loss = synthetic_grid(rng, identifiable_params(rng), n=40)
    # The caller's BLAS thread count differs between the runs; inside fit it is pinned to one.
    with threadpool_limits(limits=2, user_api="blas"):
        one = fit_chinchilla(N, D, loss, n_bootstrap=12, seed=5)
    with threadpool_limits(limits=1, user_api="blas"):
        again = fit_chinchilla(N, D, loss, n_bootstrap=12, seed=5, n_jobs=2)
    other = fit_chinchilla(N, D, loss, n_bootstrap=12, seed=6)
    np.testing.assert_array_equal(one.bootstrap.to_numpy(), again.bootstrap.to_numpy())
    assert one.params == again.params
    assert not np.array_equal(one.bootstrap.to_numpy(), other.bootstrap.to_numpy())


def test_summary_is_the_spread_of_the_admitted_draws():
    rng = np.random.default_rng(11)
    N, D, loss = synthetic_grid(rng, identifiable_params(rng), n=40)
    result = fit_chinchilla(N, D, loss, n_bootstrap=30, seed=5, level=0.9)
    summary = result.summary()
    assert list(summary.index) == ["E", "A", "B", "alpha", "beta"]
    draws = result.bootstrap[result.bootstrap_statuses.isin(ADMITTED_RESAMPLE_STATUSES).to_numpy()]
    np.testing.assert_allclose(summary["se"], draws.std(ddof=1))
    np.testing.assert_allclose(summary["low"], draws.quantile(0.05))
    np.testing.assert_allclose(summary["high"], draws.quantile(0.95))
    assert summary.attrs["resamples"] == {"used": len(draws), "dropped": 30 - len(draws),
                                          "at_bound": int((result.bootstrap_statuses == "at_bound").sum())}


def test_resamples_without_an_optimum_are_counted_and_left_out():
    rng = np.random.default_rng(3)
    N, D, loss = synthetic_grid(rng, identifiable_params(rng))
    with pytest.warns(RuntimeWarning, match=r"bootstrap refits are left out of the intervals \(\d+ max_iterations"):
        result = fit_chinchilla(N, D, loss, maxiter=3, n_bootstrap=10, seed=0)
    assert result.bootstrap_status.get("max_iterations", 0) >= 9
    counts = result.resample_counts()
    assert counts["dropped"] == result.bootstrap_status.get("max_iterations", 0) + result.bootstrap_status.get(
        "stalled", 0) + result.bootstrap_status.get("failed", 0)
    assert counts["used"] + counts["dropped"] == 10
    if counts["used"] < 2:  # nothing usable: no interval rather than one from unfinished fits
        assert np.isnan(result.summary()["se"]).all()


def test_mean_intervals_cover_the_truth_at_the_nominal_rate():
    # 100 replications separate nominal 95% from 80%: at 95% the chance of fewer than 88 covered
    # is 0.3%, at 80% the chance of 88 or more is 2%. Measured: 90 of 100 here (a percentile
    # bootstrap of 40 points under-covers slightly).
    law, x, true = PowerLaw(), np.geomspace(1e6, 1e9, 40), dict(E=1.0, A=20.0, alpha=0.3)
    covered = []
    for rep in range(100):
        rng = np.random.default_rng(rep)
        y = law.predict(true, x) * np.exp(rng.normal(0, 0.01, x.size))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            result = fit(law, (x,), y, n_bootstrap=60, seed=rep)
        est = result.predict_interval([3e7])
        covered.append(est.low[0] <= law.predict(true, [3e7])[0] <= est.high[0])
    assert sum(covered) >= 88, sum(covered)


def test_observation_intervals_take_the_callers_seed():
    rng = np.random.default_rng(2)
    x = np.geomspace(1e6, 1e9, 40)
    y = PowerLaw().predict(dict(E=1.0, A=20.0, alpha=0.3), x) * np.exp(rng.normal(0, 0.02, x.size))
    result = fit(PowerLaw(), x, y, n_bootstrap=20, seed=7)
    at = np.array([5e9])
    by_default = result.predict_interval(at, kind="observation")
    same = result.predict_interval(at, kind="observation", seed=7)
    other = result.predict_interval(at, kind="observation", seed=8)
    assert (by_default.low, by_default.high) == (same.low, same.high)
    assert (other.low, other.high) != (same.low, same.high)


def test_unconstrained_parameters_get_infinite_standard_errors_not_zero():
    # All points at one x: E and A x^-alpha are one number, so the data constrain only E + A x^-alpha.
    x = np.full(20, 1e8)
    y = 2.0 * np.exp(np.random.default_rng(0).normal(0, 0.01, 20))
    with pytest.warns(RuntimeWarning, match="rank-deficient"):
        result = fit(PowerLaw(), x, y)
    assert "rank-deficient Jacobian (rank 1 of 3)" in result.flags["ill_conditioned"]
    assert all(not se < np.inf for se in result.approx_se.values()), result.approx_se


BAD_INPUTS = [
    ([], [], [], "empty"),
    ([1e8, np.nan], [1e9, 1e9], [3.0, 3.0], "NaN"),
    ([1e8, np.inf], [1e9, 1e9], [3.0, 3.0], "infinite"),
    ([1e8, 0.0], [1e9, 1e9], [3.0, 3.0], "positive"),
    ([1e8, 1e9], [1e9, -1e9], [3.0, 3.0], "positive"),
    ([1e8, 1e9], [1e9, 1e10], [3.0, 0.0], "positive"),
    ([1e8, 1e9], [1e9, 1e10, 1e11], [3.0, 2.9], "different lengths"),
    ([1e8, "x"], [1e9, 1e10], [3.0, 2.9], "numeric"),
]


@pytest.mark.parametrize("N, D, loss, message", BAD_INPUTS)
def test_bad_inputs_raise_value_error_naming_the_problem(N, D, loss, message):
    with pytest.raises(ValueError, match=message):
        fit_chinchilla(N, D, loss)


def test_bad_options_are_rejected():
    N, D = np.geomspace(1e7, 1e9, 10), np.geomspace(1e9, 1e11, 10)
    loss = CHINCHILLA.predict(dict(E=1.8, A=400, B=2000, alpha=0.34, beta=0.37), N, D)
    with pytest.raises(ValueError, match="objective"):
        fit_chinchilla(N, D, loss, objective="l1")
    with pytest.raises(ValueError, match="delta"):
        fit_chinchilla(N, D, loss, delta=0)
    with pytest.raises(ValueError, match="starts"):
        fit_chinchilla(N, D, loss, method="multistart")
    with pytest.raises(ValueError, match=r"expected 2 input arrays \('N', 'D'\), got 1"):
        fit(CHINCHILLA, (N,), loss)


@pytest.mark.parametrize("X, message", [
    ((np.ones(5),), r"expected 2 input arrays"),
    ((np.ones(5), np.ones(5), np.ones(5)), r"expected 2 input arrays \('N', 'D'\), got 3"),
    (np.ones((2, 5)), r"tuple of 2 arrays, e.g. \(N, D\); got one array of shape \(2, 5\)"),
    ("N", r"tuple of 2 arrays, got str"),
])
def test_check_inputs_refuses_the_wrong_number_of_arrays(X, message):
    with pytest.raises(ValueError, match=message):
        check_inputs(X, np.ones(5), ("N", "D"), "loss")


def test_inputs_as_a_list_or_a_tuple_are_the_same():
    N, D = np.geomspace(1e7, 1e9, 5), np.geomspace(1e9, 1e11, 5)
    (a, b), _ = check_inputs([N, D], np.ones(5), ("N", "D"))
    (c, d), _ = check_inputs((N, D), np.ones(5), ("N", "D"))
    assert np.array_equal(a, c) and np.array_equal(b, d)


def test_law_without_finite_predictions_raises_fit_error():
    class Broken(PowerLaw):
        def basis(self, theta, X):
            return np.full(super().basis(theta, X).shape, np.nan)

    with pytest.raises(FitError, match="finite"):
        fit(Broken(), (np.geomspace(1e6, 1e9, 10),), np.linspace(3.0, 2.0, 10))


def test_observation_interval_is_centred_on_the_side_the_data_scatter():
    # Upward spikes: observations above the curve. A new observation's interval must reach up, not down.
    x = np.geomspace(1e6, 1e9, 200)
    rng = np.random.default_rng(0)
    truth = PowerLaw().predict(dict(E=1.0, A=20.0, alpha=0.3), x)
    y = truth * np.exp(np.where(rng.random(x.size) < 0.3, 0.05, 0.0) + rng.normal(0, 0.002, x.size))
    result = fit(PowerLaw(), (x,), y, n_bootstrap=20, level=0.9)
    est = result.predict_interval(np.array([3e8]), kind="observation")
    new = PowerLaw().predict(dict(E=1.0, A=20.0, alpha=0.3), [3e8])[0] * np.exp([0.0, 0.05])
    assert est.high[0] >= new.max() * 0.995  # reaches the spikes
    assert est.low[0] <= new.min() * 1.005


def test_derive_handles_constants_and_curves_and_rejects_wrong_axes():
    N, D, loss = synthetic_grid(np.random.default_rng(2), dict(E=1.8, A=400, B=2000, alpha=0.34, beta=0.37))
    result = fit_chinchilla(N, D, loss, n_bootstrap=6, seed=0)
    constant = result.derive(lambda p: 2.0)
    assert constant.value == 2.0 and constant.se == 0.0
    curve = result.derive(lambda p: np.asarray(p["E"])[..., None] * np.ones(6))
    assert np.shape(curve.low) == (6,)
    with pytest.raises(ValueError, match="leading axis"):
        result.derive(lambda p: np.asarray(p["E"])[None, ...] * np.ones((6, 1)))


def test_compare_with_refuses_too_few_draws():
    N, D, loss = synthetic_grid(np.random.default_rng(2), dict(E=1.8, A=400, B=2000, alpha=0.34, beta=0.37))
    result = fit_chinchilla(N, D, loss, n_bootstrap=4, seed=0)
    with pytest.raises(ValueError, match="bootstrap draws"):
        compare_with(result, dict(E=1.7, A=400, B=400, alpha=0.3, beta=0.3))


def test_compare_with_matches_an_independent_mahalanobis_test():
    N, D, loss = synthetic_grid(np.random.default_rng(2), dict(E=1.8, A=400, B=2000, alpha=0.34, beta=0.37))
    result = fit_chinchilla(N, D, loss, n_bootstrap=40, seed=0)
    published = dict(E=1.75, A=450.0, alpha=0.33, beta=0.36)
    table, joint = compare_with(result, published)
    names = ["E", "A", "alpha", "beta"]
    assert list(table.index) == names and joint["dof"] == 4
    # Independent computation: coefficients (E, A) on a log scale, exponents as they are.
    def transform(values):
        return np.array([np.log(values[0]), np.log(values[1]), values[2], values[3]])
    admitted = result.bootstrap[result.bootstrap_statuses.isin(ADMITTED_RESAMPLE_STATUSES).to_numpy()][names]
    draws = np.array([transform(row) for row in admitted.to_numpy()])
    estimate = transform([result.params[n] for n in names])
    precision = np.linalg.inv(np.cov(draws, rowvar=False))
    chi2 = distance.mahalanobis(transform([published[n] for n in names]), estimate, precision) ** 2
    assert joint["chi2"] == pytest.approx(chi2, rel=1e-8)
    assert joint["p_value"] == pytest.approx(stats.chi2(4).sf(chi2), rel=1e-8)
    np.testing.assert_allclose(table["z"], (table["published"] - table["estimate"]) / admitted.std())


def test_cluster_bootstrap_resamples_whole_groups():
    groups = np.repeat(["a", "b", "c"], [2, 3, 5])
    for index in resample_indices(10, 20, seed=0, groups=groups):
        picked = groups[index]
        for label in set(picked):
            assert (picked == label).sum() % (groups == label).sum() == 0


@pytest.mark.parametrize("option, message", [
    (dict(n_polish=0), "n_polish"), (dict(n_bootstrap=1), "n_bootstrap"), (dict(n_bootstrap=-3), "n_bootstrap"),
    (dict(level=1.5), "level"), (dict(grid=np.ones((4, 3))), "grid must have shape"),
    (dict(groups=[1, 2]), "groups"),
])
def test_invalid_options_fail_before_any_work(option, message):
    N, D = np.geomspace(1e7, 1e9, 10), np.geomspace(1e9, 1e11, 10)
    loss = CHINCHILLA.predict(dict(E=1.8, A=400, B=2000, alpha=0.34, beta=0.37), N, D)
    with pytest.raises(ValueError, match=message):
        fit_chinchilla(N, D, loss, **option)
