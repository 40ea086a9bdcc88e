"""Trend classification of scaling_lib.inverse: the rule's labels, its evidence, and bad inputs."""
import numpy as np
import pytest

from scaling_lib import inverse as inv
from scaling_lib.inverse.simulation import curve

SIZES = np.geomspace(1e8, 1e11, 5)


def _scores(shape, effect=0.3, n=600, J=5, seed=0):
    sizes, scores = inv.simulate_scores(curve(shape, J, effect), n, seed=seed)
    return sizes, scores[0]


@pytest.mark.parametrize("shape", ["positive", "inverse", "u_shaped", "inverted_u"])
def test_clear_curves_get_their_label(shape):
    sizes, scores = _scores(shape)
    result = inv.classify_trend(sizes, scores, n_bootstrap=1000, seed=1)
    assert result.label == shape
    assert result.confidence >= 0.95
    assert result.p_values[shape] <= 0.05


def test_flat_curve_is_no_trend_and_confidence_is_the_smallest_p():
    sizes, scores = _scores("flat", effect=0.0, n=400)
    result = inv.classify_trend(sizes, scores, n_bootstrap=1000)
    assert result.label == "no_trend"
    assert result.confidence == pytest.approx(min(result.p_values.values()))


def test_evidence_matches_closed_forms():
    rng = np.random.default_rng(3)
    scores = rng.normal(size=(5, 300))
    result = inv.classify_trend(SIZES[::-1], scores[::-1], n_bootstrap=500)  # unsorted input is sorted
    means = scores.mean(axis=1)
    x = np.log10(SIZES)
    np.testing.assert_allclose(result.means, means, rtol=1e-12)
    assert result.slope == pytest.approx(np.polyfit(x, means, 1)[0], rel=1e-9)
    c2, c1, _ = np.polyfit(x - x.mean(), means, 2)
    assert result.curvature == pytest.approx(c2, rel=1e-9)
    assert result.slope_start == pytest.approx(c1 + 2 * c2 * (x.min() - x.mean()), rel=1e-9)
    vertex = 10 ** (x.mean() - c1 / (2 * c2))
    assert result.turning_point == pytest.approx(vertex, rel=1e-9)
    assert result.turning_inside == bool(SIZES.min() < vertex < SIZES.max())
    assert np.all(result.means_low <= result.means) and np.all(result.means <= result.means_high)
    assert result.slope_low <= result.slope <= result.slope_high


def test_bootstrap_is_paired_and_seeded():
    sizes, scores = _scores("positive", n=200)
    one = inv.classify_trend(sizes, scores, n_bootstrap=300, seed=7)
    two = inv.classify_trend(sizes, scores, n_bootstrap=300, seed=7)
    np.testing.assert_array_equal(one.bootstrap_means, two.bootstrap_means)
    # Paired: identical models resampled with one index array have identical replicate means.
    same = inv.classify_trend(sizes, np.vstack([scores[:1]] * 5) + np.arange(5)[:, None], n_bootstrap=300)
    np.testing.assert_allclose(np.diff(same.bootstrap_means, axis=1), 1.0)
    assert same.label == "positive" and same.slope_low == pytest.approx(same.slope_high)


def test_monotone_saturating_curve_is_not_called_inverted_u():
    # A concave monotone curve: the quadratic turns inside the range, but no interior model is above the largest.
    p = np.array([0.2, 0.6, 0.8, 0.86, 0.88])
    sizes, scores = inv.simulate_scores(p, 3000, seed=2)
    result = inv.classify_trend(sizes, scores[0], n_bootstrap=1000)
    assert result.label == "positive"
    assert result.p_values["inverted_u"] > 0.05


def test_one_more_model_reports_a_u_turn():
    p = np.array([0.6, 0.5, 0.4, 0.3, 0.7])  # inverse over four models, the fifth recovers
    sizes, scores = inv.simulate_scores(p, 1000, seed=4)
    result = inv.one_more_model(sizes, scores[0], n_bootstrap=1000)
    assert result.without_largest.label == "inverse"
    assert result.with_largest.label == "u_shaped"
    assert result.changed


def test_from_means_agrees_with_per_example_on_precise_data():
    sizes, scores = _scores("inverse", n=1000)
    stderr = scores.std(axis=1, ddof=1) / np.sqrt(scores.shape[1])
    result = inv.classify_trend_from_means(sizes, scores.mean(axis=1), stderr, n_bootstrap=1000)
    assert result.label == "inverse" and not result.paired


@pytest.mark.parametrize("sizes, scores, message", [
    ([1e8, 1e9], np.zeros((2, 10)), "at least three models"),
    ([1e8, -1e9, 1e10], np.zeros((3, 10)), "positive"),
    ([1e8, 1e8, 1e10], np.zeros((3, 10)), "distinct"),
    ([1e8, 1e9, 1e10], [np.zeros(10), np.zeros(9), np.zeros(10)], "ragged"),
    ([1e8, 1e9, 1e10], np.zeros((4, 10)), "4 rows but sizes has 3"),
    ([1e8, 1e9, 1e10], np.where(np.eye(3, 10) > 0, np.nan, 0.0), "NaN"),
    ([1e8, 1e9, 1e10], np.zeros(30), "2-D"),
])
def test_bad_input_is_a_clear_error(sizes, scores, message):
    with pytest.raises(ValueError, match=message):
        inv.classify_trend(sizes, scores, n_bootstrap=200)


def test_example_sets_are_aligned_or_refused():
    rng = np.random.default_rng(0)
    scores = rng.random((3, 6))
    ids = [np.arange(6), np.arange(6)[::-1], np.arange(6)]
    flipped = scores.copy()
    flipped[1] = scores[1][::-1]
    aligned = inv.classify_trend(SIZES[:3], flipped, examples=ids, n_bootstrap=200)
    np.testing.assert_allclose(aligned.means, scores.mean(axis=1))
    with pytest.raises(ValueError, match="other examples than model 0"):
        inv.classify_trend(SIZES[:3], scores, examples=[np.arange(6), np.arange(1, 7), np.arange(6)], n_bootstrap=200)


def test_options_are_checked():
    with pytest.raises(ValueError, match="level"):
        inv.classify_trend(SIZES, np.zeros((5, 10)), level=1.5)
    with pytest.raises(ValueError, match="n_bootstrap must be an integer >= 240"):
        inv.classify_trend(SIZES, np.zeros((5, 10)), n_bootstrap=100)
    with pytest.raises(ValueError, match="four models"):
        inv.one_more_model(SIZES[:3], np.zeros((3, 10)))


def test_equal_means_give_exactly_zero_slopes():
    # Equal per-model means in every resample: the slopes are exactly 0 (not +-1e-17, whose sign is a CPU detail).
    scores = np.tile(np.random.default_rng(5).random(50), (4, 1))
    result = inv.classify_trend(SIZES[:4], scores, n_bootstrap=500)
    assert result.slope == 0.0 and result.curvature == 0.0 and result.slope_low == result.slope_high == 0.0
    assert result.label == "no_trend" and all(p == 1.0 for p in result.p_values.values())
    assert np.isnan(result.turning_point) and not result.turning_inside
