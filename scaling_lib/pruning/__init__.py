"""Data pruning: beating power-law scaling (Sorscher et al. 2022, arXiv 2206.14486).

One module per concern:

``theory``
    the teacher-student perceptron: exact simulation of the max-margin student after pruning
    (:func:`perceptron_simulation`), its replica prediction (:func:`perceptron_theory`), and what follows from
    them: error curves, the Pareto frontier, the easy/hard crossover, the fall-back to a power law.
``data``, ``models``, ``metrics``, ``cache``
    MNIST-1D (generated offline) and scikit-learn's digits; the models trained on them; the pruning metrics
    (random, EL2N, GraNd, forgetting, margin, supervised and self-supervised prototypes) with an on-disk cache.
``sweeps``
    (size x keep fraction x metric x seed) sweeps through joblib (and Dask), with resume; scaling fits and the
    comparisons with random pruning.
``plots``, ``explorer``
    figures and the theory explorer.
"""
from .data import DATASETS, Dataset, digits, load, mnist1d
from .metrics import METRICS, score_examples, select
from .models import MODELS, make_model
from .sweeps import (SweepResult, compare_metrics_scaling, compare_with_random, fit_error_scaling,
                     metrics_with_verdict, prunable_fraction, sweep)
from .theory import (PowerLawExponent, SimulationResult, easy_hard_crossover, error_curves, frontier_exponents,
                     generalisation_error, local_exponent, max_margin, pareto_frontier, perceptron_simulation,
                     perceptron_theory, power_law_exponent, power_law_fallback_angle, pruning_threshold,
                     theory_simulation_table)

__all__ = ["perceptron_simulation", "perceptron_theory", "SimulationResult", "max_margin", "pruning_threshold",
           "generalisation_error", "error_curves", "pareto_frontier", "easy_hard_crossover", "local_exponent",
           "frontier_exponents", "power_law_fallback_angle", "power_law_exponent", "PowerLawExponent",
           "theory_simulation_table",
           "Dataset", "DATASETS", "digits", "mnist1d", "load", "MODELS", "make_model", "METRICS", "score_examples",
           "select", "sweep", "SweepResult", "fit_error_scaling", "compare_metrics_scaling", "compare_with_random",
           "prunable_fraction", "metrics_with_verdict"]
