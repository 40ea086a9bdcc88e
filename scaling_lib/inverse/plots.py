"""Figures of the inverse-scaling topic: units on every axis, model size on log axes."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import NullFormatter

from .. import plotting
from .trend import LABELS, TrendResult, _design

__all__ = ["trend_curve", "trend_panels", "error_rate_curves", "label_counts"]


def trend_curve(result: TrendResult, ax=None, *, label: str = "", score: str = "score", color=None,
                excluded=None):
    """Per-model means with their intervals, and the fitted quadratic in log size.

    ``excluded`` (sizes, means) are models left out of the fit, drawn as open circles.
    """
    ax = plotting.axes(ax)
    x, xc, projection = _design(result.sizes)
    error = np.vstack([result.means - result.means_low, result.means_high - result.means])
    line = ax.errorbar(result.sizes, result.means, yerr=error, fmt="o", capsize=3, color=color,
                       label=f"{label}: {result.label}" if label else result.label)
    grid = np.linspace(xc.min(), xc.max(), 100)
    _, b, c = projection @ result.means
    a = result.means.mean() - c * np.mean(xc ** 2)  # intercept of the quadratic in centred log size
    ax.plot(10 ** (grid + x.mean()), a + b * grid + c * grid ** 2, color=line[0].get_color(), lw=1, alpha=0.7)
    if excluded is not None:
        ax.plot(*excluded, "o", mfc="none", color=line[0].get_color(), label="left out of the fit")
    ax.set_xscale("log")
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("model size (parameters)")
    ax.set_ylabel(score)
    return ax


def trend_panels(results: dict, scores: dict | None = None, n_cols: int = 3):
    """One panel per ``name -> TrendResult`` (e.g. task x family), titles carrying the label."""
    n = len(results)
    if n == 0:
        raise ValueError("trend_panels: no results to draw")
    rows = -(-n // n_cols)
    fig, axes = plt.subplots(rows, n_cols, figsize=(4.6 * n_cols, 3.4 * rows), squeeze=False)
    for ax, (name, result) in zip(axes.flat, results.items()):
        trend_curve(result, ax, score=(scores or {}).get(name, "score"))
        ax.set_title(f"{name}\n{result.label} (confidence {result.confidence:.2f})", fontsize=9)
        ax.get_legend() and ax.get_legend().remove()
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    fig.tight_layout()
    return fig


def error_rate_curves(rates: pd.DataFrame, ax=None, *, level: float = 0.95):
    """Share of simulated data sets given their true label against the example count, per shape and effect."""
    ax = plotting.axes(ax)
    shapes = [s for s in rates["shape"].unique() if s != "flat"]
    effects = sorted(rates.loc[rates["shape"] != "flat", "effect"].unique())
    colors = dict(zip(shapes, plt.rcParams["axes.prop_cycle"].by_key()["color"]))
    styles = dict(zip(effects, ["-", "--", ":", "-."] * 4))
    widest = rates[(rates["shape"] != "flat") & (rates["n_models"] == rates["n_models"].max())]
    for (shape, effect), g in widest.groupby(["shape", "effect"], sort=False):
        ax.plot(g["n_examples"], g["correct"], marker="o", lw=1, color=colors[shape], ls=styles[effect],
                label=f"{shape}, effect {effect:g}")
    flat = rates[rates["shape"] == "flat"].groupby("n_examples")["rate_no_trend"].min()
    ax.plot(flat.index, 1 - flat.to_numpy(), "k--", marker="x", label="flat: false-positive rate (worst J)")
    ax.axhline(1 - level, color="grey", lw=0.8)
    ax.set_xscale("log")
    ax.set_xlabel("examples per model")
    ax.set_ylabel("share of simulated data sets")
    ax.set_title(f"Decision rule by simulation ({rates['n_models'].max()} models; flat: all model counts)")
    ax.legend(fontsize=7, ncol=2, loc="lower right")
    return ax


def label_counts(table: pd.DataFrame, ax=None, *, by: str = "family"):
    """Stacked counts of labels per ``by`` (e.g. family) of a tidy classification table."""
    ax = plotting.axes(ax)
    counts = table.groupby([by, "label"]).size().unstack(fill_value=0).reindex(columns=list(LABELS), fill_value=0)
    counts.plot.barh(stacked=True, ax=ax)
    ax.set_xlabel("tasks (count)")
    ax.set_ylabel(by)
    return ax
