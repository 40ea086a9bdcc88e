"""Majority voting over k samples: unbiased estimates from per-sample answers, and a simulator.

The majority-vote accuracy at ``k`` is estimated as the chance that ``k`` of a problem's ``n``
observed answers, drawn **without replacement**, make the correct answer the most frequent one
(ties broken uniformly at random). This expectation is an unbiased estimate of maj@k for the same
reason pass@k's is. It is computed here by Monte Carlo over subsets: ``n_draws`` multivariate
hypergeometric draws of answer counts per (problem, k), each scoring ``1/T`` when the correct
answer ties ``T - 1`` others at the top (the exact expectation over the tie-break). The Monte Carlo
standard error is at most ``0.5 / sqrt(n_draws)`` per problem.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..passk import check_counts

__all__ = ["VoteResult", "answer_counts", "majority_vote_accuracy", "simulate_answer_counts"]


def answer_counts(answers, correct):
    """Counts of each distinct answer of one problem, and the position of the correct one.

    Parameters
    ----------
    answers : array_like, shape (n,)
        The n sampled answers (any hashable values NumPy can sort: strings, numbers).
    correct : scalar
        The correct answer.

    Returns
    -------
    counts : ndarray of int, shape (J,)
    index : int
        Position of ``correct`` in ``counts``, or -1 if it was never sampled.
    """
    values, counts = np.unique(np.asarray(answers), return_counts=True)
    where = np.flatnonzero(values == correct)
    return counts, int(where[0]) if where.size else -1


@dataclass
class VoteResult:
    """Majority-vote accuracy over k.

    Attributes
    ----------
    k : ndarray of int, shape (K,)
    accuracy : ndarray, shape (K,)
        Mean over problems of the estimated maj@k (fraction).
    per_problem : ndarray, shape (P, K)
    plateau : float
        Limit as k -> n of sampling from the observed answers: the fraction of problems whose correct
        answer is the most frequent (tie shares counted), i.e. the accuracy majority voting levels off at.
    n_draws : int
    """

    k: np.ndarray
    accuracy: np.ndarray
    per_problem: np.ndarray
    plateau: float
    n_draws: int


def _check_problem(i, counts, index):
    counts = np.asarray(counts)
    if counts.ndim != 1 or counts.size == 0 or counts.dtype.kind not in "iu" or np.any(counts < 0):
        raise ValueError(f"majority_vote_accuracy: counts[{i}] must be a non-empty 1-D array of non-negative "
                         f"integers, got {counts!r}")
    if not -1 <= index < counts.size:
        raise ValueError(f"majority_vote_accuracy: correct[{i}] = {index} is not -1 or a position in counts[{i}] "
                         f"(length {counts.size})")
    return counts.astype(np.int64), int(index)


def _score(draws, index):
    """Mean over draws (rows of answer counts) of 1/T if the correct answer ties T answers at the top."""
    top = draws.max(axis=1)
    ties = (draws == top[:, None]).sum(axis=1)
    return float(np.mean(np.where(draws[:, index] == top, 1.0 / ties, 0.0)))


def majority_vote_accuracy(counts, correct, k, *, n_draws: int = 400, seed: int = 0) -> VoteResult:
    """Estimate majority-vote accuracy at each ``k`` from each problem's answer counts.

    Parameters
    ----------
    counts : sequence of array_like of int, length P
        Per problem, the number of samples giving each distinct answer (see :func:`answer_counts`);
        a 2-D array (P, J) padded with zeros works too.
    correct : array_like of int, shape (P,)
        Position of the correct answer in each problem's counts; -1 if it was never sampled.
    k : array_like of int, shape (K,)
        Votes per problem, ``1 <= k <= n`` of every problem.
    n_draws : int
        Subsets drawn without replacement per (problem, k).
    seed : int

    Returns
    -------
    VoteResult

    Raises
    ------
    ValueError
        Counts not non-negative integers, a correct index out of range, lengths that differ, or k
        outside ``[1, n]``.
    """
    counts = list(counts)
    correct = np.atleast_1d(np.asarray(correct))
    if len(counts) != correct.size:
        raise ValueError(f"majority_vote_accuracy: {len(counts)} problems in counts but {correct.size} in correct")
    if correct.dtype.kind not in "iu":
        raise ValueError(f"majority_vote_accuracy: correct must hold integer positions, got dtype {correct.dtype}")
    k = np.unique(np.ravel(np.asarray(k)))
    if k.dtype.kind not in "iu" or k.size == 0 or k.min() < 1:
        raise ValueError(f"majority_vote_accuracy: k must be integers >= 1, got {k[:3].tolist()}")
    if int(n_draws) < 1:
        raise ValueError(f"majority_vote_accuracy: n_draws must be >= 1, got {n_draws}")
    problems = [_check_problem(i, row, index) for i, (row, index) in enumerate(zip(counts, correct))]
    small = [i for i, (row, _) in enumerate(problems) if row.sum() < k.max()]
    if small:
        raise ValueError(f"majority_vote_accuracy: k = {k.max()} exceeds the samples of problem(s) {small[:3]} "
                         f"(n = {[int(problems[i][0].sum()) for i in small[:3]]})")
    rng = np.random.default_rng(seed)
    table = np.zeros((len(problems), k.size))
    plateau = np.zeros(len(problems))
    for i, (row, index) in enumerate(problems):
        if index < 0 or row[index] == 0:
            continue
        plateau[i] = _score(row[None, :], index)
        for j, votes in enumerate(k):
            table[i, j] = _score(rng.multivariate_hypergeometric(row, int(votes), size=int(n_draws)), index)
    return VoteResult(k=k, accuracy=table.mean(axis=0), per_problem=table, plateau=float(plateau.mean()),
                      n_draws=int(n_draws))


def simulate_answer_counts(n, c, *, n_wrong_answers: int = 20, concentration: float = 0.3, seed: int = 0):
    """Simulate per-answer counts when only correctness counts ``(n, c)`` are known.

    The ``n - c`` wrong samples of each problem are spread over ``n_wrong_answers`` distinct wrong
    answers with probabilities drawn from a symmetric Dirichlet(``concentration``): a small
    concentration makes one wrong answer dominate (as for a common misconception), a large one
    spreads them out. Majority voting then fails wherever a wrong answer outnumbers the ``c``
    correct ones.

    Parameters
    ----------
    n, c : array_like of int, shape (P,)
    n_wrong_answers : int
    concentration : float
    seed : int

    Returns
    -------
    counts : ndarray of int, shape (P, 1 + n_wrong_answers)
        Column 0 holds the correct answer's count.
    correct : ndarray of int, shape (P,)
        Position of the correct answer (0), or -1 where ``c = 0``.
    """
    n, c = check_counts(n, c, "simulate_answer_counts")
    if int(n_wrong_answers) < 1 or not concentration > 0:
        raise ValueError(f"simulate_answer_counts: need n_wrong_answers >= 1 and concentration > 0, got "
                         f"{n_wrong_answers} and {concentration}")
    rng = np.random.default_rng(seed)
    probs = rng.dirichlet(np.full(int(n_wrong_answers), float(concentration)), size=n.size)
    wrong = np.stack([rng.multinomial(f, p) for f, p in zip(n - c, probs)]) if n.size else np.zeros((0, n_wrong_answers))
    counts = np.concatenate([c[:, None], wrong], axis=1).astype(np.int64)
    return counts, np.where(c > 0, 0, -1)
