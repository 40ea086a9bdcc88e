"""What a fit returns: point estimates, statuses, and bootstrap uncertainty of anything derived from them."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd

from ..laws import Law
from .checks import check_level

__all__ = ["Estimate", "percentile_estimate", "FitResult", "ADMITTED_RESAMPLE_STATUSES"]

ADMITTED_RESAMPLE_STATUSES = ("converged", "at_bound")
"""Resample statuses whose estimates enter bootstrap intervals.

A resample whose optimum lies on a bound (e.g. a coefficient at zero) is a constrained optimum
of the same estimator and stays in: leaving it out would drop the most extreme resamples and
narrow the interval. Resamples that failed, stopped at the iteration limit or stalled away from
a stationary point have no estimate and are left out; how many is reported in
``FitResult.bootstrap_status`` and by :meth:`FitResult.resample_counts`."""


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
    """An :class:`Estimate` from a point value and bootstrap samples.

    Parameters
    ----------
    point : float or ndarray, shape (...)
    samples : ndarray, shape (B, ...)
        Bootstrap replicates along axis 0; NaN replicates are ignored.
    level : float
        Coverage of the percentile interval.
    """
    point = np.asarray(point, dtype=float)
    samples = np.asarray(samples, dtype=float)
    if samples.shape[0] < 2:
        nan = np.full_like(point, np.nan)
        return Estimate(point[()], nan[()], nan[()], nan[()], level)
    tail = 100 * (1 - level) / 2
    low, high = np.nanpercentile(samples, [tail, 100 - tail], axis=0)
    return Estimate(point[()], np.nanstd(samples, axis=0, ddof=1)[()], low[()], high[()], level)


@dataclass
class FitResult:
    """Result of :func:`scaling_lib.fit`.

    Attributes
    ----------
    law : Law
    params : dict
        Fitted parameters by name (natural units: coefficients, exponents).
    objective : float
        Objective value at ``params`` (summed over points, unscaled).
    status : str
        One of :data:`~scaling_lib.fitting.STATUSES` (see there for the order when several apply).
    flags : dict
        Every status that applies, with the parameters concerned and a human-readable message.
    approx_se : dict
        Gauss-Newton approximate standard errors (no bootstrap needed; ``inf`` for a parameter
        the data do not constrain).
    condition_number : float
        Of the column-normalised residual Jacobian; large means parameters trade off.
    bootstrap : pandas.DataFrame or None
        One row per bootstrap resample: fitted parameters (NaN where the resample's fit failed).
    bootstrap_statuses : pandas.Series or None
        Status of each resample (``converged``, ``at_bound``, ``max_iterations``, ``stalled``,
        ``failed``); only :data:`ADMITTED_RESAMPLE_STATUSES` enter intervals.
    bootstrap_status : dict
        Counts of ``bootstrap_statuses``.
    seed : int
        Seed of the bootstrap; also the default seed of the observation noise in
        :meth:`predict_interval`.
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
    bootstrap_statuses: pd.Series | None = None
    bootstrap_status: dict = field(default_factory=dict)
    level: float = 0.95
    seed: int = 0
    _residuals: np.ndarray = field(default=None, repr=False)

    # -- uncertainty -----------------------------------------------------------------------
    def draws(self) -> dict:
        """Bootstrap draws that enter intervals, as name -> array of shape (B,); empty without (usable) bootstrap."""
        if self.bootstrap is None:
            return {}
        ok = self.bootstrap[self.bootstrap_statuses.isin(ADMITTED_RESAMPLE_STATUSES).to_numpy()].dropna()
        if len(ok) < 2:
            return {}
        return {name: ok[name].to_numpy() for name in self.law.param_names}

    def resample_counts(self) -> dict:
        """``{"used": ..., "dropped": ..., "at_bound": ...}``: resamples in the intervals, left out, and on a bound."""
        if self.bootstrap_statuses is None:
            return {"used": 0, "dropped": 0, "at_bound": 0}
        admitted = self.bootstrap_statuses.isin(ADMITTED_RESAMPLE_STATUSES)
        return {"used": int(admitted.sum()), "dropped": int((~admitted).sum()),
                "at_bound": int((self.bootstrap_statuses == "at_bound").sum())}

    def derive(self, func: Callable[[dict], np.ndarray], level: float | None = None) -> Estimate:
        """Point estimate, s.e. and percentile interval of ``func(params)``.

        ``func`` receives a dict of parameters. For the point estimate the values are floats;
        under the bootstrap each is an array of shape (B,), and ``func`` must return an array
        whose first axis is that B (write it with NumPy operations that broadcast, e.g.
        ``p["beta"] / (p["alpha"] + p["beta"])``, or ``p["A"][..., None] * x`` for a curve).
        """
        level = self.level if level is None else check_level(level)
        value = np.asarray(func(self.params), dtype=float)
        draws = self.draws()
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
        return {name: float(np.nanstd(v, ddof=1)) for name, v in self.draws().items()}

    def summary(self, level: float | None = None) -> pd.DataFrame:
        """One row per parameter: estimate, bootstrap s.e., percentile interval, approximate s.e.

        ``attrs["resamples"]`` holds :meth:`resample_counts`, so dropped resamples are never silent.
        """
        rows = []
        for name in self.law.param_names:
            est = self.derive(lambda p, name=name: p[name], level)
            rows.append((name, est.value, est.se, est.low, est.high, self.approx_se.get(name, np.nan)))
        table = pd.DataFrame(rows, columns=["parameter", "estimate", "se", "low", "high", "approx_se"]).set_index(
            "parameter")
        table.attrs["resamples"] = self.resample_counts()
        return table

    # -- prediction -----------------------------------------------------------------------
    def predict(self, *X) -> np.ndarray:
        """Predicted target at inputs ``X`` (same units as the fitted target)."""
        return self.law.predict(self.params, *X)

    def predict_interval(self, *X, level: float | None = None, kind: str = "mean", seed: int | None = None) -> Estimate:
        """Prediction with a bootstrap interval.

        Parameters
        ----------
        *X : array_like
            Inputs in ``law.inputs`` order, broadcastable to a common shape (m,).
        level : float, optional
            Coverage; default the fit's ``level``.
        kind : {"mean", "observation"}
            ``"mean"``: uncertainty of the fitted curve only. ``"observation"``: also the scatter
            of single runs around the curve, taken from the fit's residuals, which is what a
            new training run is compared against.
        seed : int, optional
            Seed of the residual draws for ``"observation"``; default the fit's bootstrap seed.
        """
        if kind not in ("mean", "observation"):
            raise ValueError(f"kind must be 'mean' or 'observation', got {kind!r}")
        arrays = [np.atleast_1d(np.asarray(x, dtype=float)) for x in np.broadcast_arrays(*X)]
        law = self.law
        level = self.level if level is None else check_level(level)
        point = law.predict(self.params, *arrays)
        draws = self.draws()
        if not draws:
            return percentile_estimate(point, np.empty((0,) + point.shape), level)
        coef = np.stack([draws[c] for c in law.coefficients], axis=1)
        theta = np.stack([draws[s] for s in law.shape_params], axis=1)
        samples = np.einsum("bnk,bk->bn", law.basis(theta, tuple(arrays)), coef)
        if kind == "observation":
            # Residuals are prediction minus observation (in log for huber_log): subtract them.
            rng = np.random.default_rng(self.seed if seed is None else seed)
            noise = rng.choice(self._residuals, size=samples.shape)
            samples = samples * np.exp(-noise) if self.objective_name == "huber_log" else samples - noise
        return percentile_estimate(point, samples, level)

    def __repr__(self):
        values = ", ".join(f"{k}={v:.4g}" for k, v in self.params.items())
        return f"FitResult({self.law.name}: {values}; objective={self.objective:.6g}; status={self.status})"
