"""Figures for the notebooks.

Every single-panel function draws on an Axes (created if not given) and returns it; the
multi-panel functions (:func:`source_overviews`, :func:`backtest_panels`) return the Figure.
Axes carry units; scaling quantities (parameters, tokens, FLOP, samples) go on log axes, and
colour scales of sizes are logarithmic. Nothing here changes matplotlib's global state; call
:func:`set_style` once for the workbook's theme.

Every function raises a ``ValueError`` naming itself and what is empty when given nothing to draw.
"""
from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

from . import analysis
from .allocation import IsoFlopResult
from .backtest import BacktestResult
from .fitting import FitResult

__all__ = ["set_style", "axes", "TourView", "TOUR", "source_overview", "source_overviews", "loss_scatter", "fit_curves",
           "allocation_curve", "backtest_scatter", "backtest_panels", "bootstrap_params"]

_SIZE_CMAP = "viridis"
_PANEL_SIZE = (5.4, 4.2)  # inches per panel of the data tour
_MAX_LEGEND_ENTRIES = 8


def set_style(context: str = "notebook", font_scale: float = 1.0) -> None:
    """Apply the workbook's seaborn theme to every later figure.

    A white grid (readable on log axes), the colour-blind palette, a white figure background
    and 150 dpi saved PNGs. Changes matplotlib's global ``rcParams``; importing this module does not.

    Parameters
    ----------
    context : {"paper", "notebook", "talk", "poster"}
        Seaborn plotting context: scales fonts and lines.
    font_scale : float
        Extra factor on the context's font sizes.
    """
    sns.set_theme(context=context, style="whitegrid", palette="colorblind", font_scale=font_scale,
                  rc={"figure.facecolor": "white", "savefig.facecolor": "white", "savefig.dpi": 150})


def axes(ax: Axes | None = None, *, figsize: tuple[float, float] = (6.4, 4.2)) -> Axes:
    """``ax``, or the Axes of a new figure of ``figsize`` inches when ``ax`` is None (every figure function here,
    and the topics' own, draw on it)."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _runs(func: str, **arrays) -> list[np.ndarray]:
    """The given arrays as float arrays of one common, non-empty shape, else a ValueError naming ``func``."""
    values = [np.asarray(v, dtype=float) for v in arrays.values()]
    names = ", ".join(arrays)
    if any(v.size == 0 for v in values):
        raise ValueError(f"{func}: nothing to draw, {names} are empty")
    shapes = {v.shape for v in values}
    if len(shapes) > 1:
        raise ValueError(f"{func}: {names} must have one shape; got shapes {[v.shape for v in values]}")
    return values


def _log_hue_scatter(ax, x, y, hue, label: str, **kwargs) -> LogNorm:
    """Scatter ``y`` against ``x`` coloured by a positive size ``hue`` on a log colour bar labelled ``label``."""
    hue = np.asarray(hue, dtype=float)
    norm = LogNorm(np.nanmin(hue), np.nanmax(hue))
    sns.scatterplot(x=np.asarray(x), y=np.asarray(y), hue=hue, hue_norm=norm, palette=_SIZE_CMAP, legend=False,
                    linewidth=0, ax=ax, **kwargs)
    ax.figure.colorbar(ScalarMappable(norm=norm, cmap=_SIZE_CMAP), ax=ax, label=label)
    return norm


def _band(ax, x, low, high, color, label=None, alpha=0.2):
    """Shade an interval, unless it is undefined (NaN everywhere: a fit without bootstrap)."""
    low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    if np.isfinite(low).any() and np.isfinite(high).any():
        ax.fill_between(x, low, high, color=color, alpha=alpha, label=label)


# ---------------------------------------------------------------------------------------------
# Data tour: one panel per registered source


@dataclass(frozen=True)
class TourView:
    """How the data tour draws one source's overview table (from :func:`scaling_lib.analysis.overview_table`).

    Attributes
    ----------
    x, y : str
        Columns on the axes; ``x`` is a scale and goes on a log axis.
    hue : str or None
        Column that colours the points: a numeric column (a size) on a log colour bar, a
        categorical one as one line per value.
    x_label, y_label : str
        Axis labels, with units.
    title : str
    hue_label : str, optional
        Colour-bar or legend title, with units; defaults to ``hue``.
    log_y : bool
        Whether ``y`` also goes on a log axis.
    """

    x: str
    y: str
    hue: str | None
    x_label: str
    y_label: str
    title: str
    hue_label: str | None = None
    log_y: bool = False


_TRAINING_C = "training compute C (FLOP)"
_PARAMETERS = "parameters N"

#: Source name -> :class:`TourView`; the rows drawn are ``analysis.overview_table(name, table)``.
TOUR = {
    "chinchilla_epoch": TourView("C", "loss", "N", _TRAINING_C, "final training loss (nats/token)",
                                 "Chinchilla runs (Hoffmann et al. Fig. 4)", hue_label=_PARAMETERS),
    "chinchilla_model_params": TourView("reported_params", "relative_error_pct", None,
                                        "reported parameters (Table A9)", "relative error of count (%)",
                                        "Chinchilla configs: reported vs recomputed size"),
    "misfitting_scaling": TourView("D", "loss", "N", "tokens seen D", "C4 eval loss (nats/token)",
                                   "Li et al. (2025): every checkpoint", hue_label=_PARAMETERS),
    "gadre_overtraining": TourView("C", "value", "multiplier", _TRAINING_C, "C4 val loss (nats/token)",
                                   "Gadre et al. (2024): over-trained models",
                                   hue_label="tokens per parameter (multiplier)"),
    "colpret_subset": TourView("D", "value", "N", "tokens seen D", "loss (nats/token)",
                               "ColPret: OPT and GPT-3 trajectories", hue_label=_PARAMETERS),
    "pythia_evals": TourView("tokens", "value", "N", "tokens seen", "LAMBADA accuracy (fraction)",
                             "Pythia: zero-shot LAMBADA over training", hue_label=_PARAMETERS),
    "obsscaling": TourView("C", "value", None, _TRAINING_C, "MMLU accuracy (fraction)",
                           "Observational scaling: public base models"),
    "ukp_on_emergence": TourView("N", "value", None, _PARAMETERS, "mean exact-match accuracy (fraction)",
                                 "Lu et al. (2024): mean over tasks and settings"),
    "inverse_scaling_naimenz": TourView("N", "loss", "experiment", _PARAMETERS, "mean loss (nats)",
                                        "Inverse-scaling pilot tasks: one line per experiment", log_y=True),
    "monkey_power_laws": TourView(
        "N", "coverage", "benchmark", _PARAMETERS,
        f"coverage at k = {analysis.OVERVIEW_COVERAGE_K} samples\n(unbiased pass@k, final models)",
        "Large Language Monkeys: Pythia coverage"),
    "llmonkeys_digitized": TourView("k", "value", "curve", "samples k", "coverage or majority-vote accuracy",
                                    "Digitised LLMonkeys curves"),
}


def source_overview(name: str, table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """One panel of what source ``name`` holds.

    Parameters
    ----------
    name : str
        A key of :data:`TOUR`.
    table : DataFrame
        The source's tidy table, ``scaling_lib.datasets.load(name)``.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        The rows of ``analysis.overview_table(name, table)``, drawn as ``TOUR[name]`` says.

    Raises
    ------
    KeyError
        If ``name`` has no entry in :data:`TOUR`.
    ValueError
        If ``table`` is empty, or is not the tidy table of ``name`` (from ``overview_table``).
    """
    if name not in TOUR:
        raise KeyError(f"no overview for source {name!r}; known: {sorted(TOUR)}")
    if table.empty:
        raise ValueError(f"source_overview: the table of source {name!r} is empty")
    frame = analysis.overview_table(name, table)
    view = TOUR[name]
    ax = axes(ax)
    hue_label = view.hue_label or view.hue
    if view.hue is None:
        sns.scatterplot(data=frame, x=view.x, y=view.y, s=12, linewidth=0, ax=ax)
    elif pd.api.types.is_numeric_dtype(frame[view.hue]):
        _log_hue_scatter(ax, frame[view.x], frame[view.y], frame[view.hue], hue_label, s=10)
    else:
        show_legend = frame[view.hue].nunique() <= _MAX_LEGEND_ENTRIES
        sns.lineplot(data=frame, x=view.x, y=view.y, hue=view.hue, estimator=None, sort=True, marker=".",
                     markeredgewidth=0, lw=0.8, alpha=0.7, legend="auto" if show_legend else False, ax=ax)
        if show_legend:
            sns.move_legend(ax, "best", fontsize="x-small", title=hue_label, title_fontsize="x-small")
    ax.set(xscale="log", xlabel=view.x_label, ylabel=view.y_label, title=view.title)
    if view.log_y:
        ax.set_yscale("log")
    return ax


def source_overviews(tables: dict[str, pd.DataFrame], n_cols: int = 3) -> Figure:
    """The data tour: :func:`source_overview` of every source, one panel each, in dict order.

    Parameters
    ----------
    tables : dict
        Source name (a key of :data:`TOUR`) -> its tidy table.
    n_cols : int
        Panels per row (fewer when there are fewer sources); panels left over in the last row are hidden.

    Returns
    -------
    matplotlib Figure
        ``ceil(len(tables) / n_cols)`` rows of panels of 5.4 x 4.2 inches, tightly laid out.
    """
    if not tables:
        raise ValueError("source_overviews: no tables given (empty dict)")
    if n_cols < 1:
        raise ValueError(f"source_overviews: n_cols must be at least 1, got {n_cols}")
    n_cols = min(n_cols, len(tables))
    n_rows = -(-len(tables) // n_cols)
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(_PANEL_SIZE[0] * n_cols, _PANEL_SIZE[1] * n_rows),
                             squeeze=False)
    for ax, (name, table) in zip(axes.flat, tables.items()):
        source_overview(name, table, ax=ax)
    for ax in axes.flat[len(tables):]:
        ax.set_visible(False)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------------------------------------
# Fits


def loss_scatter(N, C, loss, ax: Axes | None = None, title: str = "Training runs") -> Axes:
    """Loss against compute, coloured by model size on a log colour scale.

    Parameters
    ----------
    N, C, loss : array_like, shape (n,)
        Model size (parameters), training compute (FLOP), loss (nats/token).
    ax : matplotlib Axes, optional
    title : str

    Returns
    -------
    matplotlib Axes
    """
    N, C, loss = _runs("loss_scatter", N=N, C=C, loss=loss)
    ax = axes(ax)
    _log_hue_scatter(ax, C, loss, N, _PARAMETERS, s=14)
    ax.set(xscale="log", xlabel=_TRAINING_C, ylabel="loss (nats/token)", title=title)
    return ax


def fit_curves(fit: FitResult, N, D, loss, ax: Axes | None = None, n_curves: int = 5,
               title: str | None = None) -> Axes:
    """Observed loss against tokens with the fitted law at a few model sizes.

    Parameters
    ----------
    fit : FitResult
        A fit of a law of (N, D), e.g. from :func:`scaling_lib.fit_chinchilla`.
    N, D, loss : array_like, shape (n,)
        Model size (parameters), training tokens, loss (nats/token) of the runs.
    ax : matplotlib Axes, optional
    n_curves : int
        Model sizes, log-spaced over the range of ``N``, at which the law is drawn up to ten
        times the largest ``D``.
    title : str, optional
        Defaults to the law's name.

    Returns
    -------
    matplotlib Axes
    """
    if tuple(fit.law.inputs) != ("N", "D"):
        raise ValueError(f"fit_curves needs a fit of a law of (N, D); {fit.law.name} takes {fit.law.inputs}")
    N, D, loss = _runs("fit_curves", N=N, D=D, loss=loss)
    ax = axes(ax)
    norm = _log_hue_scatter(ax, D, loss, N, _PARAMETERS, s=12, alpha=0.7)
    d_grid = np.geomspace(D.min(), D.max() * 10, 200)
    cmap = plt.get_cmap(_SIZE_CMAP)
    for n in np.geomspace(N.min(), N.max(), n_curves):
        ax.plot(d_grid, fit.predict(np.full_like(d_grid, n), d_grid), color=cmap(norm(n)), lw=1.5,
                label=f"N = {n:.2g}")
    ax.set(xscale="log", xlabel="training tokens D", ylabel="loss (nats/token)",
           title=title or f"{fit.law.name} fit")
    ax.legend(fontsize="small", title="fitted law at")
    return ax


_ALLOCATION_COLUMNS = ["C", "N_opt", "N_low", "N_high"]


def allocation_curve(table: pd.DataFrame, ax: Axes | None = None, label: str = "Approach 3 (parametric fit)",
                     isoflop: IsoFlopResult | None = None, marker_budget: float | None = None) -> Axes:
    """Compute-optimal model size against compute budget, with its bootstrap interval.

    Parameters
    ----------
    table : DataFrame
        From :func:`scaling_lib.allocation.compute_optimal`: ``C`` (FLOP), ``N_opt``, ``N_low``,
        ``N_high`` (parameters), one row per budget. The interval is shaded when defined (a fit
        with bootstrap).
    ax : matplotlib Axes, optional
    label : str
        Legend entry of the curve.
    isoflop : IsoFlopResult, optional
        Approach 2: its power law ``N_opt = G C^a`` at the same budgets and its parabola minima.
    marker_budget : float, optional
        A budget (FLOP) to mark with a vertical line.

    Returns
    -------
    matplotlib Axes
    """
    missing = [c for c in _ALLOCATION_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"allocation_curve: table lacks column(s) {missing} (use allocation.compute_optimal); "
                         f"got {list(table.columns)}")
    if table.empty:
        raise ValueError("allocation_curve: the allocation table is empty (no budgets)")
    ax = axes(ax)
    line, = ax.plot(table["C"], table["N_opt"], label=label)
    _band(ax, table["C"], table["N_low"], table["N_high"], line.get_color(), f"{label}: bootstrap interval")
    if isoflop is not None:
        est = isoflop.n_opt(table["C"].to_numpy())
        iso_line, = ax.plot(table["C"], est.value, ls="--",
                            label=f"Approach 2 (IsoFLOP), a = {isoflop.exponent.value:.3f}")
        _band(ax, table["C"], est.low, est.high, iso_line.get_color(), alpha=0.15)
        ok = isoflop.profiles.dropna()
        ax.scatter(ok["C"], ok["N_opt"], color=iso_line.get_color(), zorder=3, label="IsoFLOP parabola minima")
    if marker_budget is not None:
        ax.axvline(marker_budget, color="grey", lw=0.8, ls=":")
    ax.set(xscale="log", yscale="log", xlabel="compute budget C (FLOP)",
           ylabel="compute-optimal size N_opt (parameters)", title="Compute-optimal model size")
    ax.legend(fontsize="small")
    return ax


def backtest_scatter(result: BacktestResult, ax: Axes | None = None,
                     title: str = "Backtest: fit small, predict large") -> Axes:
    """Predicted against actual held-out losses with their intervals; the diagonal is a perfect forecast.

    Parameters
    ----------
    result : BacktestResult
        From :func:`scaling_lib.backtest.backtest`. Points whose interval is undefined (NaN: a
        backtest without bootstrap) get no error bar, and the title then reads "coverage n/a".
    ax : matplotlib Axes, optional
    title : str
        First line of the title; the second gives the mean absolute relative error and the coverage.

    Returns
    -------
    matplotlib Axes
    """
    table = result.table
    if table.empty:
        raise ValueError("backtest_scatter: the backtest has no held-out rows")
    actual, predicted, low, high = (table[c].to_numpy(dtype=float) for c in ("actual", "predicted", "low", "high"))
    ax = axes(ax)
    points, = ax.plot(actual, predicted, "o", ms=4)
    bounded = np.isfinite(low) & np.isfinite(high)
    if bounded.any():
        err = np.vstack([predicted - low, high - predicted])[:, bounded]
        ax.errorbar(actual[bounded], predicted[bounded], yerr=err, fmt="none", ecolor=points.get_color(), capsize=2)
    lo = np.nanmin(np.concatenate([actual, predicted, low, high]))
    hi = np.nanmax(np.concatenate([actual, predicted, low, high]))
    ax.plot([lo, hi], [lo, hi], color="grey", lw=0.8)
    coverage = "coverage n/a" if np.isnan(result.coverage) else f"coverage {result.coverage:.0%}"
    ax.set(xlabel="actual loss (nats/token)", ylabel="predicted loss (nats/token)",
           title=f"{title}\nmean |error| {100 * result.mean_abs_rel_error:.2f}%, {coverage}")
    return ax


def backtest_panels(results: dict[str, BacktestResult]) -> Figure:
    """:func:`backtest_scatter` of several backtests side by side, each titled with its name.

    Parameters
    ----------
    results : dict
        Design name -> :class:`scaling_lib.backtest.BacktestResult`, e.g. the first output of
        :func:`scaling_lib.backtest.run_backtests`.

    Returns
    -------
    matplotlib Figure
        One row of 4.6 x 4.2 inch panels, tightly laid out.
    """
    if not results:
        raise ValueError("backtest_panels: no backtest results given (empty dict)")
    fig, axes = plt.subplots(1, len(results), figsize=(4.6 * len(results), 4.2), squeeze=False)
    for ax, (name, result) in zip(axes.flat, results.items()):
        backtest_scatter(result, ax=ax, title=name)
    fig.tight_layout()
    return fig


_PARAM_LABELS = {"E": "E, irreducible loss (nats/token)", "alpha": "alpha, exponent of N",
                 "beta": "beta, exponent of D"}


def bootstrap_params(fit: FitResult, names=("alpha", "beta"), reference: dict | None = None,
                     axes=None) -> np.ndarray:
    """Histograms of bootstrap draws of some parameters, with the estimate and reference values marked.

    Parameters
    ----------
    fit : FitResult
        A fit with ``n_bootstrap > 0``.
    names : sequence of str
        Parameters of ``fit.law``, one panel each.
    reference : dict, optional
        Label -> dict of parameter values (e.g. ``published.HOFFMANN_2022``), drawn as dashed
        lines, one colour per label.
    axes : array of matplotlib Axes, optional
        One per name; a row of new panels by default.

    Returns
    -------
    ndarray of matplotlib Axes, shape (len(names),)
    """
    if fit.bootstrap is None or fit.bootstrap.empty:
        raise ValueError("bootstrap_params: the fit has no bootstrap draws; fit with n_bootstrap > 0")
    if not names:
        raise ValueError("bootstrap_params: no parameter names given")
    unknown = [n for n in names if n not in fit.bootstrap.columns]
    if unknown:
        raise ValueError(f"bootstrap_params: {fit.law.name} has no parameter(s) {unknown}; "
                         f"it has {list(fit.law.param_names)}")
    if axes is None:
        _, axes = plt.subplots(1, len(names), figsize=(3.4 * len(names), 3.0))
    axes = np.atleast_1d(axes)
    reference = reference or {}
    colours = dict(zip(reference, sns.color_palette("colorblind", len(reference) + 1)[1:]))
    for ax, name in zip(axes, names):
        draws = fit.bootstrap[name].dropna()
        if draws.empty:
            raise ValueError(f"bootstrap_params: every bootstrap draw of {name} failed (all NaN)")
        sns.histplot(x=draws.to_numpy(), color="lightsteelblue", ax=ax)
        ax.axvline(fit.params[name], color="navy", label="this fit")
        for label, values in reference.items():
            if name in values:
                ax.axvline(values[name], ls="--", color=colours[label], label=label)
        ax.set(xlabel=_PARAM_LABELS.get(name, name), ylabel="bootstrap draws (count)")
    legend = {}  # label -> line over all panels, since a reference may give only some of the names
    for ax in axes:
        handles, labels = ax.get_legend_handles_labels()
        legend.update(zip(labels, handles))
    axes[0].legend(list(legend.values()), list(legend), fontsize="x-small")
    return axes
