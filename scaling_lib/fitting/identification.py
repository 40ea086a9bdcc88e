"""How well the data pin down each parameter at an optimum, and the fit's status.

The Gauss-Newton view: near the optimum the residuals are linear in the parameters, with
Jacobian J (points x parameters). Its singular values say which parameter combinations the
data constrain. Approximate standard errors come from the pseudo-inverse of J, so a direction
the data do not constrain at all (a rank-deficient J) gives an infinite standard error and an
``ill_conditioned`` status, never a standard error of zero.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Identification", "identify", "classify", "STATUSES"]

STATUSES = ("converged", "max_iterations", "at_bound", "ill_conditioned")
"""Possible fit statuses. When several apply, ``status`` is the first of ``max_iterations`` (the optimizer did
not finish), ``at_bound``, ``ill_conditioned``, and ``flags`` lists them all; a NaN fit raises ``FitError``."""

_WEAK_RELATIVE_SE = 0.25  # an exponent whose approximate s.e. exceeds a quarter of its size is weakly identified
_MAX_CONDITION = 1e10
_NULL_LOADING = 1e-8  # a parameter loading a null direction by more than this is not identified


@dataclass(frozen=True)
class Identification:
    """Gauss-Newton summary of an optimum.

    Attributes
    ----------
    approx_se : dict
        Approximate standard error per parameter (natural units); ``inf`` where the data
        leave the parameter unconstrained.
    condition_number : float
        Of the column-normalised residual Jacobian; ``inf`` when it is rank-deficient.
    rank : int
        Numerical rank of the Jacobian, out of ``n_params``.
    n_params : int
    weak : list of str
        Shape parameters (exponents, breaks) that are weakly identified and not on a bound.
    residuals : ndarray, shape (n,)
        Prediction minus observation (in log for ``huber_log``).
    """

    approx_se: dict
    condition_number: float
    rank: int
    n_params: int
    weak: list
    residuals: np.ndarray


def identify(problem, u) -> Identification:
    """Identification of the parameters of ``problem`` (a :class:`~scaling_lib.fitting.solver.Problem`) at ``u``."""
    jac, resid = problem.residual_jacobian(u)
    norms = np.linalg.norm(jac, axis=0)
    norms[norms == 0] = 1.0
    _, singular, vt = np.linalg.svd(jac / norms, full_matrices=True)
    n_params = jac.shape[1]
    singular = np.concatenate([singular, np.zeros(n_params - singular.size)])
    tolerance = max(jac.shape) * np.finfo(float).eps * singular[0]
    kept = singular > tolerance
    rank = int(kept.sum())
    condition = float(singular[0] / singular[-1]) if rank == n_params else np.inf
    sigma2 = float(resid @ resid) / max(jac.shape[0] - rank, 1)
    # Pseudo-inverse covariance in normalised coordinates: V_r diag(1 / s_r^2) V_r^T.
    v_kept = vt[kept].T
    variance = (v_kept ** 2) @ (1.0 / singular[kept] ** 2) * sigma2
    unidentified = np.linalg.norm(vt[~kept].T, axis=1) > _NULL_LOADING if rank < n_params else np.zeros(n_params, bool)
    se_u = np.where(unidentified, np.inf, np.sqrt(variance) / norms)
    natural = problem.natural(u)
    # In log coordinates the s.e. of log(p) is the relative s.e. of p.
    approx_se = np.where(problem.log_u, se_u * np.abs(natural), se_u)
    relative = approx_se / np.maximum(np.abs(natural), 1e-300)
    # Prefactors (A, B) are values at N = 1, many decades from any data, and trade off with their
    # exponent; identification is judged on the shape parameters (exponents, breaks).
    at_bound = problem.at_bound(u)
    names = problem.law.param_names
    weak = [name for name, rel in zip(names, relative)
            if name in problem.law.shape_params and not rel < _WEAK_RELATIVE_SE and name not in at_bound]
    return Identification(dict(zip(names, map(float, approx_se))), condition, rank, n_params, weak, resid)


def classify(problem, u, opt_result, maxiter) -> tuple[str, dict, Identification]:
    """Status, flags (status -> message or parameters) and identification of an optimum."""
    flags = problem.optimizer_flags(opt_result, maxiter)
    at_bound = problem.at_bound(u)
    if at_bound:
        flags["at_bound"] = at_bound
    ident = identify(problem, u)
    names = problem.law.param_names
    messages = [flags.get("ill_conditioned")]
    if ident.rank < ident.n_params:
        unconstrained = [name for name in names if not np.isfinite(ident.approx_se[name])]
        messages.append(f"rank-deficient Jacobian (rank {ident.rank} of {ident.n_params}): the data leave a "
                        f"combination of {', '.join(unconstrained)} unconstrained")
    if ident.weak or ident.condition_number > _MAX_CONDITION:
        messages.append(f"weakly identified: {', '.join(ident.weak or names)} (approximate s.e. above "
                        f"{_WEAK_RELATIVE_SE:.0%} of the value; condition number {ident.condition_number:.3g})")
    if any(messages):
        flags["ill_conditioned"] = "; ".join(filter(None, messages))
    status = next((s for s in STATUSES[1:] if s in flags), "converged")
    return status, flags, ident
