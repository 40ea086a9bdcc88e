"""scaling_lib.pruning.metrics: each score against an independent computation, select, and the checks."""
import functools
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from scaling_lib.pruning import metrics
from scaling_lib.pruning.data import digits, mnist1d
from scaling_lib.pruning.metrics import (METRICS, el2n_scores, forgetting_scores, grand_scores, margin_scores,
                                         random_scores, score_examples, select, selfsup_prototype_scores,
                                         supervised_prototype_scores)
from scaling_lib.pruning.models import make_model

# cheap settings, so that every metric runs in a fraction of a second on 400 examples
CHEAP = {"el2n": {"n_seeds": 2, "epochs": 2}, "grand": {"n_seeds": 2, "epochs": 2}, "forgetting": {"epochs": 4}}


@pytest.fixture(scope="module")
def small():
    data = digits()
    return data.X_train[:400], data.y_train[:400]


@pytest.fixture(scope="module")
def mnist():
    data = mnist1d(990, 10, seed=0)
    return data.X_train, data.y_train


def _fit_logistic(X, y, iterations):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return make_model("logistic", max_iter=iterations).fit(X, y)


@pytest.mark.parametrize("name", sorted(METRICS))
def test_every_metric_one_finite_score_per_example_bit_identical(small, name):
    X, y = small
    first = METRICS[name](X, y, **CHEAP.get(name, {}))
    again = METRICS[name](X.copy(), y.copy(), **CHEAP.get(name, {}))
    assert first.shape == (400,) and first.dtype == np.float64 and np.isfinite(first).all()
    assert first.tobytes() == again.tobytes()


@pytest.mark.parametrize("name", sorted(set(METRICS) - {"supervised_prototypes"}))
def test_seeded_metrics_depend_on_seed(small, name):
    X, y = small
    if name == "margin":
        kwargs = {"model": "mlp", "hidden_layer_sizes": (10,), "max_iter": 5}
    else:
        kwargs = CHEAP.get(name, {})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        assert not np.array_equal(METRICS[name](X, y, seed=0, **kwargs), METRICS[name](X, y, seed=1, **kwargs))


@pytest.mark.parametrize("name", sorted(METRICS))
@pytest.mark.parametrize("X, y, error, match", [
    (np.zeros((0, 3)), np.zeros(0, dtype=int), ValueError, "features X are empty"),
    (np.zeros((5, 3)), np.arange(4), ValueError, "X has 5 examples but y has 4 labels"),
    (np.where(np.eye(5, 3) == 1, np.nan, 0.0), np.arange(5), ValueError, "3 NaN or infinite value"),
    (np.zeros((5, 3)), np.arange(5.0), TypeError, "labels y must be integers, got dtype float64"),
    (np.zeros(5), np.arange(5), ValueError, "features X must be two-dimensional"),
])
def test_every_metric_rejects_bad_data(name, X, y, error, match):
    with pytest.raises(error, match=match):
        METRICS[name](X, y)


def test_random_scores_uniform():
    scores = random_scores(np.zeros((20000, 1)), np.zeros(20000, dtype=int), seed=3)
    assert 0 <= scores.min() and scores.max() < 1 and abs(scores.mean() - 0.5) < 0.01


def test_el2n_separates_misclassified_at_one_over_root_two(mnist):
    """For any probability vector, misclassified means EL2N >= 1/sqrt(2) and p_true > 1/2 means EL2N below it."""
    X, y = mnist
    scores = el2n_scores(X, y, model="logistic", n_seeds=1, epochs=20)
    model = _fit_logistic(X, y, 20)
    p_true = model.predict_proba(X)[np.arange(len(y)), y]
    wrong = model.predict(X) != y
    assert 0.2 < wrong.mean() < 0.9
    assert scores[wrong].min() >= 2 ** -0.5 - 1e-12
    assert scores[p_true > 0.5].max() < 2 ** -0.5


def test_el2n_and_forgetting_rank_noisy_labels_hard(mnist):
    X, y = mnist
    noisy = y.copy()
    flipped = np.arange(0, len(y), 10)
    noisy[flipped] = (y[flipped] + 1) % 10
    clean = np.setdiff1d(np.arange(len(y)), flipped)
    for scores in (el2n_scores(X, noisy, n_seeds=3), forgetting_scores(X, noisy, epochs=30)):
        assert scores[flipped].mean() > scores[clean].mean() + 2 * scores.std() / np.sqrt(len(flipped))


def _per_example_loss(predict_proba, X, y, classes):
    return -np.log(predict_proba(X)[np.arange(len(y)), np.searchsorted(classes, y)])


def _finite_difference_gradient_norms(parameters, loss, step=1e-6):
    """Norm of the central-difference gradient of ``loss()`` (one value per example) over all ``parameters``."""
    squared = 0.0
    for array in parameters:
        for index in np.ndindex(array.shape):
            saved = array[index]
            array[index] = saved + step
            up = loss()
            array[index] = saved - step
            down = loss()
            array[index] = saved
            squared = squared + ((up - down) / (2 * step)) ** 2
    return np.sqrt(squared)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_grand_equals_finite_difference_gradient_norm_logistic(n_classes):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 4))
    y = rng.integers(0, n_classes, 40) * 2 + 1  # labels need not be 0..K-1
    scores = grand_scores(X, y, model="logistic", n_seeds=1, epochs=15)
    model = _fit_logistic(X, y, 15)
    reference = _finite_difference_gradient_norms(
        [model.coef_, model.intercept_], lambda: _per_example_loss(model.predict_proba, X, y, model.classes_))
    np.testing.assert_allclose(scores, reference, rtol=1e-6)
    if n_classes > 2:  # softmax: the gradient is outer(p - onehot, [x, 1])
        el2n = el2n_scores(X, y, model="logistic", n_seeds=1, epochs=15)
        np.testing.assert_allclose(scores, el2n * np.sqrt(np.sum(X ** 2, axis=1) + 1), rtol=1e-12)


@pytest.mark.parametrize("activation, n_classes", [("relu", 3), ("tanh", 3), ("logistic", 2)])
def test_gradient_norms_equal_finite_differences_mlp(activation, n_classes):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(30, 3))
    y = rng.integers(0, n_classes, 30)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = MLPClassifier((5, 4), activation=activation, max_iter=30, random_state=0).fit(X, y)
    reference = _finite_difference_gradient_norms(
        model.coefs_ + model.intercepts_, lambda: _per_example_loss(model.predict_proba, X, y, model.classes_))
    np.testing.assert_allclose(metrics._gradient_norms(model, X, y), reference, rtol=1e-5)


def test_forgetting_counts_whole_and_bounded(small):
    X, y = small
    counts = forgetting_scores(X, y, epochs=6, n_seeds=2)
    assert np.array_equal(counts, np.round(counts)) and counts.min() >= 0
    assert counts.max() <= 2 * (6 // 2 + 1)  # at most 3 forgettings in 6 epochs (or 4 if never learned), per run
    once = forgetting_scores(X, y, epochs=1)
    assert set(np.unique(once)) <= {0.0, 1.0}  # one epoch: nothing forgotten, never-learned get 0 + 1


def test_forgetting_counts_transitions_and_ranks_never_learned_above_all():
    correct = np.array([[1, 0, 1, 0, 0],
                        [0, 0, 1, 1, 0],
                        [1, 0, 0, 1, 0],
                        [0, 0, 1, 1, 0]], dtype=bool)  # epochs x examples
    np.testing.assert_array_equal(metrics._forgetting_counts(correct), [2, 3, 1, 0, 3])


def test_averaging_over_seeds_of_a_deterministic_model_changes_nothing(mnist):
    X, y = mnist
    for scores in (el2n_scores, grand_scores):
        np.testing.assert_allclose(scores(X, y, model="logistic", n_seeds=3, epochs=5),
                                   scores(X, y, model="logistic", n_seeds=1, epochs=5), rtol=1e-12)


def test_forgetting_needs_epoch_training(small):
    with pytest.raises(ValueError, match="'logistic' cannot be trained epoch by epoch"):
        forgetting_scores(*small, model="logistic")
    with pytest.raises(ValueError, match="epochs must be at least 1"):
        forgetting_scores(*small, epochs=0)


def test_margin_positive_exactly_when_misclassified(mnist):
    X, y = mnist
    scores = margin_scores(X, y)
    model = make_model("logistic").fit(X, y)
    proba = model.predict_proba(X)
    np.testing.assert_array_equal(scores > 0, model.predict(X) != y)
    p_true = proba[np.arange(len(y)), y]
    others = proba.copy()
    others[np.arange(len(y)), y] = -1.0
    np.testing.assert_array_equal(scores, others.max(axis=1) - p_true)


def _centroid_distances(E, y):
    centroids = {label: E[y == label].mean(axis=0) for label in np.unique(y)}
    return np.array([np.linalg.norm(e - centroids[label]) for e, label in zip(E, y)])


def test_supervised_prototypes_distance_to_own_class_mean(small):
    X, y = small
    np.testing.assert_allclose(supervised_prototype_scores(X, y, embedding="standardized"),
                               _centroid_distances(StandardScaler().fit_transform(X), y), rtol=1e-10)
    # all principal components: a rotation of the centred data, which keeps distances
    np.testing.assert_allclose(supervised_prototype_scores(X, y, n_components=1000),
                               _centroid_distances(X, y), rtol=1e-8)
    with pytest.raises(ValueError, match=r"unknown embedding 'umap'; known: \('pca', 'standardized'\)"):
        supervised_prototype_scores(X, y, embedding="umap")


def test_selfsup_prototypes_distance_to_nearest_kmeans_centroid(small):
    X, y = small
    scores = selfsup_prototype_scores(X, y, seed=4, n_clusters=7, n_init=3, embedding="standardized")
    E = StandardScaler().fit_transform(X)
    centers = KMeans(n_clusters=7, n_init=3, random_state=4).fit(E).cluster_centers_
    nearest = np.sqrt(((E[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)).min(axis=1)
    np.testing.assert_allclose(scores, nearest, rtol=1e-8)
    np.testing.assert_array_equal(selfsup_prototype_scores(X, y[::-1].copy(), seed=4, n_clusters=7, n_init=3,
                                                           embedding="standardized"), scores)
    with pytest.raises(ValueError, match=r"n_clusters \(401\) must not exceed the number of examples \(400\)"):
        selfsup_prototype_scores(X, y, n_clusters=401)


def test_select_top_and_bottom_k():
    scores = np.array([0.5, 0.1, 0.9, 0.3, 0.7, 0.2])
    np.testing.assert_array_equal(select(scores, 0.5, keep="hard"), [0, 2, 4])
    np.testing.assert_array_equal(select(scores, 0.5, keep="easy"), [1, 3, 5])
    np.testing.assert_array_equal(select(scores, 1.0), np.arange(6))
    assert select(scores, 1e-9).tolist() == [2]  # at least one example
    assert len(select(np.zeros(10), 0.25)) == 3  # 2.5 rounds up
    np.testing.assert_array_equal(select(np.zeros(10), 0.3, keep="hard"), [0, 1, 2])  # ties: earlier first
    np.testing.assert_array_equal(select(np.zeros(10), 0.3, keep="easy"), [0, 1, 2])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-5, 5), min_size=1, max_size=50), st.floats(0.001, 1.0), st.sampled_from(["hard", "easy"]))
def test_select_keeps_an_extreme_block(values, fraction, keep):
    kept = select(np.array(values, dtype=float), fraction, keep=keep)
    scores = np.array(values) * (1 if keep == "hard" else -1)  # larger is kept, in either case
    dropped = np.setdiff1d(np.arange(len(scores)), kept)
    assert len(kept) == max(1, int(np.floor(fraction * len(scores) + 0.5)))
    assert np.all(np.diff(kept) > 0)
    if dropped.size:
        assert scores[kept].min() >= scores[dropped].max()
        tied = dropped[scores[dropped] == scores[kept].min()]
        assert not tied.size or tied.min() > kept[scores[kept] == scores[kept].min()].max()


@pytest.mark.parametrize("scores, fraction, keep, error, match", [
    ([], 0.5, "hard", ValueError, "scores are empty"),
    ([1.0, np.nan, np.nan], 0.5, "hard", ValueError, "scores have 2 NaN value"),
    ([[1.0, 2.0]], 0.5, "hard", ValueError, "scores must be one-dimensional"),
    ([1.0, 2.0], 0.0, "hard", ValueError, r"keep_fraction must lie in \(0, 1\]"),
    ([1.0, 2.0], 1.5, "hard", ValueError, r"keep_fraction must lie in \(0, 1\]"),
    ([1.0, 2.0], [0.5, 0.6], "hard", ValueError, "keep_fraction must be a single number"),
    ([1.0, 2.0], "half", "hard", TypeError, "keep_fraction must be a number"),
    ([1.0, 2.0], 0.5, "middle", ValueError, "keep must be one of"),
])
def test_select_rejects_bad_input(scores, fraction, keep, error, match):
    with pytest.raises(error, match=match):
        select(scores, fraction, keep=keep)


def test_score_examples_matches_metric_and_caches(tmp_path, monkeypatch):
    data = digits()
    direct = el2n_scores(data.X_train, data.y_train, seed=2, n_seeds=1, epochs=1)
    calls = []

    def counted(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            calls.append(kwargs)
            return function(*args, **kwargs)
        return wrapper

    for name in ("el2n", "supervised_prototypes"):
        monkeypatch.setitem(METRICS, name, counted(METRICS[name]))
    for _ in range(2):
        cached = score_examples(data, "el2n", seed=2, cache_dir=tmp_path, n_seeds=1, epochs=1)
        assert cached.tobytes() == direct.tobytes()
    assert calls == [{"n_seeds": 1, "epochs": 1, "seed": 2}]
    assert score_examples(data, "el2n", seed=2, n_seeds=1, epochs=1).tobytes() == direct.tobytes()
    # a metric without randomness takes no seed, and its cached scores serve every seed
    for seed in (0, 1):
        score_examples(data, "supervised_prototypes", seed=seed, cache_dir=tmp_path)
    assert calls[-1] == {} and len(calls) == 3 and len(list(tmp_path.glob("*.npz"))) == 2


def test_score_examples_unknown_metric():
    with pytest.raises(ValueError, match=r"unknown metric 'loss'; known: \['el2n', 'forgetting', 'grand'"):
        score_examples(digits(), "loss")
    with pytest.raises(ValueError, match="seed must be at least 0"):
        score_examples(digits(), "supervised_prototypes", seed=-1)


def test_empty_lists_are_called_empty():
    from scaling_lib.pruning._checks import check_features_labels
    with pytest.raises(ValueError, match="features X are empty"):
        check_features_labels([], [])
