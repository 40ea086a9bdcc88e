"""Test-time scaling: repeated sampling, coverage laws, majority voting and imperfect verifiers.

One module per method:

``scaling_lib.passk`` (below every topic, since the data tour and the parsers use it too)
    :func:`pass_at_k`, the unbiased estimator with relative accuracy for n up to 10^6, re-exported here.
``coverage``
    :func:`coverage_curve` (mean pass@k over problems, two-level bootstrap).
``laws``
    exponentiated power law, per-problem exponential failure, beta-binomial fit and the
    out-of-sample comparison of exponent forecasts (:func:`forecast_exponents`).
``voting``
    majority-vote accuracy from answer counts, and a simulator of answers from correctness counts.
``verifiers``
    resampling until an imperfect verifier accepts: ceiling, utility, optimal k, fLaws.
``compute``
    inference FLOP, Pareto frontier of coverage against FLOP, saturation budget.
``data``, ``plots``, ``explorer``
    the Large Language Monkeys selection, figures, and the verifier explorer.
"""
from .compute import inference_flop, pareto_frontier, saturation_budget
from .coverage import CoverageResult, coverage_curve
from .laws import (BetaBinomialFit, ForecastComparison, PowerLawCoverageFit, fit_beta_binomial,
                   fit_coverage_power_law, forecast_exponents, log_grid, per_problem_failure)
from ..passk import pass_at_k
from .verifiers import (OptimalK, VerifierOutcome, accuracy_ceiling, expected_utility, max_fpr_to_reach, optimal_k,
                        resample_with_verifier)
from .voting import VoteResult, answer_counts, majority_vote_accuracy, simulate_answer_counts

__all__ = ["pass_at_k", "coverage_curve", "CoverageResult", "fit_coverage_power_law", "PowerLawCoverageFit",
           "per_problem_failure", "fit_beta_binomial", "BetaBinomialFit", "forecast_exponents", "ForecastComparison",
           "log_grid", "majority_vote_accuracy", "simulate_answer_counts", "answer_counts", "VoteResult",
           "resample_with_verifier", "VerifierOutcome", "accuracy_ceiling", "expected_utility", "optimal_k",
           "OptimalK", "max_fpr_to_reach", "inference_flop", "pareto_frontier", "saturation_budget"]
