"""Scaling laws as small objects the fitter can use.

Every law here is *separable*: its prediction is a non-negative (or free) linear combination
of basis functions whose shape depends on a few nonlinear parameters (exponents, break
points, slopes)::

    y_hat(x) = sum_k coef_k * basis_k(x; theta)

The fitter exploits this (variable projection): for fixed ``theta`` the coefficients solve a
small bounded linear least-squares problem. To add a law, subclass :class:`Law` and implement
:meth:`Law.basis` and :meth:`Law.basis_derivative`; nothing in the fitter changes.

Inputs are positive arrays of shape ``(n,)``: model size N in parameters, training tokens D,
a generic scale x (compute in FLOP, samples, ...), or a loss in nats/token for links.
"""
from __future__ import annotations

import itertools

import numpy as np
from scipy.special import expit

__all__ = ["Law", "PowerLaw", "Chinchilla", "OverTraining", "BrokenPowerLaw", "SigmoidLink",
           "ExponentialLink", "hoffmann_starts"]


class Law:
    """Base class of separable laws ``y = basis(x; theta) @ coef``.

    Class attributes
    ----------------
    inputs : tuple of str
        Names of the input arrays, in call order (e.g. ``("N", "D")``).
    coefficients : tuple of str
        Names of the linear parameters, one per basis column.
    nonnegative : tuple of bool
        Whether each coefficient is constrained to be >= 0.
    shape_params : tuple of str
        Names of the nonlinear parameters ``theta``.
    bounds : dict
        ``name -> (low, high)`` for every shape parameter; used by the grid and the polish.
    log_scale : tuple of str
        Shape parameters gridded on a log scale (break points, midpoints).
    """

    name = "law"
    formula = ""
    inputs: tuple[str, ...] = ("x",)
    coefficients: tuple[str, ...] = ()
    nonnegative: tuple[bool, ...] = ()
    shape_params: tuple[str, ...] = ()
    bounds: dict[str, tuple[float, float]] = {}
    log_scale: tuple[str, ...] = ()
    grid_points = 24

    @property
    def param_names(self) -> tuple[str, ...]:
        return self.coefficients + self.shape_params

    def basis(self, theta: np.ndarray, X: tuple[np.ndarray, ...]) -> np.ndarray:
        """Basis matrix.

        Parameters
        ----------
        theta : ndarray, shape (..., m)
            Shape parameters in the order of ``shape_params``; leading axes broadcast.
        X : tuple of ndarray, each shape (n,)

        Returns
        -------
        ndarray, shape (..., n, k)
        """
        raise NotImplementedError

    def basis_derivative(self, theta: np.ndarray, X: tuple[np.ndarray, ...]) -> np.ndarray:
        """Derivative of the basis with respect to ``theta``: shape ``(n, k, m)`` for one ``theta`` of shape (m,)."""
        raise NotImplementedError

    def shape_grid(self, X: tuple[np.ndarray, ...]) -> np.ndarray:
        """Grid of shape parameters to screen, shape ``(G, m)``; product of per-parameter grids by default."""
        axes = []
        for name in self.shape_params:
            low, high = self.data_bounds(X)[name]
            if name in self.log_scale:
                axes.append(np.geomspace(low, high, self.grid_points))
            else:
                axes.append(np.linspace(low, high, self.grid_points))
        return np.array(list(itertools.product(*axes)), dtype=float).reshape(-1, len(self.shape_params))

    def data_bounds(self, X: tuple[np.ndarray, ...]) -> dict[str, tuple[float, float]]:
        """Bounds of the shape parameters for this data (laws with break points place them in the data range)."""
        return dict(self.bounds)

    def split(self, params: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
        missing = [p for p in self.param_names if p not in params]
        if missing:
            raise KeyError(f"{self.name}: missing parameter(s) {missing}")
        coef = np.array([params[c] for c in self.coefficients], dtype=float)
        theta = np.array([params[s] for s in self.shape_params], dtype=float)
        return coef, theta

    def predict(self, params: dict[str, float], *X) -> np.ndarray:
        """Evaluate the law at inputs ``X`` (arrays broadcastable to a common shape)."""
        arrays = np.broadcast_arrays(*[np.asarray(x, dtype=float) for x in X])
        shape = arrays[0].shape
        coef, theta = self.split(params)
        return (self.basis(theta, tuple(a.ravel() for a in arrays)) @ coef).reshape(shape)

    def __repr__(self):
        return f"{type(self).__name__}()  # {self.formula}"


def _powers(theta_column: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``x ** -theta`` for a (...,) array of exponents against (n,) inputs -> (..., n)."""
    return np.exp(-theta_column[..., None] * np.log(x))


class PowerLaw(Law):
    """Power law with an irreducible offset: ``L(x) = E + A x^-alpha``."""

    name = "power law"
    formula = "L(x) = E + A x^-alpha"
    coefficients = ("E", "A")
    nonnegative = (True, True)
    shape_params = ("alpha",)
    bounds = {"alpha": (1e-3, 3.0)}
    grid_points = 300

    def basis(self, theta, X):
        (x,) = X
        power = _powers(theta[..., 0], x)
        return np.stack([np.ones_like(power), power], axis=-1)

    def basis_derivative(self, theta, X):
        (x,) = X
        out = np.zeros((x.size, 2, 1))
        out[:, 1, 0] = -np.log(x) * x ** -theta[0]
        return out


class Chinchilla(Law):
    """Hoffmann et al. (2022) parametric loss: ``L(N, D) = E + A / N^alpha + B / D^beta``.

    N in parameters, D in training tokens, L in nats/token.
    """

    name = "Chinchilla"
    formula = "L(N, D) = E + A / N^alpha + B / D^beta"
    inputs = ("N", "D")
    coefficients = ("E", "A", "B")
    nonnegative = (True, True, True)
    shape_params = ("alpha", "beta")
    bounds = {"alpha": (1e-3, 3.0), "beta": (1e-3, 3.0)}
    grid_points = 24

    def basis(self, theta, X):
        N, D = X
        pn = _powers(theta[..., 0], N)
        pd = _powers(theta[..., 1], D)
        return np.stack([np.ones_like(pn), pn, pd], axis=-1)

    def basis_derivative(self, theta, X):
        N, D = X
        out = np.zeros((N.size, 3, 2))
        out[:, 1, 0] = -np.log(N) * N ** -theta[0]
        out[:, 2, 1] = -np.log(D) * D ** -theta[1]
        return out

    def shape_grid(self, X):
        # Exponents near 0 make A N^-alpha indistinguishable from E; the grid starts at 0.02.
        axis = np.linspace(0.02, 2.0, self.grid_points)
        return np.array(list(itertools.product(axis, axis)))


class OverTraining(Chinchilla):
    """Gadre et al. (2024) over-training law: one exponent for N and D.

    ``L(N, D) = E + A N^-alpha + B D^-alpha``. With C = 6 N D and token multiplier M = D / N
    this is Gadre's ``L(C, M) = E + (a M^eta + b M^-eta) C^eta`` with ``eta = -alpha / 2``,
    ``a = B 6^-eta``, ``b = A 6^-eta``: at fixed M, loss follows a power law in compute with the
    same exponent for every M, which is what makes over-trained runs predictable.
    """

    name = "over-training (Gadre et al. 2024)"
    formula = "L(N, D) = E + A N^-alpha + B D^-alpha"
    shape_params = ("alpha",)
    bounds = {"alpha": (1e-3, 3.0)}
    grid_points = 300

    def basis(self, theta, X):
        tied = np.concatenate([theta, theta], axis=-1)
        return super().basis(tied, X)

    def basis_derivative(self, theta, X):
        both = super().basis_derivative(np.array([theta[0], theta[0]]), X)
        return both.sum(axis=2, keepdims=True)

    def shape_grid(self, X):
        return np.linspace(0.02, 2.0, self.grid_points)[:, None]


class BrokenPowerLaw(Law):
    """Broken neural scaling law (Caballero et al. 2022) with ``n_breaks`` smooth breaks.

    ``y = a + b x^-c0 * prod_i (1 + (x / d_i)^(1 / f_i))^(-c_i f_i)``

    ``c0`` is the exponent before the first break, ``c_i`` the change in exponent at break
    ``i`` located at ``d_i`` (units of x), and ``f_i`` the break's sharpness (smaller is sharper).
    """

    name = "broken power law"
    coefficients = ("a", "b")
    nonnegative = (True, True)
    grid_points = 6

    def __init__(self, n_breaks: int = 1):
        if int(n_breaks) < 1:
            raise ValueError(f"n_breaks must be at least 1, got {n_breaks}")
        self.n_breaks = int(n_breaks)
        names = ["c0"]
        for i in range(1, self.n_breaks + 1):
            names += [f"c{i}", f"d{i}", f"f{i}"]
        self.shape_params = tuple(names)
        self.log_scale = tuple(f"d{i}" for i in range(1, self.n_breaks + 1))
        self.formula = ("y = a + b x^-c0 " + " ".join(f"(1 + (x/d{i})^(1/f{i}))^(-c{i} f{i})"
                                                    for i in range(1, self.n_breaks + 1)))

    def data_bounds(self, X):
        (x,) = X
        bounds = {"c0": (-1.0, 2.0)}
        for i in range(1, self.n_breaks + 1):
            bounds.update({f"c{i}": (-2.0, 2.0), f"d{i}": (float(x.min()), float(x.max())), f"f{i}": (0.05, 2.0)})
        return bounds

    def shape_grid(self, X):
        if self.n_breaks == 1:
            return super().shape_grid(X)
        # Product grids grow as grid_points**(3n+1); draw a fixed-seed random design instead.
        rng = np.random.default_rng(0)
        bounds = self.data_bounds(X)
        cols = []
        for name in self.shape_params:
            low, high = bounds[name]
            if name in self.log_scale:
                cols.append(np.exp(rng.uniform(np.log(low), np.log(high), 4000)))
            else:
                cols.append(rng.uniform(low, high, 4000))
        return np.stack(cols, axis=1)

    def _log_shape(self, theta, logx):
        """log of the multiplicative term and its pieces; theta (..., m), logx (n,)."""
        c0 = theta[..., 0:1]
        log_g = -c0 * logx
        pieces = []
        for i in range(self.n_breaks):
            c, d, f = (theta[..., 1 + 3 * i + j:2 + 3 * i + j] for j in range(3))
            z = (logx - np.log(d)) / f
            softplus = np.logaddexp(0.0, z)
            log_g = log_g - c * f * softplus
            pieces.append((c, d, f, z, softplus))
        return log_g, pieces

    def basis(self, theta, X):
        (x,) = X
        log_g, _ = self._log_shape(np.asarray(theta, dtype=float), np.log(x))
        g = np.exp(log_g)
        return np.stack([np.ones_like(g), g], axis=-1)

    def basis_derivative(self, theta, X):
        (x,) = X
        logx = np.log(x)
        log_g, pieces = self._log_shape(np.asarray(theta, dtype=float)[None, :], logx)
        g = np.exp(log_g[0])
        dlog = [-logx]
        for c, d, f, z, softplus in pieces:
            c, d, f, z, softplus = c[0], d[0], f[0], z[0], softplus[0]
            sig = expit(z)
            dlog += [-f * softplus, c * sig / d, -c * (softplus - sig * z)]
        out = np.zeros((x.size, 2, len(self.shape_params)))
        out[:, 1, :] = (g[:, None] * np.stack(dlog, axis=1))
        return out


class SigmoidLink(Law):
    """Sigmoid in log scale, for downstream metrics that rise from a floor to a ceiling.

    ``y = floor + span * sigmoid(slope * (log x - log x0))``; ``x0`` is the midpoint (units of x),
    ``slope`` the steepness per e-fold of x. ``floor`` is e.g. chance accuracy, ``floor + span``
    the ceiling.
    """

    name = "sigmoid link"
    formula = "y = floor + span * sigmoid(slope * (log x - log x0))"
    coefficients = ("floor", "span")
    nonnegative = (True, True)
    shape_params = ("slope", "x0")
    log_scale = ("x0",)
    grid_points = 40

    def data_bounds(self, X):
        (x,) = X
        lo, hi = np.log(x.min()), np.log(x.max())
        width = hi - lo
        return {"slope": (0.05, 20.0 / max(width, 1e-9) * 4),
                "x0": (float(np.exp(lo - width)), float(np.exp(hi + width)))}

    def basis(self, theta, X):
        (x,) = X
        s = expit(theta[..., 0:1] * (np.log(x) - np.log(theta[..., 1:2])))
        return np.stack([np.ones_like(s), s], axis=-1)

    def basis_derivative(self, theta, X):
        (x,) = X
        u = np.log(x) - np.log(theta[1])
        s = expit(theta[0] * u)
        ds = s * (1 - s)
        out = np.zeros((x.size, 2, 2))
        out[:, 1, 0] = ds * u
        out[:, 1, 1] = -ds * theta[0] / theta[1]
        return out


class ExponentialLink(Law):
    """Gadre et al. (2024) loss-to-error link: ``err(L) = eps - k exp(-gamma L)``.

    L in nats/token, err as a fraction; ``eps`` is the error of a model with infinite loss
    (chance), and error falls towards ``eps - k exp(-gamma L)`` as loss decreases.
    """

    name = "exponential link"
    formula = "err(L) = eps - k exp(-gamma L)"
    coefficients = ("eps", "k")
    nonnegative = (True, True)
    shape_params = ("gamma",)
    bounds = {"gamma": (1e-3, 20.0)}
    grid_points = 300

    def basis(self, theta, X):
        (loss,) = X
        e = -np.exp(-theta[..., 0:1] * loss)
        return np.stack([np.ones_like(e), e], axis=-1)

    def basis_derivative(self, theta, X):
        (loss,) = X
        out = np.zeros((loss.size, 2, 1))
        out[:, 1, 0] = loss * np.exp(-theta[0] * loss)
        return out


def hoffmann_starts() -> np.ndarray:
    """Hoffmann et al.'s 4,500 starting points for the Chinchilla law.

    Their grid is over ``(log A, log B, log E, alpha, beta)``: log A and log B in 0, 5, ..., 25,
    log E in -1, -0.5, ..., 1, and each exponent in 0, 0.5, ..., 2.

    Returns
    -------
    ndarray, shape (4500, 5)
        Natural parameters in ``Chinchilla().param_names`` order ``(E, A, B, alpha, beta)``,
        as ``fit(..., method="multistart", starts=...)`` takes them.
    """
    exps = np.arange(0.0, 2.01, 0.5)
    logs_e = np.arange(-1.0, 1.01, 0.5)
    logs_ab = np.arange(0.0, 25.1, 5.0)
    log_a, log_b, log_e, alpha, beta = np.array(list(itertools.product(logs_ab, logs_ab, logs_e, exps, exps))).T
    return np.stack([np.exp(log_e), np.exp(log_a), np.exp(log_b), alpha, beta], axis=1)
