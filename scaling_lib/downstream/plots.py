"""Figures of the downstream notebook: axes carry units, scaling quantities go on log axes."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import LogNorm

from .. import plotting
from .resolution import PassRate
from .two_stage import TwoStageFit

__all__ = ["two_stage_panels", "pass_rates_by_size", "pythia_training_curves", "analytic_mirage", "metric_comparison",
           "heldout_panels", "pythia_backtest_panel", "loss_vs_task_errors"]


def _check(name: str, frame) -> None:
    if len(frame) == 0:
        raise ValueError(f"{name}: nothing to draw (no points)")


def two_stage_panels(points: pd.DataFrame, model: TwoStageFit, loss_fit: pd.DataFrame, err_fit: pd.DataFrame,
                     targets: pd.DataFrame, predict_multipliers=(20.0, 640.0)):
    """Left: loss (nats/token) against compute (FLOP, log) with the fitted law at fixed M; right: error against loss.

    ``points`` is every run (grey), ``loss_fit``/``err_fit`` the runs each stage saw (filled), ``targets`` the
    held-out runs (stars) with their chained predictions and intervals.
    """
    _check("two_stage_panels", points)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    norm = LogNorm(points["multiplier"].min(), points["multiplier"].max())
    sc = left.scatter(points["C"], points["loss"], c=points["multiplier"], norm=norm, cmap="viridis", s=18, alpha=0.5)
    left.scatter(loss_fit["C"], loss_fit["loss"], facecolor="none", edgecolor="k", s=70, label="loss-law fit runs")
    N = np.geomspace(points["N"].min(), targets["N"].max() * 1.5, 100)
    for m in predict_multipliers:
        left.plot(6 * m * N ** 2, model.loss_fit.predict(N, m * N), color=plt.cm.viridis(norm(m)), label=f"law at M = {m:g}")
    pred = model.predict(targets["N"], targets["multiplier"])
    C = 6 * targets["N"] * targets["N"] * targets["multiplier"]
    left.errorbar(C, pred.loss, yerr=[pred.loss - pred.loss_low, pred.loss_high - pred.loss], fmt="none", ecolor="r")
    left.scatter(C, targets["loss"], marker="*", s=160, color="r", zorder=5, label="held-out runs")
    left.set(xscale="log", yscale="log", xlabel="training compute C = 6ND (FLOP)", ylabel="C4 validation loss (nats/token)",
             title="Stage 1: loss from (N, M)")
    fig.colorbar(sc, ax=left, label="tokens per parameter M")
    left.legend(fontsize=8)
    right.scatter(points["loss"], points["err"], c=points["multiplier"], norm=norm, cmap="viridis", s=18, alpha=0.5)
    right.scatter(err_fit["loss"], err_fit["err"], facecolor="none", edgecolor="k", s=70, label="error-law fit runs")
    grid = np.linspace(points["loss"].min() * 0.95, points["loss"].max(), 200)
    right.plot(grid, model.err_fit.predict(grid), "k-", label="fitted link")
    right.errorbar(pred.loss, pred.err, yerr=[pred.err - pred.err_low, pred.err_high - pred.err], fmt="o", color="r",
                   label="chained prediction (95% interval)")
    right.scatter(targets["loss"], targets["err"], marker="*", s=160, color="r", zorder=5, label="held-out runs")
    right.set(xscale="log", xlabel="C4 validation loss (nats/token)", ylabel="mean top-1 error, 17 tasks (fraction)",
              title="Stage 2: error from loss")
    right.legend(fontsize=8)
    fig.tight_layout()
    return fig


def pass_rates_by_size(N, high: PassRate, low_accuracy, n_low: int, samples_per_problem: int = 10_000, ax=None):
    """Pooled pass rate of the hard problems against model size: high resolution with intervals vs ``n_low`` samples.

    Rates of 0 (what the coarse evaluation measures) are drawn at the bottom edge of the log axis.
    """
    N = np.asarray(N, dtype=float)
    _check("pass_rates_by_size", N)
    ax = plotting.axes(ax)
    ax.errorbar(N, high.estimate, yerr=[high.estimate - high.low, high.high - high.estimate], fmt="o-",
                label=f"{samples_per_problem:,} samples per problem (pooled; {high.method} {high.level:.0%})")
    floor = 0.5 * high.low[high.low > 0].min()
    low = np.asarray(low_accuracy, dtype=float)
    ax.plot(N, np.where(low > 0, low, floor), "s--",
            label=f"{n_low} sample{'s' if n_low > 1 else ''} per problem (a rate of 0 drawn at the bottom)")
    ax.set(xscale="log", yscale="log", xlabel="parameters N", ylabel="pass rate per sample (fraction)",
           title="MATH problems whose accuracy rounds to 0 for the smallest model")
    ax.legend(fontsize=8)
    return ax


def pythia_training_curves(curves: pd.DataFrame, ylabel: str, ax=None):
    """Score against training compute (FLOP, log) for each Pythia size, coloured by N (log scale)."""
    _check("pythia_training_curves", curves)
    ax = plotting.axes(ax)
    norm = LogNorm(curves["N"].min(), curves["N"].max())
    for (model, n), g in curves.groupby(["model", "N"], sort=False):
        ax.plot(g["C"], g["value"], "-", color=plt.cm.viridis(norm(n)), label=model)
    ax.set(xscale="log", xlabel="training compute C = 6 N D (FLOP)", ylabel=ylabel, title="Pythia checkpoints")
    ax.legend(fontsize=7, ncol=2)
    return ax


def analytic_mirage(N, p, lengths, exact_match, edit_distance):
    """Exact match ``p^L`` (left) and expected token edit distance (right) against N for each answer length L."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    for L in lengths:
        left.plot(N, exact_match(p, L), label=f"L = {L}")
        right.plot(N, edit_distance(p, L), label=f"L = {L}")
    left.set(xscale="log", xlabel="parameters N", ylabel="exact match (fraction)", title="Discontinuous metric: p^L")
    right.set(xscale="log", yscale="log", xlabel="parameters N", ylabel="expected token edit distance (tokens)",
              title="Continuous metric: L (1 - p)")
    left.legend(fontsize=8)
    fig.tight_layout()
    return fig


def metric_comparison(scores: pd.DataFrame, tasks, discrete: str, continuous: str):
    """For each task: the discrete metric (left axis) and the continuous one (right axis) against N (log)."""
    _check("metric_comparison", scores)
    fig, axes = plt.subplots(1, len(tasks), figsize=(4.2 * len(tasks), 3.6), squeeze=False)
    for ax, task in zip(axes[0], tasks):
        g = scores[scores["task"] == task]
        ax.plot(g["N"], g[discrete], "o-", color="C0")
        ax.set(xscale="log", xlabel="parameters N", title=task)
        ax.set_ylabel(f"{discrete} (fraction)", color="C0")
        twin = ax.twinx()
        twin.plot(g["N"], g[continuous], "s--", color="C1")
        twin.set_ylabel(f"{continuous} (characters)", color="C1")
    fig.tight_layout()
    return fig


def heldout_panels(results: dict):
    """Observed against predicted held-out scores (fractions) against C (FLOP), capability space vs log-compute baseline,
    with the prediction intervals when the comparisons were bootstrapped; one panel per task of ``results``."""
    fig, axes = plt.subplots(1, len(results), figsize=(4.6 * len(results), 4), squeeze=False)
    for ax, (task, h) in zip(axes[0], results.items()):
        p = h.predictions
        ax.scatter(p["C"], p["observed"], color="k", s=14, label="observed (held out)")
        for name, marker, shift, mae, cov in (("capability", "^", 0.97, h.capability_mae, h.capability_coverage),
                                              ("log_compute", "x", 1.03, h.baseline_mae, h.baseline_coverage)):
            label = f"{name.replace('_', '-')} {h.link} link (MAE {mae:.3f}" + (
                f", {100 * h.level:.0f}% interval covers {cov:.2f})" if h.n_bootstrap else ")")
            yerr = np.clip([p[name] - p[f"{name}_low"], p[f"{name}_high"] - p[name]], 0, None) if h.n_bootstrap else None
            ax.errorbar(p["C"] * shift, p[name], yerr=yerr, fmt=marker, ms=4, elinewidth=0.6, alpha=0.8, label=label)
        ax.set(xscale="log", xlabel="training compute C (FLOP)", ylabel="score (fraction)",
               title=f"{task}: above {h.cutoff:.2g} FLOP")
        ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def pythia_backtest_panel(curves: pd.DataFrame, backtest, ylabel: str):
    """The training curves with the sigmoid link fitted on the smaller models and the largest one's held-out band."""
    ax = pythia_training_curves(curves, ylabel)
    C = np.geomspace(curves["C"].min(), backtest.predictions["C"].max(), 200)
    ax.plot(C, backtest.fit.predict(C), "k--", label=f"sigmoid link fitted on {len(backtest.train_models)} smaller models")
    p = backtest.predictions
    ax.fill_between(p["C"], p["low"], p["high"], color="r", alpha=0.2,
                    label=f"{100 * backtest.level:.0f}% interval, {backtest.test_model} held out")
    ax.plot(p["C"], p["observed"], "ro", ms=3)
    ax.legend(fontsize=7, ncol=2)
    return ax


def loss_vs_task_errors(table: pd.DataFrame):
    """Backtest errors of loss and of task error on the same held-out runs (percent, log), against C (FLOP).

    ``table`` is :func:`~scaling_lib.downstream.two_stage_backtest` output: relative errors (left) and errors as a
    share of the range the runs span (right).
    """
    if table.empty:
        raise ValueError("loss_vs_task_errors: nothing to draw (no held-out runs)")
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, kind, title in ((axes[0], "rel", "relative error |pred - obs| / obs"),
                            (axes[1], "range", "error / range of the runs")):
        for name, marker in (("loss", "o"), ("err", "^")):
            v = table[f"{name}_{kind}_error"]
            ax.scatter(table["C"], v.clip(lower=1e-3), marker=marker,
                       label=f"{'C4 loss' if name == 'loss' else '17-task top-1 error'} (median {v.median():.2f}%)")
        ax.set(xscale="log", yscale="log", xlabel="training compute C (FLOP)", ylabel="backtest error (%)", title=title)
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
