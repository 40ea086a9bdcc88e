"""The theory explorer: data before pruning, keep fraction and probe angle, drawn statically when headless."""
from __future__ import annotations

import numpy as np

from .. import plotting, widgets
from .theory import perceptron_theory

__all__ = ["theory_explorer", "describe_pruning"]


def describe_pruning(alpha_tot: float, keep_fraction: float, theta: float) -> str:
    """One sentence: the theory error of keep-hard, keep-easy and no pruning at the same alpha_prune."""
    alpha_prune = alpha_tot * keep_fraction
    hard, easy = (perceptron_theory(alpha_tot, keep_fraction, theta=theta, keep=keep) for keep in ("hard", "easy"))
    unpruned = perceptron_theory(alpha_prune, 1.0)
    # At f = 1 both rules keep everything; the quadratures then differ only in their last digits.
    verdict = ("both rules keep the same" if np.isclose(hard, easy, rtol=1e-4)
               else f"keeping {'hard' if hard < easy else 'easy'} wins")
    return (f"α_tot = {alpha_tot:.3g}, f = {keep_fraction:.2f}, θ = {np.degrees(theta):.0f}°: "
            f"keep hard ε = {hard:.4f}, keep easy ε = {easy:.4f}, unpruned data of the same size "
            f"(α = {alpha_prune:.3g}) ε = {unpruned:.4f}; {verdict}")


def theory_explorer(*, alpha_tot: float = 4.0, keep_fraction: float = 0.5, theta_degrees: float = 0.0,
                    alpha_grid=None, interactive: bool | None = None):
    """Explore the replica theory's error curves over alpha_tot, keep fraction f and probe angle theta.

    Draws, for the chosen f and theta, error against alpha_tot for keep-hard and keep-easy pruning next to no
    pruning at the same kept size, and marks the chosen alpha_tot.

    Parameters
    ----------
    alpha_tot : float
        Start value: examples per dimension before pruning.
    keep_fraction : float
        Start value of f in (0, 1].
    theta_degrees : float
        Start value of the probe-teacher angle, degrees (0 = perfect metric).
    alpha_grid : array_like, optional
        alpha_tot values of the curves (default 12 values from 0.5 to 50, log-spaced).
    interactive : bool, optional
        Force (True) or suppress (False) the controls; default :func:`scaling_lib.widgets.has_front_end`.
    """
    grid = np.geomspace(0.5, 50.0, 12) if alpha_grid is None else np.asarray(alpha_grid, dtype=float)

    def draw(alpha_tot, keep_fraction, theta_degrees):
        theta = np.radians(theta_degrees)
        ax = plotting.axes(figsize=(6.6, 4.3))
        for keep, style in (("hard", "-"), ("easy", "--")):
            ax.plot(grid, perceptron_theory(grid, keep_fraction, theta=theta, keep=keep), style,
                    label=f"keep {keep} (f = {keep_fraction:.2f})")
        ax.plot(grid, perceptron_theory(grid * keep_fraction, 1.0), "k:", label="no pruning, same kept size")
        ax.axvline(alpha_tot, color="grey", linewidth=1)
        ax.set(xscale="log", yscale="log", xlabel="examples per dimension before pruning α_tot",
               ylabel="generalisation error ε = arccos(R)/π",
               title=f"Replica theory at f = {keep_fraction:.2f}, θ = {theta_degrees:.0f}°")
        ax.legend(fontsize=8)
        return describe_pruning(alpha_tot, keep_fraction, theta)

    return widgets.explore(draw, interactive=interactive,
                           alpha_tot=widgets.slider("α_tot (examples per dimension)", alpha_tot, 0.5, 50.0, log=True),
                           keep_fraction=widgets.slider("keep fraction f", keep_fraction, 0.05, 1.0, step=0.05),
                           theta_degrees=widgets.slider("probe angle θ (degrees)", theta_degrees, 0.0, 45.0,
                                                        step=1.0))
