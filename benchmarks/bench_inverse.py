"""Benchmark of scaling_lib.inverse.classify_trend: 8 models x 1,000 examples, 2,000 paired resamples.

The acceptance target is under 0.2 s. For scale, the same bootstrap written as a Python loop (one
``scores[:, idx]`` resample and two ``np.polyfit`` calls per replicate) is timed too, and optionally the
error-rate simulation at its full size (``--simulation``: 1,000 data sets per cell, 2,000 resamples).

Run: ``.venv/bin/python benchmarks/bench_inverse.py [--repeats 7] [--simulation] [--output out.json]``
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from scaling_lib.fitting import one_blas_thread
from scaling_lib.inverse import classify_trend, confusion_matrix, error_rates, false_positive_rate
from scaling_lib.inverse.simulation import curve, simulate_scores


def _times(func, repeats):
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        out.append(time.perf_counter() - start)
    return np.array(out)


def loop_bootstrap(sizes, scores, n_bootstrap, seed=0):
    """The straightforward version: resample, average, fit, one replicate at a time."""
    rng = np.random.default_rng(seed)
    x = np.log10(sizes)
    slopes = np.empty((n_bootstrap, 2))
    for b in range(n_bootstrap):
        means = scores[:, rng.integers(0, scores.shape[1], scores.shape[1])].mean(axis=1)
        slopes[b] = np.polyfit(x, means, 1)[0], np.polyfit(x - x.mean(), means, 2)[0]
    return slopes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--simulation", action="store_true", help="also time the full-size error-rate simulation")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    sizes, scores = simulate_scores(curve("inverse", 8, 0.1), 1000, seed=0)
    scores = scores[0]
    classify_trend(sizes, scores)  # warm-up
    fast = _times(lambda: classify_trend(sizes, scores, n_bootstrap=2000, seed=0), args.repeats)
    with one_blas_thread():
        slow = _times(lambda: loop_bootstrap(sizes, scores, 2000), 1)
    report = {"classify_trend_median_s": float(np.median(fast)), "classify_trend_min_s": float(fast.min()),
              "loop_bootstrap_s": float(slow[0]), "ratio": float(slow[0] / np.median(fast)),
              "target_s": 0.2, "meets_target": bool(np.median(fast) < 0.2)}
    print(f"classify_trend, 8 models x 1,000 examples, 2,000 resamples: median {report['classify_trend_median_s']*1e3:.1f} ms "
          f"(min {report['classify_trend_min_s']*1e3:.1f} ms over {args.repeats}); target < 200 ms: "
          f"{'met' if report['meets_target'] else 'NOT met'}")
    print(f"Python-loop bootstrap (2,000 x resample + 2 polyfit): {report['loop_bootstrap_s']:.2f} s, "
          f"{report['ratio']:.0f}x slower")
    if args.simulation:
        start = time.perf_counter()
        rates = error_rates(n_sim=1000, n_bootstrap=2000, seed=0)
        report["simulation_full_s"] = time.perf_counter() - start
        report["simulation_full_fpr_max"] = false_positive_rate(rates)
        report["simulation_full_fpr_mean"] = float(1 - rates.loc[rates["shape"] == "flat", "rate_no_trend"].mean())
        for n in sorted(rates["n_examples"].unique()):
            matrix = confusion_matrix(rates, n_examples=n)
            report[f"simulation_full_confusion_n{n}"] = matrix.round(4).to_dict(orient="index")
            print(f"\nconfusion matrix, {n} examples per model (rows: true shape; mean over effects and model counts):")
            print(matrix.round(3).to_string())
        print(f"full error-rate simulation (78 cells x 1,000 data sets, 2,000 resamples): "
              f"{report['simulation_full_s']:.1f} s; worst flat-curve false-positive rate "
              f"{report['simulation_full_fpr_max']:.3f}")
    if args.output:
        args.output.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
