"""scaling_lib.pruning.data and .models: offline, deterministic data; the MNIST-1D README's baselines."""
import random

import numpy as np
import pytest
from mnist1d.data import get_dataset_args, make_dataset

from scaling_lib.fitting import one_blas_thread
from scaling_lib.pruning.data import DATASETS, Dataset, digits, load, mnist1d
from scaling_lib.pruning.models import MODELS, make_model


@pytest.fixture(scope="module")
def mnist():
    return mnist1d(4000, 1000, seed=0)


def test_mnist1d_shapes_types_and_read_only(mnist):
    assert mnist.X_train.shape == (4000, 40) and mnist.X_test.shape == (1000, 40)
    assert mnist.y_train.shape == (4000,) and mnist.y_test.shape == (1000,)
    assert mnist.X_train.dtype == np.float64 and mnist.y_train.dtype == np.int64
    assert set(np.unique(mnist.y_train)) == set(range(10))
    with pytest.raises(ValueError, match="read-only"):
        mnist.X_train[0, 0] = 1.0


def test_mnist1d_is_make_dataset_split_as_asked(mnist):
    args = get_dataset_args()
    args.num_samples, args.train_split, args.seed = 5000, 0.8, 0
    made = make_dataset(args)
    np.testing.assert_array_equal(mnist.X_train, made["x"])
    np.testing.assert_array_equal(mnist.y_test, made["y_test"])


def test_mnist1d_exact_split_where_make_dataset_rounds_down():
    # int(50 * (29 / 50)) is 28: the re-cut must still give 29 training examples
    data = mnist1d(29, 21, seed=3)
    assert data.X_train.shape == (29, 40) and data.X_test.shape == (21, 40)


def test_mnist1d_deterministic_seeded_and_leaves_global_rng_alone():
    np.random.seed(123)
    random.seed(123)
    expected_np, expected_py = np.random.random(), random.random()
    np.random.seed(123)
    random.seed(123)
    first = mnist1d(90, 10, seed=1)
    assert np.random.random() == expected_np and random.random() == expected_py
    again, other = mnist1d(90, 10, seed=1), mnist1d(90, 10, seed=2)
    np.testing.assert_array_equal(first.X_train, again.X_train)
    assert first.key == again.key
    assert not np.array_equal(first.X_train, other.X_train) and first.key != other.key


@pytest.mark.parametrize("kwargs, error, match", [
    ({"n_train": 95, "n_test": 10}, ValueError, "multiple of 10"),
    ({"n_train": 0}, ValueError, "n_train must be at least 1"),
    ({"n_test": 10.0}, TypeError, "n_test must be an integer"),
    ({"seed": -1}, ValueError, "seed must be at least 0"),
])
def test_mnist1d_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        mnist1d(**kwargs)


def test_digits_split_scaled_stratified_deterministic():
    data = digits()
    assert data.X_train.shape == (1347, 64) and data.X_test.shape == (450, 64)
    assert data.X_train.min() == 0.0 and data.X_train.max() == 1.0
    train_share = np.bincount(data.y_train) / len(data.y_train)
    test_share = np.bincount(data.y_test) / len(data.y_test)
    assert np.abs(train_share - test_share).max() < 0.01
    np.testing.assert_array_equal(digits().X_train, data.X_train)
    assert not np.array_equal(digits(seed=1).y_train, data.y_train)
    assert digits(seed=1).key != data.key


@pytest.mark.parametrize("fraction", [0, 1, 1.5, "0.3", True])
def test_digits_bad_test_fraction(fraction):
    with pytest.raises(ValueError, match="test_fraction must be a number strictly between 0 and 1"):
        digits(test_fraction=fraction)


def test_load_registry_and_unknown_name():
    assert set(DATASETS) == {"mnist1d", "digits"}
    assert load("digits", seed=2).key == digits(seed=2).key
    with pytest.raises(ValueError, match=r"unknown dataset 'cifar'; known: \['digits', 'mnist1d'\]"):
        load("cifar")


def test_dataset_validates_its_arrays():
    X, y = np.zeros((5, 3)), np.arange(5)
    with pytest.raises(ValueError, match="X has 5 examples but y has 4 labels"):
        Dataset("toy", X, y[:4], X, y)
    with pytest.raises(TypeError, match="labels y must be integers"):
        Dataset("toy", X, y.astype(float), X, y)
    with pytest.raises(ValueError, match="train and test features differ in width: 3 and 2"):
        Dataset("toy", X, y, X[:, :2], y)
    Dataset("toy", X, y, X, y)
    X[0, 0] = 1.0  # the caller's arrays stay writable


def test_make_model_fresh_seeded_and_checked():
    model = make_model("mlp", seed=7, hidden_layer_sizes=(5,))
    assert model.random_state == 7 and model.hidden_layer_sizes == (5,) and not hasattr(model, "coefs_")
    assert make_model("logistic") is not make_model("logistic")
    assert MODELS == ("logistic", "mlp")
    with pytest.raises(ValueError, match="unknown model 'svm'"):
        make_model("svm")
    with pytest.raises(ValueError, match=r"MLPClassifier has no parameter\(s\) \['depth'\]"):
        make_model("mlp", depth=3)
    with pytest.raises(ValueError, match="pass the seed as seed="):
        make_model("mlp", random_state=1)


@pytest.mark.parametrize("name, published", [("logistic", 0.32), ("mlp", 0.68)])
def test_models_reproduce_mnist1d_readme_baselines(mnist, name, published):
    """MNIST-1D's README: 32% (logistic regression) and 68% (MLP) test accuracy at 4,000 examples."""
    with one_blas_thread():
        accuracy = make_model(name).fit(mnist.X_train, mnist.y_train).score(mnist.X_test, mnist.y_test)
    assert abs(accuracy - published) <= 0.03, accuracy


def test_datasets_with_the_same_name_but_other_values_have_other_keys():
    X, y = np.zeros((4, 2)), np.array([0, 1, 0, 1])
    first = Dataset("mine", X, y, X, y)
    assert first.key == Dataset("mine", X.copy(), y.copy(), X, y).key
    assert first.key != Dataset("mine", X + 1, y, X, y).key
