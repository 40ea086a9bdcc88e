"""Compute-optimal allocation: from a fitted L(N, D) (Approach 3) or from IsoFLOP parabolas (Approach 2).

Units: compute C in FLOP, N in parameters, D in tokens, loss in nats/token.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize

from .fitting import Estimate, FitResult, check_inputs, check_level, check_n_bootstrap, one_blas_thread, percentile_estimate
from .laws import Chinchilla

__all__ = ["ProportionalCost", "compute_optimal", "describe_allocation", "allocation_exponent", "IsoFlopResult",
           "isoflop_fit", "HOFFMANN_ISOFLOP_BUDGETS"]

HOFFMANN_ISOFLOP_BUDGETS = np.array([6e18, 1e19, 3e19, 6e19, 1e20, 3e20, 6e20, 1e21, 3e21])
"""The nine IsoFLOP budgets of Hoffmann et al. (2022), FLOP."""


@dataclass(frozen=True)
class ProportionalCost:
    """Training cost ``C = flops_per_param_token * N * D`` (6 for a dense transformer's forward+backward).

    Any object with a method ``tokens(N, C) -> D`` can replace it (e.g. a cost that adds attention
    FLOP per token); :func:`compute_optimal` then minimises the law numerically along the budget.
    """

    flops_per_param_token: float = 6.0

    def tokens(self, N, C):
        return np.asarray(C, dtype=float) / (self.flops_per_param_token * np.asarray(N, dtype=float))


def _closed_form(params, C, k):
    """N_opt, D_opt for L = E + A N^-alpha + B D^-beta under C = k N D; broadcasts params (B,) against C (m,)."""
    params = {"beta": params["alpha"], **params}  # the over-training law ties beta to alpha
    alpha, beta, A, B = (np.asarray(params[name], dtype=float)[..., None] for name in ("alpha", "beta", "A", "B"))
    scale = np.asarray(C, dtype=float) / k
    n_opt = (alpha * A / (beta * B)) ** (1.0 / (alpha + beta)) * scale ** (beta / (alpha + beta))
    return n_opt, scale / n_opt


_BOUND_TOLERANCE = 1e-6  # in ln N: a search that ends this close to its bound found no interior optimum


def _numeric(law, params, C, cost):
    """Minimise ``law`` along each budget over ln N (bounded Brent); loops, for general cost models.

    The search spans N from 1 to ``e^10 sqrt(C)``. A minimum at either end is no optimum but the
    edge of the search (the loss still falls beyond it), so it is NaN.
    """
    names = law.param_names
    scalar = np.ndim(params[names[0]]) == 0
    draws = np.atleast_1d(np.asarray(params[names[0]], dtype=float)).size
    C = np.asarray(C, dtype=float)
    n_opt = np.empty((draws, C.size))
    for b in range(draws):
        point = {k: float(np.atleast_1d(params[k])[b]) for k in names}
        for j, budget in enumerate(C):
            def loss_at(log_n):
                n = np.exp(log_n)
                return float(law.predict(point, np.array([n]), cost.tokens(np.array([n]), budget))[0])
            upper = np.log(budget) / 2 + 10
            res = optimize.minimize_scalar(loss_at, bounds=(0.0, upper), method="bounded",
                                           options={"xatol": 1e-8})
            interior = _BOUND_TOLERANCE < res.x < upper - _BOUND_TOLERANCE
            n_opt[b, j] = np.exp(res.x) if interior else np.nan
    n_opt = n_opt[0] if scalar else n_opt
    return n_opt, cost.tokens(n_opt, C)


def compute_optimal(fit: FitResult, C, *, cost=None, level: float | None = None) -> pd.DataFrame:
    """Compute-optimal model size and tokens at budgets ``C`` with bootstrap intervals.

    Parameters
    ----------
    fit : FitResult
        A fit of a law with inputs (N, D), e.g. from :func:`scaling_lib.fit_chinchilla`; intervals
        need ``n_bootstrap > 0``.
    C : array_like, shape (m,)
        Compute budgets, FLOP.
    cost : object, optional
        Cost model with ``tokens(N, C)``; default ``ProportionalCost(6)`` (C = 6 N D), for which
        the Chinchilla law has a closed form. Other cost models are minimised numerically; a
        bootstrap draw whose minimum lies at the edge of the search is left out of the interval
        (with a warning saying how many).
    level : float, optional
        Coverage of the intervals; default the fit's.

    Returns
    -------
    DataFrame
        One row per budget: ``C``, ``N_opt``, ``N_low``, ``N_high`` (parameters), ``D_opt``,
        ``D_low``, ``D_high`` (tokens), ``tokens_per_param``, ``tokens_per_param_low``, ``tokens_per_param_high``.

    Raises
    ------
    ValueError
        If the fit did not finish (status ``max_iterations``): it has no optimum to allocate
        from; or if the fitted law has no interior optimum along a budget.

    Warns
    -----
    RuntimeWarning
        If the fit's status is ``at_bound`` or ``ill_conditioned``: the allocation inherits it.
    """
    if tuple(fit.law.inputs) != ("N", "D"):
        raise ValueError(f"compute_optimal needs a law of (N, D); {fit.law.name} takes {fit.law.inputs}")
    C = np.atleast_1d(np.asarray(C, dtype=float))
    if C.ndim != 1 or not np.all(np.isfinite(C) & (C > 0)):
        raise ValueError("C must be a 1-D array of positive, finite budgets (FLOP)")
    if fit.status == "max_iterations":
        raise ValueError(f"the {fit.law.name} fit stopped at its iteration limit, so it has no optimum to allocate "
                         f"from: {fit.flags['max_iterations']}")
    if fit.status != "converged":
        warnings.warn(f"allocating from a {fit.law.name} fit with status {fit.status!r}: "
                      f"{fit.flags.get(fit.status)}", RuntimeWarning, stacklevel=2)
    cost = ProportionalCost() if cost is None else cost
    closed = isinstance(cost, ProportionalCost) and isinstance(fit.law, Chinchilla)

    edge_draws = []

    def allocation(params):
        """N_opt, D_opt and D/N stacked on a last axis, so one bootstrap pass serves all three."""
        if closed:
            n_opt, d_opt = _closed_form(params, C, cost.flops_per_param_token)
        else:
            n_opt, d_opt = _numeric(fit.law, params, C, cost)
            edge_draws.append(int(np.any(np.isnan(np.atleast_2d(n_opt)), axis=-1).sum()))
        return np.stack([n_opt, d_opt, d_opt / n_opt], axis=-1)

    est = fit.derive(allocation, level)
    if len(edge_draws) > 1 and edge_draws[1]:
        warnings.warn(f"{edge_draws[1]} bootstrap draw(s) have no interior optimum along some budget and are left "
                      "out of those intervals", RuntimeWarning, stacklevel=2)
    if not np.all(np.isfinite(est.value)):
        missing = C[~np.isfinite(np.asarray(est.value)[..., 0].reshape(-1))]
        raise ValueError(f"the fitted {fit.law.name} law has no interior compute-optimal N at C = "
                         f"{', '.join(f'{c:.3g}' for c in missing)} FLOP under this cost model")
    columns = {"C": C}
    for i, (label, short) in enumerate((("N_opt", "N"), ("D_opt", "D"), ("tokens_per_param", "tokens_per_param"))):
        point = np.asarray(est.value)[..., i].reshape(-1)
        columns[label] = point
        columns[f"{short}_low"] = np.asarray(est.low)[..., i].reshape(-1) * np.ones_like(point)
        columns[f"{short}_high"] = np.asarray(est.high)[..., i].reshape(-1) * np.ones_like(point)
    return pd.DataFrame(columns)


def describe_allocation(row) -> str:
    """One sentence for one row of :func:`compute_optimal`: N_opt, D_opt and tokens per parameter with intervals."""
    return (f"C = {row.C:.3g} FLOP: N_opt = {row.N_opt:.3g} ({row.N_low:.3g} to {row.N_high:.3g}) parameters, "
            f"D_opt = {row.D_opt:.3g} ({row.D_low:.3g} to {row.D_high:.3g}) tokens, "
            f"{row.tokens_per_param:.1f} ({row.tokens_per_param_low:.1f} to {row.tokens_per_param_high:.1f}) "
            "tokens per parameter")


def allocation_exponent(fit: FitResult, level: float | None = None) -> Estimate:
    """Exponent a of ``N_opt ∝ C^a`` implied by a Chinchilla fit under C ∝ N D: ``beta / (alpha + beta)``."""
    if not {"alpha", "beta"} <= set(fit.params):
        raise ValueError(f"allocation_exponent needs exponents alpha and beta; {fit.law.name} has {fit.law.param_names}")
    return fit.derive(lambda p: p["beta"] / (p["alpha"] + p["beta"]), level)


@dataclass
class IsoFlopResult:
    """Approach 2: one parabola per IsoFLOP budget, then ``N_opt = G * C^a`` across budgets.

    Use :meth:`n_opt` for the optimal size at a budget.

    Attributes
    ----------
    profiles : DataFrame
        Per budget: ``C`` (FLOP), ``n_runs``, ``N_opt`` (parameters, the parabola's minimum),
        ``loss_min`` (nats/token), ``curvature`` (of loss in ln N; must be positive).
    exponent : Estimate
        Exponent a of ``N_opt ∝ C^a``; ``D_opt ∝ C^(1-a)`` under C = 6 N D.
    log_prefactor : Estimate
        Natural log of the prefactor G (G in parameters at C = 1 FLOP).
    draws : ndarray, shape (B, 2)
        Bootstrap draws of (a, ln G) that had at least two usable profiles.
    n_dropped : int
        Resamples left out because fewer than two of their profiles had an interior minimum.
    level : float
    """

    profiles: pd.DataFrame
    exponent: Estimate
    log_prefactor: Estimate
    draws: np.ndarray
    n_dropped: int
    level: float

    def n_opt(self, C) -> Estimate:
        """Optimal model size (parameters) at budgets ``C`` (FLOP), with the bootstrap interval."""
        C = np.atleast_1d(np.asarray(C, dtype=float))
        point = np.exp(self.log_prefactor.value) * C ** self.exponent.value
        samples = np.exp(self.draws[:, 1:2]) * C ** self.draws[:, 0:1]
        return percentile_estimate(point, samples, self.level)


def _assign_budgets(C, budgets, tolerance_decades):
    log_c = np.log10(C)
    log_b = np.log10(budgets)
    nearest = np.argmin(np.abs(log_c[:, None] - log_b[None, :]), axis=1)
    within = np.abs(log_c - log_b[nearest]) <= tolerance_decades
    return np.where(within, nearest, -1)


def _profile_minima(log_n, loss, labels, n_budgets):
    """Vertex of a parabola of loss in ln N per budget.

    NaN where the budget has fewer than three model sizes, the parabola opens downwards, or
    its vertex lies outside the sizes sampled at that budget (an extrapolated optimum is not
    an IsoFLOP measurement).
    """
    out = np.full((n_budgets, 3), np.nan)  # ln N_opt, loss at vertex, curvature
    for j in range(n_budgets):
        sel = labels == j
        if np.unique(log_n[sel]).size < 3:
            continue
        c2, c1, c0 = np.polyfit(log_n[sel], loss[sel], 2)
        vertex = -c1 / (2 * c2) if c2 > 0 else np.nan
        if log_n[sel].min() <= vertex <= log_n[sel].max():
            out[j] = (vertex, c0 - c1 * c1 / (4 * c2), c2)
    return out


def isoflop_fit(N, C, loss, *, budgets=HOFFMANN_ISOFLOP_BUDGETS, tolerance_decades: float = 0.1,
                n_bootstrap: int = 0, seed: int = 0, level: float = 0.95) -> IsoFlopResult:
    """Hoffmann et al.'s Approach 2: IsoFLOP parabolas, then a power law through their minima.

    Parameters
    ----------
    N, C, loss : array_like, shape (n,)
        Model size (parameters), training compute (FLOP), final loss (nats/token).
    budgets : array_like
        Budgets (FLOP) the runs were planned at; a run belongs to the nearest budget within
        ``tolerance_decades`` (log10 units) and is otherwise not used.
    n_bootstrap : int
        Resamples of runs within each budget, refitting parabolas and the power law (0 for none).
    seed : int
    level : float
        Coverage of the intervals.

    Raises
    ------
    ValueError
        For bad inputs or options, or fewer than two usable IsoFLOP profiles.
    """
    (N, C), loss = check_inputs((N, C), loss, ("N", "C"), "loss")
    n_bootstrap = check_n_bootstrap(n_bootstrap)
    level = check_level(level)
    budgets = np.asarray(budgets, dtype=float)
    if budgets.ndim != 1 or budgets.size < 2 or not np.all(np.isfinite(budgets) & (budgets > 0)):
        raise ValueError(f"budgets must be a 1-D array of at least two positive, finite FLOP values, got {budgets!r}")
    if np.unique(budgets).size != budgets.size:
        raise ValueError(f"budgets must be distinct, got {budgets!r}")
    if not tolerance_decades > 0:
        raise ValueError(f"tolerance_decades must be positive, got {tolerance_decades!r}")
    with one_blas_thread():
        return _isoflop_fit(N, C, loss, budgets, tolerance_decades, n_bootstrap, seed, level)


def _isoflop_fit(N, C, loss, budgets, tolerance_decades, n_bootstrap, seed, level):
    labels = _assign_budgets(C, budgets, tolerance_decades)
    log_n = np.log(N)
    minima = _profile_minima(log_n, loss, labels, budgets.size)
    ok = np.isfinite(minima[:, 0])
    if ok.sum() < 2:
        raise ValueError(f"need at least two budgets whose IsoFLOP profile (>= 3 model sizes) has its minimum "
                         f"inside the sampled sizes; "
                         f"got {int(ok.sum())} (runs per budget: {np.bincount(labels[labels >= 0], minlength=budgets.size)})")
    profiles = pd.DataFrame({"C": budgets, "n_runs": np.bincount(labels[labels >= 0], minlength=budgets.size),
                             "N_opt": np.exp(minima[:, 0]), "loss_min": minima[:, 1], "curvature": minima[:, 2]})

    def power_law(mins):
        good = np.isfinite(mins[:, 0])
        slope, intercept = np.polyfit(np.log(budgets[good]), mins[good, 0], 1)
        return slope, intercept

    a, log_g = power_law(minima)
    draws = np.empty((0, 2))
    if n_bootstrap:
        rng = np.random.default_rng(seed)
        groups = [np.flatnonzero(labels == j) for j in range(budgets.size)]
        draws = np.full((int(n_bootstrap), 2), np.nan)
        for b in range(int(n_bootstrap)):
            idx = np.concatenate([rng.choice(g, g.size) for g in groups if g.size])
            mins = _profile_minima(log_n[idx], loss[idx], labels[idx], budgets.size)
            if np.isfinite(mins[:, 0]).sum() >= 2:
                draws[b] = power_law(mins)
        draws = draws[np.all(np.isfinite(draws), axis=1)]
    return IsoFlopResult(profiles, percentile_estimate(a, draws[:, 0], level),
                         percentile_estimate(log_g, draws[:, 1], level), draws, n_bootstrap - len(draws), level)
