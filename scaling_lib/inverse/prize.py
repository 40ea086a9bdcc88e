"""The Inverse Scaling Prize's eleven winning tasks, typed from the papers and posts; every fact cites its source.

Facts only, paraphrased; a field is ``None`` where no retrieved text states it. ``cause`` is the one of the four
causes McKenzie et al. (2023) assign the task to:

``strong_prior``        a strong prior from pretraining overrides the instruction in the prompt
``unwanted_imitation``  the model imitates undesirable patterns of its training data
``distractor_task``     an easier task resembling the real one leads the model astray
``spurious_few_shot``   correctly labelled but misleading few-shot examples

What could be retrieved (stored copies, searched 2026-12-01): the abstracts of both papers, the abstract, Figure 1
caption and introduction of Wei et al. (arxiv-vanity / ownyourai renderings), a public quotation of the Limitations
of a later revision of Wei et al., the openings of the round-1 and round-2 winner posts, a prize organiser's
announcement thread, and one task's dataset card. McKenzie et al.'s section that sorts the tasks into the causes was
*not* retrievable, so:

* ``cause`` is filled only where a retrieved text ties the task to a cause; that is Resisting Correction alone, and
  only through secondary summaries of the paper (cited as such).
* ``cause_unverified`` keeps the assignment a colleague typed from the abstracts. No retrieved text confirms it;
  it is kept so it can be checked against the paper's Section 3, never to be cited as a fact.
* ``prize_finding`` is what the organisers' posts say about the task's scaling on the prize's model series.
* ``palm_wei2022`` is Wei et al.'s per-task PaLM result; only Redefine Math's was retrievable ("inverse scaling for
  all model families tested", from the Limitations of a later revision, as quoted in a public comment).

The versions of Wei et al. differ: the abstract retrieved (arxiv-vanity's rendering of arXiv:2211.02011) says four
of the eleven tasks stay inverse, six become U-shaped and one scales positively (:data:`WEI_2022_PALM_COUNTS`); the
later revision quoted above speaks of nine U-shaped tasks among those scored by accuracy. The first version covered
only the four round-1 tasks (three of them U-shaped; which three is not stated in its abstract).
"""
from __future__ import annotations

import pandas as pd

__all__ = ["PRIZE_TASKS", "CAUSES", "WEI_2022_PALM_COUNTS", "COLUMNS", "prize_tasks"]

MCKENZIE = "McKenzie et al. 2023, Inverse Scaling: When Bigger Isn't Better, TMLR (arXiv:2306.09479)"
WEI = "Wei, Kim, Tay, Le 2022, Inverse scaling can become U-shaped (arXiv:2211.02011)"
WEI_LATER = (WEI + ", later revision, Limitations, as quoted in a LessWrong comment on 'Inverse Scaling Prize: "
             "Second Round Winners' (greaterwrong.com/posts/DARiTSTx5xDLQGrrz/inverse-scaling-prize-second-round-"
             "winners/comment/YHWxZW9dFgvb7zxow)")
ROUNDS = ("Inverse Scaling Prize round 1 and round 2 winner announcements (McKenzie et al. 2022, "
          "irmckenzie.co.uk/round1, lesswrong.com/posts/DARiTSTx5xDLQGrrz)")
ROUND1 = ("Inverse Scaling Prize: Round 1 Winners (irmckenzie.co.uk/round1; "
          "alignmentforum.org/posts/iznohbCPFkeB9kAJL), prize winners section")
ROUND2 = ("Inverse Scaling Prize: Second Round Winners (lesswrong.com/posts/DARiTSTx5xDLQGrrz; "
          "alignmentforum.org/posts/DARiTSTx5xDLQGrrz), the task's TL;DR")
ROUND2_THREAD = ("E. Perez (prize organiser), round-2 winners announcement thread, "
                 "twitter.com/EthanJPerez/status/1617981045282082817")
HINDSIGHT_CARD = ("Dataset card of inverse-scaling/hindsight-neglect-10shot (prize submission description), "
                  "huggingface.co/datasets/inverse-scaling/hindsight-neglect-10shot/blob/4fbf646d5e3cef1872a43292e2dae92b7de5654d/README.md")
GPT4_NOTE = ("GPT-4 technical report (OpenAI 2023) as quoted in the same LessWrong comment "
             "(greaterwrong.com/posts/DARiTSTx5xDLQGrrz/.../comment/YHWxZW9dFgvb7zxow)")
RESISTING_SECONDARY = ("secondary summaries of " + MCKENZIE + ": huggingface.co/datasets/rl-llm-wiki/knowledge-base/"
                       "discussions/210 (names it a strong-prior task) and expectedvalue.org/hindsight-neglect.html "
                       "(larger models fail it through stronger priors over likely sequences)")
UNVERIFIED = "unverified: typed by a colleague from the abstracts; no retrieved text confirms it"

CAUSES = ("strong_prior", "unwanted_imitation", "distractor_task", "spurious_few_shot")
PALM_TRENDS = ("inverse", "u_shaped", "positive")

COLUMNS = ("task", "round", "metric", "prize_trend", "cause", "cause_unverified", "prize_finding", "palm_wei2022",
           "source_task_cause_trend", "source_round", "source_metric", "source_cause", "source_cause_unverified",
           "source_prize_finding", "source_palm")

# One dict per task: the facts and, next to each, where it comes from (None with None).
_ROWS = [
    dict(task="Resisting Correction (quote-repetition)", round=1, metric="accuracy",
         cause="strong_prior", source_cause=RESISTING_SECONDARY, cause_unverified="strong_prior",
         prize_finding="worse with size; instruction tuning also made it worse (per secondary summaries)",
         source_prize_finding=RESISTING_SECONDARY, palm_wei2022=None, source_palm=None),
    dict(task="Memo Trap", round=2, metric="accuracy", cause=None, source_cause=None,
         cause_unverified="strong_prior",
         prize_finding="larger LMs more often finish the famous quote instead of the requested different ending",
         source_prize_finding=ROUND2_THREAD, palm_wei2022=None, source_palm=None),
    dict(task="Redefine (redefine-math)", round=1, metric="accuracy", cause=None, source_cause=None,
         cause_unverified="strong_prior", prize_finding=None, source_prize_finding=None,
         palm_wei2022="inverse", source_palm=WEI_LATER),
    dict(task="Prompt Injection", round=2, metric="loss", cause=None, source_cause=None,
         cause_unverified="strong_prior",
         prize_finding="medium-sized LMs were the least susceptible to the injected instructions (not monotone)",
         source_prize_finding=ROUND2_THREAD, palm_wei2022=None, source_palm=None),
    dict(task="Modus Tollens", round=2, metric="accuracy", cause=None, source_cause=None,
         cause_unverified="unwanted_imitation",
         prize_finding=("strongly inverse on almost all models, both pretrained LMs and LMs finetuned with human "
                        "feedback (RLHF and FeedME)"),
         source_prize_finding=ROUND2, palm_wei2022=None, source_palm=None),
    dict(task="Pattern Match Suppression", round=2, metric="accuracy", cause=None, source_cause=None,
         cause_unverified="distractor_task",
         prize_finding=("inverse; the organisers read it as strong pattern-matching tendencies getting in the way of "
                        "following the instruction to break the pattern"),
         source_prize_finding=ROUND2_THREAD, palm_wei2022=None, source_palm=None),
    dict(task="NeQA (negated questions)", round=1, metric="accuracy", cause=None, source_cause=None,
         cause_unverified="distractor_task",
         prize_finding=("smaller LMs perform about at random (the excerpt retrieved breaks off before what it says "
                        "of larger ones)"),
         source_prize_finding=ROUND1, palm_wei2022=None, source_palm=None),
    dict(task="Sig Figs", round=2, metric="accuracy", cause=None, source_cause=None,
         cause_unverified="distractor_task",
         prize_finding="some larger LMs consistently round to decimal places rather than to significant figures",
         source_prize_finding=ROUND2_THREAD, palm_wei2022=None, source_palm=None),
    dict(task="Into the Unknown", round=2, metric="accuracy", cause=None, source_cause=None,
         cause_unverified="distractor_task",
         prize_finding="larger LMs pick the redundant information already given over the information that helps",
         source_prize_finding=ROUND2_THREAD, palm_wei2022=None, source_palm=None),
    dict(task="Hindsight Neglect", round=1, metric="accuracy", cause=None, source_cause=None,
         cause_unverified="spurious_few_shot",
         prize_finding=("larger models more often give the answer that contradicts the bet's expected value; "
                        "GPT-4 reverses the trend (GPT-4 report)"),
         source_prize_finding=HINDSIGHT_CARD + "; " + GPT4_NOTE, palm_wei2022=None, source_palm=None),
    dict(task="Repetitive Algebra", round=2, metric="accuracy", cause=None, source_cause=None,
         cause_unverified="spurious_few_shot", prize_finding=None, source_prize_finding=None,
         palm_wei2022=None, source_palm=None),
]

PRIZE_TASKS = tuple(_ROWS)

WEI_2022_PALM_COUNTS = {"inverse": 4, "u_shaped": 6, "positive": 1,
                        "source": WEI + ", abstract of the version rendered at arxiv-vanity.com/papers/2211.02011"}
"""Of the eleven tasks, with PaLM up to 540B: four stay inverse, six are U-shaped, one scales positively."""


def prize_tasks() -> pd.DataFrame:
    """The eleven winning tasks, one row each, with the citation of every fact (columns :data:`COLUMNS`).

    ``metric`` is what the prize scored (classification accuracy, or the loss for Prompt Injection, per Wei et
    al.'s Figure 1 caption). ``prize_trend`` is "inverse" for all eleven: McKenzie et al.'s abstract reports
    inverse scaling on the eleven datasets (that is why they won); ``prize_finding`` holds what the organisers'
    posts say per task. ``cause`` is None where the paper's assignment was not retrievable; ``cause_unverified``
    is the unconfirmed assignment, labelled as such in ``source_cause_unverified``.
    """
    frame = pd.DataFrame(list(_ROWS))
    frame["prize_trend"] = "inverse"
    frame["source_task_cause_trend"] = MCKENZIE + ", abstract (eleven datasets showing inverse scaling)"
    frame["source_round"] = [ROUND1 if r == 1 else ROUND2 for r in frame["round"]]
    frame["source_metric"] = WEI + ", Figure 1 caption"
    frame["source_cause_unverified"] = UNVERIFIED
    return frame[list(COLUMNS)]
