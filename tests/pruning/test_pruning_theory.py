"""The teacher-student pruning theory: the exact max-margin solver, the replica solution, and what follows."""
import numpy as np
import pandas as pd
import pytest
from scipy import optimize

from scaling_lib.pruning import theory


def _separable(n_examples, n_dim, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_examples, n_dim))
    return X, np.where(X[:, 0] > 0, 1.0, -1.0)


@pytest.mark.parametrize("n_examples", [30, 400])
def test_max_margin_meets_kkt_and_matches_a_generic_qp(n_examples):
    X, y = _separable(n_examples, 20, seed=n_examples)
    solution = theory.max_margin(X, y)
    assert solution.kkt_violation < 1e-9
    margins = y * (X @ solution.weights)
    assert margins.min() == pytest.approx(1.0, abs=1e-9)
    assert np.all(solution.multipliers >= 0)
    # An independent solver of the primal, min |w|^2 s.t. y_i w.x_i >= 1, finds the same w.
    primal = optimize.minimize(lambda w: w @ w, solution.weights * 1.3, jac=lambda w: 2 * w, method="SLSQP",
                               constraints=[dict(type="ineq", fun=lambda w: y * (X @ w) - 1.0,
                                                 jac=lambda w: y[:, None] * X)],
                               options=dict(ftol=1e-14, maxiter=1000))
    np.testing.assert_allclose(primal.x, solution.weights, atol=1e-5)


def test_max_margin_refuses_bad_input():
    X, y = _separable(10, 3, seed=0)
    with pytest.raises(ValueError, match="not linearly separable"):
        theory.max_margin(np.vstack([X, X[:1]]), np.append(y, -y[0]))
    with pytest.raises(ValueError, match="one entry per example"):
        theory.max_margin(X, y[:-1])
    with pytest.raises(ValueError, match=r"\+1 or -1"):
        theory.max_margin(X, (y > 0).astype(float))
    with pytest.raises(ValueError, match="NaN"):
        theory.max_margin(np.where(X > 1, np.nan, X), y)
    with pytest.raises(ValueError, match="non-empty"):
        theory.max_margin(np.empty((0, 3)), np.empty(0))


def test_unpruned_theory_is_the_classic_max_margin_curve():
    # Without pruning the max-margin student's error falls as 0.50/alpha at large alpha.
    alpha = np.array([64.0, 512.0])
    np.testing.assert_allclose(theory.perceptron_theory(alpha, 1.0) * alpha, 0.5, rtol=2e-3)
    # f = 1 is the same whichever way one "prunes", and whatever the probe (to the quadrature's accuracy, 1e-5).
    assert theory.perceptron_theory(4.0, 1.0, keep="easy", theta=0.3) == pytest.approx(
        theory.perceptron_theory(4.0, 1.0), rel=1e-4)


def test_the_two_theory_solvers_agree():
    for alpha, fraction, theta, keep in [(2.0, 0.3, 0.0, "hard"), (6.0, 0.5, 0.2, "easy"), (20.0, 0.1, 0.1, "hard"),
                                         (1.0, 1.0, 0.0, "hard")]:
        fields = theory._kept_fields(fraction, theta, keep)
        nested = theory._solve_theory_nested(fields, alpha * fraction)
        direct = theory._solve_theory(alpha * fraction, fraction, theta, keep)
        assert direct == pytest.approx(nested, abs=1e-6), (alpha, fraction, theta, keep)


# N = 200 dimensions, 12 seeds: the grid of the notebook's check, smaller.
GRID = [(2.0, 0.3, 0.0, "hard"), (2.0, 0.3, 0.0, "easy"), (6.0, 0.5, 0.0, "hard"), (6.0, 0.5, 0.0, "easy"),
        (6.0, 0.3, 0.2, "hard"), (3.0, 1.0, 0.0, "hard")]


@pytest.mark.parametrize("alpha, fraction, theta, keep", GRID)
def test_theory_agrees_with_exact_simulation(alpha, fraction, theta, keep):
    simulated = theory.perceptron_simulation(alpha, fraction, theta=theta, keep=keep, n_dim=200, n_seeds=12,
                                             seed=1)
    predicted = theory.perceptron_theory(alpha, fraction, theta=theta, keep=keep)
    assert simulated.kkt_violation.max() < 1e-8
    assert abs(simulated.error - predicted) < 3.5 * simulated.error_se + 0.005, (simulated.error, predicted)


def test_simulation_is_seeded_and_prunes_as_asked():
    first = theory.perceptron_simulation(2.0, 0.5, n_dim=50, n_seeds=3, seed=4)
    again = theory.perceptron_simulation(2.0, 0.5, n_dim=50, n_seeds=3, seed=4)
    other = theory.perceptron_simulation(2.0, 0.5, n_dim=50, n_seeds=3, seed=5)
    np.testing.assert_array_equal(first.errors, again.errors)
    assert not np.array_equal(first.errors, other.errors)
    assert first.n_kept == 50 and first.alpha_prune == 1.0
    assert first.error == pytest.approx(first.errors.mean())


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(keep_fraction=0.0), ValueError, r"\(0, 1\]"),
    (dict(keep_fraction=1.5), ValueError, r"\(0, 1\]"),
    (dict(keep_fraction=float("nan")), ValueError, r"\(0, 1\]"),
    (dict(keep_fraction=True), TypeError, "keep_fraction"),
    (dict(keep="medium"), ValueError, "keep must be one of"),
    (dict(theta=-0.1), ValueError, "theta"),
    (dict(alpha_tot=0.0), ValueError, "alpha_tot"),
    (dict(n_seeds=1), ValueError, "n_seeds"),
    (dict(n_dim=2.5), TypeError, "n_dim"),
])
def test_bad_input_is_refused_with_its_name(kwargs, error, match):
    arguments = dict(alpha_tot=2.0, keep_fraction=0.5, n_dim=20, n_seeds=2) | kwargs
    alpha, fraction = arguments.pop("alpha_tot"), arguments.pop("keep_fraction")
    with pytest.raises(error, match=match):
        theory.perceptron_simulation(alpha, fraction, **arguments)
    if not {"n_seeds", "n_dim"} & kwargs.keys():
        arguments.pop("n_dim"), arguments.pop("n_seeds")
        with pytest.raises(error, match=match):
            theory.perceptron_theory(alpha, fraction, **arguments)


def test_frontier_lies_below_every_curve_and_keeping_easy_wins_at_small_data():
    alpha_prune = np.array([0.5, 2.0, 6.0])
    curves = theory.error_curves(alpha_prune, [0.2, 0.5, 1.0])
    frontier = theory.pareto_frontier(alpha_prune, smallest_fraction=0.2)
    for _, point in frontier.iterrows():
        at_size = curves[np.isclose(curves["alpha_prune"], point["alpha_prune"])]
        assert point["error"] <= at_size["error"].min() + 1e-9
    assert frontier["keep"].tolist()[0] == "easy" and frontier["keep"].tolist()[-1] == "hard"


def test_easy_hard_crossover_separates_the_two_regimes():
    crossover = theory.easy_hard_crossover(0.5)
    assert 1.0 < crossover < 20.0
    for alpha, better in [(crossover / 2, "easy"), (crossover * 2, "hard")]:
        errors = {keep: theory.perceptron_theory(alpha, 0.5, keep=keep) for keep in ("hard", "easy")}
        assert min(errors, key=errors.get) == better
    assert np.isnan(theory.easy_hard_crossover(1.0))


def test_fallback_angle_interpolates_the_first_crossing():
    table = pd.DataFrame(dict(theta=[0.0, 0.1, 0.2, 0.3], frontier_exponent=[9.0, 3.0, 1.0, 0.5],
                              random_exponent=[1.0] * 4))
    assert theory.power_law_fallback_angle(table) == pytest.approx(0.15)
    assert np.isnan(theory.power_law_fallback_angle(table.iloc[:2]))


def test_local_exponent_of_a_power_law_is_its_exponent():
    alpha = np.geomspace(1, 100, 7)
    np.testing.assert_allclose(theory.local_exponent(alpha, 3 * alpha ** -0.7), 0.7)


def test_power_law_exponent_recovers_a_known_exponent_with_an_honest_interval():
    alpha = np.geomspace(1, 32, 6)
    rng = np.random.default_rng(0)
    covered = 0
    for _ in range(200):
        error = 0.4 * alpha ** -0.8 * np.exp(0.05 * rng.standard_normal(alpha.size))
        fitted = theory.power_law_exponent(alpha, error, error * 0.05)
        covered += fitted.interval[0] <= 0.8 <= fitted.interval[1]
    assert 0.9 <= covered / 200 <= 0.99
    exact = theory.power_law_exponent(alpha, 0.4 * alpha ** -0.8)
    assert exact.exponent == pytest.approx(0.8) and exact.prefactor == pytest.approx(0.4)
    with pytest.raises(ValueError, match="at least 3"):
        theory.power_law_exponent(alpha[:2], alpha[:2])
