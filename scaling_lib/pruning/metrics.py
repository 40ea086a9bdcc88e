"""Pruning scores: one number per training example, higher meaning harder.

Keeping the largest scores keeps the hard examples, keeping the smallest the easy ones (:func:`select`).
Every metric is a function ``(X, y, **settings) -> ndarray (n,)`` registered in :data:`METRICS`:

``random``
    seeded uniform numbers: the baseline every pruning rule is compared with.
``el2n``
    ||softmax output - one-hot label||_2 early in training, averaged over seeds (Paul et al. 2021).
``grand``
    norm of the gradient of the example's loss with respect to all weights and biases, early in
    training, averaged over seeds (Paul et al. 2021); computed exactly by back-propagation.
``forgetting``
    number of times an example goes from classified correctly to incorrectly between epochs
    (Toneva et al. 2019).
``margin``
    minus the probability margin of a trained classifier: largest other-class probability minus the
    true-class probability.
``supervised_prototypes``
    distance to the centroid of the example's own class in an embedding (Sorscher et al. 2022).
``selfsup_prototypes``
    distance to the nearest k-means centroid in an embedding, labels unused: the self-supervised
    metric Sorscher et al. (2022) introduce.

:func:`score_examples` computes a metric on a :class:`~scaling_lib.pruning.data.Dataset`'s training set,
through an on-disk :class:`~scaling_lib.pruning.cache.ScoreCache` when given a directory.

All metrics run with BLAS and OpenMP on one thread, so their scores are bit-identical on every rerun
whatever the machine's thread count.
"""
from __future__ import annotations

import functools
import inspect
import warnings
from collections import deque
from importlib.metadata import version

import numpy as np
from scipy.special import expit, softmax
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from ..fitting import one_blas_thread
from ._checks import check_features_labels, check_keep, check_keep_fraction, check_positive_int
from .cache import ScoreCache
from .data import Dataset
from .models import make_model, model_defaults

__all__ = ["EMBEDDINGS", "METRICS", "METRICS_VERSION", "el2n_scores", "forgetting_scores", "grand_scores",
           "margin_scores", "random_scores", "score_examples", "select", "selfsup_prototype_scores",
           "supervised_prototype_scores"]

# Part of every cache key: increase it whenever a change here changes any metric's scores.
METRICS_VERSION = 1

EMBEDDINGS = ("pca", "standardized")


def _metric(function):
    """Validate ``(X, y)`` and run the metric with BLAS and OpenMP (k-means) on one thread."""
    @functools.wraps(function)
    def checked(X, y, **settings):
        X, y = check_features_labels(X, y)
        with one_blas_thread(), threadpool_limits(limits=1, user_api="openmp"):
            return function(X, y, **settings)
    return checked


def _run_seeds(seed: int, n_seeds: int) -> list[int]:
    """``n_seeds`` independent seeds drawn from ``seed``: runs of different base seeds share no network."""
    seed = check_positive_int(seed, "seed", minimum=0)
    n_seeds = check_positive_int(n_seeds, "n_seeds")
    return [int(s) for s in np.random.SeedSequence(seed).generate_state(n_seeds)]


def _one_hot(y: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """shape (n, n_classes): 1 in the column of each example's class."""
    return (y[:, None] == classes[None, :]).astype(float)


def _train_by_epoch(X, y, *, model: str, seed: int, epochs: int, settings: dict):
    """Yield the model after each of ``epochs`` passes of ``partial_fit`` over the data."""
    epochs = check_positive_int(epochs, "epochs")
    estimator = make_model(model, seed=seed, **settings)
    if not hasattr(estimator, "partial_fit"):
        raise ValueError(f"model {model!r} cannot be trained epoch by epoch (no partial_fit); use 'mlp'")
    classes = np.unique(y)
    for _ in range(epochs):
        estimator.partial_fit(X, y, classes=classes)
        yield estimator


def _fit_early(X, y, *, model: str, seed: int, epochs: int, settings: dict):
    """The model early in training: ``epochs`` epochs of the MLP, or ``epochs`` L-BFGS iterations of
    logistic regression (deterministic from zero weights, so its seed changes nothing)."""
    if model == "logistic":
        epochs = check_positive_int(epochs, "epochs")
        with warnings.catch_warnings():
            # stopping before convergence is the point of an early score
            warnings.simplefilter("ignore", ConvergenceWarning)
            return make_model(model, seed=seed, **{**settings, "max_iter": epochs}).fit(X, y)
    return deque(_train_by_epoch(X, y, model=model, seed=seed, epochs=epochs, settings=settings), maxlen=1)[0]


@_metric
def random_scores(X, y, *, seed: int = 0) -> np.ndarray:
    """Uniform random numbers in [0, 1), one per example, from ``numpy.random.default_rng(seed)``.

    Returns
    -------
    ndarray, shape (n,)
    """
    return np.random.default_rng(check_positive_int(seed, "seed", minimum=0)).random(len(y))


@_metric
def el2n_scores(X, y, *, model: str = "mlp", seed: int = 0, n_seeds: int = 10, epochs: int = 5,
                **model_settings) -> np.ndarray:
    """EL2N: L2 norm of the error vector ``softmax output - one-hot(y)``, early in training.

    For each of ``n_seeds`` runs a fresh model is trained on all of ``(X, y)`` and the same examples are
    scored; the scores are averaged over runs (Paul et al. 2021 score at 10% of training, over 10 runs).

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like of int, shape (n,)
    model : {"mlp", "logistic"}
        ``"mlp"`` is trained for ``epochs`` epochs; ``"logistic"`` for ``epochs`` L-BFGS iterations, which
        is deterministic, so use ``n_seeds=1`` with it.
    seed : int
        Base seed of the runs.
    n_seeds : int
        Number of runs averaged.
    epochs : int
        Length of training before scoring. The default MLP fits MNIST-1D in about 40 epochs, so the
        default of 5 scores at about a tenth of training, as Paul et al. do.
    **model_settings
        Passed to :func:`~scaling_lib.pruning.models.make_model`.

    Returns
    -------
    ndarray, shape (n,)
        Values in [0, sqrt(2)].
    """
    def error_norm(estimator):
        return np.linalg.norm(estimator.predict_proba(X) - _one_hot(y, estimator.classes_), axis=1)

    return _early_average(error_norm, X, y, model=model, seed=seed, n_seeds=n_seeds, epochs=epochs,
                          settings=model_settings)


def _early_average(score, X, y, *, model, seed, n_seeds, epochs, settings) -> np.ndarray:
    """Mean over ``n_seeds`` runs of ``score(estimator)`` (shape (n,)) for a model trained ``epochs`` on (X, y)."""
    total = np.zeros(len(y))
    for run_seed in _run_seeds(seed, n_seeds):
        total += score(_fit_early(X, y, model=model, seed=run_seed, epochs=epochs, settings=settings))
    return total / n_seeds


# Hidden-layer activations of MLPClassifier and their derivatives written in terms of their output a.
_ACTIVATIONS = {
    "relu": (lambda z: np.maximum(z, 0.0), lambda a: (a > 0).astype(float)),
    "tanh": (np.tanh, lambda a: 1.0 - a ** 2),
    "logistic": (expit, lambda a: a * (1.0 - a)),
    "identity": (lambda z: z, np.ones_like),
}


def _layers(estimator):
    """Weights (in, out), biases (out,), hidden activation and output activation of a fitted classifier."""
    if isinstance(estimator, MLPClassifier):
        return estimator.coefs_, estimator.intercepts_, estimator.activation, estimator.out_activation_
    if isinstance(estimator, LogisticRegression):
        output = "logistic" if len(estimator.classes_) == 2 else "softmax"
        return [estimator.coef_.T], [estimator.intercept_], "identity", output
    raise ValueError(f"per-example gradients are implemented for LogisticRegression and MLPClassifier, "
                     f"not {type(estimator).__name__}")


def _gradient_norms(estimator, X, y) -> np.ndarray:
    """Norm over all weights and biases of the gradient of each example's log loss, shape (n,).

    The gradient with respect to the weights of a layer is the outer product of that layer's error
    ``delta`` (loss gradient at its pre-activation) and its input ``a``, and with respect to its bias it is
    ``delta``; so the squared norm is ``sum over layers of |delta|^2 (|a|^2 + 1)``, with no per-example
    gradient ever formed. The output error is ``p - target`` for softmax and for a single sigmoid unit.
    """
    weights, biases, hidden, output = _layers(estimator)
    activate, derivative = _ACTIVATIONS[hidden]
    inputs = [X]
    for W, b in zip(weights[:-1], biases[:-1]):
        inputs.append(activate(inputs[-1] @ W + b))
    logits = inputs[-1] @ weights[-1] + biases[-1]
    if output == "softmax":
        delta = softmax(logits, axis=1) - _one_hot(y, estimator.classes_)
    else:
        delta = expit(logits) - (y == estimator.classes_[1])[:, None]
    squared = np.zeros(len(y))
    for layer in range(len(weights) - 1, -1, -1):
        squared += np.sum(delta ** 2, axis=1) * (np.sum(inputs[layer] ** 2, axis=1) + 1.0)
        if layer:
            delta = (delta @ weights[layer].T) * derivative(inputs[layer])
    return np.sqrt(squared)


@_metric
def grand_scores(X, y, *, model: str = "mlp", seed: int = 0, n_seeds: int = 10, epochs: int = 5,
                 **model_settings) -> np.ndarray:
    """GraNd: norm of the gradient of the example's loss with respect to all parameters, early in training.

    Exact for the two models that allow it: :class:`~sklearn.linear_model.LogisticRegression`, where the
    gradient is ``outer(p - onehot(y), [x, 1])`` and its norm ``|p - onehot(y)| |[x, 1]|``, and
    :class:`~sklearn.neural_network.MLPClassifier`, by back-propagation. The loss is the example's
    log loss without the weight penalty. Runs, training and parameters as in :func:`el2n_scores`.

    Returns
    -------
    ndarray, shape (n,)
        Non-negative; in units of the loss (nats) per unit parameter.
    """
    return _early_average(lambda estimator: _gradient_norms(estimator, X, y), X, y, model=model, seed=seed,
                          n_seeds=n_seeds, epochs=epochs, settings=model_settings)


@_metric
def forgetting_scores(X, y, *, model: str = "mlp", seed: int = 0, n_seeds: int = 1, epochs: int = 20,
                      **model_settings) -> np.ndarray:
    """Forgetting events: how often an example goes from correct to incorrect between consecutive epochs.

    Correctness is checked on the whole training set after every epoch (Toneva et al. 2019 check it each
    time the example's minibatch is seen). An example never classified correctly is given one more than
    the largest count of the run, as Toneva et al. rank never-learned examples above all others.

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like of int, shape (n,)
    model : {"mlp"}
        A model trained epoch by epoch.
    seed, n_seeds : int
        Base seed and number of runs; the counts of the runs are summed.
    epochs : int
        Epochs per run.
    **model_settings
        Passed to :func:`~scaling_lib.pruning.models.make_model`.

    Returns
    -------
    ndarray, shape (n,), float64
        Whole numbers >= 0.
    """
    total = np.zeros(len(y))
    for run_seed in _run_seeds(seed, n_seeds):
        correct = np.array([estimator.predict(X) == y for estimator in
                            _train_by_epoch(X, y, model=model, seed=run_seed, epochs=epochs,
                                            settings=model_settings)])
        total += _forgetting_counts(correct)
    return total


def _forgetting_counts(correct: np.ndarray) -> np.ndarray:
    """Correct-to-incorrect transitions per example from ``correct`` of shape (epochs, n), never-learned
    examples given the largest count plus one."""
    counts = np.sum(correct[:-1] & ~correct[1:], axis=0)
    counts[~correct.any(axis=0)] = counts.max() + 1
    return counts


@_metric
def margin_scores(X, y, *, model: str = "logistic", seed: int = 0, **model_settings) -> np.ndarray:
    """Minus the probability margin of a classifier trained on ``(X, y)``.

    The margin is the true-class probability minus the largest other-class probability, so the score
    is positive exactly for the misclassified examples.

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like of int, shape (n,)
    model : {"logistic", "mlp"}
        Trained to convergence with the defaults of :func:`~scaling_lib.pruning.models.make_model`.
    seed : int
        Seed of the model (matters for the MLP only).
    **model_settings
        Passed to :func:`~scaling_lib.pruning.models.make_model`.

    Returns
    -------
    ndarray, shape (n,)
        Values in [-1, 1].
    """
    estimator = make_model(model, seed=seed, **model_settings).fit(X, y)
    proba = estimator.predict_proba(X)
    true_class = _one_hot(y, estimator.classes_).astype(bool)
    return np.max(np.where(true_class, -np.inf, proba), axis=1) - proba[true_class]


def _embed(X, *, embedding: str, n_components: int) -> np.ndarray:
    """``X`` standardised, or projected on its first principal components (at most ``min(n, d)``)."""
    if embedding == "standardized":
        return StandardScaler().fit_transform(X)
    if embedding == "pca":
        n_components = min(check_positive_int(n_components, "n_components"), *X.shape)
        return PCA(n_components=n_components, svd_solver="full").fit_transform(X)
    raise ValueError(f"unknown embedding {embedding!r}; known: {EMBEDDINGS}")


@_metric
def supervised_prototype_scores(X, y, *, embedding: str = "pca", n_components: int = 20) -> np.ndarray:
    """Euclidean distance from each example to the centroid of its own class, in an embedding.

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like of int, shape (n,)
    embedding : {"pca", "standardized"}
        ``"pca"``: the first ``n_components`` principal components (capped at ``min(n, d)``);
        ``"standardized"``: every feature scaled to mean 0 and variance 1.
    n_components : int
        Used by ``"pca"`` only.

    Returns
    -------
    ndarray, shape (n,)
        Distances in the units of the embedding.
    """
    embedded = _embed(X, embedding=embedding, n_components=n_components)
    _, label = np.unique(y, return_inverse=True)
    sums = np.zeros((label.max() + 1, embedded.shape[1]))
    np.add.at(sums, label, embedded)
    centroids = sums / np.bincount(label)[:, None]
    return np.linalg.norm(embedded - centroids[label], axis=1)


@_metric
def selfsup_prototype_scores(X, y, *, seed: int = 0, n_clusters: int = 10, n_init: int = 10,
                             embedding: str = "pca", n_components: int = 20) -> np.ndarray:
    """Euclidean distance from each example to the nearest k-means centroid, in an embedding.

    The labels are checked but not used: this is Sorscher et al.'s self-supervised prototype metric.

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like of int, shape (n,)
    seed : int
        Seed of k-means' initialisations.
    n_clusters : int
        Number of centroids k, at most n.
    n_init : int
        Number of k-means++ initialisations; the run of lowest inertia is kept.
    embedding, n_components
        As in :func:`supervised_prototype_scores`.

    Returns
    -------
    ndarray, shape (n,)
        Distances in the units of the embedding.
    """
    n_clusters = check_positive_int(n_clusters, "n_clusters")
    if n_clusters > len(y):
        raise ValueError(f"n_clusters ({n_clusters}) must not exceed the number of examples ({len(y)})")
    embedded = _embed(X, embedding=embedding, n_components=n_components)
    kmeans = KMeans(n_clusters=n_clusters, n_init=check_positive_int(n_init, "n_init"),
                    random_state=check_positive_int(seed, "seed", minimum=0)).fit(embedded)
    return kmeans.transform(embedded).min(axis=1)


METRICS = {
    "random": random_scores,
    "el2n": el2n_scores,
    "grand": grand_scores,
    "forgetting": forgetting_scores,
    "margin": margin_scores,
    "supervised_prototypes": supervised_prototype_scores,
    "selfsup_prototypes": selfsup_prototype_scores,
}


def score_examples(dataset: Dataset, metric: str, *, seed: int = 0, cache_dir=None, **settings) -> np.ndarray:
    """Scores of ``metric`` for every training example of ``dataset``, cached on disk if asked.

    Parameters
    ----------
    dataset : Dataset
    metric : str
        A key of :data:`METRICS`.
    seed : int
        Passed to the metric if it takes one; metrics without randomness ignore it, and their cached
        scores are shared by all seeds.
    cache_dir : str or path-like, optional
        Directory of a :class:`~scaling_lib.pruning.cache.ScoreCache`. None: compute without caching.
    **settings
        The metric's keyword arguments (plain JSON values when caching, as they are part of the key).

    Returns
    -------
    ndarray, shape (n_train,)
        Higher is harder.

    Notes
    -----
    The cache key holds the dataset's :attr:`~scaling_lib.pruning.data.Dataset.key`, the metric, its
    settings and seed, :data:`METRICS_VERSION` and the scikit-learn version.
    """
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; known: {sorted(METRICS)}")
    function = METRICS[metric]
    seed = check_positive_int(seed, "seed", minimum=0)
    if "seed" in inspect.signature(function).parameters:
        settings = {**settings, "seed": seed}
    if cache_dir is None:
        return function(dataset.X_train, dataset.y_train, **settings)
    cache = ScoreCache(cache_dir)
    key = {"dataset": dataset.key, "metric": metric, "settings": settings, "version": METRICS_VERSION,
           "sklearn": version("scikit-learn"), "models": model_defaults()}
    scores = cache.get(key)
    if scores is None:
        scores = function(dataset.X_train, dataset.y_train, **settings)
        cache.put(key, scores)
    return scores


def select(scores, keep_fraction, *, keep: str = "hard") -> np.ndarray:
    """Indices of the examples kept when pruning by ``scores``, in increasing order.

    Parameters
    ----------
    scores : array_like, shape (n,)
        Higher is harder; no NaN.
    keep_fraction : float
        Share of examples kept, in (0, 1]: ``floor(keep_fraction * n + 0.5)`` of them, at least one.
    keep : {"hard", "easy"}
        Keep the largest scores or the smallest. Ties are broken by position: the earlier example wins.

    Returns
    -------
    ndarray of int, shape (n_keep,)
    """
    scores = np.asarray(scores, dtype=float)
    if scores.ndim != 1:
        raise ValueError(f"scores must be one-dimensional, got shape {scores.shape}")
    if scores.size == 0:
        raise ValueError("scores are empty")
    n_nan = int(np.isnan(scores).sum())
    if n_nan:
        raise ValueError(f"scores have {n_nan} NaN value(s) of {scores.size}")
    fraction = check_keep_fraction(keep_fraction)
    if fraction.ndim:
        raise ValueError(f"keep_fraction must be a single number, got shape {fraction.shape}")
    check_keep(keep)
    n_keep = max(1, int(np.floor(fraction * scores.size + 0.5)))
    order = np.argsort(-scores if keep == "hard" else scores, kind="stable")
    return np.sort(order[:n_keep])
