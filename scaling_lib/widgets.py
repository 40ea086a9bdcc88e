"""Interactive explorers that degrade to a static figure when no front end is attached.

Headless runs (papermill, nbconvert, nbval) save widget state that offline readers cannot
render, so each explorer always draws a static figure first and adds the ipywidgets controls
only when a notebook front end (JupyterLab, Notebook, VS Code) is driving the kernel.
"""
from __future__ import annotations

import os

import matplotlib.pyplot as plt
import numpy as np

from . import plotting
from .allocation import compute_optimal

__all__ = ["has_front_end", "allocation_explorer"]

#: Set to 1 to force the static figure (e.g. in scripted runs), to 0 to force the widgets.
HEADLESS_ENV = "SCALING_LIB_HEADLESS"


def has_front_end() -> bool:
    """Whether an interactive front end drives this kernel.

    True inside an IPython kernel launched by a Jupyter server (which sets ``JPY_SESSION_NAME``)
    or by VS Code; false in plain Python, papermill and nbconvert runs. ``SCALING_LIB_HEADLESS``
    overrides the guess.
    """
    forced = os.environ.get(HEADLESS_ENV)
    if forced is not None:
        return forced.strip() in ("0", "false", "no")
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None or type(shell).__name__ != "ZMQInteractiveShell":
        return False
    return any(key in os.environ for key in ("JPY_SESSION_NAME", "VSCODE_PID", "VSCODE_CWD"))


def _allocation_text(row) -> str:
    return (f"C = {row.C:.3g} FLOP: N_opt = {row.N_opt:.3g} ({row.N_low:.3g} to {row.N_high:.3g}) parameters, "
            f"D_opt = {row.D_opt:.3g} ({row.D_low:.3g} to {row.D_high:.3g}) tokens, "
            f"{row.tokens_per_param:.1f} ({row.tpp_low:.1f} to {row.tpp_high:.1f}) tokens per parameter")


def allocation_explorer(fit, *, budget: float = 5.88e23, budgets=None, isoflop=None, interactive: bool | None = None):
    """Explore the compute-optimal allocation of a fitted L(N, D) with its bootstrap band.

    Parameters
    ----------
    fit : FitResult
        Fit of a law of (N, D) with ``n_bootstrap > 0`` for the bands.
    budget : float
        Compute budget (FLOP) marked and described; the slider's start.
    budgets : array_like, optional
        Budgets (FLOP) spanned by the figure and the slider; default 1e18 to 1e26.
    isoflop : IsoFlopResult, optional
        Approach-2 result drawn for comparison.
    interactive : bool, optional
        Force (True) or suppress (False) the widgets; default :func:`has_front_end`.

    Returns
    -------
    DataFrame
        The allocation at every budget of ``budgets`` (see :func:`compute_optimal`).
    """
    budgets = np.geomspace(1e18, 1e26, 41) if budgets is None else np.asarray(budgets, dtype=float)
    table = compute_optimal(fit, budgets)

    def draw(at):
        ax = plotting.allocation(table, isoflop=isoflop, marker_budget=at)
        row = compute_optimal(fit, [at]).iloc[0]
        ax.errorbar([at], [row.N_opt], yerr=[[row.N_opt - row.N_low], [row.N_high - row.N_opt]], fmt="o",
                    color="black", capsize=3)
        ax.set_title(f"Compute-optimal model size; marked: {at:.3g} FLOP")
        plt.show()
        print(_allocation_text(row))

    draw(budget)
    if interactive if interactive is not None else has_front_end():
        import ipywidgets as widgets
        from IPython.display import display

        slider = widgets.FloatLogSlider(value=budget, base=10, min=np.log10(budgets.min()),
                                        max=np.log10(budgets.max()), step=0.05, description="C (FLOP)",
                                        readout_format=".3g", continuous_update=False)
        output = widgets.Output()

        def update(change):
            with output:
                output.clear_output(wait=True)
                draw(change["new"])

        slider.observe(update, names="value")
        display(widgets.VBox([slider, output]))
    return table
