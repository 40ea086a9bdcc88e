"""The observational-scaling explorer: compute cutoff and capability components, drawn statically when headless."""
from __future__ import annotations


from .. import widgets
from .observational import CapabilitySpace, heldout_comparison

__all__ = ["observational_explorer", "describe_heldout"]


def describe_heldout(space: CapabilitySpace, compute, target, *, cutoff: float, n_components: int,
                     chance: float = 0.0, task: str = "") -> str:
    """One sentence: the split and the held-out mean absolute errors of both links at this cutoff."""
    h = heldout_comparison(space, compute, target, cutoff=cutoff, n_components=int(n_components), chance=chance, task=task)
    return (f"cutoff {cutoff:.3g} FLOP, {int(n_components)} components: fit on {h.n_train}, predict {h.n_test}; "
            f"held-out MAE capability {h.capability_mae:.3f} vs log-compute {h.baseline_mae:.3f}")


def observational_explorer(space: CapabilitySpace, compute, target, *, task: str, cutoff: float = 8.4e22,
                           n_components: int = 2, chance: float = 0.0, interactive: bool | None = None):
    """Explore held-out prediction of ``target`` (fractions per model) against the compute cutoff and the PCs used.

    Parameters
    ----------
    space : CapabilitySpace
        From :func:`~scaling_lib.downstream.capability_space` (without the target benchmark).
    compute, target : Series
        Training FLOP and the task's score per model (index = model).
    task : str
        Name shown in the figure.
    cutoff : float
        Start of the cutoff slider (FLOP); models above it are held out.
    n_components : int
        Start of the components slider (1 to the PCs in ``space``).
    chance : float
        Floor of the sigmoid link.
    interactive : bool, optional
        Force (True) or suppress (False) the controls; default :func:`scaling_lib.widgets.has_front_end`.
    """
    def draw(cutoff, n_components):
        h = heldout_comparison(space, compute, target, cutoff=cutoff, n_components=int(n_components), chance=chance,
                               task=task)
        from .plots import heldout_panels
        heldout_panels({task: h})
        return describe_heldout(space, compute, target, cutoff=cutoff, n_components=n_components, chance=chance,
                                task=task)

    k = space.components.shape[1]
    return widgets.explore(draw, interactive=interactive,
                           cutoff=widgets.slider("cutoff (FLOP)", cutoff, 1e21, 1e24, log=True),
                           n_components=widgets.slider("capability components", int(n_components), 1, k, step=1,
                                                       integer=True))
