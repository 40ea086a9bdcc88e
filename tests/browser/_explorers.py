"""Every explorer in the notebooks, with what the browser tests expect of it.

When a notebook gets an explorer, add one entry here; ``make test`` fails until you do
(``test_explorer_registry.py``), and ``make browser-test`` then opens the notebook in JupyterLab, presses
``keys`` on the control labelled ``control`` and checks that the explorer's figure is redrawn and
its text matches ``text`` with a new ``value`` (in the keys' direction) and a new ``result``.

``call`` is the explorer's call exactly as the notebook writes it; the browser tests re-run it
in the notebook's kernel to build a deliberately broken copy and show that the check fails on it.
"""
from __future__ import annotations

from dataclasses import dataclass

from _lab import NUMBER


@dataclass(frozen=True)
class ExplorerCase:
    notebook: str  # file name in notebooks/
    call: str  # the explorer's call as written in the notebook
    control: str  # the control's label (its ``description``)
    text: str  # regex on the explorer's text, with groups ``value`` (the control's) and ``result``
    keys: tuple[str, ...] = ("ArrowRight",)  # pressed with the control focused
    direction: int = +1  # the sign of the change ``keys`` make to ``value``

    def __str__(self):
        return f"{self.notebook}:{self.control}"


PRUNING_EXPLORER = "theory_explorer(alpha_tot=4.0, keep_fraction=0.5, theta_degrees=0)"  # notebook 02

EXPLORERS = [
    ExplorerCase(
        notebook="01_fitting_scaling_laws.ipynb",
        call="allocation_explorer(fit, budget=budget_flop, isoflop=isoflop)",
        control="C (FLOP)",
        text=rf"C = (?P<value>{NUMBER}) FLOP: N_opt = (?P<result>{NUMBER})",
        keys=("ArrowRight", "ArrowRight"),  # +0.1 decade
    ),
    # 05: one explorer, three controls; each control gets its own check.
    ExplorerCase(
        notebook="05_test_time_scaling.ipynb",
        call="verifier_explorer(p, fpr=fpr, wrong_cost=wrong_cost, k=100, fnr=fnr)",
        control="false-positive rate",
        text=rf"fpr (?P<value>{NUMBER}), wrong answer costs {NUMBER}: (?P<result>.+)",
    ),
    ExplorerCase(
        notebook="05_test_time_scaling.ipynb",
        call="verifier_explorer(p, fpr=fpr, wrong_cost=wrong_cost, k=100, fnr=fnr)",
        control="cost of a wrong answer",
        text=rf"wrong answer costs (?P<value>{NUMBER}): (?P<result>.+)",
    ),
    ExplorerCase(
        notebook="05_test_time_scaling.ipynb",
        call="verifier_explorer(p, fpr=fpr, wrong_cost=wrong_cost, k=100, fnr=fnr)",
        control="samples k",
        text=rf"at k = (?P<value>\d+) (?P<result>correct {NUMBER}, wrong {NUMBER}, utility {NUMBER})",
    ),
    # 02: the theory explorer, three sliders.
    ExplorerCase(
        notebook="02_data_pruning.ipynb",
        call=PRUNING_EXPLORER,
        control="α_tot (examples per dimension)",
        text=(rf"α_tot = (?P<value>{NUMBER}), f = {NUMBER}, θ = \d+°: "
              rf"(?P<result>keep hard ε = {NUMBER}, keep easy ε = {NUMBER})"),
    ),
    ExplorerCase(
        notebook="02_data_pruning.ipynb",
        call=PRUNING_EXPLORER,
        control="keep fraction f",
        text=rf"f = (?P<value>{NUMBER}), θ = \d+°: (?P<result>keep hard ε = {NUMBER}, keep easy ε = {NUMBER})",
    ),
    ExplorerCase(
        notebook="02_data_pruning.ipynb",
        call=PRUNING_EXPLORER,
        control="probe angle θ (degrees)",
        text=rf"θ = (?P<value>\d+)°: (?P<result>keep hard ε = {NUMBER}, keep easy ε = {NUMBER})",
    ),
    # 03: one explorer, two choices (values are indices, printed in the text); one check each.
    ExplorerCase(
        notebook="03_inverse_scaling.ipynb",
        call="trend_explorer(table, explorer_cases, case=start_case, leave_out=0, level=level, seed=seed)",
        control="pilot task × family",
        text=rf"case (?P<value>\d+): .+?, leaving out model \d+ \([^)]*\): (?P<result>\w+, slope {NUMBER})",
        keys=("ArrowRight",),
    ),
    ExplorerCase(
        notebook="03_inverse_scaling.ipynb",
        call="trend_explorer(table, explorer_cases, case=start_case, leave_out=0, level=level, seed=seed)",
        control="leave out model",
        text=rf"leaving out model (?P<value>\d+) \([^)]*\): (?P<result>\w+, slope {NUMBER})",
        keys=("ArrowRight",),
    ),
    # 04: one explorer, two sliders (compute cutoff, capability components) and two choices (benchmark, link
    # function; values are indices, printed in the text); one check each. A slider first: ONE_PER_EXPLORER uses it.
    ExplorerCase(
        notebook="04_downstream_prediction.ipynb",
        call='observational_explorer(spaces, scores["C"], targets_obs, benchmark=0, cutoff=obs_cutoff, link=0, '
             'n_components=obs_components)',
        control="cutoff (FLOP)",
        text=rf"cutoff (?P<value>{NUMBER}) FLOP, \d+ components: (?P<result>fit on \d+, predict \d+; .+)",
    ),
    ExplorerCase(
        notebook="04_downstream_prediction.ipynb",
        call='observational_explorer(spaces, scores["C"], targets_obs, benchmark=0, cutoff=obs_cutoff, link=0, '
             'n_components=obs_components)',
        control="capability components",
        text=r"FLOP, (?P<value>\d+) components: (?P<result>.+)",
    ),
    ExplorerCase(
        notebook="04_downstream_prediction.ipynb",
        call='observational_explorer(spaces, scores["C"], targets_obs, benchmark=0, cutoff=obs_cutoff, link=0, '
             'n_components=obs_components)',
        control="benchmark",
        text=r"benchmark (?P<value>\d+) \([^)]*\), (?P<result>link .+)",
        keys=("ArrowRight",),
    ),
    ExplorerCase(
        notebook="04_downstream_prediction.ipynb",
        call='observational_explorer(spaces, scores["C"], targets_obs, benchmark=0, cutoff=obs_cutoff, link=0, '
             'n_components=obs_components)',
        control="link function",
        text=r"link (?P<value>\d+) \([^)]*\), cutoff .+? components: (?P<result>fit on .+)",
        keys=("ArrowRight",),
    ),
]

# One case per explorer (its first control), for the checks that need each explorer only once.
ONE_PER_EXPLORER = list({(case.notebook, case.call): case for case in reversed(EXPLORERS)}.values())[::-1]
