"""Inverse scaling: telling, with statistics, when bigger is worse (McKenzie et al. 2023; Wei et al. 2022).

One module per concern:

``trend``
    :func:`classify_trend` (paired bootstrap over examples; linear slope and Lind-Mehlum two-slopes test,
    Bonferroni over four claims), :func:`classify_trend_from_means` (from means and standard errors),
    :func:`one_more_model`.
``metrics``
    the prize's scores from per-example records: classification loss over answer options, log-odds of the
    correct against the other answers, accuracy.
``families``
    the classification applied per task and model family (never pooled), as one tidy table.
``simulation``
    error rates of the rule on per-example Bernoulli data from known curves.
``prize``
    the prize's eleven winning tasks, typed from the papers, each row with its citation.
``benchmarks``, ``plots``, ``explorer``
    trends in real benchmark results (Pythia, ObsScaling), figures, and the task x family explorer.
"""
from .families import classify_families, pilot_cases, pilot_scores, score_matrix
from .metrics import (METRICS, accuracy, classification_loss, correct_logodds, logodds_from_loss, record_scores)
from .prize import PRIZE_TASKS, prize_tasks
from .simulation import SHAPES, confusion_matrix, error_rates, false_positive_rate, simulate_scores
from .trend import (CLAIMS, LABELS, OneMoreModel, TrendResult, classify_trend, classify_trend_from_means,
                    one_more_model)

__all__ = ["classify_trend", "classify_trend_from_means", "one_more_model", "TrendResult", "OneMoreModel", "LABELS",
           "CLAIMS", "classification_loss", "correct_logodds", "accuracy", "logodds_from_loss", "record_scores",
           "METRICS", "classify_families", "pilot_cases", "pilot_scores", "score_matrix", "error_rates",
           "confusion_matrix", "false_positive_rate", "simulate_scores", "SHAPES", "PRIZE_TASKS", "prize_tasks"]
