"""Error rates of the trend rule by simulation: per-example Bernoulli data from known curves.

Each simulated data set has ``J`` models equally spaced in log size (1e8 to 1e11 parameters) and ``n``
examples. Model ``j``'s accuracy follows one of the shapes below, over ``t_j = j / (J - 1)`` in [0, 1],
with ``effect`` the difference between the curve's highest and lowest value over the range:

``flat``        p = base
``positive``    p = base + effect (t - 1/2)
``inverse``     p = base - effect (t - 1/2)
``u_shaped``    p = base - effect / 2 + effect (2 t - 1)^2        (vertex in the middle)
``inverted_u``  p = base + effect / 2 - effect (2 t - 1)^2

Example ``i`` is answered correctly by model ``j`` when ``Phi(z_ij) < p_j`` with
``z_ij = sqrt(rho) g_i + sqrt(1 - rho) e_ij``: each model's accuracy is exactly ``p_j`` and the models
agree on which examples are hard (correlation ``rho``), as real models do on shared examples.

Speed: the replicates of one cell (shape, effect, J, n) are classified together, sharing one set of
bootstrap resampling indices. Each replicate's test is exactly :func:`classify_trend`'s on its own
data; sharing only correlates the bootstrap noise of different replicates, so the error-rate
estimates stay unbiased.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtr

from ..fitting import one_blas_thread
from .trend import LABELS, _check_options, _coefficients, _decide, _design, bootstrap_means

__all__ = ["SHAPES", "curve", "simulate_scores", "error_rates", "confusion_matrix", "false_positive_rate"]

SHAPES = ("flat", "positive", "inverse", "u_shaped", "inverted_u")


def curve(shape: str, n_models: int, effect: float, base: float = 0.5) -> np.ndarray:
    """True accuracy of each model, shape (J,), for one of :data:`SHAPES`."""
    if shape not in SHAPES:
        raise ValueError(f"curve: unknown shape {shape!r}; choose one of {SHAPES}")
    t = np.linspace(0.0, 1.0, int(n_models))
    p = {"flat": base + 0 * t, "positive": base + effect * (t - 0.5), "inverse": base - effect * (t - 0.5),
         "u_shaped": base - effect / 2 + effect * (2 * t - 1) ** 2,
         "inverted_u": base + effect / 2 - effect * (2 * t - 1) ** 2}[shape]
    if not np.all((p > 0) & (p < 1)):
        raise ValueError(f"curve: base {base} and effect {effect} put accuracies outside (0, 1): {p.tolist()}")
    return p


def simulate_scores(p, n_examples: int, *, n_replicates: int = 1, rho: float = 0.5, seed: int = 0):
    """0/1 scores, shape (R, J, n), of models with accuracies ``p`` (J,) on shared examples.

    Returns
    -------
    sizes : ndarray, shape (J,)
        Parameters, log-spaced from 1e8 to 1e11.
    scores : ndarray, shape (R, J, n)
    """
    p = np.asarray(p, dtype=float)
    if not 0 <= rho < 1:
        raise ValueError(f"simulate_scores: rho must be in [0, 1), got {rho}")
    rng = np.random.default_rng(seed)
    shared = rng.standard_normal((n_replicates, 1, n_examples))
    own = rng.standard_normal((n_replicates, p.size, n_examples))
    z = np.sqrt(rho) * shared + np.sqrt(1 - rho) * own
    return np.geomspace(1e8, 1e11, p.size), (ndtr(z) < p[None, :, None]).astype(float)


def _classify_batch(sizes, scores, level, n_bootstrap, seed):
    """Labels (R,) of R data sets (R, J, n) sharing one set of bootstrap indices."""
    with one_blas_thread():
        x, xc, projection = _design(sizes)
        boot = bootstrap_means(scores, n_bootstrap, np.random.default_rng(seed))  # (B, R, J)
        point = _coefficients(scores.mean(axis=2), projection, xc)
        label, _, _ = _decide(point, _coefficients(boot, projection, xc), n_bootstrap, 1 - level, boot)
    return label


def error_rates(*, shapes=SHAPES, effects=(0.1, 0.2, 0.3), n_models=(4, 8), n_examples=(40, 200, 1000),
                n_sim: int = 50, n_bootstrap: int = 1000, level: float = 0.95, rho: float = 0.5, base: float = 0.5,
                seed: int = 0) -> pd.DataFrame:
    """How often the rule gives each label, for each true shape, effect size, model count and example count.

    Parameters
    ----------
    shapes : sequence of str
        True shapes (of :data:`SHAPES`). ``flat`` is simulated once per (J, n), with effect 0.
    effects : sequence of float
        Range of the true curve (accuracy units).
    n_models, n_examples : sequences of int
        Models per family (J) and examples per model (n).
    n_sim : int
        Simulated data sets per cell.
    n_bootstrap, level : int, float
        As in :func:`scaling_lib.inverse.classify_trend`.
    rho, base : float
        Correlation of examples across models; accuracy at the middle of the range.
    seed : int
        Seed of the data and of the resampling (one derived seed per cell).

    Returns
    -------
    DataFrame
        One row per cell: ``shape, effect, n_models, n_examples, n_sim``, the fraction given each label of
        :data:`LABELS` (columns ``rate_<label>``) and ``correct`` (the fraction given the true label; for
        ``flat`` the true label is ``no_trend``).
    """
    n_bootstrap = _check_options(level, n_bootstrap, "error_rates", max(n_models))
    unknown = [s for s in shapes if s not in SHAPES]
    if unknown:
        raise ValueError(f"error_rates: unknown shape(s) {unknown}; choose from {SHAPES}")
    cells = [(shape, 0.0 if shape == "flat" else float(effect), int(J), int(n))
             for shape in shapes for effect in ((0.0,) if shape == "flat" else effects)
             for J in n_models for n in n_examples]
    seeds = np.random.SeedSequence(seed).spawn(len(cells))
    rows = []
    for (shape, effect, J, n), cell_seed in zip(cells, seeds):
        data_seed, boot_seed = cell_seed.generate_state(2)
        sizes, scores = simulate_scores(curve(shape, J, effect, base), n, n_replicates=n_sim, rho=rho,
                                        seed=int(data_seed))
        labels = _classify_batch(sizes, scores, level, n_bootstrap, int(boot_seed))
        truth = "no_trend" if shape == "flat" else shape
        rows.append({"shape": shape, "effect": effect, "n_models": J, "n_examples": n, "n_sim": n_sim,
                     **{f"rate_{label}": float(np.mean(labels == label)) for label in LABELS},
                     "correct": float(np.mean(labels == truth))})
    return pd.DataFrame(rows)


def confusion_matrix(rates: pd.DataFrame, **where) -> pd.DataFrame:
    """True shape (rows) x given label (columns), averaged over the cells of ``rates`` matching ``where``."""
    selected = rates
    for column, value in where.items():
        selected = selected[selected[column] == value]
    if selected.empty:
        raise ValueError(f"confusion_matrix: no cells with {where}")
    return selected.groupby("shape", sort=False)[[f"rate_{label}" for label in LABELS]].mean().rename(
        columns=lambda c: c[len("rate_"):])


def false_positive_rate(rates: pd.DataFrame) -> float:
    """Largest fraction of flat-curve data sets given a label other than ``no_trend``, over the flat cells."""
    flat = rates[rates["shape"] == "flat"]
    if flat.empty:
        raise ValueError("false_positive_rate: rates hold no flat cells")
    return float((1 - flat["rate_no_trend"]).max())
