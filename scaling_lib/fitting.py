"""Fit separable scaling laws reliably, with statuses and bootstrap uncertainty.

The engine (``method="vp"``) screens a grid of shape parameters (exponents, breaks) by
variable projection: for each grid point the coefficients solve a small bounded linear
least-squares problem, done for the whole grid at once. The best candidates are then polished
on the full objective with analytic gradients (L-BFGS-B). ``method="multistart"`` instead runs
L-BFGS-B from user-given starting points (e.g. Hoffmann et al.'s 4,500), for like-for-like
comparisons.

Objectives
----------
``"huber_log"``
    ``sum_i huber_delta(log y_hat_i - log y_i)``: summed (not averaged) Huber loss on log
    residuals, as in Hoffmann et al. (2022) Approach 3 and Besiroglu et al. (2024).
``"least_squares"``
    ``sum_i (y_hat_i - y_i)^2``.

Polish coordinates: non-negative coefficients are optimised as their logarithms (so for the
Chinchilla law the coordinates are Hoffmann's ``(e, a, b) = log(E, A, B)`` and
``log y_hat = logsumexp(e, a - alpha log N, b - beta log D)``), shape parameters as they are.
"""
from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd
from scipy import ndimage, optimize, special, stats

from .laws import HOFFMANN_STARTS, Chinchilla, Law

__all__ = ["fit", "fit_chinchilla", "FitResult", "FitError", "Estimate", "check_inputs", "hoffmann_starts",
           "objective_value", "compare_with", "STATUSES"]

STATUSES = ("converged", "max_iterations", "at_bound", "ill_conditioned")
"""Possible fit statuses. When several apply, ``status`` is the first of ``max_iterations`` (the optimizer did
not finish), ``at_bound``, ``ill_conditioned``, and ``flags`` lists them all; a NaN fit raises :class:`FitError`."""

_LOG_COEF_BOUNDS = (-50.0, 50.0)  # coefficient range exp(-50) .. exp(50); exp(-50) means "zero"
_WEAK_RELATIVE_SE = 0.25  # an exponent whose approximate s.e. exceeds a quarter of its size is weakly identified
_MAX_CONDITION = 1e10
_STALL_GRADIENT = 1e-4  # projected gradient of the (start-normalised) objective regarded as zero
_INVALID = 1e30  # objective reported to the optimizer where the law's predictions are invalid
_BASIN_RATIO = 3.0  # basins screened at more than 3x the best objective are not polished


class FitError(RuntimeError):
    """No finite fit could be found."""


@dataclass(frozen=True)
class Estimate:
    """A point estimate with bootstrap standard error and percentile interval (NaN without bootstrap)."""

    value: np.ndarray | float
    se: np.ndarray | float
    low: np.ndarray | float
    high: np.ndarray | float
    level: float

    def __str__(self):
        if np.ndim(self.value) == 0:
            return (f"{self.value:.4g} (s.e. {self.se:.2g}; {100 * self.level:.0f}% interval "
                    f"{self.low:.4g} to {self.high:.4g})")
        return repr(self)


def percentile_estimate(point, samples, level: float) -> Estimate:
    """An :class:`Estimate` from a point value and bootstrap samples along axis 0 (NaN samples ignored)."""
    point = np.asarray(point, dtype=float)
    samples = np.asarray(samples, dtype=float)
    if samples.shape[0] < 2:
        nan = np.full_like(point, np.nan)
        return Estimate(point[()], nan[()], nan[()], nan[()], level)
    tail = 100 * (1 - level) / 2
    low, high = np.nanpercentile(samples, [tail, 100 - tail], axis=0)
    return Estimate(point[()], np.nanstd(samples, axis=0, ddof=1)[()], low[()], high[()], level)


# ---------------------------------------------------------------------------------------------
# Input checks


def check_inputs(X, y, names=("x",), target="y") -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """Validate inputs: 1-D, same non-zero length, finite and strictly positive.

    Raises
    ------
    ValueError
        Naming the offending argument and what is wrong with it.
    """
    arrays = []
    for name, values in zip(names + (target,), tuple(X) + (y,)):
        try:
            arr = np.asarray(values, dtype=float)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{name} must be numeric: {exc}") from None
        if arr.ndim != 1:
            raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
        if arr.size == 0:
            raise ValueError(f"{name} is empty")
        bad = ~np.isfinite(arr)
        if bad.any():
            raise ValueError(f"{name} has {int(bad.sum())} NaN or infinite value(s)")
        if np.any(arr <= 0):
            raise ValueError(f"{name} must be strictly positive; found {int((arr <= 0).sum())} value(s) <= 0 "
                             f"(e.g. {arr[arr <= 0][0]:g})")
        arrays.append(arr)
    lengths = {name: a.size for name, a in zip(names + (target,), arrays)}
    if len(set(lengths.values())) != 1:
        raise ValueError(f"inputs have different lengths: {lengths}")
    return tuple(arrays[:-1]), arrays[-1]


# ---------------------------------------------------------------------------------------------
# Objectives


def _loss_and_slope(pred, y, objective, delta):
    """Objective value per fit and its derivative with respect to the predictions.

    pred : (..., n); returns (value (...,), dvalue/dpred (..., n)); invalid predictions give inf.
    """
    if objective == "huber_log":
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.log(pred) - np.log(y)
        value = special.huber(delta, r).sum(axis=-1)
        slope = np.clip(r, -delta, delta) / pred
    elif objective == "least_squares":
        r = pred - y
        value = np.sum(r * r, axis=-1)
        slope = 2.0 * r
    else:
        raise ValueError(f"objective must be 'huber_log' or 'least_squares', got {objective!r}")
    invalid = ~np.isfinite(value) | np.any(pred <= 0, axis=-1) if objective == "huber_log" else ~np.isfinite(value)
    value = np.where(invalid, np.inf, value)
    return value, slope


def objective_value(law: Law, params: dict, X, y, *, objective="huber_log", delta=1e-3) -> float:
    """The objective of ``params`` on data ``(X, y)``; e.g. to compare an engine fit with published values."""
    X, y = check_inputs(X, y, law.inputs)
    return float(_loss_and_slope(law.predict(params, *X), y, objective, delta)[0])


# ---------------------------------------------------------------------------------------------
# Variable projection screen


def _bounded_linear_lsq(phi, y, weights, nonnegative):
    """Weighted least squares for many design matrices at once, with sign constraints.

    phi : (G, n, k); returns coefficients (G, k). Enumerates active sets, which is exact and
    fast for the handful of coefficients scaling laws have.
    """
    phi_w = phi * weights[:, None]
    y_w = y * weights
    gram = np.matmul(phi_w.transpose(0, 2, 1), phi_w)
    rhs = np.matmul(y_w, phi_w)
    k = phi.shape[-1]
    nonneg = np.asarray(nonnegative, dtype=bool)
    free = ~nonneg
    best = np.zeros(phi.shape[:1] + (k,))
    best_sse = np.full(phi.shape[0], np.inf)
    yy = y_w @ y_w
    for active in itertools.product([False, True], repeat=k):
        active = np.array(active) | free
        if not active.any():
            continue
        idx = np.flatnonzero(active)
        sub = gram[:, idx[:, None], idx[None, :]]
        sub = sub + np.eye(idx.size) * 1e-12 * np.trace(sub, axis1=1, axis2=2)[:, None, None]
        coef_sub = np.linalg.solve(sub, rhs[:, idx][..., None])[..., 0]
        feasible = np.all((coef_sub >= 0) | free[idx], axis=1)
        sse = yy - 2 * np.einsum("gk,gk->g", coef_sub, rhs[:, idx]) + np.einsum(
            "gk,gkl,gl->g", coef_sub, gram[:, idx[:, None], idx[None, :]], coef_sub)
        better = feasible & (sse < best_sse) & np.all(np.isfinite(coef_sub), axis=1)
        best[better] = 0.0
        best[np.ix_(better, idx)] = coef_sub[better]
        best_sse = np.where(better, sse, best_sse)
    return best


def _screen(law, X, y, objective, delta, grid):
    """Coefficients and objective for every grid point of shape parameters."""
    phi = law.basis(grid, X)  # (G, n, k)
    weights = 1.0 / y if objective == "huber_log" else np.ones_like(y)
    coef = _bounded_linear_lsq(phi, y, weights, law.nonnegative)
    pred = np.matmul(phi, coef[..., None])[..., 0]
    value, _ = _loss_and_slope(pred, y, objective, delta)
    return coef, value


def _basin_representatives(grid, values, n_best, max_ratio=_BASIN_RATIO):
    """Indices of up to ``n_best`` grid points to polish, best first.

    On a product grid these are the local minima of the screened objective surface (one per
    basin the grid resolves, ties on a plateau counted once), so the polish explores distinct
    basins rather than neighbours of the same one; on other grids, the best points. Basins
    whose screened objective exceeds ``max_ratio`` times the best are not polished.
    """
    finite = np.isfinite(values)
    axes = [np.unique(grid[:, j]) for j in range(grid.shape[1])]
    sizes = [a.size for a in axes]
    order = np.argsort(values, kind="stable")
    order = order[finite[order]]
    if int(np.prod(sizes)) == len(grid) and np.array_equal(grid, np.array(list(itertools.product(*axes)))):
        surface = np.where(finite, values, np.inf).reshape(sizes)
        is_local = (surface == ndimage.minimum_filter(surface, size=3, mode="nearest")).ravel()
        order = order[is_local[order]]
        _, first = np.unique(np.round(values[order] / values[order[0]], 10), return_index=True)
        order = order[np.sort(first)]
    if values[order[0]] > 0:
        order = order[values[order] <= max_ratio * values[order[0]]]
    return order[:n_best]


# ---------------------------------------------------------------------------------------------
# Polish


class _Problem:
    """Objective and analytic gradient in polish coordinates ``u``.

    ``u`` holds the parameters in ``law.param_names`` order, as logarithms for non-negative
    coefficients and for shape parameters the law puts on a log scale (break points,
    midpoints), as they are otherwise; so a midpoint at 1e22 FLOP is moved in e-folds.
    """

    def __init__(self, law, X, y, objective, delta):
        self.law, self.X, self.y, self.objective, self.delta = law, X, y, objective, delta
        self.k = len(law.coefficients)
        self.log_u = np.array(list(law.nonnegative) + [s in law.log_scale for s in law.shape_params], dtype=bool)
        shape_bounds = law.data_bounds(X)
        self.bounds = [_LOG_COEF_BOUNDS if log else (None, None) for log in self.log_u[: self.k]]
        for name, log in zip(law.shape_params, self.log_u[self.k:]):
            low, high = shape_bounds[name]
            self.bounds.append((np.log(low), np.log(high)) if log else (low, high))
        self.low = np.array([b[0] if b[0] is not None else -np.inf for b in self.bounds])
        self.high = np.array([b[1] if b[1] is not None else np.inf for b in self.bounds])
        self.scale = 1.0

    def to_u(self, coef, theta):
        natural = np.concatenate([coef, theta])
        with np.errstate(divide="ignore"):
            logged = np.log(np.maximum(natural, 0.0))
        return np.where(self.log_u, np.clip(logged, *_LOG_COEF_BOUNDS), natural)

    def natural(self, u):
        return np.where(self.log_u, np.exp(u), u)

    def from_u(self, u):
        natural = self.natural(u)
        return natural[: self.k], natural[self.k:]

    def _natural_jacobian(self, coef, theta, phi):
        """d prediction / d natural parameters, shape (n, p)."""
        return np.concatenate([phi, self.law.basis_derivative(theta, self.X).transpose(0, 2, 1) @ coef], axis=1)

    def value_and_grad(self, u):
        coef, theta = self.from_u(u)
        phi = self.law.basis(theta, self.X)
        pred = phi @ coef
        value, slope = _loss_and_slope(pred, self.y, self.objective, self.delta)
        if not np.isfinite(value):
            return _INVALID, np.zeros_like(u)  # L-BFGS-B needs a finite value; its line search backs off
        grad = slope @ self._natural_jacobian(coef, theta, phi)
        grad = np.where(self.log_u, grad * np.concatenate([coef, theta]), grad)
        return value / self.scale, grad / self.scale

    def residual_jacobian(self, u):
        """Jacobian of the residual (log or plain) with respect to u, shape (n, p), and the residuals."""
        coef, theta = self.from_u(u)
        phi = self.law.basis(theta, self.X)
        pred = phi @ coef
        jac = self._natural_jacobian(coef, theta, phi) * np.where(self.log_u, self.natural(u), 1.0)
        if self.objective == "huber_log":
            return jac / pred[:, None], np.log(pred) - np.log(self.y)
        return jac, pred - self.y

    def polish(self, u0, maxiter):
        return optimize.minimize(self.value_and_grad, u0, jac=True, method="L-BFGS-B", bounds=self.bounds,
                                 options={"maxiter": maxiter, "ftol": 1e-14, "gtol": 1e-11, "maxcor": 30})

    def clip(self, u):
        return np.clip(u, self.low, self.high)

    def at_bound(self, u) -> list[str]:
        """Names of parameters within 1e-6 of the span of a finite bound."""
        span = np.where(np.isfinite(self.high - self.low), self.high - self.low, 1.0)
        near = (u <= self.low + 1e-6 * span) | (u >= self.high - 1e-6 * span)
        return [name for name, hit in zip(self.law.param_names, near) if hit]

    def optimizer_flags(self, res, maxiter) -> dict:
        """Flags for an L-BFGS-B result: iteration limit, or a line search that stalled away from a stationary point.

        A stalled line search with a negligible projected gradient is the objective's precision
        limit (the Huber loss has kinks), i.e. convergence.
        """
        if res.nit >= maxiter:
            return {"max_iterations": f"optimizer stopped at its iteration limit ({maxiter}): {res.message}"}
        if res.success:
            return {}
        free = ~(((res.x <= self.low) & (res.jac > 0)) | ((res.x >= self.high) & (res.jac < 0)))
        gradient = float(np.max(np.abs(res.jac[free]), initial=0.0))
        if gradient <= _STALL_GRADIENT:
            return {}
        return {"ill_conditioned": f"line search stalled ({res.message}) with projected gradient {gradient:.1e}"}


def _best_polish(problem, starts, maxiter):
    best = None
    for u0 in starts:
        res = problem.polish(problem.clip(u0), maxiter)
        if np.all(np.isfinite(res.x)) and np.isfinite(res.fun) and (best is None or res.fun < best.fun):
            best = res
    return best


# ---------------------------------------------------------------------------------------------
# Result


@dataclass
class FitResult:
    """Result of :func:`fit`.

    Attributes
    ----------
    law : Law
    params : dict
        Fitted parameters by name (natural units: coefficients, exponents).
    objective : float
        Objective value at ``params`` (summed over points, unscaled).
    status : str
        One of :data:`STATUSES` (see there for the order when several apply).
    flags : dict
        Every status that applies, with the parameters concerned and a human-readable message.
    approx_se : dict
        Gauss-Newton approximate standard errors (no bootstrap needed); used for identifiability.
    condition_number : float
        Of the column-normalised residual Jacobian; large means parameters trade off.
    bootstrap : pandas.DataFrame or None
        One row per bootstrap resample: fitted parameters (NaN where the resample's fit failed).
    """

    law: Law
    params: dict
    objective: float
    status: str
    flags: dict
    approx_se: dict
    condition_number: float
    n_points: int
    objective_name: str
    delta: float
    iterations: int
    bootstrap: pd.DataFrame | None = None
    bootstrap_status: dict = field(default_factory=dict)
    level: float = 0.95

    # -- uncertainty -----------------------------------------------------------------------
    def _draws(self) -> dict:
        """Successful bootstrap draws as name -> array of shape (B,); empty without (usable) bootstrap."""
        if self.bootstrap is None:
            return {}
        ok = self.bootstrap.dropna()
        if len(ok) < 2:
            return {}
        return {name: ok[name].to_numpy() for name in self.law.param_names}

    def derive(self, func: Callable[[dict], np.ndarray], level: float | None = None) -> Estimate:
        """Point estimate, s.e. and percentile interval of ``func(params)``.

        ``func`` receives a dict of parameters. For the point estimate the values are floats;
        under the bootstrap each is an array of shape (B,), and ``func`` must return an array
        whose first axis is that B (write it with NumPy operations that broadcast, e.g.
        ``p["beta"] / (p["alpha"] + p["beta"])``, or ``p["A"][..., None] * x`` for a curve).
        """
        level = self.level if level is None else level
        value = np.asarray(func(self.params), dtype=float)
        draws = self._draws()
        if not draws:
            return percentile_estimate(value, np.empty((0,) + value.shape), level)
        n_draws = len(next(iter(draws.values())))
        samples = np.asarray(func(draws), dtype=float)
        if samples.shape == value.shape and samples.shape[:1] != (n_draws,):
            samples = np.broadcast_to(samples, (n_draws,) + value.shape)  # func ignores the parameters
        if samples.shape != (n_draws,) + value.shape:
            raise ValueError(f"func must return shape {(n_draws,) + value.shape} for {n_draws} bootstrap draws "
                             f"(leading axis = draws), got {samples.shape}")
        return percentile_estimate(value, samples, level)

    @property
    def se(self) -> dict:
        """Bootstrap standard errors of the parameters (empty without bootstrap)."""
        return {name: float(np.nanstd(v, ddof=1)) for name, v in self._draws().items()}

    def summary(self, level: float | None = None) -> pd.DataFrame:
        """One row per parameter: estimate, bootstrap s.e., percentile interval, approximate s.e."""
        rows = []
        for name in self.law.param_names:
            est = self.derive(lambda p, name=name: p[name], level)
            rows.append((name, est.value, est.se, est.low, est.high, self.approx_se.get(name, np.nan)))
        return pd.DataFrame(rows, columns=["parameter", "estimate", "se", "low", "high", "approx_se"]).set_index(
            "parameter")

    # -- prediction -----------------------------------------------------------------------
    def predict(self, *X) -> np.ndarray:
        """Predicted target at inputs ``X`` (same units as the fitted target)."""
        return self.law.predict(self.params, *X)

    def predict_interval(self, *X, level: float | None = None, kind: str = "mean") -> Estimate:
        """Prediction with a bootstrap interval.

        Parameters
        ----------
        kind : {"mean", "observation"}
            ``"mean"``: uncertainty of the fitted curve only. ``"observation"``: also the scatter
            of single runs around the curve, taken from the fit's residuals, which is what a
            new training run is compared against.
        """
        if kind not in ("mean", "observation"):
            raise ValueError(f"kind must be 'mean' or 'observation', got {kind!r}")
        arrays = [np.atleast_1d(np.asarray(x, dtype=float)) for x in np.broadcast_arrays(*X)]
        law = self.law
        level = self.level if level is None else level
        point = law.predict(self.params, *arrays)
        draws = self._draws()
        if not draws:
            return percentile_estimate(point, np.empty((0,) + point.shape), level)
        coef = np.stack([draws[c] for c in law.coefficients], axis=1)
        theta = np.stack([draws[s] for s in law.shape_params], axis=1)
        samples = np.einsum("bnk,bk->bn", law.basis(theta, tuple(arrays)), coef)
        if kind == "observation":
            # Residuals are prediction minus observation (in log for huber_log): subtract them.
            rng = np.random.default_rng(0)
            noise = rng.choice(self._residuals, size=samples.shape)
            samples = samples * np.exp(-noise) if self.objective_name == "huber_log" else samples - noise
        return percentile_estimate(point, samples, level)

    _residuals: np.ndarray = field(default=None, repr=False)

    def __repr__(self):
        values = ", ".join(f"{k}={v:.4g}" for k, v in self.params.items())
        return f"FitResult({self.law.name}: {values}; objective={self.objective:.6g}; status={self.status})"


# ---------------------------------------------------------------------------------------------
# Fitting


def hoffmann_starts() -> np.ndarray:
    """Hoffmann et al.'s 4,500 starting points as natural parameters in ``Chinchilla().param_names`` order."""
    a, b, e, alpha, beta = HOFFMANN_STARTS.T
    return np.stack([np.exp(e), np.exp(a), np.exp(b), alpha, beta], axis=1)


def _identification(problem, u):
    """Gauss-Newton view of the optimum: approximate s.e., condition number, weakly identified shape parameters."""
    jac, resid = problem.residual_jacobian(u)
    norms = np.linalg.norm(jac, axis=0)
    norms[norms == 0] = 1.0
    singular = np.linalg.svd(jac / norms, compute_uv=False)
    condition = float(singular[0] / singular[-1]) if singular[-1] > 0 else np.inf
    sigma2 = float(resid @ resid) / max(jac.shape[0] - jac.shape[1], 1)
    try:
        se_u = np.sqrt(np.clip(np.diag(sigma2 * np.linalg.inv(jac.T @ jac)), 0, None))
    except np.linalg.LinAlgError:
        se_u = np.full(u.size, np.inf)
    natural = problem.natural(u)
    # In log coordinates the s.e. of log(p) is the relative s.e. of p.
    approx_se = np.where(problem.log_u, se_u * np.abs(natural), se_u)
    relative = approx_se / np.maximum(np.abs(natural), 1e-300)
    # Prefactors (A, B) are values at N = 1, many decades from any data, and trade off with their
    # exponent; identification is judged on the shape parameters (exponents, breaks).
    at_bound = problem.at_bound(u)
    weak = [name for name, rel in zip(problem.law.param_names, relative)
            if name in problem.law.shape_params and not rel < _WEAK_RELATIVE_SE and name not in at_bound]
    return dict(zip(problem.law.param_names, approx_se)), condition, weak, resid


def _classify(problem, u, opt_result, law, maxiter):
    flags = problem.optimizer_flags(opt_result, maxiter)
    at_bound = problem.at_bound(u)
    if at_bound:
        flags["at_bound"] = at_bound
    approx_se, condition, weak, resid = _identification(problem, u)
    if weak or condition > _MAX_CONDITION:
        message = (f"weakly identified: {', '.join(weak or law.param_names)} (approximate "
                   f"s.e. above {_WEAK_RELATIVE_SE:.0%} of the value; condition number "
                   f"{condition:.3g})")
        flags["ill_conditioned"] = "; ".join(filter(None, [flags.get("ill_conditioned"), message]))
    status = next((s for s in ("max_iterations", "at_bound", "ill_conditioned") if s in flags), "converged")
    return status, flags, approx_se, condition, resid


def _fit_once(law, X, y, objective, delta, method, grid, starts, n_polish, maxiter):
    problem = _Problem(law, X, y, objective, delta)
    interior = []
    if method == "vp":
        coef, values = _screen(law, X, y, objective, delta, grid)
        if not np.isfinite(values).any():
            raise FitError(f"{law.name}: no grid point gives finite predictions for these targets")
        chosen = _basin_representatives(grid, values, n_polish)
        candidates = [problem.to_u(coef[i], grid[i]) for i in chosen]
        # Best grid points with every coefficient in use, tried when the polish ends on a bound.
        order = np.argsort(values)
        usable = np.all(coef[order] > 0, axis=1) & np.isfinite(values[order]) & ~np.isin(order, chosen)
        interior = [problem.to_u(coef[i], grid[i]) for i in order[usable][:n_polish]]
    elif method == "multistart":
        k = len(law.coefficients)
        candidates = [problem.to_u(s[:k], s[k:]) for s in np.asarray(starts, dtype=float)]
    else:
        raise ValueError(f"method must be 'vp' or 'multistart', got {method!r}")
    if not candidates:
        raise FitError(f"{law.name}: no finite starting point (the law cannot produce these targets)")
    problem.scale = 1.0
    first = min(problem.value_and_grad(problem.clip(c))[0] for c in candidates)
    problem.scale = first if np.isfinite(first) and first > 0 else 1.0
    best = _best_polish(problem, candidates, maxiter)
    if interior and (best is None or problem.at_bound(best.x) or _identification(problem, best.x)[2]):
        # An optimum on a bound or with a weakly identified exponent is often the end of the valley
        # where E and A N^-alpha trade off (alpha -> 0 makes A N^-alpha a constant); an interior
        # basin the grid did not resolve as a local minimum may be lower.
        best = min(filter(None, [best, _best_polish(problem, interior, maxiter)]), key=lambda r: r.fun)
    if best is None or best.fun >= _INVALID:
        raise FitError(f"{law.name}: every start gave a non-finite objective")
    return problem, best


def fit(law: Law, X, y, *, objective: str = "huber_log", delta: float = 1e-3, method: str = "vp",
        starts=None, grid=None, n_polish: int = 4, maxiter: int = 2000, n_bootstrap: int = 0, seed: int = 0,
        groups=None, level: float = 0.95, n_jobs: int = 1) -> FitResult:
    """Fit ``law`` to targets ``y`` at inputs ``X``.

    Parameters
    ----------
    law : Law
        E.g. ``Chinchilla()``, ``PowerLaw()``, ``BrokenPowerLaw(1)``.
    X : tuple of array_like, each shape (n,)
        Inputs in the order of ``law.inputs`` (e.g. ``(N, D)`` in parameters and tokens).
    y : array_like, shape (n,)
        Targets (loss in nats/token, error fraction, ...). Must be positive.
    objective : {"huber_log", "least_squares"}
    delta : float
        Huber threshold on log residuals (only for ``"huber_log"``).
    method : {"vp", "multistart"}
        Variable-projection grid screen plus polish, or L-BFGS-B from each of ``starts``.
    starts : array_like, shape (S, p), optional
        Starting points in natural parameters, ``law.param_names`` order (``"multistart"`` only).
    grid : array_like, shape (G, m), optional
        Shape-parameter grid for ``"vp"``; defaults to ``law.shape_grid(X)``.
    n_polish : int
        Number of best grid candidates polished.
    n_bootstrap : int
        Resamples of the data points (with replacement), each fitted exactly like the point estimate.
    seed : int
        Seed of the bootstrap resampling.
    groups : array_like, shape (n,), optional
        Cluster labels (e.g. the model of each checkpoint). The bootstrap then resamples whole
        clusters rather than single points, which is right when points of a cluster are correlated.
    level : float
        Default coverage of reported intervals.
    n_jobs : int
        Processes for the bootstrap (joblib); results do not depend on it.

    Returns
    -------
    FitResult

    Raises
    ------
    ValueError
        Bad inputs (empty, NaN, infinite, non-positive, length mismatch) or options.
    FitError
        When no finite fit exists.
    """
    if not isinstance(law, Law):
        raise TypeError(f"law must be a scaling_lib.laws.Law instance, got {type(law).__name__}")
    if len(law.inputs) == 1 and not (isinstance(X, tuple) and len(X) == 1):
        X = (X,)
    X = tuple(X)
    if len(X) != len(law.inputs):
        raise ValueError(f"{law.name} takes inputs {law.inputs}, got {len(X)} array(s)")
    X, y = check_inputs(X, y, law.inputs)
    if objective not in ("huber_log", "least_squares"):
        raise ValueError(f"objective must be 'huber_log' or 'least_squares', got {objective!r}")
    if not delta > 0:
        raise ValueError(f"delta must be positive, got {delta}")
    if method == "multistart" and starts is None:
        raise ValueError("method='multistart' needs starts (e.g. scaling_lib.fitting.hoffmann_starts())")
    if int(n_polish) < 1:
        raise ValueError(f"n_polish must be at least 1, got {n_polish}")
    if int(n_bootstrap) < 0 or int(n_bootstrap) == 1:
        raise ValueError(f"n_bootstrap must be 0 (no bootstrap) or at least 2, got {n_bootstrap}")
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    if groups is not None and np.shape(groups) != y.shape:
        raise ValueError(f"groups must have one label per point ({y.size}), got shape {np.shape(groups)}")
    grid = law.shape_grid(X) if grid is None else np.asarray(grid, dtype=float)
    if grid.ndim != 2 or grid.shape[1] != len(law.shape_params):
        raise ValueError(f"grid must have shape (G, {len(law.shape_params)}) for shape parameters "
                         f"{law.shape_params}, got {grid.shape}")
    options = dict(objective=objective, delta=delta, method=method, grid=grid, starts=starts, n_polish=n_polish,
                   maxiter=maxiter)
    problem, best = _fit_once(law, X, y, **options)
    status, flags, approx_se, condition, resid = _classify(problem, best.x, best, law, maxiter)
    coef, theta = problem.from_u(best.x)
    params = dict(zip(law.param_names, map(float, np.concatenate([coef, theta]))))
    result = FitResult(law=law, params=params, objective=float(best.fun * problem.scale), status=status,
                       flags=flags, approx_se=approx_se, condition_number=condition, n_points=y.size,
                       objective_name=objective, delta=delta, iterations=int(best.nit), level=level,
                       _residuals=resid)
    if status != "converged":
        warnings.warn(f"{law.name} fit status {status!r}: {flags}", RuntimeWarning, stacklevel=2)
    if n_bootstrap:
        result.bootstrap, result.bootstrap_status = _bootstrap(law, X, y, options, n_bootstrap, seed, n_jobs, groups)
    return result


def _fit_resample(law, X, y, options, index):
    try:
        problem, best = _fit_once(law, tuple(x[index] for x in X), y[index], **options)
    except FitError:
        return np.full(len(law.param_names), np.nan), "failed"
    flags = problem.optimizer_flags(best, options["maxiter"])
    status = next(iter(flags), "at_bound" if problem.at_bound(best.x) else "converged")
    coef, theta = problem.from_u(best.x)
    return np.concatenate([coef, theta]), status


def _resample_indices(n_points, n_bootstrap, seed, groups):
    """Row indices of each resample: points, or whole clusters when ``groups`` is given."""
    rng = np.random.default_rng(seed)
    if groups is None:
        return list(rng.integers(0, n_points, size=(n_bootstrap, n_points)))
    _, labels = np.unique(np.asarray(groups), return_inverse=True)
    members = [np.flatnonzero(labels == g) for g in range(labels.max() + 1)]
    picks = rng.integers(0, len(members), size=(n_bootstrap, len(members)))
    return [np.concatenate([members[g] for g in row]) for row in picks]


def _bootstrap(law, X, y, options, n_bootstrap, seed, n_jobs, groups=None):
    indices = _resample_indices(y.size, int(n_bootstrap), seed, groups)
    if n_jobs == 1:
        out = [_fit_resample(law, X, y, options, idx) for idx in indices]
    else:
        from joblib import Parallel, delayed

        n_chunks = max(1, 4 * (n_jobs if n_jobs > 0 else 2))
        chunks = [[indices[i] for i in part] for part in np.array_split(np.arange(len(indices)), n_chunks) if part.size]
        parts = Parallel(n_jobs=n_jobs)(delayed(_fit_chunk)(law, X, y, options, c) for c in chunks)
        out = [item for part in parts for item in part]
    params = pd.DataFrame(np.stack([o[0] for o in out]), columns=list(law.param_names))
    statuses = pd.Series([o[1] for o in out]).value_counts().to_dict()
    failed = statuses.get("failed", 0)
    if failed:
        warnings.warn(f"{failed} of {n_bootstrap} bootstrap fits failed and are left out of the intervals",
                      RuntimeWarning, stacklevel=3)
    return params, statuses


def _fit_chunk(law, X, y, options, indices):
    return [_fit_resample(law, X, y, options, idx) for idx in indices]


def fit_chinchilla(N, D, loss, *, delta: float = 1e-3, n_bootstrap: int = 0, seed: int = 0, **kwargs) -> FitResult:
    """Fit ``L(N, D) = E + A / N^alpha + B / D^beta`` with the summed Huber loss on log residuals.

    Parameters
    ----------
    N : array_like, shape (n,)
        Model sizes, in parameters.
    D : array_like, shape (n,)
        Training tokens.
    loss : array_like, shape (n,)
        Final losses, nats/token.
    delta, n_bootstrap, seed, **kwargs
        Passed to :func:`fit`.

    Returns
    -------
    FitResult
        ``.params`` has keys ``E, A, B, alpha, beta``; ``.objective``; ``.status``.
    """
    return fit(Chinchilla(), (N, D), loss, delta=delta, n_bootstrap=n_bootstrap, seed=seed, **kwargs)


def compare_with(result: FitResult, values: dict, *, published_se: dict | None = None,
                 level: float | None = None) -> tuple[pd.DataFrame, dict]:
    """Are published parameter values consistent with a bootstrapped fit?

    Parameters
    ----------
    result : FitResult
        A fit with ``n_bootstrap > 0``.
    values : dict
        Published values of some or all parameters (e.g. Hoffmann et al.'s ``E, A, B, alpha, beta``).
    published_se : dict, optional
        Published standard errors, for a replication: adds ``published_se`` and ``se_ratio``.

    Returns
    -------
    table : DataFrame
        Per parameter: ``published``, ``estimate``, ``difference_pct`` (100 (estimate / published
        - 1)), ``se`` (bootstrap), ``z`` = (published - estimate) / se, and ``inside`` (published
        value within the percentile interval).
    joint : dict
        ``chi2``, ``dof`` and ``p_value`` of the squared Mahalanobis distance of the published
        vector from the estimate under the bootstrap covariance. Non-negative coefficients are
        compared on a log scale, where their bootstrap distribution is closer to normal.
    """
    if result.bootstrap is None:
        raise ValueError("compare_with needs a fit with n_bootstrap > 0")
    unknown = sorted(set(values) - set(result.law.param_names))
    if unknown:
        raise KeyError(f"{result.law.name} has no parameter(s) {unknown}; it has {result.law.param_names}")
    names = [n for n in result.law.param_names if n in values]
    summary = result.summary(level)
    table = pd.DataFrame({"published": [float(values[n]) for n in names]}, index=pd.Index(names, name="parameter"))
    table["estimate"] = summary.loc[names, "estimate"]
    table["difference_pct"] = 100 * (table["estimate"] / table["published"] - 1)
    table["se"] = summary.loc[names, "se"]
    if published_se is not None:
        table["published_se"] = [float(published_se[n]) for n in names]
        table["se_ratio"] = table["se"] / table["published_se"]
    table["z"] = (table["published"] - table["estimate"]) / table["se"]
    table["inside"] = (table["published"] >= summary.loc[names, "low"]) & (table["published"] <= summary.loc[names, "high"])
    logged = [n in result.law.coefficients and result.law.nonnegative[result.law.coefficients.index(n)]
              for n in names]
    draws = result.bootstrap[names].dropna().to_numpy()
    if len(draws) <= 2 * len(names):
        raise ValueError(f"compare_with needs more than {2 * len(names)} successful bootstrap draws for "
                         f"{len(names)} parameters, got {len(draws)}; raise n_bootstrap")

    def transform(v):
        return np.where(logged, np.log(np.maximum(v, 1e-300)), v)

    diff = transform(table["published"].to_numpy()) - transform(table["estimate"].to_numpy())
    cov = np.cov(transform(draws), rowvar=False).reshape(len(names), len(names))
    eigenvalues = np.linalg.eigvalsh(cov)
    if eigenvalues.min() <= 1e-12 * eigenvalues.max():
        raise ValueError("the bootstrap covariance of the compared parameters is singular; compare fewer "
                         "parameters or raise n_bootstrap")
    chi2 = float(diff @ np.linalg.solve(cov, diff))
    return table, {"chi2": chi2, "dof": len(names), "p_value": float(stats.chi2.sf(chi2, len(names)))}
