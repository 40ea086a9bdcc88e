"""Downstream-capability prediction, one module per method.

``two_stage``
    Gadre et al. (2024): compute -> loss (over-training law) -> average top-1 error (exponential link),
    with bootstrap intervals propagating both stages.
``observational``
    Ruan et al. (2024): PCA capability space with missing entries, sigmoid link with a chance floor,
    held-out prediction above a compute cutoff against a log-compute baseline.
``metrics``
    Schaeffer et al. (2023): exact match ``p^L`` against continuous metrics, and a sharpness statistic.
``resolution``
    PassUntil-style high-resolution evaluation (Hu et al. 2023): tiny pass rates from many-sample counts
    and from "sample until the first pass", with exact intervals.
``pythia``
    Pythia checkpoints across size and training time.
``plots``, ``explorer``
    The notebook's figures and its two-stage explorer.
"""
from .metrics import Sharpness, exact_match, per_token_probability, rescore, sharpness, task_sharpness, token_edit_distance
from .observational import (OBS_BENCHMARKS, CapabilitySpace, HeldOut, SigmoidLinkFit, capability_space,
                            compute_efficiency, fit_sigmoid_link, heldout_comparison, score_matrix)
from .pythia import pythia_curves
from .resolution import PassRate, low_resolution_accuracy, pass_rate, pass_until_rate, sample_until_pass
from .two_stage import (GADRE_SUBSET, GADRE_TARGETS, TwoStageFit, TwoStagePrediction, fit_two_stage,
                        gadre_error_points, gadre_fit_points)

__all__ = ["GADRE_SUBSET", "GADRE_TARGETS", "TwoStageFit", "TwoStagePrediction", "fit_two_stage",
           "gadre_error_points", "gadre_fit_points",
           "OBS_BENCHMARKS", "CapabilitySpace", "HeldOut", "SigmoidLinkFit", "capability_space", "compute_efficiency",
           "fit_sigmoid_link", "heldout_comparison", "score_matrix",
           "Sharpness", "exact_match", "per_token_probability", "rescore", "sharpness", "task_sharpness",
           "token_edit_distance", "pythia_curves",
           "PassRate", "pass_rate", "pass_until_rate", "sample_until_pass", "low_resolution_accuracy"]
