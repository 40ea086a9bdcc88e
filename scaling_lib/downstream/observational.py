"""Observational scaling (Ruan, Maddison, Hashimoto 2024): a low-dimensional capability space from public models.

A models x benchmarks score matrix, with missing entries, is reduced to a few principal components
(:func:`capability_space`, PCA with iterative low-rank imputation: missing cells are filled with the
rank-k reconstruction until it stops changing, as upstream's PCA imputation does). A downstream task is
then predicted from the capabilities through a sigmoid link with a chance floor,
``y = chance + (1 - chance) sigmoid(w . pc + b)`` (:func:`fit_sigmoid_link`), fitted on models below a
compute cutoff and evaluated on the models above it (:func:`heldout_comparison`), against the same link
of ``log10 C`` alone, optionally with a plain linear link instead (the unbounded ablation) and with seeded
bootstrap prediction intervals over the training models and their coverage of the held-out scores.
:func:`compute_efficiency` fits ``PC1 = a_f + b log10 C`` per family.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import least_squares
from scipy.special import expit

from ..fitting import one_blas_thread

__all__ = ["OBS_BENCHMARKS", "score_matrix", "CapabilitySpace", "capability_space", "SigmoidLinkFit",
           "fit_sigmoid_link", "heldout_comparison", "compute_efficiency", "HeldOut", "LINKS", "LinearLinkFit"]

#: Upstream's default capability benchmarks.
OBS_BENCHMARKS = ("MMLU", "ARC-C", "HellaSwag", "Winograd", "TruthfulQA", "GSM8K", "XWinograd", "HumanEval")


def score_matrix(table: pd.DataFrame, benchmarks=OBS_BENCHMARKS, tables=("base_benchmark",)) -> pd.DataFrame:
    """Models x benchmarks scores (fractions, NaN where missing) from ``datasets.load("obsscaling")``.

    Rows are models (index), with columns ``model_family`` and ``C`` (FLOP, NaN if unknown) first.
    """
    rows = table[table["table"].isin(tables) & table["benchmark"].isin(benchmarks)]
    missing = sorted(set(benchmarks) - set(rows["benchmark"]))
    if missing:
        raise ValueError(f"benchmarks not in tables {list(tables)}: {missing}")
    wide = rows.pivot_table(index="model", columns="benchmark", values="value", aggfunc="first", observed=True)
    meta = table[table["table"] == "base_benchmark"].groupby("model", observed=True)[["model_family", "C"]].first()
    return meta.join(wide[list(benchmarks)], how="right")


@dataclass
class CapabilitySpace:
    """PCA of a score matrix with missing entries.

    Attributes
    ----------
    components : DataFrame, shape (models, k)
        Capability coordinates PC1..PCk of each model (PC1 oriented so that higher scores raise it).
    loadings : DataFrame, shape (k, benchmarks)
    explained : ndarray, shape (k,)
        Fraction of the (imputed, centred) variance each component explains.
    imputed : DataFrame
        The score matrix with missing entries filled by the low-rank reconstruction.
    mean : Series
        Benchmark means used to centre.
    iterations : int
    """

    components: pd.DataFrame
    loadings: pd.DataFrame
    explained: np.ndarray
    imputed: pd.DataFrame
    mean: pd.Series
    iterations: int


def capability_space(scores: pd.DataFrame, n_components: int = 3, *, impute_rank: int = 1, tol: float = 1e-10,
                     max_iter: int = 500) -> CapabilitySpace:
    """PCA of ``scores`` (models x benchmarks, fractions; NaN = missing) with iterative low-rank imputation.

    Missing cells start at their benchmark's mean and are replaced by the rank-``impute_rank``
    reconstruction (upstream imputes with one component) until the imputed values change by less than
    ``tol``; then the ``n_components`` leading components of the completed, centred matrix are taken.

    Raises
    ------
    ValueError
        If a column is not numeric, a benchmark or model has no score, ``n_components`` exceeds the
        number of benchmarks or of models, or ranks are below 1.
    """
    X = scores.to_numpy(dtype=float)
    n, m = X.shape
    if not 1 <= n_components <= min(n, m) or not 1 <= impute_rank <= min(n, m):
        raise ValueError(f"n_components ({n_components}) and impute_rank ({impute_rank}) must be in [1, "
                         f"{min(n, m)}] for {n} models x {m} benchmarks")
    missing = np.isnan(X)
    empty_cols = [c for c, e in zip(scores.columns, missing.all(axis=0)) if e]
    empty_rows = list(scores.index[missing.all(axis=1)])
    if empty_cols or empty_rows:
        raise ValueError(f"benchmarks without scores {empty_cols}, models without scores {empty_rows[:5]}")
    filled = np.where(missing, np.nanmean(X, axis=0), X)
    with one_blas_thread():
        for it in range(1, max_iter + 1):
            mean = filled.mean(axis=0)
            U, s, Vt = np.linalg.svd(filled - mean, full_matrices=False)
            recon = mean + (U[:, :impute_rank] * s[:impute_rank]) @ Vt[:impute_rank]
            change = np.max(np.abs(recon[missing] - filled[missing])) if missing.any() else 0.0
            filled[missing] = recon[missing]
            if change < tol:
                break
        mean = filled.mean(axis=0)
        U, s, Vt = np.linalg.svd(filled - mean, full_matrices=False)
    signs = np.where(Vt[:n_components].sum(axis=1) < 0, -1.0, 1.0)[:, None]  # deterministic orientation
    Vt = Vt[:n_components] * signs
    names = [f"PC{i + 1}" for i in range(n_components)]
    pcs = pd.DataFrame((filled - mean) @ Vt.T, index=scores.index, columns=names)
    return CapabilitySpace(pcs, pd.DataFrame(Vt, index=names, columns=scores.columns), (s ** 2 / np.sum(s ** 2))[:n_components],
                           pd.DataFrame(filled, index=scores.index, columns=scores.columns), pd.Series(mean, scores.columns), it)


@dataclass
class SigmoidLinkFit:
    """``y = chance + (1 - chance) sigmoid(X @ w + b)``; ``X`` of shape (n, d), y a fraction."""

    w: np.ndarray
    b: float
    chance: float
    rmse: float
    success: bool

    def predict(self, X) -> np.ndarray:
        X = np.atleast_2d(np.asarray(X, dtype=float).T).T
        return self.chance + (1 - self.chance) * expit(X @ self.w + self.b)


def fit_sigmoid_link(X, y, *, chance: float = 0.0) -> SigmoidLinkFit:
    """Least-squares fit of the sigmoid link with fixed floor ``chance`` (fraction) on features ``X``, shape (n, d).

    Starts from a logistic-scale linear regression and polishes with ``scipy.optimize.least_squares``
    (deterministic, BLAS on one thread).

    Raises
    ------
    ValueError
        NaN features or targets, mismatched lengths, fewer points than parameters, ``chance`` outside [0, 1).
    """
    X = np.atleast_2d(np.asarray(X, dtype=float).T).T
    y = np.asarray(y, dtype=float)
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X has {X.shape[0]} rows but y has {y.shape[0]} values")
    if np.any(~np.isfinite(X)) or np.any(~np.isfinite(y)):
        raise ValueError("X and y must be finite (no NaN scores or unknown compute)")
    if not 0 <= chance < 1:
        raise ValueError(f"chance must be in [0, 1), got {chance}")
    if y.size < X.shape[1] + 2:
        raise ValueError(f"{y.size} points cannot fit a sigmoid link with {X.shape[1] + 1} parameters; need at least "
                         f"{X.shape[1] + 2}")
    z = np.clip((y - chance) / (1 - chance), 0.02, 0.98)
    A = np.column_stack([X, np.ones(len(y))])
    with one_blas_thread():
        start = np.linalg.lstsq(A, np.log(z / (1 - z)), rcond=None)[0]
        res = least_squares(lambda t: chance + (1 - chance) * expit(A @ t) - y, start, method="lm", xtol=1e-12,
                            ftol=1e-12, max_nfev=20000)
    rmse = float(np.sqrt(np.mean(res.fun ** 2)))
    return SigmoidLinkFit(res.x[:-1], float(res.x[-1]), float(chance), rmse, bool(res.success))


#: Link functions of :func:`heldout_comparison`: from features (capabilities or ``log10 C``) to the score.
LINKS = ("sigmoid", "linear")


@dataclass
class LinearLinkFit:
    """``y = X @ w + b``, least squares; ``X`` of shape (n, d), y a fraction (unbounded: may leave [0, 1])."""

    w: np.ndarray
    b: float
    rmse: float

    def predict(self, X) -> np.ndarray:
        X = np.atleast_2d(np.asarray(X, dtype=float).T).T
        return X @ self.w + self.b


def _fit_link(link: str, X, y, chance: float):
    if link == "sigmoid":
        return fit_sigmoid_link(X, y, chance=chance)
    X = np.atleast_2d(np.asarray(X, dtype=float).T).T
    A = np.column_stack([X, np.ones(len(y))])
    with one_blas_thread():
        theta = np.linalg.lstsq(A, y, rcond=None)[0]
    return LinearLinkFit(theta[:-1], float(theta[-1]), float(np.sqrt(np.mean((A @ theta - y) ** 2))))


def _bootstrap_link(link: str, X, y, X_new, chance: float, counts: np.ndarray, rng) -> np.ndarray:
    """Prediction draws, shape (B, m), of refits on the resampled rows (``counts``, shape (B, n)) plus one resampled
    training residual of each refit (so that the percentiles give a prediction interval, not one of the mean)."""
    A, A_new = np.column_stack([X, np.ones(len(y))]), np.column_stack([X_new, np.ones(len(X_new))])
    with one_blas_thread():
        if link == "linear":  # weighted normal equations, all resamples at once
            gram = np.einsum("bn,ni,nj->bij", counts, A, A) + 1e-12 * np.eye(A.shape[1])
            theta = np.linalg.solve(gram, np.einsum("bn,ni,n->bi", counts, A, y)[..., None])[..., 0]
        else:
            theta = np.array([np.append(f.w, f.b) for f in
                              (fit_sigmoid_link(np.repeat(X, c.astype(int), axis=0), np.repeat(y, c.astype(int)), chance=chance)
                              for c in counts)])
        fitted, pred = theta @ A.T, theta @ A_new.T
    if link == "sigmoid":
        fitted, pred = chance + (1 - chance) * expit(fitted), chance + (1 - chance) * expit(pred)
    rows = np.array([rng.choice(len(y), size=X_new.shape[0], p=c / c.sum()) for c in counts])
    return np.clip(pred + np.take_along_axis(y[None, :] - fitted, rows, axis=1), 0.0, 1.0)  # scores are fractions


@dataclass
class HeldOut:
    """Held-out comparison of :func:`heldout_comparison` (errors are absolute, in score fractions).

    ``predictions`` has columns C (FLOP), observed, capability, log_compute and, with ``n_bootstrap > 0``,
    ``capability_low/high`` and ``log_compute_low/high`` (the ``level`` prediction interval, fractions).
    ``capability_coverage`` and ``baseline_coverage`` are the fractions of held-out models whose observed score
    lies inside their interval (NaN without bootstrap).
    """

    task: str
    cutoff: float
    n_train: int
    n_test: int
    capability_mae: float
    baseline_mae: float
    predictions: pd.DataFrame
    capability_fit: SigmoidLinkFit | LinearLinkFit
    baseline_fit: SigmoidLinkFit | LinearLinkFit
    link: str = "sigmoid"
    n_bootstrap: int = 0
    level: float = 0.95
    capability_coverage: float = float("nan")
    baseline_coverage: float = float("nan")


def heldout_comparison(space: CapabilitySpace, compute, target, *, cutoff: float, chance: float = 0.0,
                       n_components: int = 3, task: str = "", link: str = "sigmoid", n_bootstrap: int = 0,
                       level: float = 0.95, seed: int = 0) -> HeldOut:
    """Fit the link on models with compute <= ``cutoff`` (FLOP), predict those above; PCs vs ``log10 C``.

    Build ``space`` without the target benchmark when it is one of the capability benchmarks (e.g. GSM8K):
    otherwise the held-out scores leak into the components. The PCA itself uses every model, as upstream
    does: benchmark scores of a new model are observable, only its target score is held out.

    Parameters
    ----------
    space : CapabilitySpace
    compute : Series
        Training FLOP per model (index = model); models with unknown compute are left out.
    target : Series
        The task's score (fraction) per model; models without a score are left out.
    cutoff : float
        FLOP; must leave at least ``n_components + 2`` models to fit and one to predict.
    chance : float
        Floor of the sigmoid link (the task's chance accuracy).
    link : {"sigmoid", "linear"}
        ``"sigmoid"``: ``chance + (1 - chance) sigmoid(w . x + b)`` (Ruan et al.), bounded by the floor and 1.
        ``"linear"``: ``w . x + b`` by least squares, the unbounded ablation; both are applied to the
        capabilities and to the ``log10 C`` baseline alike.
    n_bootstrap : int
        Resamples of the training models (with replacement, seeded by ``seed``); each refits both links and
        adds one of its own training residuals, drawn at random, to its predictions, so that the
        ``level`` percentile interval is a prediction interval for a held-out score. 0 skips the intervals.

    Raises
    ------
    ValueError
        Non-positive compute, a cutoff leaving nothing to fit or to predict, models absent from ``space``, an
        unknown link, negative ``n_bootstrap`` or ``level`` outside (0, 1).
    """
    if link not in LINKS:
        raise ValueError(f"link must be one of {LINKS}, got {link!r}")
    if n_bootstrap < 0 or not 0 < level < 1:
        raise ValueError(f"n_bootstrap must be >= 0 and level in (0, 1), got {n_bootstrap} and {level}")
    compute, target = pd.Series(compute, dtype=float), pd.Series(target, dtype=float)
    models = target.dropna().index.intersection(compute.dropna().index)
    absent = sorted(set(models) - set(space.components.index))
    if absent:
        raise ValueError(f"models with a score but no capabilities (mismatched model lists): {absent[:5]}")
    C = compute[models]
    if np.any(C <= 0):
        raise ValueError(f"compute must be positive, got {C[C <= 0].head().to_dict()}")
    train, test = models[C.to_numpy() <= cutoff], models[C.to_numpy() > cutoff]
    need = max(n_components, 1) + 2
    if len(train) < need or len(test) == 0:
        raise ValueError(f"cutoff {cutoff:.3g} FLOP leaves {len(train)} models to fit (need {need}) and {len(test)} to "
                         f"predict (need 1); compute spans {C.min():.3g} to {C.max():.3g} FLOP")
    pcs = space.components.iloc[:, :n_components]
    features = {"capability": (pcs.loc[train].to_numpy(), pcs.loc[test].to_numpy()),
                "log_compute": (np.log10(C[train].to_numpy())[:, None], np.log10(C[test].to_numpy())[:, None])}
    y = target[train].to_numpy()
    fits = {name: _fit_link(link, Xtr, y, chance) for name, (Xtr, _) in features.items()}
    pred = pd.DataFrame({"C": C[test], "observed": target[test],
                         **{name: fits[name].predict(Xte) for name, (_, Xte) in features.items()}})
    coverage = {"capability": float("nan"), "log_compute": float("nan")}
    if n_bootstrap:
        rng = np.random.default_rng(seed)
        counts = rng.multinomial(len(train), np.full(len(train), 1 / len(train)), size=n_bootstrap).astype(float)
        for name, (Xtr, Xte) in features.items():
            draws = _bootstrap_link(link, Xtr, y, Xte, chance, counts, rng)
            lo, hi = np.percentile(draws, [50 * (1 - level), 50 * (1 + level)], axis=0)
            pred[f"{name}_low"], pred[f"{name}_high"] = lo, hi
            coverage[name] = float(np.mean((pred["observed"] >= lo) & (pred["observed"] <= hi)))
    return HeldOut(task, float(cutoff), len(train), len(test),
                   float(np.mean(np.abs(pred["capability"] - pred["observed"]))),
                   float(np.mean(np.abs(pred["log_compute"] - pred["observed"]))), pred.sort_values("C"),
                   fits["capability"], fits["log_compute"], link, int(n_bootstrap), float(level),
                   coverage["capability"], coverage["log_compute"])


def compute_efficiency(space: CapabilitySpace, compute, families, *, min_models: int = 3) -> pd.DataFrame:
    """Per family with at least ``min_models`` models of known compute: ``PC1 = intercept + slope log10 C``.

    Returns columns models, slope, intercept and ``pc1_at_1e22`` (PC1 predicted at 1e22 FLOP: the
    family's capability per compute), sorted by the latter.
    """
    frame = pd.DataFrame({"C": pd.Series(compute, dtype=float), "family": pd.Series(families)}).dropna()
    frame = frame.join(space.components["PC1"], how="inner")
    rows = {}
    for family, g in frame.groupby("family"):
        if len(g) >= min_models and g["C"].nunique() >= 2:
            slope, intercept = np.polyfit(np.log10(g["C"]), g["PC1"], 1)
            rows[family] = {"models": len(g), "slope": slope, "intercept": intercept, "pc1_at_1e22": intercept + 22 * slope}
    return pd.DataFrame(rows).T.astype({"models": int}).sort_values("pc1_at_1e22", ascending=False)
