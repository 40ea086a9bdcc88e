"""Metrics, per-family application, simulation, prize table and explorer of scaling_lib.inverse."""
import numpy as np
import pandas as pd
import pytest

from scaling_lib import inverse as inv


def test_metrics_from_option_logprobs():
    logp = np.log(np.array([[0.6, 0.3, 0.1], [0.2, 0.2, 0.6]])) + 5.0  # unnormalised offsets are removed
    correct = np.array([0, 1])
    np.testing.assert_allclose(inv.classification_loss(logp, correct), [-np.log(0.6), -np.log(0.2)], rtol=1e-12)
    np.testing.assert_allclose(inv.correct_logodds(logp, correct), [np.log(0.6 / 0.4), np.log(0.2 / 0.8)], rtol=1e-12)
    np.testing.assert_array_equal(inv.accuracy(logp, correct), [1.0, 0.0])
    loss = inv.classification_loss(logp, correct)
    np.testing.assert_allclose(inv.logodds_from_loss(loss), inv.correct_logodds(logp, correct), rtol=1e-12)
    assert inv.logodds_from_loss(1e-12) == pytest.approx(-np.log(1e-12), rel=1e-6)  # precise near p = 1
    with pytest.raises(ValueError, match="outside"):
        inv.accuracy(logp, np.array([0, 3]))
    with pytest.raises(ValueError, match="integer option index"):
        inv.accuracy(logp, np.array([0.0, 1.0]))


def _records(p_by_family, n=300, seed=0):
    rows = []
    for family, p in p_by_family.items():
        sizes, scores = inv.simulate_scores(np.array(p), n, seed=seed)
        for j, (N, row) in enumerate(zip(sizes, scores[0])):
            loss = np.where(row > 0, 0.1, 2.0)
            rows.append(pd.DataFrame({"experiment": "task", "model": f"{family}-{j}", "model_family": family, "N": N,
                                      "example": np.arange(n), "loss": loss, "correct": row, "task_type": "classification",
                                      "duplicate_of": None}))
    return pd.concat(rows, ignore_index=True)


def test_families_are_classified_separately_and_never_pooled():
    table = _records({"up": [0.3, 0.5, 0.7, 0.9], "down": [0.9, 0.7, 0.5, 0.3]})
    out = inv.classify_families(table, metric="accuracy", n_bootstrap=500).set_index("family")
    assert out.loc["up", "label"] == "positive" and out.loc["down", "label"] == "inverse"
    assert (out["n_models"] == 4).all() and (out["n_dropped"] == 0).all()
    auto = inv.classify_families(table, n_bootstrap=500)
    assert set(auto["metric"]) == {"neg_loss"}
    no_correct = table.assign(correct=np.where(table["model"] == "up-0", np.nan, table["correct"]))
    partial = inv.classify_families(no_correct, metric="accuracy", n_bootstrap=500)
    assert list(partial["family"]) == ["down"] and partial.attrs["skipped"] == [
        "task on up: some records lack the column metric 'accuracy' needs"]
    with pytest.raises(ValueError, match="unknown families"):
        inv.classify_families(table, families=["sideways"])
    with pytest.raises(ValueError, match="unknown metric"):
        inv.classify_families(table, metric="f1")


def test_missing_examples_are_dropped_and_counted():
    table = _records({"up": [0.3, 0.5, 0.7, 0.9]})
    table = table[~((table["model"] == "up-2") & (table["example"] < 5))]
    out = inv.classify_families(table, metric="accuracy", n_bootstrap=500)
    assert out["n_dropped"].iloc[0] == 5 and out["n_examples"].iloc[0] == 295


def test_error_rates_table_and_false_positive_rate():
    rates = inv.error_rates(shapes=("flat", "inverse"), effects=(0.3,), n_models=(4,), n_examples=(200,), n_sim=40,
                            n_bootstrap=300)
    assert list(rates["shape"]) == ["flat", "inverse"]
    rate_columns = [f"rate_{label}" for label in inv.LABELS]
    np.testing.assert_allclose(rates[rate_columns].sum(axis=1), 1.0)
    assert rates.set_index("shape").loc["inverse", "correct"] >= 0.9
    assert inv.false_positive_rate(rates) <= 0.15
    matrix = inv.confusion_matrix(rates)
    assert list(matrix.columns) == list(inv.LABELS)
    with pytest.raises(ValueError, match="unknown shape"):
        inv.error_rates(shapes=("wiggly",))


def test_prize_table_has_eleven_cited_rows():
    table = inv.prize_tasks()
    assert table.shape == (11, len(inv.prize.COLUMNS)) and list(table.columns) == list(inv.prize.COLUMNS)
    assert table["task"].is_unique
    assert (table["round"] == 1).sum() == 4 and (table["round"] == 2).sum() == 7
    assert table["source_task_cause_trend"].str.contains("McKenzie").all()
    # every fact that is filled has a citation, and no citation dangles without its fact
    for fact, source in [("round", "source_round"), ("metric", "source_metric"),
                         ("prize_trend", "source_task_cause_trend"), ("cause", "source_cause"),
                         ("cause_unverified", "source_cause_unverified"),
                         ("prize_finding", "source_prize_finding"), ("palm_wei2022", "source_palm")]:
        filled = table[fact].notna()
        assert table.loc[filled, source].notna().all(), fact
        assert table.loc[filled, source].astype(str).str.strip().ne("").all(), fact
        if fact not in ("round", "metric", "prize_trend", "cause_unverified"):
            assert table.loc[~filled, source].isna().all(), fact
    # causes, where given, are among McKenzie et al.'s four; unverified ones are labelled as such
    assert set(table["cause"].dropna()) <= set(inv.prize.CAUSES)
    assert set(table["cause_unverified"].dropna()) <= set(inv.prize.CAUSES)
    assert table["source_cause_unverified"].str.startswith("unverified").all()
    assert set(table["palm_wei2022"].dropna()) <= set(inv.prize.PALM_TRENDS)
    counts = inv.prize.WEI_2022_PALM_COUNTS
    assert counts["inverse"] + counts["u_shaped"] + counts["positive"] == 11 and counts["source"]


def test_explorer_draws_statically_and_leaves_a_model_out(capsys):
    import matplotlib
    matplotlib.use("Agg")
    from scaling_lib.inverse.explorer import trend_explorer
    table = _records({"up": [0.3, 0.5, 0.7, 0.9]})
    cases = inv.pilot_cases(table)
    assert trend_explorer(table, cases, case=0, leave_out=4, n_bootstrap=300, interactive=False) is None
    text = capsys.readouterr().out
    assert "case 0: task on up (4 models), leaving out model 4 (up-3): positive" in text
