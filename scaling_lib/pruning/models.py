"""The classifiers the pruning experiments train: fresh, unfitted scikit-learn estimators.

The defaults reproduce the baselines of MNIST-1D's README at 4,000 training examples: logistic regression
(32% test accuracy there, 33% here on ``mnist1d(4000, 1000, seed=0)``) and a two-hidden-layer MLP (68% there,
67% here). The MLP follows the README's recipe: layers of 100 and 100 ReLU units, Adam with learning rate
1e-2, minibatches of 100, no weight decay and at most 150 epochs (the README's 6,000 steps at 4,000 examples).
"""
from __future__ import annotations

from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier

from ._checks import check_positive_int

__all__ = ["MODELS", "make_model", "model_defaults"]

_DEFAULTS = {
    # The features are already on comparable scales (MNIST-1D standardised, digits in [0, 1]), and
    # standardising again changed MNIST-1D's test accuracy by 0.1 point, so no scaler: the weights then act
    # on the raw features, which is what the exact per-example gradients of the GraNd score assume.
    "logistic": (LogisticRegression, {"max_iter": 1000}),
    "mlp": (MLPClassifier, {"hidden_layer_sizes": (100, 100), "learning_rate_init": 1e-2, "batch_size": 100,
                            "alpha": 0.0, "max_iter": 150}),
}
MODELS = tuple(_DEFAULTS)


def model_defaults() -> dict:
    """Each model's estimator class and default settings, as plain data: part of every cache key and results file
    whose contents depend on the models, so that changing a default never reuses stale scores or cells."""
    return {name: {"estimator": cls.__name__, **params} for name, (cls, params) in _DEFAULTS.items()}


def make_model(name: str, *, seed: int = 0, **settings):
    """A fresh unfitted classifier.

    Parameters
    ----------
    name : {"logistic", "mlp"}
        ``"logistic"``: multinomial :class:`~sklearn.linear_model.LogisticRegression` (L-BFGS, C=1).
        ``"mlp"``: :class:`~sklearn.neural_network.MLPClassifier` with the settings in the module docstring.
    seed : int
        ``random_state`` of the estimator (initial weights and minibatch order of the MLP).
    **settings
        Estimator parameters that replace the defaults, e.g. ``hidden_layer_sizes=(50,)``.

    Raises
    ------
    ValueError
        For an unknown model name or a parameter the estimator does not have.
    """
    if name not in _DEFAULTS:
        raise ValueError(f"unknown model {name!r}; known: {MODELS}")
    seed = check_positive_int(seed, "seed", minimum=0)
    cls, defaults = _DEFAULTS[name]
    estimator = cls()
    if "random_state" in settings:
        raise ValueError("pass the seed as seed=..., not random_state")
    unknown = sorted(set(settings) - set(estimator.get_params()))
    if unknown:
        raise ValueError(f"{cls.__name__} has no parameter(s) {unknown}")
    return estimator.set_params(**{**defaults, **settings, "random_state": seed})
