"""Small classification data sets for the pruning experiments, built offline and deterministically.

``mnist1d``
    MNIST-1D (Greydanus 2020): 1-D signals of length 40 generated from ten digit templates by
    ``mnist1d.data.make_dataset``; any size, nothing downloaded.
``digits``
    scikit-learn's bundled 8x8 handwritten digits (1,797 images), split stratified with a seed.
"""
from __future__ import annotations

import hashlib

import random
from dataclasses import dataclass, field
from importlib.metadata import version

import numpy as np

from ._checks import check_features_labels, check_positive_int
from .cache import digest

__all__ = ["DATASETS", "Dataset", "digits", "load", "mnist1d"]


@dataclass(frozen=True, eq=False)
class Dataset:
    """A train/test split of a classification data set.

    Attributes
    ----------
    name : str
        Registered name (a key of :data:`DATASETS`).
    X_train : ndarray, shape (n_train, d), float64
    y_train : ndarray, shape (n_train,), int64
    X_test : ndarray, shape (n_test, d), float64
    y_test : ndarray, shape (n_test,), int64
    settings : dict
        Everything that determines the data (sizes, seed, generator version): JSON values only.

    The arrays are read-only copies, so a data set cannot change under its :attr:`key`.
    """

    name: str
    X_train: np.ndarray = field(repr=False)
    y_train: np.ndarray = field(repr=False)
    X_test: np.ndarray = field(repr=False)
    y_test: np.ndarray = field(repr=False)
    settings: dict = field(default_factory=dict)

    def __post_init__(self):
        for part in ("train", "test"):
            X, y = check_features_labels(getattr(self, f"X_{part}"), getattr(self, f"y_{part}"))
            # copies, so that freezing them leaves the caller's arrays writable
            X, y = X.copy(), y.copy()
            for array in (X, y):
                array.setflags(write=False)
            object.__setattr__(self, f"X_{part}", X)
            object.__setattr__(self, f"y_{part}", y)
        if self.X_train.shape[1] != self.X_test.shape[1]:
            raise ValueError(f"train and test features differ in width: {self.X_train.shape[1]} "
                             f"and {self.X_test.shape[1]}")

    @property
    def key(self) -> str:
        """A short stable identifier of the data: 16 hex digits of the sha256 of name, settings and the arrays.

        The arrays' bytes enter too, so two data sets built by hand with the same name and settings but other
        values never share cached scores.
        """
        arrays = hashlib.sha256()
        for array in (self.X_train, self.y_train, self.X_test, self.y_test):
            arrays.update(str(array.dtype).encode() + str(array.shape).encode() + array.tobytes())
        return digest({"name": self.name, "settings": self.settings, "arrays": arrays.hexdigest()})[:16]


def mnist1d(n_train: int = 4000, n_test: int = 1000, *, seed: int = 0) -> Dataset:
    """MNIST-1D generated offline with ``mnist1d.data.make_dataset``.

    Parameters
    ----------
    n_train, n_test : int
        Numbers of training and test examples. Their sum must be a multiple of 10, because the
        generator makes the same number of examples of each of the ten digits. The README's
        benchmark split is 4,000 / 1,000.
    seed : int
        Seed of the generator; the same seed gives bit-identical data.

    Returns
    -------
    Dataset
        40 features per example, standardised over train and test together as the generator does.

    Notes
    -----
    ``make_dataset`` seeds NumPy's and Python's global random generators; their states are restored
    afterwards so that loading data does not change any other random stream. Generating 20,000
    examples takes about 4 s on one core.
    """
    from mnist1d.data import get_dataset_args, make_dataset

    n_train = check_positive_int(n_train, "n_train")
    n_test = check_positive_int(n_test, "n_test")
    seed = check_positive_int(seed, "seed", minimum=0)
    n_total = n_train + n_test
    if n_total % 10:
        raise ValueError(f"n_train + n_test must be a multiple of 10 (MNIST-1D makes equally many examples "
                         f"of each digit), got {n_train} + {n_test} = {n_total}")
    args = get_dataset_args()
    args.num_samples, args.train_split, args.seed = n_total, n_train / n_total, seed
    numpy_state, python_state = np.random.get_state(), random.getstate()
    try:
        made = make_dataset(args)
    finally:
        np.random.set_state(numpy_state)
        random.setstate(python_state)
    # make_dataset splits at int(n_total * train_split), which rounds n_train down by one for some
    # sizes (e.g. 29 of 50); its split is a plain cut of the shuffled examples, so re-cut at n_train.
    X = np.concatenate([made["x"], made["x_test"]])
    y = np.concatenate([made["y"], made["y_test"]])
    return Dataset("mnist1d", X[:n_train], y[:n_train], X[n_train:], y[n_train:],
                   settings={"n_train": n_train, "n_test": n_test, "seed": seed,
                             "mnist1d_version": version("mnist1d")})


def digits(*, test_fraction: float = 0.25, seed: int = 0) -> Dataset:
    """scikit-learn's bundled 8x8 digits, pixel intensities scaled from 0..16 to [0, 1].

    Parameters
    ----------
    test_fraction : float
        Share of the 1,797 images held out for testing, in (0, 1); the split is stratified by digit.
        The default leaves 1,347 for training and 450 for testing.
    seed : int
        Seed of the split.

    Returns
    -------
    Dataset
        64 features per example.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    seed = check_positive_int(seed, "seed", minimum=0)
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, (int, float)) or not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be a number strictly between 0 and 1, got {test_fraction!r}")
    images = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(
        images.data / 16.0, images.target, test_size=test_fraction, stratify=images.target, random_state=seed)
    return Dataset("digits", X_train, y_train, X_test, y_test,
                   settings={"test_fraction": float(test_fraction), "seed": seed,
                             "sklearn_version": version("scikit-learn")})


DATASETS = {"mnist1d": mnist1d, "digits": digits}


def load(name: str, **kwargs) -> Dataset:
    """The data set registered as ``name`` in :data:`DATASETS`, built with ``kwargs``."""
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; known: {sorted(DATASETS)}")
    return DATASETS[name](**kwargs)
