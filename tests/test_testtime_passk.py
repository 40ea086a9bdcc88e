"""scaling_lib.testtime.pass_at_k against exact rational arithmetic, its edges and its errors."""
from fractions import Fraction
from math import comb

import numpy as np
from scipy.special import gammaln
import pytest
from hypothesis import given, settings, strategies as st

import scaling_lib
from scaling_lib.testtime import coverage_curve, pass_at_k


def exact(n, c, k):
    return 1 - Fraction(comb(n - c, k), comb(n, k))


def relative_error(n, c, k):
    want = exact(n, c, k)
    got = Fraction(float(pass_at_k(n, c, k)))
    return abs(got - want) / want if want else abs(got)


@st.composite
def counts(draw, max_n=1_000_000, max_small=60):
    n = draw(st.integers(1, max_n))
    small = st.integers(0, min(n, max_small))
    c = draw(st.one_of(small, st.integers(0, n)))
    k = draw(st.one_of(st.integers(1, min(n, max_small)), st.integers(1, n)))
    # keep math.comb affordable: both k and n - c large makes numbers with millions of digits
    if min(k, n - c) > 3000 and n > 20_000:
        k = draw(st.integers(1, 3000))
    return n, c, k


@settings(max_examples=300, deadline=None)
@given(counts())
def test_relative_error_below_1e_minus_6_against_fractions(args):
    assert relative_error(*args) < 1e-6


@pytest.mark.parametrize("n, c, k", [(10**6, 1, 1), (10**6, 40, 40), (10**6, 1, 999_999), (10**6, 5000, 3),
                                     (10**6, 33, 10**5), (10**6, 10**6 - 1, 1), (999_983, 2, 100_000)])
def test_hard_cases_at_a_million_samples(n, c, k):
    assert relative_error(n, c, k) < 1e-9


def test_the_log_gamma_difference_is_not_enough_at_tiny_pass_rates():
    # The textbook formula, four log-factorials near n ln n, misses 1/n by far more than 1e-6 relative.
    n, c, k = 10**6, 1, 1
    textbook = -np.expm1(gammaln(n - c + 1) - gammaln(n - c - k + 1) - gammaln(n + 1) + gammaln(n - k + 1))
    assert abs(textbook * n - 1) > 1e-6
    assert abs(pass_at_k(n, c, k) * n - 1) < 1e-12


def test_edges():
    assert np.all(pass_at_k(10_000, 0, [1, 5, 10_000]) == 0.0)
    assert pass_at_k(10, 8, 3) == 1.0  # n - c < k: every 3-subset holds a correct sample
    assert pass_at_k(10, 10, 10) == 1.0
    assert float(pass_at_k(10, 1, 5)) == pytest.approx(0.5, rel=1e-15)


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16, np.uint16, np.int32, np.uint32, np.int64, np.uint64])
def test_integer_widths(dtype):
    n, c, k = np.array([100, 120], dtype), np.array([3, 100], dtype), np.array([7, 50], dtype)
    want = [float(exact(100, 3, 7)), float(exact(120, 100, 50))]
    np.testing.assert_allclose(pass_at_k(n, c, k), want, rtol=1e-12)


def test_broadcasting_problems_against_k():
    n, c, k = np.array([50, 80, 80]), np.array([0, 1, 40]), np.array([1, 2, 10, 50])
    table = pass_at_k(n[:, None], c[:, None], k[None, :])
    assert table.shape == (3, 4)
    for i in range(3):
        for j in range(4):
            assert table[i, j] == pytest.approx(float(exact(int(n[i]), int(c[i]), int(k[j]))), rel=1e-12)


def test_top_level_export():
    assert scaling_lib.pass_at_k is pass_at_k


@pytest.mark.parametrize("n, c, k, match", [
    (10, 11, 1, r"c must be <= n.*11"),
    (10, -1, 1, r"c \(correct samples\) must be >= 0"),
    (-3, 0, 1, r"n \(samples per problem\) must be >= 1"),
    (10, 1, 0, r"k must be >= 1"),
    (10, 1, 11, r"k must be <= n.*no unbiased estimate"),
    (10, 1.5, 1, r"c must hold whole numbers.*1.5"),
    (10.2, 1, 1, r"n must hold whole numbers"),
    (10, 1, np.nan, r"k must hold whole numbers"),
    ([10, 10], [1, 2, 3], 1, r"do not broadcast"),
    (10, True, 1, r"c must hold whole numbers"),
    (10, "3", 1, r"c must hold whole numbers"),
])
def test_bad_input_is_a_clear_error(n, c, k, match):
    with pytest.raises(ValueError, match=match):
        pass_at_k(n, c, k)


def test_coverage_curve_bad_input():
    with pytest.raises(ValueError, match="k must be <= n"):
        coverage_curve([10, 20], [1, 2], [15])
    with pytest.raises(ValueError, match="do not broadcast"):
        coverage_curve([10, 20], [1, 2, 3])
    with pytest.raises(ValueError, match="c must be <= n"):
        coverage_curve([10, 20], [11, 2])
