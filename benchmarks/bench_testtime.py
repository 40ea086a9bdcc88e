"""Benchmarks of scaling_lib.testtime, ratios measured in one run.

(a) The coverage curve at every k from 1 to n for 10,000 problems with n = 10,000 samples each,
    against a per-problem, per-k Python loop in the manner of openai/human-eval's
    ``estimate_pass_at_k`` (``1 - prod(1 - k / arange(n - c + 1, n + 1))``). The loop is timed on a
    random subset of problems (all k for each) and scaled by problems / subset size; the scaled
    time is stated as such.
(b) The beta-binomial maximum-likelihood fit to 128 problems x 10,000 samples (the Large Language
    Monkeys Pythia-2.8B counts when the data are available, else a synthetic draw), against a
    straightforward mpmath implementation: the log-likelihood summed from ``mpmath.binomial`` and
    ``mpmath.beta`` per problem, maximised with the same start by Nelder-Mead.

Run: ``SCALING_LIB_DATA_MIRROR=/work/shared/data .venv/bin/python benchmarks/bench_testtime.py``
(needs ``mpmath`` for (b); ``--quick`` shortens the loop subset). Prints a table; ``--output FILE``
also writes the measurements as JSON.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from scaling_lib.fitting import one_blas_thread
from scaling_lib.testtime import coverage_curve, fit_beta_binomial


def humaneval_estimator(n: int, c: int, k: int) -> float:
    """openai/human-eval's estimator, verbatim in substance."""
    if n - c < k:
        return 1.0
    return 1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1))


def _best_of(func, repeats=3):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        out = func()
        times.append(time.perf_counter() - start)
    return min(times), out


def bench_coverage(problems=10_000, n=10_000, subset=20, seed=0):
    rng = np.random.default_rng(seed)
    ns = np.full(problems, n)
    cs = rng.binomial(n, rng.beta(0.3, 5.0, problems))
    ours, curve = _best_of(lambda: coverage_curve(ns, cs).coverage)
    pick = rng.choice(problems, subset, replace=False)
    start = time.perf_counter()
    loop = np.array([[humaneval_estimator(n, int(cs[i]), k) for k in range(1, n + 1)] for i in pick])
    loop_subset = time.perf_counter() - start
    check = coverage_curve(ns[pick], cs[pick]).coverage
    agreement = float(np.max(np.abs(loop.mean(axis=0) - check)))
    loop_scaled = loop_subset * problems / subset
    return {"problems": problems, "n": n, "distinct_c": int(np.unique(cs).size), "ours_s": ours,
            "loop_subset_problems": subset, "loop_subset_s": loop_subset, "loop_scaled_s": loop_scaled,
            "ratio": loop_scaled / ours, "max_abs_difference_on_subset": agreement}


def _counts():
    try:
        from scaling_lib.testtime.data import llmonkeys_math, model_counts

        _, n, c = model_counts(llmonkeys_math())["Pythia 2.8B"]
        return n, c, "Large Language Monkeys, Pythia 2.8B, MATH"
    except Exception:  # no data: a synthetic draw of the same size
        rng = np.random.default_rng(0)
        n = np.full(128, 10_000)
        return n, rng.binomial(n, rng.beta(0.25, 12.0, 128)), "synthetic beta(0.25, 12)"


def mpmath_fit(n, c, start):
    import mpmath
    from scipy.optimize import minimize

    mpmath.mp.dps = 30
    pairs = [(int(a), int(b)) for a, b in zip(n, c)]

    def negative_log_likelihood(log_params):
        a, b = (mpmath.mpf(float(np.exp(x))) for x in log_params)
        total = mpmath.mpf(0)
        for m, r in pairs:
            total += mpmath.log(mpmath.binomial(m, r) * mpmath.beta(r + a, m - r + b) / mpmath.beta(a, b))
        return float(-total)

    best = minimize(negative_log_likelihood, start, method="Nelder-Mead",
                    options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 2000})
    return np.exp(best.x), best.nfev


def bench_beta_binomial():
    n, c, label = _counts()
    with one_blas_thread():
        ours, fit = _best_of(lambda: fit_beta_binomial(n, c))
    p = c / n
    mean, var = p.mean(), p.var()
    spread = mean * (1 - mean) / var - 1
    start = np.log([mean * spread, (1 - mean) * spread])
    t0 = time.perf_counter()
    (alpha, beta), evaluations = mpmath_fit(n, c, start)
    slow = time.perf_counter() - t0
    return {"data": label, "problems": int(n.size), "n": int(n.max()), "ours_s": ours, "mpmath_s": slow,
            "mpmath_evaluations": int(evaluations), "ratio": slow / ours, "alpha": fit.alpha, "beta": fit.beta,
            "alpha_mpmath": float(alpha), "beta_mpmath": float(beta),
            "alpha_relative_difference": abs(float(alpha) / fit.alpha - 1)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="time the loop on 5 problems instead of 20")
    parser.add_argument("--output", type=Path, help="write the measurements to this JSON file")
    args = parser.parse_args(argv)
    coverage = bench_coverage(subset=5 if args.quick else 20)
    beta = bench_beta_binomial()
    print(f"(a) coverage curve, every k of {coverage['n']:,} for {coverage['problems']:,} problems "
          f"({coverage['distinct_c']} distinct c): {coverage['ours_s']:.3f} s")
    print(f"    human-eval loop: {coverage['loop_subset_s']:.2f} s on {coverage['loop_subset_problems']} problems, "
          f"scaled x{coverage['problems'] // coverage['loop_subset_problems']} to {coverage['loop_scaled_s']:.0f} s; "
          f"ratio {coverage['ratio']:.0f}x; max |difference| on the subset {coverage['max_abs_difference_on_subset']:.1e}")
    print(f"(b) beta-binomial fit, {beta['problems']} problems x {beta['n']:,} samples ({beta['data']}): "
          f"{beta['ours_s'] * 1e3:.1f} ms; mpmath: {beta['mpmath_s']:.1f} s ({beta['mpmath_evaluations']} likelihoods); "
          f"ratio {beta['ratio']:.0f}x; alpha {beta['alpha']:.6f} vs {beta['alpha_mpmath']:.6f}")
    if args.output is not None:
        args.output.write_text(json.dumps({"coverage": coverage, "beta_binomial": beta}, indent=2) + "\n")
    return coverage, beta


if __name__ == "__main__":
    main()
