"""The Inverse Scaling Prize's eleven winning tasks, typed from the papers; each row cites its source.

Facts only. ``cause`` is the one of the four causes McKenzie et al. (2023) assign the task to:

``strong_prior``        a strong prior from pretraining overrides the instruction in the prompt
``unwanted_imitation``  the model imitates undesirable patterns of its training data
``distractor_task``     an easier task resembling the real one leads the model astray
``spurious_few_shot``   correctly labelled but misleading few-shot examples

``palm_wei2022`` is the trend Wei et al. report for PaLM up to 540B where the retrieved text states it per
task. Only Redefine Math's was retrievable: "inverse scaling for all model families tested", from the
Limitations of a later revision of the paper as quoted in a public discussion (so cited as such); the
per-task results of the other ten were not retrievable here and are left empty (None), not guessed.

The versions of Wei et al. differ: the abstract retrieved (arxiv-vanity's rendering of arXiv:2211.02011)
says four of the eleven tasks stay inverse, six become U-shaped and one scales positively
(:data:`WEI_2022_PALM_COUNTS`); the later revision quoted above speaks of nine U-shaped tasks among those
scored by accuracy. The first version covered only the four round-1 tasks (three U-shaped).
"""
from __future__ import annotations

import pandas as pd

__all__ = ["PRIZE_TASKS", "CAUSES", "WEI_2022_PALM_COUNTS", "prize_tasks"]

MCKENZIE = "McKenzie et al. 2023, Inverse Scaling: When Bigger Isn't Better, TMLR (arXiv:2306.09479)"
WEI = "Wei, Kim, Tay, Le 2022, Inverse scaling can become U-shaped (arXiv:2211.02011)"
WEI_LATER = (WEI + ", later revision, Limitations, as quoted in a LessWrong comment on 'Inverse Scaling Prize: "
             "Second Round Winners' (greaterwrong.com/posts/DARiTSTx5xDLQGrrz)")
ROUNDS = ("Inverse Scaling Prize round 1 and round 2 winner announcements (McKenzie et al. 2022, "
          "LessWrong/Alignment Forum)")

CAUSES = ("strong_prior", "unwanted_imitation", "distractor_task", "spurious_few_shot")

# (task, round, cause, metric used by the prize, PaLM trend in Wei et al. or None)
_ROWS = [
    ("Resisting Correction (quote-repetition)", 1, "strong_prior", "accuracy", None),
    ("Memo Trap", 2, "strong_prior", "accuracy", None),
    ("Redefine (redefine-math)", 1, "strong_prior", "accuracy", "inverse"),
    ("Prompt Injection", 2, "strong_prior", "loss", None),
    ("Modus Tollens", 2, "unwanted_imitation", "accuracy", None),
    ("Pattern Match Suppression", 2, "distractor_task", "accuracy", None),
    ("NeQA (negated questions)", 1, "distractor_task", "accuracy", None),
    ("Sig Figs", 2, "distractor_task", "accuracy", None),
    ("Into the Unknown", 2, "distractor_task", "accuracy", None),
    ("Hindsight Neglect", 1, "spurious_few_shot", "accuracy", None),
    ("Repetitive Algebra", 2, "spurious_few_shot", "accuracy", None),
]

PRIZE_TASKS = tuple(_ROWS)

WEI_2022_PALM_COUNTS = {"inverse": 4, "u_shaped": 6, "positive": 1,
                        "source": WEI + ", abstract of the version rendered at arxiv-vanity.com/papers/2211.02011"}
"""Of the eleven tasks, with PaLM up to 540B: four stay inverse, six are U-shaped, one scales positively."""


def prize_tasks() -> pd.DataFrame:
    """The eleven winning tasks: ``task, round, cause, metric, palm_wei2022`` and the citation of each fact.

    ``metric`` is what the prize scored (classification accuracy, or the loss for Prompt Injection, per
    Wei et al.'s Figure 1 caption). All eleven showed inverse scaling on the prize's model series
    (that is why they won; McKenzie et al. 2023).
    """
    frame = pd.DataFrame(_ROWS, columns=["task", "round", "cause", "metric", "palm_wei2022"])
    frame["prize_trend"] = "inverse"
    frame["source_task_cause_trend"] = MCKENZIE
    frame["source_round"] = ROUNDS
    frame["source_metric"] = WEI + ", Figure 1 caption"
    frame["source_palm"] = [WEI_LATER if palm else None for palm in frame["palm_wei2022"]]
    return frame
