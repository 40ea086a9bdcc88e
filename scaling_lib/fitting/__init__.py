"""Fit separable scaling laws reliably, with statuses and bootstrap uncertainty.

One module per concern, each read top to bottom:

``checks``
    validation of data and options; BLAS pinned to one thread for reproducible numbers.
``objective``
    the objectives (summed Huber loss on log residuals, least squares) and their slopes.
``solver``
    the optimum: variable-projection screen of the shape parameters, then an analytic polish.
``identification``
    how well the data pin down each parameter (pseudo-inverse of the Jacobian) and the status.
``result``
    :class:`FitResult`, :class:`Estimate` and bootstrap intervals of derived quantities.
``bootstrap``
    seeded resampling of points or clusters, refitted in parallel with joblib.
``inference``
    :func:`compare_with`, tests of published values against a bootstrapped fit.
``engine``
    :func:`fit` and :func:`fit_chinchilla`, which tie these together.
"""
from .bootstrap import RESAMPLE_STATUSES, resample_indices
from .checks import check_inputs, check_level, check_n_bootstrap, one_blas_thread
from .engine import fit, fit_chinchilla
from .identification import STATUSES
from .inference import compare_with
from .objective import OBJECTIVES, objective_value
from .result import ADMITTED_RESAMPLE_STATUSES, Estimate, FitResult, percentile_estimate
from .solver import FitError

__all__ = ["fit", "fit_chinchilla", "FitResult", "FitError", "Estimate", "percentile_estimate", "check_inputs",
           "check_level", "check_n_bootstrap", "one_blas_thread", "objective_value", "compare_with", "STATUSES",
           "RESAMPLE_STATUSES", "ADMITTED_RESAMPLE_STATUSES", "OBJECTIVES", "resample_indices"]
