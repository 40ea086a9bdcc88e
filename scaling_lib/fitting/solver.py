"""Find the optimum of one fit: a variable-projection screen of the shape parameters, then a polish.

The screen evaluates a grid of shape parameters (exponents, breaks); for each grid point the
coefficients solve a small bounded linear least-squares problem, done for the whole grid at
once. The best basins are then polished on the full objective with analytic gradients
(L-BFGS-B). ``method="multistart"`` instead runs L-BFGS-B from user-given starting points
(e.g. Hoffmann et al.'s 4,500), for like-for-like comparisons.

Polish coordinates: non-negative coefficients are optimised as their logarithms (so for the
Chinchilla law the coordinates are Hoffmann's ``(e, a, b) = log(E, A, B)`` and
``log y_hat = logsumexp(e, a - alpha log N, b - beta log D)``), shape parameters as they are.
"""
from __future__ import annotations

import itertools

import numpy as np
from scipy import ndimage, optimize

from .identification import identify
from .objective import loss_and_slope

__all__ = ["FitError", "Problem", "solve"]

_LOG_COEF_BOUNDS = (-50.0, 50.0)  # coefficient range exp(-50) .. exp(50); exp(-50) means "zero"
_STALL_GRADIENT = 1e-4  # projected gradient of the (start-normalised) objective regarded as zero
_INVALID = 1e30  # objective reported to the optimizer where the law's predictions are invalid
_BASIN_RATIO = 3.0  # basins screened at more than 3x the best objective are not polished


class FitError(RuntimeError):
    """No finite fit could be found."""


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
    value, _ = loss_and_slope(pred, y, objective, delta)
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


class Problem:
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
        value, slope = loss_and_slope(pred, self.y, self.objective, self.delta)
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
# The optimum


def solve(law, X, y, objective, delta, method, grid, starts, n_polish, maxiter):
    """The optimum of one fit on validated data.

    Returns
    -------
    problem : Problem
        The objective in polish coordinates (for classification and identification).
    best : scipy.optimize.OptimizeResult
        The best polish; ``best.fun`` is the objective divided by ``problem.scale``.

    Raises
    ------
    FitError
        When no start gives a finite objective.
    """
    problem = Problem(law, X, y, objective, delta)
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
    if interior and (best is None or problem.at_bound(best.x) or identify(problem, best.x).weak):
        # An optimum on a bound or with a weakly identified exponent is often the end of the valley
        # where E and A N^-alpha trade off (alpha -> 0 makes A N^-alpha a constant); an interior
        # basin the grid did not resolve as a local minimum may be lower.
        best = min(filter(None, [best, _best_polish(problem, interior, maxiter)]), key=lambda r: r.fun)
    if best is None or best.fun >= _INVALID:
        raise FitError(f"{law.name}: every start gave a non-finite objective")
    return problem, best
