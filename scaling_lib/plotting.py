"""Figures for the notebooks: every function draws on an Axes (created if not given) and returns it.

Axes carry units; scaling quantities (parameters, tokens, FLOP, samples) go on log axes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import LogNorm

__all__ = ["source_overview", "loss_scatter", "fit_curves", "allocation", "backtest", "bootstrap_params",
           "TOUR"]


def _axes(ax):
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 4.2))
    return ax


# ---------------------------------------------------------------------------------------------
# Data tour: one figure per registered source


@dataclass(frozen=True)
class TourView:
    """How the data tour shows one source: a selection of its tidy table and what goes on each axis."""

    select: Callable[[pd.DataFrame], pd.DataFrame]
    x: str
    y: str
    hue: str | None
    x_label: str
    y_label: str
    title: str
    log_y: bool = False


def _mean_by(frame, keys, value):
    return frame.groupby(keys, as_index=False, observed=True)[value].mean()


TOUR = {
    "chinchilla_epoch": TourView(lambda t: t, "C", "loss", "N", "training compute C (FLOP)",
                                 "final training loss (nats/token)", "Chinchilla runs (Hoffmann et al. Fig. 4)"),
    "chinchilla_model_params": TourView(lambda t: t, "reported_params", "relative_error_pct", None,
                                        "reported parameters (Table A9)", "relative error of count (%)",
                                        "Chinchilla configs: reported vs recomputed size"),
    "misfitting_scaling": TourView(lambda t: t, "D", "loss", "N", "tokens seen D", "C4 eval loss (nats/token)",
                                   "Li et al. (2025): every checkpoint"),
    "gadre_overtraining": TourView(lambda t: t[t["metric"] == "c4_val"], "C", "value", "multiplier",
                                   "training compute C (FLOP)", "C4 val loss (nats/token)",
                                   "Gadre et al. (2024): colour = tokens per parameter"),
    "colpret_subset": TourView(lambda t: t[(t["unit"] == "nats/token") & t["D"].notna()], "D", "value", "N",
                               "tokens seen D", "loss (nats/token)", "ColPret: OPT and GPT-3 trajectories"),
    "pythia_evals": TourView(lambda t: t[(t["task"] == "lambada_openai") & (t["metric"] == "acc")
                                         & (t["n_shot"] == 0) & (t["tokens"] > 0) & ~t["deduped"]],
                             "tokens", "value", "N", "tokens seen", "LAMBADA accuracy (fraction)",
                             "Pythia: zero-shot LAMBADA over training"),
    "obsscaling": TourView(lambda t: t[(t["table"] == "base_benchmark") & (t["benchmark"] == "MMLU")
                                       & t["C"].notna()], "C", "value", None, "training compute C (FLOP)",
                           "MMLU accuracy (fraction)", "Observational scaling: public base models"),
    "ukp_on_emergence": TourView(lambda t: _mean_by(t[(t["metric"] == "exact_match_accuracy") & t["N"].notna()],
                                                    ["model", "N"], "value"), "N", "value", None,
                                 "parameters N", "mean exact-match accuracy (fraction)",
                                 "Lu et al. (2024): mean over tasks and settings"),
    "inverse_scaling_naimenz": TourView(
        lambda t: _mean_by(t[t["duplicate_of"].isna() & t["loss"].notna()], ["experiment", "model_family", "N"],
                           "loss"), "N", "loss", "experiment", "parameters N", "mean loss (nats)",
        "Inverse-scaling pilot tasks: one line per experiment", log_y=True),
    "monkey_power_laws": TourView(
        lambda t: _mean_by(t[t["table"] == "pythia_checkpoints"].assign(
            coverage=lambda f: (f["n_correct"] > 0).astype(float)), ["benchmark", "N"], "coverage"),
        "N", "coverage", "benchmark", "parameters N", "coverage (fraction solved in n samples)",
        "Large Language Monkeys: Pythia coverage"),
    "llmonkeys_digitized": TourView(lambda t: t, "k", "value", "curve", "samples k",
                                    "coverage or majority-vote accuracy", "Digitised LLMonkeys curves"),
}


def source_overview(name: str, table: pd.DataFrame, ax=None):
    """One figure of what source ``name`` holds (see :data:`TOUR` for what is plotted)."""
    if name not in TOUR:
        raise KeyError(f"no overview for source {name!r}; known: {sorted(TOUR)}")
    view = TOUR[name]
    frame = view.select(table)
    ax = _axes(ax)
    hue = frame[view.hue] if view.hue else None
    if hue is not None and pd.api.types.is_numeric_dtype(hue):
        points = ax.scatter(frame[view.x], frame[view.y], c=hue, s=10, cmap="viridis", norm=LogNorm())
        ax.figure.colorbar(points, ax=ax, label=view.hue)
    elif hue is not None:
        groups = frame.sort_values(view.x).groupby(view.hue, observed=True)
        for key, group in groups:
            ax.plot(group[view.x], group[view.y], marker=".", lw=0.8, alpha=0.6, label=str(key))
        if groups.ngroups <= 8:
            ax.legend(fontsize="x-small")
    else:
        ax.scatter(frame[view.x], frame[view.y], s=12)
    ax.set(xscale="log", xlabel=view.x_label, ylabel=view.y_label, title=view.title)
    if view.log_y:
        ax.set_yscale("log")
    return ax


# ---------------------------------------------------------------------------------------------
# Fits


def loss_scatter(N, C, loss, ax=None, title="Training runs"):
    """Loss against compute, coloured by model size (log colour scale)."""
    ax = _axes(ax)
    points = ax.scatter(C, loss, c=N, s=12, cmap="viridis", norm=LogNorm())
    ax.figure.colorbar(points, ax=ax, label="parameters N")
    ax.set(xscale="log", xlabel="training compute C (FLOP)", ylabel="loss (nats/token)", title=title)
    return ax


def fit_curves(fit, N, D, loss, ax=None, n_curves=5, title=None):
    """Observed loss against tokens with the fitted law at a few model sizes (Chinchilla-type laws)."""
    ax = _axes(ax)
    N, D, loss = (np.asarray(v, dtype=float) for v in (N, D, loss))
    norm = LogNorm(N.min(), N.max())
    ax.scatter(D, loss, c=N, s=10, cmap="viridis", norm=norm, alpha=0.7)
    d_grid = np.geomspace(D.min(), D.max() * 10, 200)
    for n in np.geomspace(N.min(), N.max(), n_curves):
        ax.plot(d_grid, fit.predict(np.full_like(d_grid, n), d_grid), color=plt.cm.viridis(norm(n)),
                lw=1.5, label=f"N = {n:.2g}")
    ax.set(xscale="log", xlabel="training tokens D", ylabel="loss (nats/token)",
           title=title or f"{fit.law.name} fit")
    ax.legend(fontsize="small", title="fitted law at")
    return ax


def allocation(table: pd.DataFrame, ax=None, label="Approach 3 (parametric fit)", isoflop=None,
               marker_budget=None):
    """Compute-optimal N against C with the bootstrap band; optionally Approach 2's power law and minima."""
    ax = _axes(ax)
    line, = ax.plot(table["C"], table["N_opt"], label=label)
    ax.fill_between(table["C"], table["N_low"], table["N_high"], color=line.get_color(), alpha=0.2,
                    label=f"{label}: bootstrap interval")
    if isoflop is not None:
        est = isoflop.n_opt(table["C"].to_numpy())
        iso_line, = ax.plot(table["C"], est.value, ls="--", label=f"Approach 2 (IsoFLOP), a = {isoflop.a.value:.3f}")
        ax.fill_between(table["C"], est.low, est.high, color=iso_line.get_color(), alpha=0.15)
        ok = isoflop.profiles.dropna()
        ax.scatter(ok["C"], ok["N_opt"], color=iso_line.get_color(), zorder=3, label="IsoFLOP parabola minima")
    if marker_budget is not None:
        ax.axvline(marker_budget, color="grey", lw=0.8, ls=":")
    ax.set(xscale="log", yscale="log", xlabel="compute budget C (FLOP)", ylabel="compute-optimal parameters N_opt",
           title="Compute-optimal model size")
    ax.legend(fontsize="small")
    return ax


def backtest(result, ax=None, title="Backtest: fit small, predict large"):
    """Predicted against actual held-out values with their intervals; the diagonal is a perfect forecast."""
    ax = _axes(ax)
    table = result.table
    err = np.vstack([table["predicted"] - table["low"], table["high"] - table["predicted"]])
    ax.errorbar(table["actual"], table["predicted"], yerr=err, fmt="o", ms=4, capsize=2)
    lo = min(table["actual"].min(), table["low"].min())
    hi = max(table["actual"].max(), table["high"].max())
    ax.plot([lo, hi], [lo, hi], color="grey", lw=0.8)
    ax.set(xlabel="actual loss (nats/token)", ylabel="predicted loss (nats/token)",
           title=f"{title}\nmean |error| {100 * result.mean_abs_rel_error:.2f}%, coverage {result.coverage:.0%}")
    return ax


def bootstrap_params(fit, names=("alpha", "beta"), reference=None, axes=None):
    """Histograms of bootstrap draws, with the estimate and optional reference values marked."""
    if fit.bootstrap is None:
        raise ValueError("bootstrap_params needs a fit with n_bootstrap > 0")
    if axes is None:
        _, axes = plt.subplots(1, len(names), figsize=(3.4 * len(names), 3.0))
    for ax, name in zip(np.atleast_1d(axes), names):
        ax.hist(fit.bootstrap[name].dropna(), bins=40, color="lightsteelblue")
        ax.axvline(fit.params[name], color="navy", label="this fit")
        for label, values in (reference or {}).items():
            if name in values:
                ax.axvline(values[name], ls="--", color="crimson" if "Hoffmann" in label else "darkorange",
                           label=label)
        ax.set(xlabel=name, ylabel="bootstrap draws")
    np.atleast_1d(axes)[0].legend(fontsize="x-small")
    return axes
