"""Figures of the data-pruning topic: error against examples per dimension on log axes, units in every label.

Each function draws on an Axes (created if not given) and returns it.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .. import plotting

__all__ = ["theory_curves", "theory_vs_simulation", "frontiers_by_angle", "best_keep_fraction", "frontier_exponents",
           "sweep_curves", "metric_exponents"]

ALPHA_PRUNE_LABEL = "examples kept per dimension α_prune = f·α_tot"
ERROR_LABEL = "generalisation error ε = arccos(R)/π"
_LINESTYLE = {"hard": "-", "easy": "--"}


def _colors(count):
    return plt.cm.viridis(np.linspace(0.0, 0.85, max(count, 1)))


def theory_curves(curves: pd.DataFrame, frontier: pd.DataFrame | None = None, *, ax=None):
    """Theory error against alpha_prune: one colour per keep fraction, solid keep-hard, dashed keep-easy.

    ``curves`` is :func:`~scaling_lib.pruning.theory.error_curves`' table, ``frontier`` (optional)
    :func:`~scaling_lib.pruning.theory.pareto_frontier`'s.
    """
    ax = plotting.axes(ax, figsize=(6.8, 4.5))
    fractions = np.sort(curves["keep_fraction"].unique())[::-1]
    for color, fraction in zip(_colors(len(fractions)), fractions):
        for keep, curve in curves[curves["keep_fraction"] == fraction].groupby("keep"):
            if fraction == 1.0 and keep == "easy":
                continue  # f = 1 keeps everything: the same curve as keep-hard
            label = "f = 1 (no pruning)" if fraction == 1.0 else f"f = {fraction:g}, keep {keep}"
            ax.plot(curve["alpha_prune"], curve["error"], _LINESTYLE[keep], color=color, label=label)
    if frontier is not None:
        ax.plot(frontier["alpha_prune"], frontier["error"], "k:", linewidth=2.5,
                label=f"Pareto frontier (f ≥ {frontier['keep_fraction'].min():.2g})")
    ax.set(xscale="log", yscale="log", xlabel=ALPHA_PRUNE_LABEL, ylabel=ERROR_LABEL,
           title=f"Max-margin student after pruning (replica theory, θ = {np.degrees(curves['theta'].iloc[0]):.0f}°)")
    ax.legend(fontsize=7, ncol=2)
    return ax


def theory_vs_simulation(table: pd.DataFrame, *, ax=None):
    """Simulated error (points, ± 2 s.e.) against theory (line) for each (keep rule, keep fraction).

    ``table`` has columns keep, keep_fraction, alpha_tot, theory, simulated, simulated_se.
    """
    ax = plotting.axes(ax, figsize=(6.8, 4.5))
    groups = list(table.groupby(["keep", "keep_fraction"]))
    for color, ((keep, fraction), group) in zip(_colors(len(groups)), groups):
        ax.plot(group["alpha_tot"], group["theory"], _LINESTYLE[keep], color=color,
                label=f"keep {keep}, f = {fraction:g}")
        ax.errorbar(group["alpha_tot"], group["simulated"], yerr=2 * group["simulated_se"], fmt="o", color=color,
                    markersize=4, capsize=2)
    ax.set(xscale="log", yscale="log", xlabel="examples per dimension before pruning α_tot", ylabel=ERROR_LABEL,
           title="Theory (lines) against exact simulation (points, ± 2 s.e.)")
    ax.legend(fontsize=7)
    return ax


def frontiers_by_angle(frontiers: pd.DataFrame, random: pd.DataFrame, *, ax=None):
    """The Pareto frontier for each probe angle, against no pruning (f = 1)."""
    ax = plotting.axes(ax, figsize=(6.8, 4.5))
    angles = np.sort(frontiers["theta"].unique())
    for color, theta in zip(_colors(len(angles)), angles):
        frontier = frontiers[frontiers["theta"] == theta]
        ax.plot(frontier["alpha_prune"], frontier["error"], color=color, label=f"θ = {np.degrees(theta):.0f}°")
    ax.plot(random["alpha_prune"], random["error"], "k--", label="no pruning (f = 1)")
    ax.set(xscale="log", yscale="log", xlabel=ALPHA_PRUNE_LABEL, ylabel=ERROR_LABEL,
           title="An imperfect metric (probe at angle θ) loses the frontier's gain")
    ax.legend(fontsize=8)
    return ax


def best_keep_fraction(frontiers: pd.DataFrame, *, ax=None):
    """The keep fraction that reaches the frontier, against the data it takes (alpha_tot), per probe angle."""
    ax = plotting.axes(ax, figsize=(6.4, 4.2))
    angles = np.sort(frontiers["theta"].unique())
    for color, theta in zip(_colors(len(angles)), angles):
        frontier = frontiers[frontiers["theta"] == theta]
        ax.plot(frontier["alpha_tot"], frontier["keep_fraction"], "o-", color=color, markersize=3,
                label=f"θ = {np.degrees(theta):.0f}°")
    ax.set(xscale="log", yscale="log", xlabel="examples per dimension before pruning α_tot",
           ylabel="optimal keep fraction f_opt", title="How much to keep, on the frontier")
    ax.legend(fontsize=8)
    return ax


def frontier_exponents(exponents: pd.DataFrame, *, fallback=None, factor=2.0, ax=None):
    """The frontier's local exponent against probe angle, with the power-law threshold and the fall-back angle."""
    ax = plotting.axes(ax, figsize=(6.4, 4.2))
    degrees = np.degrees(exponents["theta"])
    ax.plot(degrees, exponents["frontier_exponent"], "o-", label="Pareto frontier")
    ax.axhline(factor * exponents["random_exponent"].iloc[0], color="grey", linestyle="--",
               label=f"{factor:g} × no pruning's exponent")
    if fallback is not None and np.isfinite(fallback):
        ax.axvline(np.degrees(fallback), color="k", linestyle=":", label=f"fall-back {np.degrees(fallback):.1f}°")
    ax.set(yscale="log", xlabel="probe-teacher angle θ (degrees)", ylabel="local exponent -dlog ε / dlog α_prune",
           title="Where the frontier falls back to a power law")
    ax.legend(fontsize=8)
    return ax


def sweep_curves(summary: pd.DataFrame, *, axes=None):
    """Test error against dataset size before pruning, one panel per keep fraction, one line per metric.

    ``summary`` is :meth:`~scaling_lib.pruning.sweeps.SweepResult.summary`'s table; bands are its seed intervals.
    """
    fractions = np.sort(summary["keep_fraction"].unique())
    if axes is None:
        _, axes = plt.subplots(1, len(fractions), figsize=(3.2 * len(fractions), 3.6), sharey=True,
                               squeeze=False)
        axes = axes[0]
    metrics = list(dict.fromkeys(summary["metric"]))
    for ax, fraction in zip(axes, fractions):
        panel = summary[summary["keep_fraction"] == fraction]
        for color, metric in zip(plt.cm.tab10(np.arange(len(metrics))), metrics):
            line = panel[panel["metric"] == metric]
            ax.plot(line["size"], line["test_error"], linestyle="--" if metric == "random" else "-",
                    color="k" if metric == "random" else color,
                    label=metric, marker="o", markersize=3)
            ax.fill_between(line["size"], line["low"], line["high"], color="grey" if metric == "random" else color,
                            alpha=0.12, linewidth=0)
        ax.set(xscale="log", yscale="log", title=f"keep {fraction:.0%}", xlabel="examples before pruning")
    axes[0].set_ylabel("test error (fraction misclassified)")
    axes[-1].legend(fontsize=7)
    return axes


def metric_exponents(exponents: pd.DataFrame, *, ax=None):
    """Each metric's fitted exponent of err = E + A n^-alpha, with its interval (from ``compare_metrics_scaling``)."""
    ax = plotting.axes(ax, figsize=(6.4, 3.8))
    positions = np.arange(len(exponents))
    ax.errorbar(exponents["alpha"], positions, xerr=[exponents["alpha"] - exponents["alpha_low"],
                                                     exponents["alpha_high"] - exponents["alpha"]],
                fmt="o", capsize=3)
    ax.set_yticks(positions, exponents.index)
    ax.set(xlabel="fitted exponent α of test error against examples kept", title="Scaling of each pruning metric")
    return ax
