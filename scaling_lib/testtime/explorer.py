"""The verifier explorer: false-positive rate, cost of a wrong answer and k, drawn statically when headless."""
from __future__ import annotations

import numpy as np

from .. import widgets
from . import plots
from .verifiers import expected_utility, optimal_k, resample_with_verifier

__all__ = ["verifier_explorer", "describe_verifier"]


def describe_verifier(p, *, fpr: float, wrong_cost: float, k: int, fnr: float = 0.0, k_max: int = 10_000) -> str:
    """One sentence on resampling with this verifier at ``k`` and at its optimal k."""
    out = resample_with_verifier(p, [k], fpr=fpr, fnr=fnr)
    best = optimal_k(p, fpr=fpr, fnr=fnr, wrong_cost=wrong_cost, k_max=k_max)
    utility = expected_utility(p, [k], fpr=fpr, fnr=fnr, wrong_cost=wrong_cost)[0]
    return (f"fpr {fpr:.2g}, wrong answer costs {wrong_cost:.3g}: at k = {k} correct {out.correct[0]:.3f}, "
            f"wrong {out.wrong[0]:.3f}, utility {utility:.3f}; best k = {best.k} (utility {best.utility:.3f})")


def verifier_explorer(p, *, fpr: float = 1e-3, wrong_cost: float = 2.0, k: int = 100, fnr: float = 0.0,
                      k_max: int = 10_000, interactive: bool | None = None):
    """Explore expected utility against k for a verifier's false-positive rate and a wrong answer's cost.

    Parameters
    ----------
    p : array_like, shape (P,)
        Single-sample accuracy of each problem.
    fpr, wrong_cost, k : float, float, int
        Start values of the sliders (false-positive rate, cost of a wrong answer relative to a
        correct one's gain of 1, samples).
    fnr : float
        Verifier false-negative rate (fixed).
    k_max : int
        Largest k drawn and searched.
    interactive : bool, optional
        Force (True) or suppress (False) the controls; default :func:`scaling_lib.widgets.has_front_end`.
    """
    p = np.asarray(p, dtype=float)
    ks = np.unique(np.round(np.geomspace(1, k_max, 200)).astype(int))

    def draw(fpr, wrong_cost, k):
        k = int(k)
        utility = expected_utility(p, ks, fpr=fpr, fnr=fnr, wrong_cost=wrong_cost)
        best = optimal_k(p, fpr=fpr, fnr=fnr, wrong_cost=wrong_cost, k_max=k_max)
        plots.utility_curve(ks, utility, best_k=best.k, marked_k=k)
        return describe_verifier(p, fpr=fpr, wrong_cost=wrong_cost, k=k, fnr=fnr, k_max=k_max)

    return widgets.explore(draw, interactive=interactive,
                           fpr=widgets.slider("false-positive rate", fpr, 1e-5, 0.1, log=True),
                           wrong_cost=widgets.slider("cost of a wrong answer", wrong_cost, 0.0, 20.0, step=0.25),
                           k=widgets.slider("samples k", k, 1, k_max, log=True, readout_format=".0f"))
