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
from scipy import optimize, special

from .laws import HOFFMANN_STARTS, Chinchilla, Law

__all__ = ["fit", "fit_chinchilla", "FitResult", "FitError", "Estimate", "check_inputs", "hoffmann_starts",
           "objective_value", "STATUSES"]

STATUSES = ("converged", "max_iterations", "at_bound", "ill_conditioned")
"""Possible fit statuses, from best to worst-but-still-usable; a NaN fit raises :class:`FitError` instead."""

_LOG_COEF_BOUNDS = (-50.0, 50.0)  # coefficient range exp(-50) .. exp(50); exp(-50) means "zero"
_WEAK_RELATIVE_SE = 0.5  # a parameter whose approximate s.e. exceeds half its size is weakly identified
_MAX_CONDITION = 1e10


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


# ---------------------------------------------------------------------------------------------
# Polish


class _Problem:
    """Objective and analytic gradient in polish coordinates u = (transformed coefficients, theta)."""

    def __init__(self, law, X, y, objective, delta):
        self.law, self.X, self.y, self.objective, self.delta = law, X, y, objective, delta
        self.log_coef = np.asarray(law.nonnegative, dtype=bool)
        self.k = len(law.coefficients)
        shape_bounds = law.data_bounds(X)
        self.bounds = ([_LOG_COEF_BOUNDS if lc else (None, None) for lc in self.log_coef]
                       + [shape_bounds[s] for s in law.shape_params])
        self.scale = 1.0

    def to_u(self, coef, theta):
        with np.errstate(divide="ignore"):
            c = np.where(self.log_coef, np.log(np.maximum(coef, 0.0)), coef)
        c = np.where(self.log_coef, np.clip(c, *_LOG_COEF_BOUNDS), c)
        return np.concatenate([c, theta])

    def from_u(self, u):
        c = np.where(self.log_coef, np.exp(u[: self.k]), u[: self.k])
        return c, u[self.k:]

    def value_and_grad(self, u):
        coef, theta = self.from_u(u)
        phi = self.law.basis(theta, self.X)
        pred = phi @ coef
        value, slope = _loss_and_slope(pred, self.y, self.objective, self.delta)
        if not np.isfinite(value):
            return 1e30, np.zeros_like(u)
        dcoef = slope @ phi
        dcoef = np.where(self.log_coef, dcoef * coef, dcoef)
        dtheta = slope @ (self.law.basis_derivative(theta, self.X).transpose(0, 2, 1) @ coef)
        return value / self.scale, np.concatenate([dcoef, dtheta]) / self.scale

    def residual_jacobian(self, u):
        """Jacobian of the residual (log or plain) with respect to u, shape (n, p), and the residuals."""
        coef, theta = self.from_u(u)
        phi = self.law.basis(theta, self.X)
        pred = phi @ coef
        jac = np.concatenate([phi * np.where(self.log_coef, coef, 1.0),
                              np.einsum("nkm,k->nm", self.law.basis_derivative(theta, self.X), coef)], axis=1)
        if self.objective == "huber_log":
            return jac / pred[:, None], np.log(pred) - np.log(self.y)
        return jac, pred - self.y

    def polish(self, u0, maxiter):
        return optimize.minimize(self.value_and_grad, u0, jac=True, method="L-BFGS-B", bounds=self.bounds,
                                 options={"maxiter": maxiter, "ftol": 1e-15, "gtol": 1e-11, "maxcor": 30})


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
        One of :data:`STATUSES`; the worst that applies.
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
    residual_scale: float = float("nan")

    # -- uncertainty -----------------------------------------------------------------------
    def _draws(self) -> dict:
        if self.bootstrap is None:
            return {}
        ok = self.bootstrap.dropna()
        return {name: ok[name].to_numpy() for name in self.law.param_names}

    def derive(self, func: Callable[[dict], np.ndarray], level: float | None = None) -> Estimate:
        """Point estimate, s.e. and percentile interval of ``func(params)``.

        ``func`` receives a dict of parameters; under the bootstrap each value is an array of
        shape (B,), so write ``func`` with NumPy operations that broadcast.
        """
        level = self.level if level is None else level
        value = np.asarray(func(self.params), dtype=float)
        draws = self._draws()
        if not draws:
            nan = np.full_like(value, np.nan)
            return Estimate(value[()], nan[()], nan[()], nan[()], level)
        samples = np.asarray(func(draws), dtype=float)
        if samples.shape[:1] != next(iter(draws.values())).shape:
            samples = np.moveaxis(samples, -1, 0)
        tail = 100 * (1 - level) / 2
        low, high = np.nanpercentile(samples, [tail, 100 - tail], axis=0)
        se = np.nanstd(samples, axis=0, ddof=1)
        return Estimate(value[()], se[()], low[()], high[()], level)

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
            nan = np.full_like(point, np.nan)
            return Estimate(point, nan, nan, nan, level)
        coef = np.stack([draws[c] for c in law.coefficients], axis=1)
        theta = np.stack([draws[s] for s in law.shape_params], axis=1)
        samples = np.einsum("bnk,bk->bn", law.basis(theta, tuple(arrays)), coef)
        if kind == "observation":
            rng = np.random.default_rng(0)
            noise = rng.choice(self._residuals, size=samples.shape)
            samples = samples * np.exp(noise) if self.objective_name == "huber_log" else samples + noise
        tail = 100 * (1 - level) / 2
        low, high = np.percentile(samples, [tail, 100 - tail], axis=0)
        return Estimate(point, samples.std(axis=0, ddof=1), low, high, level)

    _residuals: np.ndarray = field(default=None, repr=False)

    def __repr__(self):
        values = ", ".join(f"{k}={v:.4g}" for k, v in self.params.items())
        return f"FitResult({self.law.name}: {values}; objective={self.objective:.6g}; status={self.status})"


# ---------------------------------------------------------------------------------------------
# Fitting


def hoffmann_starts(law: Law | None = None) -> np.ndarray:
    """Hoffmann et al.'s 4,500 starting points as natural parameters in ``Chinchilla().param_names`` order."""
    a, b, e, alpha, beta = HOFFMANN_STARTS.T
    return np.stack([np.exp(e), np.exp(a), np.exp(b), alpha, beta], axis=1)


def _classify(problem, u, opt_result, law):
    flags = {}
    if not opt_result.success and "ITERATIONS" in str(opt_result.message).upper():
        flags["max_iterations"] = f"optimizer stopped at its iteration limit: {opt_result.message}"
    at_bound = []
    for name, value, (low, high) in zip(law.param_names, u, problem.bounds):
        span = (high - low) if (low is not None and high is not None) else 1.0
        if (low is not None and value <= low + 1e-6 * span) or (high is not None and value >= high - 1e-6 * span):
            at_bound.append(name)
    if at_bound:
        flags["at_bound"] = at_bound
    jac, resid = problem.residual_jacobian(u)
    norms = np.linalg.norm(jac, axis=0)
    norms[norms == 0] = 1.0
    singular = np.linalg.svd(jac / norms, compute_uv=False)
    condition = float(singular[0] / singular[-1]) if singular[-1] > 0 else np.inf
    dof = max(jac.shape[0] - jac.shape[1], 1)
    sigma2 = float(resid @ resid) / dof
    try:
        cov = sigma2 * np.linalg.inv(jac.T @ jac)
        se_u = np.sqrt(np.clip(np.diag(cov), 0, None))
    except np.linalg.LinAlgError:
        se_u = np.full(u.size, np.inf)
    coef, theta = problem.from_u(u)
    natural = np.concatenate([coef, theta])
    # Log-coordinates: s.e. of log(coef) is the relative s.e. of coef.
    approx_se = np.where(np.r_[problem.log_coef, np.zeros(theta.size, bool)], se_u * np.abs(natural), se_u)
    relative = approx_se / np.maximum(np.abs(natural), 1e-300)
    weak = [name for name, rel in zip(law.param_names, relative) if not rel < _WEAK_RELATIVE_SE]
    weak = [w for w in weak if w not in at_bound]
    if weak or condition > _MAX_CONDITION:
        flags["ill_conditioned"] = weak or list(law.param_names)
    status = next((s for s in ("max_iterations", "at_bound", "ill_conditioned") if s in flags), "converged")
    return status, flags, dict(zip(law.param_names, approx_se)), condition, resid


def _fit_once(law, X, y, objective, delta, method, grid, starts, n_polish, maxiter):
    problem = _Problem(law, X, y, objective, delta)
    if method == "vp":
        coef, values = _screen(law, X, y, objective, delta, grid)
        order = np.argsort(values)
        order = order[np.isfinite(values[order])]
        candidates = [problem.to_u(coef[i], grid[i]) for i in order[:n_polish]]
    elif method == "multistart":
        k = len(law.coefficients)
        candidates = [problem.to_u(s[:k], s[k:]) for s in np.asarray(starts, dtype=float)]
    else:
        raise ValueError(f"method must be 'vp' or 'multistart', got {method!r}")
    if not candidates:
        raise FitError(f"{law.name}: no finite starting point (the law cannot produce these targets)")
    lo = np.array([b[0] if b[0] is not None else -np.inf for b in problem.bounds])
    hi = np.array([b[1] if b[1] is not None else np.inf for b in problem.bounds])
    problem.scale = 1.0
    first = min(problem.value_and_grad(np.clip(c, lo, hi))[0] for c in candidates)
    problem.scale = first if np.isfinite(first) and first > 0 else 1.0
    best, best_value = None, np.inf
    for u0 in candidates:
        res = problem.polish(np.clip(u0, lo, hi), maxiter)
        if np.all(np.isfinite(res.x)) and res.fun < best_value:
            best, best_value = res, res.fun
    if best is None or not np.isfinite(best_value) or best_value >= 1e30 / problem.scale:
        raise FitError(f"{law.name}: every start gave a non-finite objective")
    return problem, best


def fit(law: Law, X, y, *, objective: str = "huber_log", delta: float = 1e-3, method: str = "vp",
        starts=None, grid=None, n_polish: int = 4, maxiter: int = 2000, n_bootstrap: int = 0, seed: int = 0,
        level: float = 0.95, n_jobs: int = 1) -> FitResult:
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
    X = (X,) if np.ndim(X) == 1 and len(law.inputs) == 1 and not isinstance(X, tuple) else tuple(X)
    if len(X) != len(law.inputs):
        raise ValueError(f"{law.name} takes inputs {law.inputs}, got {len(X)} array(s)")
    X, y = check_inputs(X, y, law.inputs)
    if objective not in ("huber_log", "least_squares"):
        raise ValueError(f"objective must be 'huber_log' or 'least_squares', got {objective!r}")
    if not delta > 0:
        raise ValueError(f"delta must be positive, got {delta}")
    if method == "multistart" and starts is None:
        raise ValueError("method='multistart' needs starts (e.g. scaling_lib.fitting.hoffmann_starts())")
    grid = law.shape_grid(X) if grid is None else np.asarray(grid, dtype=float)
    options = dict(objective=objective, delta=delta, method=method, grid=grid, starts=starts, n_polish=n_polish,
                   maxiter=maxiter)
    problem, best = _fit_once(law, X, y, **options)
    status, flags, approx_se, condition, resid = _classify(problem, best.x, best, law)
    coef, theta = problem.from_u(best.x)
    params = dict(zip(law.param_names, map(float, np.concatenate([coef, theta]))))
    result = FitResult(law=law, params=params, objective=float(best.fun * problem.scale), status=status,
                       flags=flags, approx_se=approx_se, condition_number=condition, n_points=y.size,
                       objective_name=objective, delta=delta, iterations=int(best.nit), level=level,
                       residual_scale=float(np.std(resid)), _residuals=resid)
    if status != "converged":
        warnings.warn(f"{law.name} fit status {status!r}: {flags}", RuntimeWarning, stacklevel=2)
    if n_bootstrap:
        result.bootstrap, result.bootstrap_status = _bootstrap(law, X, y, options, n_bootstrap, seed, n_jobs)
    return result


def _fit_resample(law, X, y, options, index):
    try:
        problem, best = _fit_once(law, tuple(x[index] for x in X), y[index], **options)
    except FitError:
        return np.full(len(law.param_names), np.nan), "failed"
    status = "converged" if best.success else "max_iterations"
    coef, theta = problem.from_u(best.x)
    return np.concatenate([coef, theta]), status


def _bootstrap(law, X, y, options, n_bootstrap, seed, n_jobs):
    rng = np.random.default_rng(seed)
    indices = rng.integers(0, y.size, size=(int(n_bootstrap), y.size))
    if n_jobs == 1:
        out = [_fit_resample(law, X, y, options, idx) for idx in indices]
    else:
        from joblib import Parallel, delayed

        chunks = np.array_split(indices, max(1, 4 * (n_jobs if n_jobs > 0 else 2)))
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
