"""The trend explorer: pick a pilot task x family, leave a model out, and see the label change."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from .. import widgets
from .families import pilot_scores, score_matrix
from .metrics import METRICS
from .plots import trend_curve
from .trend import classify_trend

__all__ = ["trend_explorer", "describe_case", "ORDINALS"]

ORDINALS = ("none", "1st (smallest)", "2nd", "3rd", "4th", "5th", "6th", "7th", "8th")


def _case_data(table, cases):
    groups = pilot_scores(table).groupby(["experiment", "model_family"])

    @lru_cache(maxsize=None)
    def data(index):
        row = cases.iloc[index]
        return score_matrix(groups.get_group((row["experiment"], row["family"])), row["metric"])
    return data


def describe_case(index: int, row, models, result, leave_out: int, left: str | None) -> str:
    """The explorer's text: which case, which model is left out, the label and the slope."""
    out = f"leaving out model {leave_out} ({left or 'none'})"
    return (f"case {index}: {row['experiment']} on {row['family']} ({len(models)} models), {out}: "
            f"{result.label}, slope {result.slope:+.4f} per decade [{result.slope_low:+.4f}, {result.slope_high:+.4f}], "
            f"confidence {result.confidence:.3f}")


def trend_explorer(table: pd.DataFrame, cases: pd.DataFrame, *, case: int = 0, leave_out: int = 0,
                   level: float = 0.95, n_bootstrap: int = 1000, seed: int = 0, interactive: bool | None = None):
    """Explore the trend label of each task x family, with one model toggled out of the fit.

    Parameters
    ----------
    table : DataFrame
        Per-example records (``inverse_scaling_naimenz`` layout).
    cases : DataFrame
        ``experiment, family, metric`` per case (e.g. :func:`~scaling_lib.inverse.families.pilot_cases`).
    case, leave_out : int
        Start values: the case's row in ``cases``; the size rank of the model left out (0: none). A model is
        left out only where at least three remain.
    level, n_bootstrap, seed
        As in :func:`~scaling_lib.inverse.trend.classify_trend`.
    interactive : bool, optional
        Force (True) or suppress (False) the controls; default :func:`scaling_lib.widgets.has_front_end`.
    """
    cases = cases.reset_index(drop=True)
    if not 0 <= case < len(cases):
        raise ValueError(f"trend_explorer: case must be in [0, {len(cases)}), got {case}")
    data = _case_data(table, cases)

    def draw(case, leave_out):
        row = cases.iloc[int(case)]
        models, sizes, scores, _ = data(int(case))
        keep = np.ones(sizes.size, bool)
        dropped = int(leave_out) if 0 < int(leave_out) <= sizes.size and sizes.size > 3 else 0
        if dropped:
            keep[dropped - 1] = False
        result = classify_trend(sizes[keep], scores[keep], level=level, n_bootstrap=n_bootstrap, seed=seed)
        excluded = (sizes[~keep], scores[~keep].mean(axis=1)) if dropped else None
        ax = trend_curve(result, score=f"{row['metric']}: {METRICS[row['metric']]}", excluded=excluded)
        ax.set_title(f"{row['experiment']} on {row['family']}: {result.label}", fontsize=10)
        ax.legend(fontsize=8)
        left = models[dropped - 1] if dropped else ("none: only three models" if int(leave_out) and sizes.size == 3
                                                   else None)
        return describe_case(int(case), row, models, result, int(leave_out), left)

    options = {f"{r.experiment} · {r.family}": i for i, r in enumerate(cases.itertuples())}
    return widgets.explore(draw, interactive=interactive,
                           case=widgets.choice("pilot task × family", case, options),
                           leave_out=widgets.choice("leave out model", leave_out,
                                                      {name: i for i, name in enumerate(ORDINALS)}))
