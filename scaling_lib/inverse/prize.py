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
announcement thread, round-1 dataset cards, some task authors' own write-ups, and secondary texts that sort the
eleven tasks into the four causes. McKenzie et al.'s own text past the abstract was *not* retrievable (only the
openings of arxiv.org/html/2306.09479v2 and openreview.net/forum?id=DwgRm72GQF are stored), so:

* ``cause`` is filled for all eleven tasks, but only from secondary texts, cited as such: a wiki summary written from
  the paper's PDF lists the tasks under the four causes (strong prior 4, unwanted imitation 1, distractor task 4,
  spurious few-shot 2), and the comments of a public code base group ten of them (all but Prompt Injection) the same
  way; Resisting Correction and Memo Trap have a further summary each. None of this is the paper's Section 3 itself.
* ``cause_unverified`` keeps the assignment a colleague typed from the abstracts. It agrees with ``cause`` on every
  task; it is kept so it can be checked against the paper's Section 3, never to be cited as a fact.
* ``prize_finding`` is what the organisers' posts, the prize dataset cards or the task's authors say about the task's
  scaling on the prize's model series. McKenzie et al.'s per-series trends (their figures) were not retrievable; the
  only per-series statements found are the round-2 Modus Tollens TL;DR (pretrained and RLHF / FeedME models) and the
  Pattern Match Suppression author's post (Gopher, Chinchilla, Anthropic's models).
* ``palm_wei2022`` is Wei et al.'s per-task PaLM result, from secondary quotations only: Redefine Math stays inverse
  ("inverse scaling for all model families tested", from the Limitations of a later revision, as quoted in a public
  comment); Hindsight Neglect and the round-1 quote-repetition version of Resisting Correction are U-shaped in the
  revision that used the prize's exact evaluation (per a forecasting market's description). The other eight are not
  retrievable.

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
CAUSE_WIKI = ("secondary summary of " + MCKENZIE + ", written from the paper's PDF: michaelhil/ai-human-factors-wiki, "
              "wiki/summaries/summary-McKenzie_2023_inverse-scaling-when-bigger-isnt-better.md @ "
              "d80c45141374d3b227f6cc020052cc6626855f89, section 'Four Causes of Inverse Scaling'")
CAUSE_CODE = ("raybears/cot-transparency, cot_transparency/data_models/data/inverse_scaling.py @ "
              "231797c164aa2eb7410963cc1803b626f27e0639, comments of the InverseScalingTask enum (groups ten tasks "
              "under the four causes' names; Prompt Injection is not in it)")
CAUSE_BOTH = CAUSE_WIKI + "; " + CAUSE_CODE
MEMO_SECONDARY = ("secondary blog post datasciencedojo.com/blog/inverse-scaling-in-language-models (read in a stored "
                  "copy), which sets out the four causes and gives Memo Trap under 'Strong Prior'")
CARDS = ("prize dataset cards (task authors' descriptions) as copied in "
         "YoungXinyu1802/HuggingFace-Dataset-Card-Analysis @ dfb229a97534f506e36c1a2b3800f57cea91bc85, "
         "Data/Dataset_Card/inverse-scaling_{}.md, 'General description' and 'Task description'")
MEMO_AUTHORS = ("liujch1998/memo-trap, README.md @ d87b26abf4402b76d167d1326798d21d7ea2127e "
                "(the task authors' repository)")
KORBAK = ("T. Korbak (task author), 'Repetition suppression. Details on my inverse scaling prize submission', "
          "tomekkorbak.com/2023/03/21/repetition-supression/ (tomekkorbak/tomekkorbak.github.io, "
          "_posts/2023-03-21-repetition-supression.md @ a78cfbbeb8184e2acde4dbcfdb8c346c59e9f2f2), 'Results'")
WEI_UPDATED = (WEI + ", revision using the prize's exact evaluation, as described by the forecasting market "
               "'Will at least 3/4 of the inverse scaling first round winners demonstrate U-shaped scaling by 2024?' "
               "(manifold.markets/LawrenceChan/will-at-least-24-of-the-inverse-sca); the market names the round-1 "
               "quote-repetition version")
UNVERIFIED = ("unverified: typed by a colleague from the abstracts; only secondary texts (source_cause) agree with "
              "it, McKenzie et al.'s own Section 3 was not retrievable")

CAUSES = ("strong_prior", "unwanted_imitation", "distractor_task", "spurious_few_shot")
PALM_TRENDS = ("inverse", "u_shaped", "positive")

COLUMNS = ("task", "round", "metric", "prize_trend", "cause", "cause_unverified", "prize_finding", "palm_wei2022",
           "source_task_cause_trend", "source_round", "source_metric", "source_cause", "source_cause_unverified",
           "source_prize_finding", "source_palm")

# One dict per task: the facts and, next to each, where it comes from (None with None).
_ROWS = [
    dict(task="Resisting Correction (quote-repetition)", round=1, metric="accuracy",
         cause="strong_prior", source_cause=CAUSE_BOTH + "; " + RESISTING_SECONDARY,
         cause_unverified="strong_prior",
         prize_finding=("worse with size; instruction tuning also made it worse (per secondary summaries); in the "
                        "round-1 quote-repetition version smaller models copy the prompt well, larger ones start to "
                        "get some wrong"),
         source_prize_finding=RESISTING_SECONDARY + "; " + CARDS.format("quote-repetition"),
         palm_wei2022="u_shaped", source_palm=WEI_UPDATED),
    dict(task="Memo Trap", round=2, metric="accuracy", cause="strong_prior",
         source_cause=CAUSE_BOTH + "; " + MEMO_SECONDARY,
         cause_unverified="strong_prior",
         prize_finding=("larger LMs more often finish the famous quote instead of the requested different ending; "
                        "the authors find larger LMs more susceptible to memorization traps than smaller ones"),
         source_prize_finding=ROUND2_THREAD + "; " + MEMO_AUTHORS, palm_wei2022=None, source_palm=None),
    dict(task="Redefine (redefine-math)", round=1, metric="accuracy", cause="strong_prior",
         source_cause=CAUSE_BOTH,
         cause_unverified="strong_prior",
         prize_finding=("larger models more often pick the answer that follows the symbol's usual meaning rather "
                        "than its redefinition in the prompt"),
         source_prize_finding=CARDS.format("redefine-math"),
         palm_wei2022="inverse", source_palm=WEI_LATER),
    dict(task="Prompt Injection", round=2, metric="loss", cause="strong_prior", source_cause=CAUSE_WIKI,
         cause_unverified="strong_prior",
         prize_finding="medium-sized LMs were the least susceptible to the injected instructions (not monotone)",
         source_prize_finding=ROUND2_THREAD, palm_wei2022=None, source_palm=None),
    dict(task="Modus Tollens", round=2, metric="accuracy", cause="unwanted_imitation",
         source_cause=CAUSE_BOTH,
         cause_unverified="unwanted_imitation",
         prize_finding=("strongly inverse on almost all models, both pretrained LMs and LMs finetuned with human "
                        "feedback (RLHF and FeedME)"),
         source_prize_finding=ROUND2, palm_wei2022=None, source_palm=None),
    dict(task="Pattern Match Suppression", round=2, metric="accuracy", cause="distractor_task",
         source_cause=CAUSE_BOTH,
         cause_unverified="distractor_task",
         prize_finding=("inverse; the organisers read it as strong pattern-matching tendencies getting in the way of "
                        "following the instruction to break the pattern. The author reports it inverse on public "
                        "models and clearly inverse (in loss) on Gopher, tending back to U-shaped on Chinchilla and "
                        "Anthropic's models; few-shot examples weaken the trend"),
         source_prize_finding=ROUND2_THREAD + "; " + KORBAK, palm_wei2022=None, source_palm=None),
    dict(task="NeQA (negated questions)", round=1, metric="accuracy", cause="distractor_task",
         source_cause=CAUSE_BOTH,
         cause_unverified="distractor_task",
         prize_finding=("smaller LMs perform about at random, larger ones significantly worse than random; the "
                        "authors observe a clear inverse trend on GPT-3"),
         source_prize_finding=ROUND1 + "; " + CARDS.format("NeQA"), palm_wei2022=None, source_palm=None),
    dict(task="Sig Figs", round=2, metric="accuracy", cause="distractor_task",
         source_cause=CAUSE_BOTH,
         cause_unverified="distractor_task",
         prize_finding="some larger LMs consistently round to decimal places rather than to significant figures",
         source_prize_finding=ROUND2_THREAD, palm_wei2022=None, source_palm=None),
    dict(task="Into the Unknown", round=2, metric="accuracy", cause="distractor_task",
         source_cause=CAUSE_BOTH,
         cause_unverified="distractor_task",
         prize_finding="larger LMs pick the redundant information already given over the information that helps",
         source_prize_finding=ROUND2_THREAD, palm_wei2022=None, source_palm=None),
    dict(task="Hindsight Neglect", round=1, metric="accuracy", cause="spurious_few_shot",
         source_cause=CAUSE_BOTH,
         cause_unverified="spurious_few_shot",
         prize_finding=("larger models more often give the answer that contradicts the bet's expected value; "
                        "GPT-4 reverses the trend (GPT-4 report)"),
         source_prize_finding=HINDSIGHT_CARD + "; " + GPT4_NOTE, palm_wei2022="u_shaped", source_palm=WEI_UPDATED),
    dict(task="Repetitive Algebra", round=2, metric="accuracy", cause="spurious_few_shot",
         source_cause=CAUSE_BOTH,
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
    posts, cards and task authors say per task. ``cause`` comes from secondary texts (the paper's own section was
    not retrievable; see the module docstring); ``cause_unverified`` is the unconfirmed assignment, labelled as such
    in ``source_cause_unverified``.
    """
    frame = pd.DataFrame(list(_ROWS))
    frame["prize_trend"] = "inverse"
    frame["source_task_cause_trend"] = MCKENZIE + ", abstract (eleven datasets showing inverse scaling)"
    frame["source_round"] = [ROUND1 if r == 1 else ROUND2 for r in frame["round"]]
    frame["source_metric"] = WEI + ", Figure 1 caption"
    frame["source_cause_unverified"] = UNVERIFIED
    return frame[list(COLUMNS)]
