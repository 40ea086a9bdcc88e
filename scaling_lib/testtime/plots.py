"""Figures of the test-time topic: samples and FLOP on log axes, units in every label.

Each function draws on an Axes (created if not given) and returns it.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .. import plotting

__all__ = ["coverage_by_model", "neg_log_coverage", "per_problem_failures", "forecast_curves", "votes_vs_coverage",
           "verifier_outcomes", "utility_curve", "frontier", "relative_errors"]

K_LABEL = "samples per problem k"


def _colors(count):
    return plt.cm.viridis(np.linspace(0.0, 0.9, max(count, 1)))


def coverage_by_model(curves: dict, *, digitized=None, ax=None):
    """Coverage against k for each model (``label -> CoverageResult``), bands where bootstrapped."""
    ax = plotting.axes(ax, figsize=(6.6, 4.3))
    for color, (label, curve) in zip(_colors(len(curves)), curves.items()):
        ax.plot(curve.k, curve.coverage, color=color, label=label)
        if curve.low is not None:
            ax.fill_between(curve.k, curve.low, curve.high, color=color, alpha=0.2, linewidth=0)
    if digitized is not None:
        k, value, label = digitized
        ax.plot(k, value, "kx", markersize=5, label=label)
    ax.set(xscale="log", xlabel=K_LABEL, ylabel="coverage (fraction of problems solved)",
           title="Coverage of MATH problems by repeated sampling")
    ax.legend(fontsize=8)
    return ax


def neg_log_coverage(curves: dict, fits: dict, *, ax=None):
    """``-log coverage`` against k on log-log axes with each model's fitted power law."""
    ax = plotting.axes(ax, figsize=(6.6, 4.3))
    for color, (label, curve) in zip(_colors(len(curves)), curves.items()):
        ax.plot(curve.k, -np.log(curve.coverage), "o", color=color, markersize=3, label=label)
        if label in fits:
            ax.plot(curve.k, -np.log(fits[label].predict(curve.k)), "-", color=color, linewidth=1)
    ax.set(xscale="log", yscale="log", xlabel=K_LABEL, ylabel="-log coverage (nats)",
           title="Exponentiated power law: -log coverage = a k^-b")
    ax.legend(fontsize=8)
    return ax


def per_problem_failures(k, observed, exponential, labels, *, ax=None):
    """Per-problem failure probability against k: unbiased (solid) and ``(1 - c/n)^k`` (dashed)."""
    ax = plotting.axes(ax, figsize=(6.6, 4.3))
    for color, obs, exp, label in zip(_colors(len(labels)), observed, exponential, labels):
        ax.plot(k, obs, color=color, label=label)
        ax.plot(k, exp, "--", color=color, linewidth=1)
    ax.set(xscale="log", yscale="log", ylim=(1e-6, 1.5), xlabel=K_LABEL,
           ylabel="failure probability 1 - pass_i@k", title="Each problem's failure falls exponentially in k")
    ax.legend(fontsize=8)
    return ax


def forecast_curves(k, reference, forecasts: dict, *, k_fit_max=None, ax=None):
    """``-log coverage`` of all samples (points) against forecasts (``label -> array over k``)."""
    ax = plotting.axes(ax, figsize=(6.6, 4.3))
    ax.plot(k, -np.log(reference), "ko", markersize=3, label="all 10,000 samples")
    for label, values in forecasts.items():
        ax.plot(k, -np.log(values), label=label)
    if k_fit_max is not None:
        ax.axvline(k_fit_max, color="grey", linestyle=":", label="fit range ends")
    ax.set(xscale="log", yscale="log", xlabel=K_LABEL, ylabel="-log coverage (nats)",
           title="Forecasting large-k coverage from few samples")
    ax.legend(fontsize=8)
    return ax


def votes_vs_coverage(k, coverage, votes: dict, *, digitized: dict | None = None, ax=None):
    """Coverage and majority-vote accuracy against k."""
    ax = plotting.axes(ax, figsize=(6.6, 4.3))
    ax.plot(k, coverage, "k-", label="coverage (oracle verifier)")
    for label, values in votes.items():
        ax.plot(k, values, label=label)
    for label, (dk, dv) in (digitized or {}).items():
        ax.plot(dk, dv, "x", markersize=5, label=label)
    ax.set(xscale="log", xlabel=K_LABEL, ylabel="accuracy (fraction of problems)",
           title="Majority voting plateaus; coverage keeps rising")
    ax.legend(fontsize=8)
    return ax


def verifier_outcomes(outcomes: dict, *, ax=None):
    """Accuracy of resample-until-accepted against k for each verifier (``label -> VerifierOutcome``)."""
    ax = plotting.axes(ax, figsize=(6.6, 4.3))
    for color, (label, out) in zip(_colors(len(outcomes)), outcomes.items()):
        ax.plot(out.k, out.correct, color=color, label=f"{label}: correct")
        ax.plot(out.k, out.wrong, "--", color=color, linewidth=1)
    ax.set(xscale="log", xlabel=K_LABEL, ylabel="fraction of problems (solid correct, dashed wrong)",
           title="Imperfect verifiers cap accuracy")
    ax.legend(fontsize=8)
    return ax


def utility_curve(k, utility, *, best_k=None, marked_k=None, ax=None, title=None):
    """Expected utility per problem against k, marking the optimum and a chosen k."""
    ax = plotting.axes(ax, figsize=(6.6, 4.3))
    ax.plot(k, utility, "C0-")
    if best_k is not None:
        ax.axvline(best_k, color="C2", linestyle="--", label=f"optimal k = {best_k}")
    if marked_k is not None:
        ax.axvline(marked_k, color="C3", linestyle=":", label=f"chosen k = {marked_k}")
    ax.axhline(0, color="grey", linewidth=0.8)
    ax.set(xscale="log", xlabel=K_LABEL, ylabel="expected utility per problem (1 = correct)",
           title=title or "Expected utility of resampling with a verifier")
    ax.legend(fontsize=8)
    return ax


def frontier(table, front, *, saturation=None, ax=None):
    """Coverage against inference FLOP per model (lines) and the Pareto frontier (thick)."""
    ax = plotting.axes(ax, figsize=(6.6, 4.3))
    models = list(dict.fromkeys(table["model"]))
    for color, model in zip(_colors(len(models)), models):
        rows = table[table["model"] == model]
        ax.plot(rows["flop"], rows["coverage"], color=color, linewidth=1, label=model)
    ax.plot(front["flop"], front["coverage"], "k--", linewidth=2.0, label="Pareto frontier")
    if saturation is not None and np.isfinite(saturation):
        ax.axvline(saturation, color="C3", linestyle=":", label="10x more FLOP buys < threshold")
    ax.set(xscale="log", xlabel="inference FLOP per problem (2 N T k)", ylabel="coverage (fraction of problems)",
           title="Small models with many samples against big ones with few")
    ax.legend(fontsize=7)
    return ax


def relative_errors(n, errors: dict, *, ax=None):
    """Relative error of pass@k implementations against exact arithmetic, over n."""
    ax = plotting.axes(ax, figsize=(6.6, 4.3))
    for label, values in errors.items():
        ax.plot(n, np.maximum(values, 1e-17), "o-", markersize=3, label=label)
    ax.set(xscale="log", yscale="log", xlabel="samples per problem n",
           ylabel="relative error of pass@1 (c = 1)", title="pass@k at tiny pass rates")
    ax.legend(fontsize=8)
    return ax
