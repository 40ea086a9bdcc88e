"""The prize's scores from per-example records, each oriented so that higher is better.

McKenzie et al. (2023) score classification tasks by the **classification loss**: the negative
log-probability of the correct option after renormalising the model's probabilities over the answer
options. From the same numbers follow the **log-odds** of the correct option against the others and
the **accuracy** (the correct option has the highest probability).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import logsumexp

__all__ = ["METRICS", "classification_loss", "correct_logodds", "accuracy", "logodds_from_loss", "record_scores"]

METRICS = {"neg_loss": "minus the classification loss (nats; higher is better)",
           "logodds": "log-odds of the correct option against the others (nats)",
           "accuracy": "1 if the correct option has the highest probability, else 0"}


def _options(option_logprobs, correct, func):
    logp = np.asarray(option_logprobs, dtype=float)
    if logp.ndim != 2 or logp.shape[1] < 2:
        raise ValueError(f"{func}: option_logprobs must be 2-D (examples x options, >= 2 options), got shape {logp.shape}")
    if not np.all(np.isfinite(logp)):
        raise ValueError(f"{func}: option_logprobs hold NaN or infinite values")
    correct = np.asarray(correct)
    if correct.shape != (logp.shape[0],) or not np.issubdtype(correct.dtype, np.integer):
        raise ValueError(f"{func}: correct must be one integer option index per example (shape ({logp.shape[0]},)), "
                         f"got {correct.dtype} of shape {correct.shape}")
    bad = correct[(correct < 0) | (correct >= logp.shape[1])]
    if bad.size:
        raise ValueError(f"{func}: correct holds option indices outside [0, {logp.shape[1]}): {bad[:5].tolist()}")
    rows = np.arange(logp.shape[0])
    return logp - logsumexp(logp, axis=1, keepdims=True), correct, rows


def classification_loss(option_logprobs, correct) -> np.ndarray:
    """``-log p(correct option)`` with probabilities renormalised over the options (nats), shape (n,).

    Parameters
    ----------
    option_logprobs : array_like, shape (n, K)
        Log-probability (any base-e offset) the model gives each of K answer options.
    correct : array_like of int, shape (n,)
        Index of the correct option.
    """
    norm, correct, rows = _options(option_logprobs, correct, "classification_loss")
    return -norm[rows, correct]


def correct_logodds(option_logprobs, correct) -> np.ndarray:
    """``log p(correct) - log p(any other option)`` (nats), shape (n,); positive when the correct one is favoured."""
    norm, correct, rows = _options(option_logprobs, correct, "correct_logodds")
    others = norm.copy()
    others[rows, correct] = -np.inf
    return norm[rows, correct] - logsumexp(others, axis=1)


def accuracy(option_logprobs, correct) -> np.ndarray:
    """1.0 where the correct option has strictly the highest probability, else 0.0 (ties count as wrong)."""
    norm, correct, rows = _options(option_logprobs, correct, "accuracy")
    others = norm.copy()
    others[rows, correct] = -np.inf
    return (norm[rows, correct] > others.max(axis=1)).astype(float)


def logodds_from_loss(loss) -> np.ndarray:
    """Log-odds of the correct option against all others from the renormalised loss: ``log p - log(1 - p)``.

    With ``p = exp(-loss)``; computed as ``-loss - log(-expm1(-loss))`` to keep precision at both ends.
    A loss of 0 (p = 1) gives +inf.
    """
    loss = np.asarray(loss, dtype=float)
    if np.any(loss < 0) or not np.all(np.isfinite(loss)):
        raise ValueError("logodds_from_loss: loss must be finite and >= 0 (nats)")
    with np.errstate(divide="ignore"):
        return -loss - np.log(-np.expm1(-loss))


def record_scores(records: pd.DataFrame, metric: str) -> np.ndarray:
    """Per-example scores (higher is better) of tidy records with a ``loss`` and/or ``correct`` column.

    Parameters
    ----------
    records : DataFrame
        Rows of per-example results (e.g. of ``inverse_scaling_naimenz``).
    metric : {"neg_loss", "logodds", "accuracy"}
        ``neg_loss`` = -loss, ``logodds`` = :func:`logodds_from_loss` of ``loss``, ``accuracy`` = ``correct``.
    """
    if metric not in METRICS:
        raise ValueError(f"record_scores: unknown metric {metric!r}; choose one of {sorted(METRICS)}")
    column = "correct" if metric == "accuracy" else "loss"
    if column not in records:
        raise ValueError(f"record_scores: metric {metric!r} needs a {column!r} column")
    values = records[column].to_numpy(dtype=float)
    if np.isnan(values).any():
        raise ValueError(f"record_scores: {int(np.isnan(values).sum())} record(s) lack {column!r} for metric {metric!r}")
    return {"neg_loss": lambda v: -v, "logodds": logodds_from_loss, "accuracy": lambda v: v}[metric](values)
