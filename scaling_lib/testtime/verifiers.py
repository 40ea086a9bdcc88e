"""Resampling until an imperfect verifier accepts (Stroebl, Kapoor, Narayanan 2024, "Inference Scaling fLaws").

A problem is sampled up to ``k`` times; each sample is correct with probability ``p`` (the
problem's single-sample accuracy). The verifier accepts a correct sample with probability
``1 - fnr`` and a wrong one with probability ``fpr``. The first accepted sample is returned; if
none is accepted in ``k`` tries the system abstains. With ``q = p (1 - fnr) + (1 - p) fpr``:

    P(correct) = p (1 - fnr) / q * (1 - (1 - q)^k),   P(wrong) = (1 - p) fpr / q * (1 - (1 - q)^k),

so accuracy rises to the ceiling ``p (1 - fnr) / q`` (the verifier's precision on this problem),
not to 1. A weaker model (smaller ``p`` on each problem) has a lower ceiling; when its ceiling is
below a stronger model's single-sample accuracy, no number of samples closes the gap.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

__all__ = ["VerifierOutcome", "resample_with_verifier", "accuracy_ceiling", "expected_utility", "optimal_k",
           "OptimalK", "max_fpr_to_reach"]


def _rates(fpr, fnr):
    fpr, fnr = float(fpr), float(fnr)
    for name, value in (("fpr", fpr), ("fnr", fnr)):
        if not 0 <= value <= 1:
            raise ValueError(f"verifier: {name} must be a probability in [0, 1], got {value}")
    if fnr == 1 and fpr == 0:
        raise ValueError("verifier: fpr = 0 and fnr = 1 accepts nothing")
    return fpr, fnr


def _p(p):
    p = np.asarray(p, dtype=float)
    if p.size == 0 or np.any(~np.isfinite(p) | (p < 0) | (p > 1)):
        raise ValueError("verifier: p (single-sample accuracy per problem) must be non-empty, in [0, 1]")
    return p


def _k(k):
    k = np.asarray(k)
    if k.dtype.kind not in "iuf" or np.any(k < 1) or np.any(k != np.round(k)):
        raise ValueError(f"verifier: k must be whole numbers >= 1, got {np.ravel(k)[:3].tolist()}")
    return k.astype(float)


@dataclass
class VerifierOutcome:
    """Mean over problems of what resampling with a verifier returns, at each k.

    Attributes
    ----------
    k : ndarray, shape (K,)
    correct, wrong, abstain : ndarray, shape (K,)
        Probabilities (fractions of problems) of returning a correct answer, a wrong one, nothing.
    samples : ndarray, shape (K,)
        Expected samples drawn per problem.
    """

    k: np.ndarray
    correct: np.ndarray
    wrong: np.ndarray
    abstain: np.ndarray
    samples: np.ndarray


def resample_with_verifier(p, k, *, fpr: float, fnr: float = 0.0) -> VerifierOutcome:
    """Outcome of sampling each problem up to ``k`` times until the verifier accepts.

    Parameters
    ----------
    p : array_like, shape (P,)
        Single-sample accuracy of each problem (e.g. ``c / n``).
    k : array_like of int, shape (K,)
        Maximum samples per problem.
    fpr, fnr : float
        Verifier false-positive rate (accepts a wrong answer) and false-negative rate (rejects a
        correct one).

    Returns
    -------
    VerifierOutcome
    """
    fpr, fnr = _rates(fpr, fnr)
    p, k = _p(p).ravel()[:, None], _k(np.ravel(k))[None, :]
    good, bad = p * (1 - fnr), (1 - p) * fpr
    q = good + bad
    stop = -np.expm1(k * np.log1p(-np.minimum(q, 1.0)))  # P(some sample accepted within k)
    with np.errstate(invalid="ignore", divide="ignore"):
        correct = np.where(q > 0, good / q, 0.0) * stop
        wrong = np.where(q > 0, bad / q, 0.0) * stop
        samples = np.where(q > 0, stop / np.where(q > 0, q, 1.0), k)
    return VerifierOutcome(k=k.ravel(), correct=correct.mean(0), wrong=wrong.mean(0), abstain=1 - (correct + wrong).mean(0),
                           samples=samples.mean(0))


def accuracy_ceiling(p, *, fpr: float, fnr: float = 0.0) -> float:
    """Accuracy as k -> infinity: mean over problems of ``p (1 - fnr) / (p (1 - fnr) + (1 - p) fpr)``."""
    fpr, fnr = _rates(fpr, fnr)
    p = _p(p)
    good, bad = p * (1 - fnr), (1 - p) * fpr
    q = good + bad
    return float(np.mean(np.where(q > 0, good / np.where(q > 0, q, 1.0), 0.0)))


def expected_utility(p, k, *, fpr: float, fnr: float = 0.0, wrong_cost: float = 1.0,
                     sample_cost: float = 0.0) -> np.ndarray:
    """Mean utility per problem at each ``k``: +1 correct, ``-wrong_cost`` wrong, 0 abstain, ``-sample_cost`` per sample.

    Returns
    -------
    ndarray, shape (K,)
    """
    if wrong_cost < 0 or sample_cost < 0:
        raise ValueError(f"expected_utility: wrong_cost and sample_cost must be >= 0, got {wrong_cost}, {sample_cost}")
    out = resample_with_verifier(p, k, fpr=fpr, fnr=fnr)
    return out.correct - wrong_cost * out.wrong - sample_cost * out.samples


@dataclass(frozen=True)
class OptimalK:
    """The number of samples that maximises expected utility, searched over 1..k_max.

    Attributes
    ----------
    k : int
    utility : float
        Expected utility per problem at ``k``.
    utility_k1, utility_kmax : float
        At one sample and at ``k_max``, for comparison.
    """

    k: int
    utility: float
    utility_k1: float
    utility_kmax: float


def optimal_k(p, *, fpr: float, fnr: float = 0.0, wrong_cost: float = 1.0, sample_cost: float = 0.0,
              k_max: int = 10_000) -> OptimalK:
    """Best number of samples for resampling with an imperfect verifier (every k from 1 to ``k_max``)."""
    if int(k_max) < 1:
        raise ValueError(f"optimal_k: k_max must be >= 1, got {k_max}")
    ks = np.arange(1, int(k_max) + 1)
    u = expected_utility(p, ks, fpr=fpr, fnr=fnr, wrong_cost=wrong_cost, sample_cost=sample_cost)
    best = int(np.argmax(u))
    return OptimalK(k=int(ks[best]), utility=float(u[best]), utility_k1=float(u[0]), utility_kmax=float(u[-1]))


def max_fpr_to_reach(p, target: float, *, fnr: float = 0.0) -> float:
    """Largest false-positive rate at which unlimited resampling of a model with accuracies ``p`` reaches ``target``.

    The ceiling falls monotonically with the false-positive rate, from the fraction of problems
    with ``p > 0`` at ``fpr = 0``. Returns 0.0 if even a perfect-precision verifier cannot reach
    ``target`` (fpr = 0 is then not enough either: the answer is that no verifier helps), and 1.0
    if every rate does.
    """
    p = _p(p)
    if not 0 <= target <= 1:
        raise ValueError(f"max_fpr_to_reach: target must be in [0, 1], got {target}")
    gap = lambda fpr: accuracy_ceiling(p, fpr=fpr, fnr=fnr) - target  # noqa: E731
    if gap(0.0) < 0:
        return 0.0
    if gap(1.0) >= 0:
        return 1.0
    return float(brentq(gap, 0.0, 1.0, xtol=1e-14, rtol=1e-12))
