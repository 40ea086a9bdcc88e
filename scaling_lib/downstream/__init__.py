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
    Pythia checkpoints across size and training time, and a sigmoid-link backtest on training compute.
``plots``, ``explorer``
    The notebook's figures and its observational explorer.
"""
from .metrics import (
                            Sharpness,
                            exact_match,
                            per_token_probability,
                            rescore,
                            sharpness,
                            task_sharpness,
                            token_edit_distance,
)
from .observational import (
                            LINKS,
                            OBS_BENCHMARKS,
                            CapabilitySpace,
                            HeldOut,
                            LinearLinkFit,
                            SigmoidLinkFit,
                            capability_space,
                            compute_efficiency,
                            fit_sigmoid_link,
                            heldout_comparison,
                            score_matrix,
)
from .pythia import PythiaBacktest, pythia_backtest, pythia_curves
from .resolution import (
                            PassRate,
                            low_resolution_accuracy,
                            pass_rate,
                            pass_until_rate,
                            sample_until_pass,
)
from .two_stage import (
                            GADRE_SUBSET,
                            GADRE_TARGETS,
                            TwoStageFit,
                            TwoStagePrediction,
                            fit_two_stage,
                            gadre_error_points,
                            gadre_fit_points,
                            two_stage_backtest,
)

__all__ = [
                            "GADRE_SUBSET",
                            "GADRE_TARGETS",
                            "LINKS",
                            "OBS_BENCHMARKS",
                            "CapabilitySpace",
                            "HeldOut",
                            "LinearLinkFit",
                            "PassRate",
                            "PythiaBacktest",
                            "Sharpness",
                            "SigmoidLinkFit",
                            "TwoStageFit",
                            "TwoStagePrediction",
                            "capability_space",
                            "compute_efficiency",
                            "exact_match",
                            "fit_sigmoid_link",
                            "fit_two_stage",
                            "gadre_error_points",
                            "gadre_fit_points",
                            "heldout_comparison",
                            "low_resolution_accuracy",
                            "pass_rate",
                            "pass_until_rate",
                            "per_token_probability",
                            "pythia_backtest",
                            "pythia_curves",
                            "rescore",
                            "sample_until_pass",
                            "score_matrix",
                            "sharpness",
                            "task_sharpness",
                            "token_edit_distance",
                            "two_stage_backtest",
]
