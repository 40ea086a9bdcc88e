"""Two-stage downstream prediction (Gadre et al. 2024): compute -> loss -> average top-1 error.

Stage 1 fits the over-training law ``L(N, D) = E + A N^-alpha + B D^-alpha``
(:class:`scaling_lib.laws.OverTraining`, Gadre's ``L(C, M)``) on small runs; stage 2 fits the link
``Err(L) = eps - k exp(-gamma L)`` (:class:`scaling_lib.laws.ExponentialLink`) on loss-error pairs.
Chaining them predicts a held-out run's loss from (N, M) and then its error from that predicted loss.

Gadre et al.'s recipe (their ``scaling/shared.py``, described in the data mirror's SOURCE.md): loss on
C4 validation (``c4_val``) of models trained on RedPajama; the loss law fitted by least squares on five
runs (the four models below 1B at M = 20 plus the 11M model at M = 320); the error law on the same five
plus the 1.4B model at M = 20; error = mean top-1 error over their 17-task subset; targets the 1.4B model
at M = 640 and the 6.9B model at M = 20. :func:`gadre_fit_points` selects exactly these.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..analysis import gadre_loss_points
from ..fitting import ADMITTED_RESAMPLE_STATUSES as ok
from ..fitting import FitResult, fit, percentile_estimate, resample_indices
from ..laws import ExponentialLink, OverTraining

__all__ = ["two_stage_backtest", "GADRE_SUBSET", "GADRE_TARGETS", "gadre_error_points", "gadre_fit_points", "TwoStageFit",
           "TwoStagePrediction", "fit_two_stage"]

#: Gadre et al.'s 17-task subset whose mean top-1 error the error law predicts.
GADRE_SUBSET = ("bigbench_operators", "pubmed_qa_labeled", "hellaswag_zeroshot", "boolq", "arc_easy", "coqa",
                "bigbench_dyck_languages", "lambada_openai", "bigbench_novel_concepts", "winograd",
                "bigbench_cs_algorithms", "commonsense_qa", "bigbench_qa_wikidata", "hellaswag", "copa", "squad",
                "piqa")

#: The held-out targets of the paper, as (N in parameters, token multiplier M = D / N).
GADRE_TARGETS = {"1p4b_m640": (1_439_795_200.0, 640.0), "6p9b_m20": (6_889_410_560.0, 20.0)}


def gadre_error_points(table: pd.DataFrame, dataset: str = "rpj", eval_set: str = "c4_val",
                       tasks=GADRE_SUBSET) -> pd.DataFrame:
    """Per run: N, D, C, multiplier, loss on ``eval_set`` (nats/token) and mean top-1 error over ``tasks``.

    Parameters
    ----------
    table : DataFrame
        ``datasets.load("gadre_overtraining")``.
    dataset : str
        Training set (``rpj``, ``c4_original``, ``rw_original``).
    eval_set : str
        Validation set of the loss.
    tasks : sequence of str
        Downstream tasks averaged (default :data:`GADRE_SUBSET`); every run must have all of them.

    Returns
    -------
    DataFrame
        Columns run, N, D, C, multiplier, loss, err (fraction), sorted by N then D.

    Raises
    ------
    ValueError
        If ``tasks`` is empty or names tasks absent from the table, or a run lacks one of them.
    """
    tasks = list(tasks)
    if not tasks:
        raise ValueError("tasks must name at least one downstream task")
    known = set(table.loc[table["metric_kind"] == "accuracy", "metric"])
    unknown = sorted(set(tasks) - known)
    if unknown:
        raise ValueError(f"tasks not in the table: {unknown}")
    points = gadre_loss_points(table, dataset, eval_set)
    acc = table[(table["dataset"] == dataset) & table["metric"].isin(tasks)]
    counts = acc.groupby("run")["metric"].nunique()
    incomplete = sorted(set(points["run"]) - set(counts[counts == len(tasks)].index))
    if incomplete:
        raise ValueError(f"runs without all {len(tasks)} tasks: {incomplete}")
    err = 1.0 - acc.groupby("run")["value"].mean()
    return points.assign(err=points["run"].map(err).to_numpy())


def gadre_fit_points(points: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Split :func:`gadre_error_points` into Gadre et al.'s loss-fit, error-fit and target runs.

    Returns
    -------
    loss_fit : DataFrame, 5 rows
        The models below 1B parameters at M = 20 and the smallest (11M) model at M = 320.
    err_fit : DataFrame, 6 rows
        ``loss_fit`` plus the 1.4B model at M = 20.
    targets : DataFrame
        The runs of :data:`GADRE_TARGETS` present, indexed by their key (``"1p4b_m640"``, ``"6p9b_m20"``).

    Raises
    ------
    ValueError
        If the grid lacks one of these runs.
    """
    N, M = points["N"].to_numpy(), points["multiplier"].to_numpy()
    smallest = N.min()
    loss_fit = points[((M == 20) & (N < 1e9)) | ((N == smallest) & (M == 320))]
    err_fit = points[((M == 20) & (N < 1e9)) | ((N == smallest) & (M == 320)) | ((M == 20) & (N == 1_439_795_200))]
    if len(loss_fit) != 5 or len(err_fit) != 6:
        raise ValueError(f"the grid lacks Gadre et al.'s fit runs: found {len(loss_fit)} of 5 loss-fit and "
                         f"{len(err_fit)} of 6 error-fit runs ({sorted(loss_fit['run'])})")
    rows = {key: points[(N == n) & (M == m)] for key, (n, m) in GADRE_TARGETS.items()}
    targets = pd.concat({key: r.iloc[:1] for key, r in rows.items() if len(r)}).droplevel(1)
    return loss_fit.reset_index(drop=True), err_fit.reset_index(drop=True), targets


@dataclass
class TwoStagePrediction:
    """Chained predictions at m targets with bootstrap percentile intervals that propagate both stages.

    Attributes
    ----------
    N, multiplier : ndarray, shape (m,)
        Targets in parameters and tokens per parameter.
    loss, loss_low, loss_high : ndarray, shape (m,)
        Predicted loss (nats/token) and its interval (stage 1 resamples).
    err, err_low, err_high : ndarray, shape (m,)
        Predicted error (fraction): stage 2 evaluated at the predicted loss; the interval pairs each
        stage-1 resample's loss with a stage-2 resample's link.
    n_draws : int
        Paired resamples that enter the intervals: both refits admitted by the engine's statuses and
        both resamples holding at least as many distinct runs as their law has parameters (a paired
        bootstrap of 5 runs for a 4-parameter law often draws fewer, which identify nothing).
    level : float
    """

    N: np.ndarray
    multiplier: np.ndarray
    loss: np.ndarray
    loss_low: np.ndarray
    loss_high: np.ndarray
    err: np.ndarray
    err_low: np.ndarray
    err_high: np.ndarray
    n_draws: int
    level: float

    def relative_errors(self, loss, err) -> pd.DataFrame:
        """Relative errors in percent, ``100 |pred - obs| / obs``, with the interval's ends mapped likewise.

        ``loss`` (nats/token) and ``err`` (fraction) are the observed values at the targets, shape (m,).
        Columns: loss_rel_error, loss_rel_low, loss_rel_high, loss_covered, and the same for err; the
        low/high columns are the signed relative errors ``100 (end - obs) / obs`` of the interval's ends.
        """
        loss, err = (np.broadcast_to(np.asarray(v, dtype=float), self.loss.shape) for v in (loss, err))
        out = {}
        for name, obs in (("loss", loss), ("err", err)):
            pred, low, high = getattr(self, name), getattr(self, f"{name}_low"), getattr(self, f"{name}_high")
            out |= {f"{name}_rel_error": 100 * np.abs(pred - obs) / obs, f"{name}_rel_low": 100 * (low - obs) / obs,
                    f"{name}_rel_high": 100 * (high - obs) / obs, f"{name}_covered": (low <= obs) & (obs <= high)}
        return pd.DataFrame(out)


@dataclass
class TwoStageFit:
    """Result of :func:`fit_two_stage`: the loss law (stage 1) and the loss-to-error link (stage 2)."""

    loss_fit: FitResult
    err_fit: FitResult

    @property
    def statuses(self) -> dict:
        """Status of each stage's point estimate and the counts of its resamples' statuses."""
        return {stage: {"status": f.status, **f.resample_counts()}
                for stage, f in (("loss", self.loss_fit), ("err", self.err_fit))}

    def predict(self, N, multiplier, level: float | None = None) -> TwoStagePrediction:
        """Predict loss then error at ``N`` (parameters) and ``multiplier`` (tokens per parameter), shape (m,)."""
        N, M = (np.atleast_1d(np.asarray(v, dtype=float)) for v in np.broadcast_arrays(N, multiplier))
        if np.any(~np.isfinite(N) | (N <= 0)) or np.any(~np.isfinite(M) | (M <= 0)):
            raise ValueError(f"N and multiplier must be positive and finite, got N={N}, multiplier={M}")
        level = self.loss_fit.level if level is None else level
        loss = self.loss_fit.predict(N, N * M)
        err = self.err_fit.predict(loss)
        loss_draws, err_draws = _paired_draws(self.loss_fit, self.err_fit)
        lt, et = self.loss_fit.law, self.err_fit.law
        loss_s = (np.einsum("bnk,bk->bn", lt.basis(loss_draws[1], (N, N * M)), loss_draws[0])
                  if len(loss_draws[0]) else np.empty((0, N.size)))
        err_s = np.stack([et.predict(dict(zip(et.param_names, p)), row) for p, row in zip(err_draws, loss_s)]) \
            if len(loss_s) else np.empty((0, N.size))
        le, ee = percentile_estimate(loss, loss_s, level), percentile_estimate(err, err_s, level)
        return TwoStagePrediction(N, M, loss, le.low, le.high, err, ee.low, ee.high, len(loss_s), level)


def _paired_draws(loss_fit: FitResult, err_fit: FitResult):
    """Stage-1 (coef, theta) and stage-2 parameter rows of the resamples admitted in both stages, in order."""
    if loss_fit.bootstrap is None or err_fit.bootstrap is None:
        return (np.empty((0, 3)), np.empty((0, 1))), np.empty((0, 3))
    b = min(len(loss_fit.bootstrap), len(err_fit.bootstrap))
    keep = (loss_fit.bootstrap_statuses.isin(ok).to_numpy()[:b] & err_fit.bootstrap_statuses.isin(ok).to_numpy()[:b]
            & loss_fit.bootstrap.notna().all(axis=1).to_numpy()[:b] & err_fit.bootstrap.notna().all(axis=1).to_numpy()[:b])
    for f in (loss_fit, err_fit):  # a resample with fewer distinct points than parameters pins nothing down
        distinct = [np.unique(i).size for i in resample_indices(f.n_points, len(f.bootstrap), f.seed)]
        keep &= np.asarray(distinct)[:b] >= len(f.law.param_names)
    lb, eb = loss_fit.bootstrap.iloc[:b][keep], err_fit.bootstrap.iloc[:b][keep]
    law = loss_fit.law
    coef, theta = lb[list(law.coefficients)].to_numpy(), lb[list(law.shape_params)].to_numpy()
    return (coef, theta), eb[list(err_fit.law.param_names)].to_numpy()


def fit_two_stage(loss_points: pd.DataFrame, err_points: pd.DataFrame, *, objective: str = "least_squares",
                  n_bootstrap: int = 0, seed: int = 0, level: float = 0.95) -> TwoStageFit:
    """Fit Gadre et al.'s two stages.

    Parameters
    ----------
    loss_points : DataFrame
        Columns N (parameters), D (tokens), loss (nats/token): stage 1's runs.
    err_points : DataFrame
        Columns loss (nats/token), err (fraction): stage 2's loss-error pairs.
    objective : {"least_squares", "huber_log"}
        Gadre et al. fit both stages by least squares (``scipy.optimize.curve_fit``), the default.
    n_bootstrap : int
        Resamples of each stage's points (the engine's seeded bootstrap; stage 2 uses ``seed + 1``).
        Resample b of stage 1 is paired with resample b of stage 2 and its predicted loss is passed
        through that link, so error intervals carry both stages' uncertainty; pairs in which either
        refit has no optimum (engine statuses, counted in :attr:`TwoStageFit.statuses`) or either resample
        has fewer distinct points than parameters are left out (:attr:`TwoStagePrediction.n_draws`). The
        engine's warning about dropped resamples is not repeated: the counts are in ``statuses``, so they are
        never silent but do not print a CPU-dependent count on every call.
    seed : int
    level : float
        Coverage of the intervals.

    Raises
    ------
    ValueError
        If a column is missing, a value is NaN or not positive, or a stage has fewer points than its
        law has parameters (4 for the loss law, 3 for the link).
    """
    for name, frame, cols, law in (("loss_points", loss_points, ["N", "D", "loss"], OverTraining()),
                                   ("err_points", err_points, ["loss", "err"], ExponentialLink())):
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            raise ValueError(f"{name} needs column(s) {missing}; got {list(frame.columns)}")
        values = frame[cols].to_numpy(dtype=float)
        bad = ~np.isfinite(values) | (values <= 0)
        if bad.any():
            raise ValueError(f"{name} has NaN or non-positive values in {sorted({cols[j] for j in np.nonzero(bad)[1]})}")
        if len(frame) < len(law.param_names):
            raise ValueError(f"{name} has {len(frame)} points, fewer than the {len(law.param_names)} parameters "
                             f"of the {law.name}")
    kw = dict(objective=objective, n_bootstrap=n_bootstrap, level=level)
    with warnings.catch_warnings():  # the counts of dropped resamples are in TwoStageFit.statuses instead
        warnings.filterwarnings("ignore", message=".*bootstrap refits are left out", category=RuntimeWarning)
        loss_fit = fit(OverTraining(), (loss_points["N"], loss_points["D"]), loss_points["loss"], seed=seed, **kw)
        err_fit = fit(ExponentialLink(), (err_points["loss"],), err_points["err"], seed=seed + 1, **kw)
    return TwoStageFit(loss_fit, err_fit)


def two_stage_backtest(fit: TwoStageFit, points: pd.DataFrame, exclude=()) -> pd.DataFrame:
    """Relative errors (percent) of the chained loss and error predictions at every run of ``points`` not in ``exclude``.

    Parameters
    ----------
    fit : TwoStageFit
    points : DataFrame
        Runs with columns run, N (parameters), multiplier (tokens per parameter), C (FLOP), loss (nats/token) and err
        (fraction), as :func:`gadre_error_points` returns.
    exclude : iterable of str
        Runs to leave out (those the two stages were fitted on).

    Returns
    -------
    DataFrame
        Columns run, N, multiplier, C, loss_rel_error, err_rel_error (``100 |pred - obs| / obs``) and
        loss_range_error, err_range_error (``100 |pred - obs|`` over the range of the observed values across all of
        ``points``: the error as a share of what scale changes; a task error moves little in relative terms); sorted
        by C, one row per held-out run.

    Raises
    ------
    ValueError
        If no run is left or a column is missing.
    """
    missing = {"run", "N", "multiplier", "C", "loss", "err"} - set(points.columns)
    if missing:
        raise ValueError(f"points lack columns {sorted(missing)}")
    rest = points[~points["run"].isin(set(exclude))]
    if rest.empty:
        raise ValueError("no run left to backtest once the fitted runs are excluded")
    rel = fit.predict(rest["N"], rest["multiplier"]).relative_errors(rest["loss"], rest["err"])
    out = rest[["run", "N", "multiplier", "C"]].reset_index(drop=True)
    spans = {name: np.ptp(points[name].to_numpy(dtype=float)) for name in ("loss", "err")}
    pct = {f"{name}_range_error": rel[f"{name}_rel_error"].to_numpy() * rest[name].to_numpy() / spans[name]
           for name in spans}
    return out.assign(loss_rel_error=rel["loss_rel_error"], err_rel_error=rel["err_rel_error"], **pct).sort_values("C")
