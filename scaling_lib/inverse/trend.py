"""Trend classification of one model family's per-example scores against model size.

The decision rule
-----------------
Per-model mean scores ``m_j`` (higher is better) are modelled against ``x_j = log10(size_j)``:

* a **linear** fit ``m = a + beta x`` gives the monotone trend ``beta`` (score units per decade of size);
* a **quadratic** fit ``m = a + b xc + c xc^2`` (``xc = x - mean(x)``) gives the curvature ``c`` (per
  decade squared) and the slopes at the smallest and largest model, ``s_lo = b + 2 c xc_min`` and
  ``s_hi = b + 2 c xc_max``.

Uncertainty comes from a paired bootstrap over examples: one resample of the examples serves every
model, so the strong correlation between models on the same examples is kept. Four one-sided claims
are tested with percentile-bootstrap p-values ``p = (1 + #{theta* on the wrong side of 0}) / (B + 1)``:

``positive``    beta > 0
``inverse``     beta < 0
``u_shaped``    s_lo < 0 and s_hi > 0, and some interior model is below both end models (worse, then better)
``inverted_u``  s_lo > 0 and s_hi < 0, and some interior model is above both end models (better, then worse)

A non-monotone shape is claimed with the two-slopes test of Lind and Mehlum (2010, "With or without
U? The appropriate test for a U-shaped relationship", Oxford Bull. Econ. Stat. 72): the fitted curve must
fall significantly at one end of the observed range *and* rise significantly at the other. A significant
quadratic coefficient alone is not enough (a monotone concave curve has one; Simonsohn 2018, "Two lines",
shows how often the plain quadratic test calls such curves U-shaped). Because a quadratic through
monotone but saturating means can still turn inside the range, the claim also needs the data to turn:
some interior model must differ significantly from *both* end models in the claimed direction (each
interior model is tried, Bonferroni over the J - 2 of them). Every part is an intersection-union
test, so the claim's p-value is the largest of its one-sided ones. The four claims are Bonferroni
corrected (each p multiplied by 4), so on a flat curve the chance of any label other than
``no_trend`` is at most ``1 - level`` (asymptotically; measured by :mod:`scaling_lib.inverse.simulation`).
A significant U or inverted U takes precedence over the linear claims (it is the more specific finding);
otherwise a significant ``beta`` gives ``positive`` or ``inverse``; otherwise ``no_trend``.

``confidence`` is ``1 - adjusted p`` of the chosen claim. For ``no_trend`` it is the smallest
adjusted p-value of the four claims (near 1: no claim came close; near ``1 - level``: one nearly did).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..fitting import one_blas_thread

__all__ = ["LABELS", "CLAIMS", "TrendResult", "OneMoreModel", "classify_trend", "classify_trend_from_means",
           "one_more_model", "check_sizes", "check_scores"]

LABELS = ("positive", "inverse", "u_shaped", "inverted_u", "no_trend")
CLAIMS = ("positive", "inverse", "u_shaped", "inverted_u")
_BLOCK = 4_000_000  # largest resamples x examples block of bootstrap weights held at once


@dataclass
class TrendResult:
    """The trend label of one model family with its evidence.

    Attributes
    ----------
    label : str
        One of :data:`LABELS`.
    confidence : float
        ``1 - adjusted p`` of the label's claim (for ``no_trend``: the smallest adjusted p of the claims).
    sizes : ndarray, shape (J,)
        Model sizes (parameters or FLOP), increasing.
    means, means_low, means_high : ndarray, shape (J,)
        Per-model mean score and its percentile interval at ``level``.
    slope, slope_low, slope_high : float
        Linear trend in score units per decade of size, with its interval at ``level``.
    curvature, curvature_low, curvature_high : float
        Quadratic coefficient (score units per decade squared), with its interval.
    slope_start, slope_end : float
        Slopes of the quadratic at the smallest and largest model (per decade).
    slope_start_interval, slope_end_interval : tuple of float
        Their intervals at ``level``.
    turning_point : float
        Size at the quadratic's vertex (NaN when the curvature is exactly zero).
    turning_inside : bool
        Whether the vertex lies strictly inside the observed size range.
    turning_inside_share : float
        Fraction of bootstrap replicates whose vertex lies inside the range.
    p_values : dict
        Bonferroni-adjusted p-value of each claim of :data:`CLAIMS`.
    level : float
    n_bootstrap, n_examples : int
    paired : bool
        Whether the bootstrap resampled examples (True) or drew means from standard errors (False).
    """

    label: str
    confidence: float
    sizes: np.ndarray
    means: np.ndarray
    means_low: np.ndarray
    means_high: np.ndarray
    slope: float
    slope_low: float
    slope_high: float
    curvature: float
    curvature_low: float
    curvature_high: float
    slope_start: float
    slope_end: float
    slope_start_interval: tuple
    slope_end_interval: tuple
    turning_point: float
    turning_inside: bool
    turning_inside_share: float
    p_values: dict
    level: float
    n_bootstrap: int
    n_examples: int
    paired: bool = True
    bootstrap_means: np.ndarray | None = field(default=None, repr=False)

    def summary(self) -> str:
        """One line: label, confidence, slope with interval, and where the vertex lies."""
        where = "inside" if self.turning_inside else "outside"
        return (f"{self.label} (confidence {self.confidence:.3f}): slope {self.slope:+.3f} per decade "
                f"[{self.slope_low:+.3f}, {self.slope_high:+.3f}], curvature {self.curvature:+.3f} "
                f"[{self.curvature_low:+.3f}, {self.curvature_high:+.3f}], vertex {self.turning_point:.3g} ({where})")

    def to_dict(self) -> dict:
        """Scalar evidence as a flat dict (one row of a tidy table)."""
        return {"label": self.label, "confidence": self.confidence, "slope": self.slope, "slope_low": self.slope_low,
                "slope_high": self.slope_high, "curvature": self.curvature, "curvature_low": self.curvature_low,
                "curvature_high": self.curvature_high, "slope_start": self.slope_start, "slope_end": self.slope_end,
                "turning_point": self.turning_point, "turning_inside": self.turning_inside,
                **{f"p_{claim}": p for claim, p in self.p_values.items()},
                "n_models": int(self.sizes.size), "n_examples": self.n_examples}


@dataclass
class OneMoreModel:
    """Labels without and with the largest model (the U-shape lesson of Wei et al. 2022)."""

    without_largest: TrendResult
    with_largest: TrendResult

    @property
    def changed(self) -> bool:
        return self.without_largest.label != self.with_largest.label


# ---------------------------------------------------------------------------------------------
# Input checks


def check_sizes(sizes, func: str = "classify_trend") -> np.ndarray:
    """``sizes`` as a 1-D float array of at least three positive, distinct, finite values."""
    sizes = np.asarray(sizes, dtype=float)
    if sizes.ndim != 1:
        raise ValueError(f"{func}: sizes must be 1-D (one entry per model), got shape {sizes.shape}")
    if sizes.size < 3:
        raise ValueError(f"{func}: need at least three models to tell a trend from a curve, got {sizes.size} "
                         f"(sizes {sizes.tolist()})")
    bad = sizes[~(np.isfinite(sizes) & (sizes > 0))]
    if bad.size:
        raise ValueError(f"{func}: sizes must be positive and finite (parameters or FLOP), got {bad.tolist()}")
    values, counts = np.unique(sizes, return_counts=True)
    if (counts > 1).any():
        raise ValueError(f"{func}: sizes must be distinct (one entry per model), repeated: {values[counts > 1].tolist()}")
    return sizes


def check_scores(scores, n_models: int, func: str = "classify_trend", examples=None) -> np.ndarray:
    """``scores`` as a (models x examples) float array: rectangular, finite, the same examples per model.

    ``examples``, if given, holds each model's example ids (one sequence per model); the scores are
    reordered to the first model's order, and differing sets are an error.
    """
    rows = list(scores) if not isinstance(scores, np.ndarray) else None
    if rows is not None:
        lengths = [np.size(row) for row in rows]
        if len(set(lengths)) > 1:
            raise ValueError(f"{func}: scores is ragged (examples per model {lengths}); every model must be "
                             "scored on the same examples")
    scores = np.asarray(scores, dtype=float)
    if scores.ndim != 2:
        raise ValueError(f"{func}: scores must be 2-D (models x examples), got shape {scores.shape}")
    if scores.shape[0] != n_models:
        raise ValueError(f"{func}: scores has {scores.shape[0]} rows but sizes has {n_models} models")
    if scores.shape[1] < 2:
        raise ValueError(f"{func}: need at least two examples per model, got {scores.shape[1]}")
    if examples is not None:
        scores = _align(scores, examples, func)
    bad = np.argwhere(~np.isfinite(scores))
    if bad.size:
        models = sorted(set(bad[:, 0].tolist()))
        raise ValueError(f"{func}: scores hold {len(bad)} NaN or infinite value(s), in models (rows) {models}, "
                         f"e.g. row {bad[0, 0]}, example {bad[0, 1]}")
    return scores


def _align(scores, examples, func):
    examples = [np.asarray(e) for e in examples]
    if len(examples) != scores.shape[0] or any(e.shape != (scores.shape[1],) for e in examples):
        raise ValueError(f"{func}: examples must give one id per score, per model (shape {scores.shape})")
    reference = examples[0]
    if np.unique(reference).size != reference.size:
        raise ValueError(f"{func}: example ids of model 0 are not unique")
    position = {value: i for i, value in enumerate(reference.tolist())}
    out = np.empty_like(scores)
    for j, ids in enumerate(examples):
        differ = set(ids.tolist()) ^ set(position)
        if differ or np.unique(ids).size != ids.size:
            raise ValueError(f"{func}: model {j} was scored on other examples than model 0 "
                             f"({len(differ)} ids differ, e.g. {sorted(differ, key=str)[:5]})")
        out[j, [position[v] for v in ids.tolist()]] = scores[j]
    return out


def _check_options(level, n_bootstrap, func, n_models: int = 3):
    if not 0 < level < 1:
        raise ValueError(f"{func}: level must be in (0, 1), got {level}")
    needed = int(np.ceil(len(CLAIMS) * max(1, n_models - 2) / (1 - level)))
    if int(n_bootstrap) != n_bootstrap or n_bootstrap < needed:
        raise ValueError(f"{func}: n_bootstrap must be an integer >= {needed} at level {level} (so that a "
                         f"Bonferroni-corrected bootstrap p-value can fall below {1 - level:g}), got {n_bootstrap}")
    return int(n_bootstrap)


# ---------------------------------------------------------------------------------------------
# The statistics, vectorised over datasets (R) and bootstrap replicates (B)


def _design(sizes):
    """Projections from per-model means to (beta, b, c) and the centred log sizes."""
    x = np.log10(sizes)
    xc = x - x.mean()
    linear = xc / (xc @ xc)
    quadratic = np.linalg.pinv(np.stack([np.ones_like(xc), xc, xc ** 2], axis=1))  # (3, J)
    return x, xc, np.vstack([linear, quadratic[1:]])  # rows: beta, b, c


def _coefficients(means, projection, xc):
    """(..., J) means -> dict of beta, c, s_lo, s_hi, vertex (centred log10 size) arrays of shape (...).

    The coefficients do not change when a constant is added to the means, so the first model's mean is
    subtracted first: equal means then give exactly zero slopes. Means that cancel exactly in exact
    arithmetic (e.g. a symmetric pattern) still leave +-1e-17, whose sign depends on the BLAS kernel and
    would decide a bootstrap p-value differently on another CPU, so values below ``1e-10`` of the largest
    possible coefficient are set to exactly zero.
    """
    centred = means - means[..., :1]
    beta, b, c = np.moveaxis(centred @ projection.T, -1, 0)
    scale = np.max(np.abs(centred), initial=0.0) * np.abs(projection).sum(axis=1).max() * (1 + 2 * np.abs(xc).max())
    snap = lambda value: np.where(np.abs(value) <= 1e-10 * scale, 0.0, value)  # noqa: E731
    beta, b, c = snap(beta), snap(b), snap(c)
    with np.errstate(divide="ignore", invalid="ignore"):
        vertex = np.where(c != 0, -b / (2 * c), np.nan)
    return {"beta": beta, "c": c, "s_lo": snap(b + 2 * c * xc.min()), "s_hi": snap(b + 2 * c * xc.max()),
            "vertex": vertex}


def _p_greater(boot, B):
    """One-sided percentile-bootstrap p-value of ``theta > 0`` from replicates (B, ...)."""
    return (1.0 + np.sum(boot <= 0, axis=0)) / (B + 1.0)


def _p_interior(boot_means, B, sign):
    """p-value that some interior model is above (sign +1) or below (-1) both end models: (B, ..., J) -> (...)."""
    inner = boot_means[..., 1:-1]
    p_first = _p_greater(sign * (inner - boot_means[..., :1]), B)
    p_last = _p_greater(sign * (inner - boot_means[..., -1:]), B)
    return np.minimum(1.0, inner.shape[-1] * np.maximum(p_first, p_last).min(axis=-1))


def _decide(point, boot, B, alpha, boot_means):
    """Labels, confidences and adjusted p-values for point (...) and bootstrap (B, ...) coefficients."""
    p = {"positive": _p_greater(boot["beta"], B), "inverse": _p_greater(-boot["beta"], B),
         "u_shaped": np.maximum.reduce([_p_greater(-boot["s_lo"], B), _p_greater(boot["s_hi"], B),
                                        _p_interior(boot_means, B, -1)]),
         "inverted_u": np.maximum.reduce([_p_greater(boot["s_lo"], B), _p_greater(-boot["s_hi"], B),
                                          _p_interior(boot_means, B, +1)])}
    p = {claim: np.minimum(1.0, len(CLAIMS) * value) for claim, value in p.items()}
    shape = np.shape(point["beta"])
    label = np.full(shape, "no_trend", dtype=object)
    confidence = np.minimum.reduce([p[claim] for claim in CLAIMS])
    for claim in ("inverse", "positive", "inverted_u", "u_shaped"):  # later claims take precedence
        hit = p[claim] <= alpha
        label = np.where(hit, claim, label)
        confidence = np.where(hit, 1.0 - p[claim], confidence)
    return label, confidence, p


def resample_weights(n_examples: int, n_bootstrap: int, rng) -> np.ndarray:
    """Counts (B, n) of each example in each bootstrap resample: one index array serves every model."""
    picks = rng.integers(0, n_examples, size=(n_bootstrap, n_examples))
    offsets = (np.arange(n_bootstrap) * n_examples)[:, None]
    return np.bincount((picks + offsets).ravel(), minlength=n_bootstrap * n_examples).reshape(
        n_bootstrap, n_examples).astype(float)


def bootstrap_means(scores: np.ndarray, n_bootstrap: int, rng) -> np.ndarray:
    """Paired bootstrap of per-model means: (B, ...) for scores (..., n), blocks bounded in memory."""
    n = scores.shape[-1]
    flat = scores.reshape(-1, n)
    out = np.empty((n_bootstrap, flat.shape[0]))
    block = max(1, _BLOCK // n)
    for start in range(0, n_bootstrap, block):
        stop = min(n_bootstrap, start + block)
        out[start:stop] = resample_weights(n, stop - start, rng) @ flat.T / n
    return out.reshape((n_bootstrap,) + scores.shape[:-1])


def _result(sizes, means, boot_means, level, n_examples, paired) -> TrendResult:
    B = boot_means.shape[0]
    x, xc, projection = _design(sizes)
    point, boot = _coefficients(means, projection, xc), _coefficients(boot_means, projection, xc)
    label, confidence, p = _decide(point, boot, B, 1.0 - level, boot_means)
    tail = (1.0 - level) / 2
    q = lambda values: tuple(float(v) for v in np.quantile(values, [tail, 1 - tail], axis=0))  # noqa: E731
    low, high = np.quantile(boot_means, [tail, 1 - tail], axis=0)
    vertex = float(point["vertex"])
    inside = lambda v: (v > xc.min()) & (v < xc.max())  # noqa: E731
    return TrendResult(
        label=str(label), confidence=float(confidence), sizes=sizes, means=means, means_low=low, means_high=high,
        slope=float(point["beta"]), slope_low=q(boot["beta"])[0], slope_high=q(boot["beta"])[1],
        curvature=float(point["c"]), curvature_low=q(boot["c"])[0], curvature_high=q(boot["c"])[1],
        slope_start=float(point["s_lo"]), slope_end=float(point["s_hi"]), slope_start_interval=q(boot["s_lo"]),
        slope_end_interval=q(boot["s_hi"]),
        turning_point=float(10 ** (x.mean() + vertex)) if np.isfinite(vertex) else float("nan"),
        turning_inside=bool(np.isfinite(vertex) and inside(vertex)),
        turning_inside_share=float(np.mean(inside(np.nan_to_num(boot["vertex"], nan=np.inf)))),
        p_values={claim: float(value) for claim, value in p.items()}, level=level, n_bootstrap=B,
        n_examples=n_examples, paired=paired, bootstrap_means=boot_means)


def classify_trend(sizes, scores, *, level: float = 0.95, n_bootstrap: int = 2000, seed: int = 0,
                   examples=None) -> TrendResult:
    """Label the trend of per-example scores against model size: positive, inverse, U, inverted U or none.

    Parameters
    ----------
    sizes : array_like, shape (J,)
        One entry per model of one family: parameters or training FLOP, positive and distinct; J >= 3.
    scores : array_like, shape (J, n)
        Per-example scores, higher is better (correct 0/1, log-probability of the right answer, minus the
        classification loss, ...), the same n examples for every model, in the same order.
    level : float, default=0.95
        Intervals are percentile intervals at ``level``; a claim is made when its Bonferroni-adjusted
        p-value is at most ``1 - level`` (see the module docstring for the rule).
    n_bootstrap : int, default=2000
        Paired bootstrap resamples of the examples (at least ``4 max(1, J - 2) / (1 - level)``, so that
        an adjusted p-value can reach ``1 - level``).
    seed : int, default=0
        Seed of the resampling.
    examples : sequence of J arrays of shape (n,), optional
        Each model's example ids; the scores are aligned on them, and differing example sets are an error.

    Returns
    -------
    TrendResult
        Models sorted by size.

    Raises
    ------
    ValueError
        Fewer than three models, sizes not positive or not distinct, ragged or non-2-D scores, a row
        count other than ``len(sizes)``, NaN or infinite scores, differing example sets, bad ``level``
        or ``n_bootstrap``.
    """
    sizes = check_sizes(sizes)
    scores = check_scores(scores, sizes.size, examples=examples)
    B = _check_options(level, n_bootstrap, "classify_trend", sizes.size)
    order = np.argsort(sizes)
    sizes, scores = sizes[order], scores[order]
    with one_blas_thread():
        boot = bootstrap_means(scores, B, np.random.default_rng(seed))
        return _result(sizes, scores.mean(axis=1), boot, level, scores.shape[1], paired=True)


def classify_trend_from_means(sizes, means, stderr, *, level: float = 0.95, n_bootstrap: int = 2000,
                              seed: int = 0, n_examples: int = 0) -> TrendResult:
    """The same rule from per-model means and standard errors only (no per-example scores).

    The bootstrap draws each model's mean independently from ``Normal(mean, stderr)``. Without the
    examples there is no pairing: when models share the examples their errors are positively
    correlated, so the differences are less uncertain than assumed here and the test is conservative.

    Parameters
    ----------
    sizes : array_like, shape (J,)
    means, stderr : array_like, shape (J,)
        Mean score (higher is better) and its standard error, same units.
    level, n_bootstrap, seed
        As in :func:`classify_trend`.
    n_examples : int
        Recorded in the result only (0 if unknown).
    """
    sizes = check_sizes(sizes, "classify_trend_from_means")
    means, stderr = (np.asarray(a, dtype=float) for a in (means, stderr))
    for name, values in (("means", means), ("stderr", stderr)):
        if values.shape != sizes.shape:
            raise ValueError(f"classify_trend_from_means: {name} must have one entry per model "
                             f"(shape {sizes.shape}), got {values.shape}")
        if not np.all(np.isfinite(values)):
            raise ValueError(f"classify_trend_from_means: {name} hold NaN or infinite values: {values.tolist()}")
    if (stderr < 0).any():
        raise ValueError(f"classify_trend_from_means: stderr must be >= 0, got {stderr.tolist()}")
    B = _check_options(level, n_bootstrap, "classify_trend_from_means", sizes.size)
    order = np.argsort(sizes)
    sizes, means, stderr = sizes[order], means[order], stderr[order]
    with one_blas_thread():
        boot = means + stderr * np.random.default_rng(seed).standard_normal((B, sizes.size))
        return _result(sizes, means, boot, level, int(n_examples), paired=False)


def one_more_model(sizes, scores, **options) -> OneMoreModel:
    """:func:`classify_trend` on all models but the largest, then on all (needs at least four models).

    ``options`` go to :func:`classify_trend`. Both runs use the same seed, hence the same resampled
    examples, so a change of label comes from the added model, not from the resampling.
    """
    sizes = check_sizes(sizes, "one_more_model")
    if sizes.size < 4:
        raise ValueError(f"one_more_model: need at least four models (three remain without the largest), "
                         f"got {sizes.size}")
    keep = np.argsort(sizes)[:-1]
    scores = check_scores(scores, sizes.size, "one_more_model", examples=options.pop("examples", None))
    return OneMoreModel(classify_trend(sizes[keep], scores[keep], **options), classify_trend(sizes, scores, **options))
