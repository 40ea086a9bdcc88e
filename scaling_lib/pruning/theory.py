"""Data pruning in the teacher-student perceptron (Sorscher et al. 2022, arXiv 2206.14486), exact and simulated.

The model. Inputs are standard Gaussian in ``n_dim`` dimensions; a teacher direction T labels them, y = sign(T.x).
A probe direction at angle theta to the teacher scores every example by its margin |P.x| (theta = 0 is the
perfect pruning metric). Of the alpha_tot * n_dim examples, the fraction f with the smallest probe margins is kept
("hard") or the fraction with the largest ("easy"), and a **max-margin** student (hard-margin linear classifier
without bias) is trained on the alpha_prune = f * alpha_tot * n_dim kept examples. Its generalisation error is
eps = arccos(R) / pi, with R the cosine between student and teacher.

The simulation solves the max-margin problem exactly: minimising |w|^2 subject to y_i w.x_i >= 1 is a least-distance
programme, which Lawson and Hanson (1974, ch. 23) turn into one non-negative least-squares problem;
``scipy.optimize.nnls`` (an active-set method) then reaches the KKT conditions to about 1e-12.

The theory is the replica-symmetric calculation of the max-margin student (exact here: the problem is convex).
Only the plane of teacher and probe is special. Write an example's fields in that plane as t = T.x and u (the part
of the probe orthogonal to the teacher), and the student's overlaps with the two directions as R and rho.
Gardner's volume of students with stability kappa shrinks to nothing as the replica overlap q -> 1; in that limit
the free energy is proportional to Q (1 - h), with Q = 1 - R^2 - rho^2 and

    h(R, rho; kappa) = alpha_prune * E[ G((kappa - R |t| - rho sign(t) u) / sqrt(Q)) ],
    G(b) = E_z[(b - z)_+^2] = (b^2 + 1) Phi(b) + b phi(b),

the expectation over the kept examples' (t, u). The max-margin student is the largest kappa for which
min over (R, rho) of h still reaches 1, and R at that minimum gives eps. The expectation is a two-dimensional
integral, taken by Gauss-Legendre quadrature in the probe's own coordinates (the pruning cuts along one of them),
split where t changes sign so that every piece is smooth.
"""
from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass

import joblib
import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from ..fitting import one_blas_thread
from ._checks import check_angle, check_keep, check_keep_fraction, check_positive_int, check_positive_values

__all__ = ["SimulationResult", "perceptron_simulation", "perceptron_theory", "max_margin", "pruning_threshold",
           "error_curves", "pareto_frontier", "easy_hard_crossover", "local_exponent", "frontier_exponents",
           "power_law_fallback_angle", "power_law_exponent", "PowerLawExponent", "theory_simulation_table",
           "generalisation_error"]

# Gaussian tails beyond 9 standard deviations weigh less than 1e-18: the quadrature's outer limit.
_TAIL = 9.0
_NODES = 16
_GRADING = np.concatenate([[0.0], 10.0 ** np.arange(-7.0, 1.0)])


def generalisation_error(overlap):
    """eps = arccos(R) / pi for a student at cosine ``overlap`` with the teacher (array in, array out)."""
    return np.arccos(np.clip(overlap, -1.0, 1.0)) / np.pi


def pruning_threshold(keep_fraction, keep: str = "hard"):
    """The probe margin |P.x| that keeps the fraction ``keep_fraction`` of standard Gaussian examples.

    Hard pruning keeps |P.x| < threshold, easy pruning keeps |P.x| > threshold; ``inf`` (hard) or 0 (easy) at
    f = 1.
    """
    fraction = check_keep_fraction(keep_fraction)
    check_keep(keep)
    quantile = (1.0 + fraction) / 2.0 if keep == "hard" else 1.0 - fraction / 2.0
    return stats.norm.ppf(quantile)


# ---------------------------------------------------------------------------------------------------------------
# Simulation


@dataclass(frozen=True)
class MaxMarginSolution:
    """The max-margin student of one training set.

    Attributes
    ----------
    weights : ndarray, shape (n_dim,)
        The minimum-norm w with y_i w.x_i >= 1 (its margin is 1 / |w|).
    multipliers : ndarray, shape (n_examples,)
        The KKT multipliers: w = sum_i multipliers_i y_i x_i, all >= 0, non-zero only on support vectors.
    kkt_violation : float
        The largest violation of the KKT conditions (primal feasibility, stationarity, complementary slackness),
        in units of the constraint (a margin of 1).
    """

    weights: np.ndarray
    multipliers: np.ndarray
    kkt_violation: float


def max_margin(features, labels) -> MaxMarginSolution:
    """The exact hard-margin linear classifier without bias, by non-negative least squares.

    Parameters
    ----------
    features : array_like, shape (n_examples, n_dim)
    labels : array_like, shape (n_examples,)
        +1 or -1.

    Raises
    ------
    ValueError
        For empty or mismatched inputs, labels other than +-1, non-finite features, or data no hyperplane through
        the origin separates.
    """
    X = np.asarray(features, dtype=float)
    y = np.asarray(labels, dtype=float)
    if X.ndim != 2 or X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"features must be a non-empty 2-D array (examples x dimensions), got shape {X.shape}")
    if y.shape != (X.shape[0],):
        raise ValueError(f"labels must have one entry per example ({X.shape[0]}), got shape {y.shape}")
    if not np.all(np.isin(y, (-1.0, 1.0))):
        raise ValueError("labels must be +1 or -1")
    if not np.all(np.isfinite(X)):
        raise ValueError("features contain NaN or infinite values")
    constraints = y[:, None] * X
    n_examples, n_dim = constraints.shape
    # Least-distance programme min |w| s.t. G w >= 1  <=>  NNLS min |E u - e| over u >= 0, E = [G^T; 1^T].
    system = np.vstack([constraints.T, np.ones(n_examples)])
    target = np.zeros(n_dim + 1)
    target[-1] = 1.0
    with one_blas_thread():
        solution, _ = optimize.nnls(system, target, maxiter=50 * (n_examples + n_dim))
        residual = system @ solution - target
        if abs(residual[-1]) < 1e-12:
            raise ValueError("the data are not linearly separable through the origin: no max-margin solution")
        weights = -residual[:-1] / residual[-1]
        multipliers = solution / -residual[-1]
        margins = constraints @ weights
        stationarity = np.max(np.abs(weights - constraints.T @ multipliers)) / max(np.max(np.abs(weights)), 1.0)
    violation = max(float(np.max(1.0 - margins, initial=0.0)), float(np.max(np.abs(multipliers * (margins - 1.0)))),
                    float(stationarity))
    return MaxMarginSolution(weights, multipliers, violation)


@dataclass(frozen=True)
class SimulationResult:
    """Generalisation error of the max-margin student, simulated over seeds.

    Attributes
    ----------
    error : float
        Mean of eps = arccos(R)/pi over seeds.
    error_se : float
        Its standard error (sample standard deviation over seeds / sqrt(n_seeds)).
    errors : ndarray, shape (n_seeds,)
        eps of every seed.
    overlaps : ndarray, shape (n_seeds,)
        R of every seed.
    kkt_violation : ndarray, shape (n_seeds,)
        How far each seed's solution is from the exact max-margin one (see :class:`MaxMarginSolution`).
    alpha_tot, keep_fraction, theta, keep, n_dim, n_kept
        The setting; ``n_kept`` is the number of examples the student saw.
    """

    error: float
    error_se: float
    errors: np.ndarray
    overlaps: np.ndarray
    kkt_violation: np.ndarray
    alpha_tot: float
    keep_fraction: float
    theta: float
    keep: str
    n_dim: int
    n_kept: int

    @property
    def alpha_prune(self) -> float:
        """Kept examples per dimension, n_kept / n_dim."""
        return self.n_kept / self.n_dim


def perceptron_simulation(alpha_tot, keep_fraction, *, theta=0.0, keep="hard", n_dim=200, n_seeds=20,
                          seed=0) -> SimulationResult:
    """Simulate pruning then max-margin training in the teacher-student perceptron.

    By rotational symmetry the teacher is the first axis and the probe lies in the plane of the first two axes,
    at angle ``theta`` to the teacher. Each seed draws round(alpha_tot * n_dim) Gaussian examples (all seeds in
    one vectorised draw), keeps the round(f * P) of smallest (``"hard"``) or largest (``"easy"``) probe margin,
    and trains the exact max-margin student (:func:`max_margin`).

    Parameters
    ----------
    alpha_tot : float
        Examples per dimension before pruning, P / n_dim.
    keep_fraction : float
        f in (0, 1]; the student sees alpha_prune = f * alpha_tot examples per dimension.
    theta : float
        Angle between probe and teacher, radians in [0, pi/2].
    keep : {"hard", "easy"}
    n_dim : int
        Input dimension N.
    n_seeds : int
        Independent data sets (at least 2, for a standard error).
    seed : int
        Seeds the whole simulation; the result is bit-identical on reruns.
    """
    alpha = float(check_positive_values(alpha_tot))
    fraction = float(check_keep_fraction(keep_fraction))
    angle = float(check_angle(theta))
    check_keep(keep)
    n_dim = check_positive_int(n_dim, "n_dim", minimum=2)
    n_seeds = check_positive_int(n_seeds, "n_seeds", minimum=2)
    n_total = int(round(alpha * n_dim))
    n_kept = max(int(round(fraction * n_total)), 1)
    rng = np.random.default_rng(seed)
    examples = rng.standard_normal((n_seeds, n_total, n_dim))
    labels = np.where(examples[..., 0] > 0, 1.0, -1.0)
    probe_margin = np.abs(np.cos(angle) * examples[..., 0] + np.sin(angle) * examples[..., 1])
    order = np.argsort(probe_margin if keep == "hard" else -probe_margin, axis=1, kind="stable")[:, :n_kept]
    kept = np.take_along_axis(examples, order[..., None], axis=1)
    kept_labels = np.take_along_axis(labels, order, axis=1)
    overlaps = np.empty(n_seeds)
    violations = np.empty(n_seeds)
    for index in range(n_seeds):
        solution = max_margin(kept[index], kept_labels[index])
        overlaps[index] = solution.weights[0] / np.linalg.norm(solution.weights)
        violations[index] = solution.kkt_violation
    errors = generalisation_error(overlaps)
    return SimulationResult(error=float(errors.mean()), error_se=float(errors.std(ddof=1) / np.sqrt(n_seeds)),
                            errors=errors, overlaps=overlaps, kkt_violation=violations, alpha_tot=alpha,
                            keep_fraction=fraction, theta=angle, keep=keep, n_dim=n_dim, n_kept=n_kept)


# ---------------------------------------------------------------------------------------------------------------
# Replica theory


def _legendre(lower, upper, *, toward=None):
    """Composite Gauss-Legendre nodes and weights on [lower, upper], broadcast over leading axes of the limits.

    ``toward="lower"`` (or ``"upper"``) grades the pieces geometrically toward that end, down to 1e-7 of the
    length: near t = 0 the integrand varies on the scale of the student's error, which is tiny at large alpha.
    """
    nodes, weights = np.polynomial.legendre.leggauss(_NODES)
    lower, upper = np.asarray(lower, float)[..., None], np.asarray(upper, float)[..., None]
    steps = _GRADING if toward == "lower" else 1.0 - _GRADING[::-1] if toward == "upper" else np.array([0.0, 1.0])
    ends = lower + (upper - lower) * steps
    half, middle = (ends[..., 1:] - ends[..., :-1]) / 2.0, (ends[..., 1:] + ends[..., :-1]) / 2.0
    points = (middle[..., None] + half[..., None] * nodes).reshape(*middle.shape[:-1], -1)
    return points, (half[..., None] * weights).reshape(points.shape)


@dataclass(frozen=True)
class _KeptFields:
    """Quadrature over the kept examples: |t|, sign(t) u and weights summing to 1 (flat arrays)."""

    abs_t: np.ndarray
    signed_u: np.ndarray
    weights: np.ndarray


@functools.lru_cache(maxsize=256)
def _kept_fields(keep_fraction, theta, keep) -> _KeptFields:
    """Nodes for E[.] over the kept examples' teacher field t and orthogonal probe field u.

    In probe coordinates s = P.x (the pruned one) and v (orthogonal to it, untouched), t = cos(theta) s -
    sin(theta) v. The integrand depends on (t, u) only through |t| and sign(t) u, which is even under
    (s, v) -> (-s, -v), so s runs over its positive kept half and the density doubles. For each s the v axis is
    cut where t = 0, at v = s cot(theta), so both pieces are smooth.
    """
    threshold = float(pruning_threshold(keep_fraction, keep))
    low, high = (0.0, min(threshold, _TAIL)) if keep == "hard" else (threshold, threshold + _TAIL)
    s, s_weight = _legendre(low, high, toward="lower")
    cut = np.full_like(s, np.inf) if theta == 0 else s * np.cos(theta) / np.sin(theta)
    cut = np.clip(cut, -_TAIL, _TAIL)
    pieces = [_legendre(np.full_like(s, -_TAIL), cut, toward="upper"),
              _legendre(cut, np.full_like(s, _TAIL), toward="lower")]
    v = np.concatenate([piece[0] for piece in pieces], axis=1)
    v_weight = np.concatenate([piece[1] for piece in pieces], axis=1)
    weight = 2.0 * (s_weight * stats.norm.pdf(s))[:, None] * v_weight * stats.norm.pdf(v)
    t = np.cos(theta) * s[:, None] - np.sin(theta) * v
    u = np.sin(theta) * s[:, None] + np.cos(theta) * v
    weight = weight / weight.sum()
    arrays = [np.abs(t).ravel(), (np.sign(t) * u).ravel(), weight.ravel()]
    for array in arrays:
        array.setflags(write=False)  # cached (the same nodes serve every alpha at one f, theta and rule)
    return _KeptFields(*arrays)


def _stability_excess(kappa, overlaps, rest, fields: _KeptFields, alpha_prune):
    """h(R, rho; kappa) and its gradient in (R, rho) (see the module docstring); rest = 1 - R^2 - rho^2."""
    R, rho = overlaps
    root = np.sqrt(rest)
    gap = kappa - R * fields.abs_t - rho * fields.signed_u
    b = gap / root
    cdf, pdf = special.ndtr(b), np.exp(-0.5 * b * b) / np.sqrt(2 * np.pi)
    value = alpha_prune * np.dot(fields.weights, (b * b + 1.0) * cdf + b * pdf)
    slope = 2.0 * (b * cdf + pdf)
    d_b_dR = -fields.abs_t / root + gap * R / rest ** 1.5
    d_b_drho = -fields.signed_u / root + gap * rho / rest ** 1.5
    gradient = alpha_prune * np.array([np.dot(fields.weights, slope * d_b_dR),
                                       np.dot(fields.weights, slope * d_b_drho)])
    return value, gradient


def _least_excess(kappa, fields, alpha_prune, start):
    """min over (R, rho) inside the unit disk of h, and where it is reached.

    The disk is mapped onto the plane, (R, rho) = z / sqrt(1 + |z|^2), so that the minimiser runs unconstrained;
    ``start`` and the location returned are in z.
    """
    def objective(z):
        # 1 - R^2 - rho^2 = 1 / (1 + |z|^2) exactly, without the cancellation of forming it from R and rho.
        scale = np.sqrt(1.0 + z @ z)
        value, gradient = _stability_excess(kappa, z / scale, 1.0 / scale ** 2, fields, alpha_prune)
        return value, gradient / scale - z * (z @ gradient) / scale ** 3

    result = optimize.minimize(objective, start, jac=True, method="BFGS", options=dict(gtol=1e-12, maxiter=1000))
    return result.fun, result.x


def _margin_constraint(weights, fields: _KeptFields, alpha_prune):
    """1 - h in the student's unnormalised coordinates, and its gradient.

    With the margin scaled to 1, the student is (a_T, a_u, c) = (R, rho, sqrt(Q)) / kappa, so that
    b = (1 - a_T |t| - a_u sign(t) u) / c, and the max-margin student is the shortest such vector (|.| = 1/kappa)
    with h <= 1.
    """
    a_t, a_u, c = weights
    b = (1.0 - a_t * fields.abs_t - a_u * fields.signed_u) / c
    cdf, pdf = special.ndtr(b), np.exp(-0.5 * b * b) / np.sqrt(2 * np.pi)
    value = 1.0 - alpha_prune * np.dot(fields.weights, (b * b + 1.0) * cdf + b * pdf)
    slope = 2.0 * (b * cdf + pdf) * fields.weights
    gradient = alpha_prune / c * np.array([slope @ fields.abs_t, slope @ fields.signed_u, slope @ b])
    return value, gradient


def _solve_theory(alpha_prune, keep_fraction, theta, keep):
    """R of the max-margin student after pruning.

    First the shortest student vector satisfying the stability condition (one smooth constraint in three
    unknowns, SLSQP); if that does not end on the constraint, the slower nested search decides (largest kappa
    whose least h over (R, rho) reaches 1). A test checks that the two agree.
    """
    fields = _kept_fields(keep_fraction, theta, keep)
    constraint = dict(type="ineq", fun=lambda w: _margin_constraint(w, fields, alpha_prune)[0],
                      jac=lambda w: _margin_constraint(w, fields, alpha_prune)[1])
    result = optimize.minimize(lambda w: (w @ w, 2.0 * w), np.array([1.0, 0.0, 1.0]), jac=True, method="SLSQP",
                               bounds=[(None, None), (None, None), (1e-12, None)], constraints=[constraint],
                               options=dict(ftol=1e-15, maxiter=500))
    if np.all(np.isfinite(result.x)) and abs(_margin_constraint(result.x, fields, alpha_prune)[0]) < 1e-7:
        return result.x[0] / np.linalg.norm(result.x)
    return _solve_theory_nested(fields, alpha_prune)


def _solve_theory_nested(fields, alpha_prune):
    fixed_start = np.array([1.0 / np.sqrt(3.0), 0.0])  # in z: R = 0.5, rho = 0
    start = fixed_start

    def excess(kappa):
        # Warm starts speed up the root search, but one from a far-away kappa can sit where Q ~ 0 and the
        # minimiser stalls there, so a fixed start is tried too and the lower minimum kept.
        nonlocal start
        candidates = [_least_excess(kappa, fields, alpha_prune, guess) for guess in (start, fixed_start)]
        value, start = min(candidates, key=lambda candidate: candidate[0])
        return value - 1.0

    # The teacher separates every kept example with margin > 0, so the max-margin kappa is positive; h grows
    # with kappa (G is increasing), so one bracket holds the root.
    upper = 1.0
    while excess(upper) < 0:
        upper *= 2.0
    root = optimize.brentq(excess, 1e-9, upper, xtol=1e-13, rtol=1e-13)
    excess(root)  # the location of the least h at the root itself, not at brentq's last trial point
    return start[0] / np.sqrt(1.0 + start @ start)


def perceptron_theory(alpha_tot, keep_fraction, *, theta=0.0, keep="hard"):
    """Replica prediction of the max-margin student's generalisation error after pruning.

    Parameters
    ----------
    alpha_tot : float or array_like
        Examples per dimension before pruning.
    keep_fraction : float or array_like
        f in (0, 1]; broadcast against ``alpha_tot`` (and ``theta``).
    theta : float or array_like
        Probe-teacher angle, radians in [0, pi/2].
    keep : {"hard", "easy"}

    Returns
    -------
    float or ndarray
        eps = arccos(R)/pi, of the broadcast shape (a float for scalar inputs).
    """
    alpha = check_positive_values(alpha_tot)
    fraction = check_keep_fraction(keep_fraction)
    angle = check_angle(theta)
    check_keep(keep)
    alpha, fraction, angle = np.broadcast_arrays(alpha, fraction, angle)
    # One BLAS thread: the quadrature's dot products then sum in one order, whatever the machine's setting.
    with one_blas_thread():
        overlaps = np.array([_solve_theory(a * f, f, t, keep)
                             for a, f, t in zip(alpha.ravel(), fraction.ravel(), angle.ravel())])
    errors = generalisation_error(overlaps).reshape(alpha.shape)
    return float(errors) if errors.ndim == 0 else errors


# ---------------------------------------------------------------------------------------------------------------
# What the theory implies: curves, the Pareto frontier, the easy/hard crossover, the fall-back to a power law


def error_curves(alpha_prune, keep_fractions, *, theta=0.0, keeps=("hard", "easy")) -> pd.DataFrame:
    """Theory error at every (keep rule, keep fraction, alpha_prune), as a tidy table.

    Parameters
    ----------
    alpha_prune : array_like, shape (n_alpha,)
        Kept examples per dimension; each curve has alpha_tot = alpha_prune / f.
    keep_fractions : array_like, shape (n_fractions,)
    theta : float
        Probe-teacher angle, radians.
    keeps : sequence of {"hard", "easy"}

    Returns
    -------
    DataFrame
        Columns keep, keep_fraction, alpha_prune, alpha_tot, theta, error.
    """
    alpha = check_positive_values(alpha_prune, "alpha_prune").ravel()
    fractions = check_keep_fraction(keep_fractions).ravel()
    rows = [dict(keep=keep, keep_fraction=f, alpha_prune=a, alpha_tot=a / f, theta=float(theta),
                 error=perceptron_theory(a / f, f, theta=theta, keep=keep))
            for keep in keeps for f in fractions for a in alpha]
    return pd.DataFrame(rows)


def _frontier_point(alpha_prune, theta, keeps, smallest_fraction):
    """The least error at one alpha_prune over keep rules and fractions in [smallest_fraction, 1]."""
    best = []
    for keep in keeps:
        def error_at(log_fraction, keep=keep):
            fraction = np.exp(log_fraction)
            return perceptron_theory(alpha_prune / fraction, fraction, theta=theta, keep=keep)

        # The error is smooth in log f; a coarse scan finds the basin, a bounded search refines it.
        grid = np.linspace(np.log(smallest_fraction), 0.0, 9)
        values = np.array([error_at(g) for g in grid])
        centre = int(np.argmin(values))
        low, high = grid[max(centre - 1, 0)], grid[min(centre + 1, grid.size - 1)]
        refined = optimize.minimize_scalar(error_at, bounds=(low, high), method="bounded",
                                           options=dict(xatol=1e-4))
        log_fraction, error = (refined.x, refined.fun) if refined.fun < values[centre] else (grid[centre],
                                                                                           values[centre])
        best.append((float(error), keep, float(np.exp(log_fraction))))
    return min(best)


def pareto_frontier(alpha_prune, *, theta=0.0, keeps=("hard", "easy"), smallest_fraction=0.01,
                    n_jobs=1) -> pd.DataFrame:
    """The lower envelope of the error curves over keep fraction (and keep rule) at each pruned-set size.

    With unlimited data to prune from, this is the least error reachable by a student that sees alpha_prune
    examples per dimension; the keep fraction that reaches it fixes how much data that takes,
    alpha_tot = alpha_prune / f_opt.

    Parameters
    ----------
    alpha_prune : array_like, shape (n,)
        Kept examples per dimension.
    theta : float
        Probe-teacher angle, radians.
    keeps : sequence of {"hard", "easy"}
        Keep rules the envelope runs over.
    smallest_fraction : float
        The least keep fraction considered: the frontier assumes up to alpha_prune / smallest_fraction examples.
    n_jobs : int
        joblib workers, one frontier point each (the points are independent; the result does not depend on it).

    Returns
    -------
    DataFrame
        Columns alpha_prune, error, keep, keep_fraction (f_opt), alpha_tot, theta; one row per alpha_prune.
    """
    alpha = check_positive_values(alpha_prune, "alpha_prune").ravel()
    smallest = float(check_keep_fraction(smallest_fraction, name="smallest_fraction"))
    for keep in keeps:
        check_keep(keep)
    points = joblib.Parallel(n_jobs=n_jobs)(joblib.delayed(_frontier_point)(a, float(theta), tuple(keeps), smallest)
                                            for a in alpha)
    return pd.DataFrame([dict(alpha_prune=a, error=error, keep=keep, keep_fraction=fraction, alpha_tot=a / fraction,
                              theta=float(theta)) for a, (error, keep, fraction) in zip(alpha, points)])


def easy_hard_crossover(keep_fraction, *, theta=0.0, alpha_range=(0.1, 1000.0)) -> float:
    """The alpha_tot above which keeping hard examples beats keeping easy ones, at one keep fraction.

    Returns NaN when one rule wins over the whole ``alpha_range``.
    """
    fraction = float(check_keep_fraction(keep_fraction))
    if fraction == 1.0:
        return float("nan")  # both rules keep everything

    def advantage(log_alpha):
        alpha = np.exp(log_alpha)
        return (perceptron_theory(alpha, fraction, theta=theta, keep="hard")
                - perceptron_theory(alpha, fraction, theta=theta, keep="easy"))

    low, high = np.log(check_positive_values(alpha_range, "alpha_range"))
    if np.sign(advantage(low)) == np.sign(advantage(high)):
        return float("nan")
    return float(np.exp(optimize.brentq(advantage, low, high, xtol=1e-6)))


def local_exponent(alpha, error) -> np.ndarray:
    """-d log(error) / d log(alpha) along a curve (numpy.gradient's differences; shape of ``alpha``).

    A power law error ~ alpha^-nu has local exponent nu everywhere; an exponential has one growing with alpha.
    """
    log_alpha, log_error = np.log(np.asarray(alpha, float)), np.log(np.asarray(error, float))
    return -np.gradient(log_error, log_alpha)


def frontier_exponents(alpha_prune, angles, *, keeps=("hard",), smallest_fraction=1e-3, n_jobs=1) -> pd.DataFrame:
    """The frontier's local exponent at ``alpha_prune`` for each probe angle, next to random pruning's.

    The exponent is -dlog(eps)/dlog(alpha_prune) between alpha_prune and 1.1 alpha_prune. With an imperfect
    probe the frontier first falls faster than any power law and then bends back to one; its local exponent
    measures where it is. Random pruning's tends to 1.

    The perfect probe (theta = 0) is a limit of its own: keeping only the very hardest examples, the student learns
    nothing below alpha_prune = 2 (any labels of fewer than 2N points near the boundary can be fitted, Cover's
    capacity) and then jumps to the floor of the f = ``smallest_fraction`` curve, which is a power law. Measure
    at an ``alpha_prune`` past that jump and compare angles above 0.
    Returns
    -------
    DataFrame
        Columns theta (radians), frontier_exponent, random_exponent, error (the frontier's at alpha_prune).
    """
    alpha = float(check_positive_values(alpha_prune, "alpha_prune"))
    points = alpha * np.array([1.0, 1.1])
    random_slope = local_exponent(points, perceptron_theory(points, 1.0))[0]
    rows = []
    for theta in check_angle(angles).ravel():
        errors = pareto_frontier(points, theta=theta, keeps=keeps, smallest_fraction=smallest_fraction,
                                 n_jobs=n_jobs)["error"]
        rows.append(dict(theta=theta, frontier_exponent=local_exponent(points, errors.to_numpy())[0],
                         random_exponent=random_slope, error=errors.iloc[0]))
    return pd.DataFrame(rows)


def power_law_fallback_angle(exponents: pd.DataFrame, *, factor=2.0) -> float:
    """The smallest angle at which the frontier's local exponent comes down to ``factor`` x random pruning's.

    Parameters
    ----------
    exponents : DataFrame
        From :func:`frontier_exponents`, over increasing angles.
    factor : float
        Where "no faster than a power law" begins: the frontier's exponent at most ``factor`` times random's.

    Returns
    -------
    float
        Radians, linearly interpolated between the two grid angles that straddle the threshold; NaN when no
        angle of the grid crosses it.
    """
    exponents = exponents.sort_values("theta")
    excess = (exponents["frontier_exponent"] - factor * exponents["random_exponent"]).to_numpy()
    angles = exponents["theta"].to_numpy()
    crossing = np.flatnonzero((excess[:-1] > 0) & (excess[1:] <= 0))
    if crossing.size == 0:
        return float("nan")
    i = crossing[0]
    return float(angles[i] + (angles[i + 1] - angles[i]) * excess[i] / (excess[i] - excess[i + 1]))


@dataclass(frozen=True)
class PowerLawExponent:
    """error ~ prefactor * alpha^-exponent, fitted by least squares in log-log coordinates.

    Attributes
    ----------
    exponent, prefactor : float
    interval : tuple of float
        Confidence interval of the exponent at ``level``: normal, from the points' standard errors when given;
        else t, from the residual scatter.
    level : float
    """

    exponent: float
    prefactor: float
    interval: tuple
    level: float


def power_law_exponent(alpha, error, error_se=None, *, level=0.95) -> PowerLawExponent:
    """Fit log(error) = log(prefactor) - exponent * log(alpha) to points of a learning curve.

    Parameters
    ----------
    alpha, error : array_like, shape (n,)
        Examples per dimension and error (both positive), at least 3 points.
    error_se : array_like, shape (n,), optional
        Standard errors of ``error`` (simulation); each point is then weighted by its relative error,
        ``error_se / error`` being the standard error of ``log(error)``.
    """
    x, y = np.log(check_positive_values(alpha, "alpha")), np.asarray(error, dtype=float)
    if y.shape != x.shape or x.size < 3 or not np.all(np.isfinite(y) & (y > 0)):
        raise ValueError("power_law_exponent needs at least 3 pairs of positive alpha and error of one length")
    sigma = None if error_se is None else np.asarray(error_se, dtype=float) / y
    if sigma is not None and (sigma.shape != x.shape or not np.all(np.isfinite(sigma) & (sigma > 0))):
        raise ValueError("error_se must hold one positive, finite standard error per point")
    design = np.column_stack([np.ones_like(x), -x])
    weights = np.ones_like(x) if sigma is None else 1.0 / sigma
    coefficients, *_ = np.linalg.lstsq(design * weights[:, None], np.log(y) * weights, rcond=None)
    residual = (np.log(y) - design @ coefficients) * weights
    dof = x.size - 2
    # With known standard errors the scale is 1 (absolute); without, it is estimated from the residuals.
    scale = 1.0 if sigma is not None else residual @ residual / dof
    covariance = scale * np.linalg.inv((design * weights[:, None]).T @ (design * weights[:, None]))
    quantile = stats.norm.ppf(0.5 + level / 2) if sigma is not None else stats.t.ppf(0.5 + level / 2, dof)
    half = quantile * np.sqrt(covariance[1, 1])
    return PowerLawExponent(exponent=float(coefficients[1]), prefactor=float(np.exp(coefficients[0])),
                            interval=(float(coefficients[1] - half), float(coefficients[1] + half)), level=level)


def theory_simulation_table(alpha_tot, keep_fractions, *, keeps=("hard", "easy"), theta=0.0, n_dim=200,
                            n_seeds=20, seed=0) -> pd.DataFrame:
    """Theory against exact simulation over a grid of (keep rule, keep fraction, alpha_tot), plus no pruning.

    Every point is simulated with its own seed (derived from ``seed`` and its place in the grid).

    Returns
    -------
    DataFrame
        Columns keep, keep_fraction, alpha_tot, theory, simulated, simulated_se, gap_se (simulated - theory, in
        standard errors) and kkt_violation (the largest over the point's seeds).
    """
    alphas = check_positive_values(alpha_tot).ravel()
    fractions = [f for f in check_keep_fraction(keep_fractions).ravel() if f < 1.0]
    settings = [(keep, f) for keep in keeps for f in fractions] + [("hard", 1.0)]
    seeds = np.random.SeedSequence(seed).spawn(len(settings) * alphas.size)
    rows = []
    for ((keep, fraction), alpha), point_seed in zip(itertools.product(settings, alphas), seeds):
        simulated = perceptron_simulation(alpha, fraction, theta=theta, keep=keep, n_dim=n_dim, n_seeds=n_seeds,
                                          seed=np.random.default_rng(point_seed))
        predicted = perceptron_theory(alpha, fraction, theta=theta, keep=keep)
        rows.append(dict(keep=keep, keep_fraction=fraction, alpha_tot=alpha, theory=predicted,
                         simulated=simulated.error, simulated_se=simulated.error_se,
                         gap_se=(simulated.error - predicted) / simulated.error_se,
                         kkt_violation=simulated.kkt_violation.max()))
    return pd.DataFrame(rows)
