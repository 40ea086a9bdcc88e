"""The observational-scaling explorer: benchmark, compute cutoff, link function and capability components.

Drawn as one static figure when headless (:func:`scaling_lib.widgets.explore`).
"""
from __future__ import annotations

from .. import widgets
from .observational import LINKS, CapabilitySpace, heldout_comparison
from .plots import heldout_panels

__all__ = ["observational_explorer", "describe_heldout", "LINK_LABELS"]

#: Drop-down labels of the link functions (:data:`~scaling_lib.downstream.observational.LINKS`), in order.
LINK_LABELS = {"sigmoid": "sigmoid with chance floor", "linear": "linear, unbounded"}


def describe_heldout(space: CapabilitySpace, compute, target, *, cutoff: float, n_components: int,
                     chance: float = 0.0, task: str = "", link: str = "sigmoid", benchmark: int = 0,
                     n_bootstrap: int = 0, seed: int = 0) -> str:
    """One sentence: benchmark and link (indices and names), the split, held-out MAEs (and coverage, with bootstrap).

    ``benchmark`` is the benchmark's index among the explorer's choices; the text starts
    ``benchmark <i> (<task>), link <j> (<label>), cutoff <C> FLOP, <k> components: fit on ...``.
    """
    h = heldout_comparison(space, compute, target, cutoff=cutoff, n_components=int(n_components), chance=chance,
                           task=task, link=link, n_bootstrap=n_bootstrap, seed=seed)
    return _describe(h, benchmark, int(n_components))


def _describe(h, benchmark: int, n_components: int) -> str:
    text = (f"benchmark {int(benchmark)} ({h.task}), link {LINKS.index(h.link)} ({LINK_LABELS[h.link]}), "
            f"cutoff {h.cutoff:.3g} FLOP, {n_components} components: fit on {h.n_train}, predict {h.n_test}; "
            f"held-out MAE capability {h.capability_mae:.3f} vs log-compute {h.baseline_mae:.3f}")
    if h.n_bootstrap:
        text += (f"; {100 * h.level:.0f}% interval coverage capability {h.capability_coverage:.2f} vs log-compute "
                 f"{h.baseline_coverage:.2f}")
    return text


def observational_explorer(spaces: dict, compute, targets: dict, *, benchmark: int = 0, cutoff: float = 8.4e22,
                           link: int = 0, n_components: int = 2, chances: dict | None = None, n_bootstrap: int = 0,
                           seed: int = 0, interactive: bool | None = None):
    """Explore held-out prediction of a benchmark against the benchmark, the compute cutoff, the link and the PCs used.

    Parameters
    ----------
    spaces : dict
        Benchmark name -> :class:`CapabilitySpace` built without that benchmark (see
        :func:`~scaling_lib.downstream.heldout_comparison`).
    compute : Series
        Training FLOP per model (index = model).
    targets : dict
        Benchmark name -> Series of scores (fractions) per model; same keys as ``spaces``, in the order of the choices.
    benchmark : int
        Start index into ``targets``.
    cutoff : float
        Start of the cutoff slider (FLOP); models above it are held out.
    link : int
        Start index into :data:`LINKS` (0: sigmoid with the chance floor, 1: plain linear link).
    n_components : int
        Start of the components slider (1 to the fewest PCs of ``spaces``).
    chances : dict, optional
        Benchmark name -> chance accuracy (floor of the sigmoid link); default 0.
    n_bootstrap, seed : int
        Resamples for the prediction intervals drawn and their coverage (0: none).
    interactive : bool, optional
        Force (True) or suppress (False) the controls; default :func:`scaling_lib.widgets.has_front_end`.

    Raises
    ------
    ValueError
        If ``spaces`` and ``targets`` name different benchmarks or a start index is out of range.
    """
    names = list(targets)
    if set(names) != set(spaces):
        raise ValueError(f"spaces and targets must name the same benchmarks, got {sorted(spaces)} and {names}")
    if not (0 <= benchmark < len(names) and 0 <= link < len(LINKS)):
        raise ValueError(f"benchmark must be in [0, {len(names)}) and link in [0, {len(LINKS)}), got {benchmark}, {link}")
    chances = chances or {}

    def draw(benchmark, cutoff, link, n_components):
        task = names[benchmark]
        kw = {"cutoff": cutoff, "n_components": int(n_components), "link": LINKS[link], "chance": chances.get(task, 0.0),
              "task": task, "n_bootstrap": n_bootstrap, "seed": seed}
        h = heldout_comparison(spaces[task], compute, targets[task], **kw)
        heldout_panels({task: h})
        return _describe(h, benchmark, int(n_components))

    k = min(space.components.shape[1] for space in spaces.values())
    return widgets.explore(draw, interactive=interactive,
                           benchmark=widgets.choice("benchmark", int(benchmark), {n: i for i, n in enumerate(names)}),
                           cutoff=widgets.slider("cutoff (FLOP)", cutoff, 1e21, 1e24, log=True),
                           link=widgets.choice("link function", int(link),
                                               {LINK_LABELS[n]: i for i, n in enumerate(LINKS)}),
                           n_components=widgets.slider("capability components", int(n_components), 1, k, step=1,
                                                       integer=True))
