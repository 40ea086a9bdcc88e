"""Benchmark: the Chinchilla Approach-3 fit by a plain reference versus the scaling_lib engine.

Objective (both): summed Huber loss (delta = 1e-3) on log residuals over the 240 Chinchilla
points of Besiroglu et al. (2024), ``log Lhat = logsumexp(a - alpha log N, b - beta log D, e)``.

(a) Reference, as the original analyses did: ``scipy.optimize.minimize(method="L-BFGS-B")``
    with finite-difference gradients and default tolerances from every one of Hoffmann et
    al.'s 4,500 starting points; keep the best.
(b) Engine: ``scaling_lib.fit_chinchilla`` (variable-projection screen + analytic polish).
(c) Engine with a bootstrap of 4,000 resamples on all cores.

Usage::

    SCALING_LIB_DATA_MIRROR=../shared/data python benchmarks/bench_chinchilla_fit.py [--starts 4500]
        [--repeats 20] [--bootstrap 4000] [--jobs 2] [--json out.json]
"""
import argparse
import json
import os
import time

import numpy as np
from scipy import optimize, special

from scaling_lib import datasets, fit_chinchilla
from scaling_lib.analysis import chinchilla_points
from scaling_lib.laws import hoffmann_starts

# Hoffmann et al.'s coordinates (log A, log B, log E, alpha, beta) of their 4,500 starting points.
_E, _A, _B, _ALPHA, _BETA = hoffmann_starts().T
HOFFMANN_STARTS = np.stack([np.log(_A), np.log(_B), np.log(_E), _ALPHA, _BETA], axis=1)


def reference_objective(x, log_n, log_d, log_loss, delta=1e-3):
    a, b, e, alpha, beta = x
    log_pred = special.logsumexp([a - alpha * log_n, b - beta * log_d, np.full_like(log_n, e)], axis=0)
    return special.huber(delta, log_pred - log_loss).sum()


def reference_fit(N, D, loss, n_starts):
    args = (np.log(N), np.log(D), np.log(loss))
    best = None
    for x0 in HOFFMANN_STARTS[:n_starts]:
        res = optimize.minimize(reference_objective, x0, args=args, method="L-BFGS-B")
        if best is None or res.fun < best.fun:
            best = res
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--starts", type=int, default=len(HOFFMANN_STARTS), help="reference starting points")
    parser.add_argument("--repeats", type=int, default=20, help="timed repeats of the engine fit")
    parser.add_argument("--bootstrap", type=int, default=4000, help="bootstrap resamples (0 to skip)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes for the bootstrap")
    parser.add_argument("--json", help="also write the measurements to this JSON file")
    opts = parser.parse_args()

    points = chinchilla_points(datasets.load("chinchilla_epoch"))
    N, D, loss = (points[c].to_numpy() for c in ("N", "D", "loss"))
    print(f"{len(points)} Chinchilla points")

    start = time.perf_counter()
    ref = reference_fit(N, D, loss, opts.starts)
    ref_seconds = time.perf_counter() - start
    a, b, e, alpha, beta = ref.x
    print(f"reference: {opts.starts} L-BFGS-B starts (finite differences) in {ref_seconds:.1f} s; "
          f"objective {ref.fun:.12g}; E={np.exp(e):.4f} A={np.exp(a):.1f} B={np.exp(b):.1f} "
          f"alpha={alpha:.4f} beta={beta:.4f}")

    fit_chinchilla(N, D, loss)  # warm-up: imports, caches
    times = []
    for _ in range(opts.repeats):
        start = time.perf_counter()
        engine = fit_chinchilla(N, D, loss)
        times.append(time.perf_counter() - start)
    engine_seconds = float(np.median(times))
    x_engine = [np.log(engine.params[k]) for k in ("A", "B", "E")] + [engine.params["alpha"], engine.params["beta"]]
    engine_objective = reference_objective(np.array(x_engine), np.log(N), np.log(D), np.log(loss))
    print(f"engine: median {1e3 * engine_seconds:.1f} ms over {opts.repeats} fits (min {1e3 * min(times):.1f} ms); "
          f"objective {engine_objective:.12g}; status {engine.status}; "
          + " ".join(f"{k}={v:.4g}" for k, v in engine.params.items()))
    ratio = ref_seconds / engine_seconds
    gap = engine_objective - ref.fun
    print(f"speed-up {ratio:,.0f}x; engine objective minus reference objective {gap:.3e} "
          f"({'no worse' if gap <= 1e-9 else 'WORSE'} to 1e-9)")
    record = {"n_points": len(points), "reference_starts": opts.starts, "reference_seconds": ref_seconds,
              "reference_objective": float(ref.fun), "engine_seconds_median": engine_seconds,
              "engine_objective": float(engine_objective), "speedup": ratio, "objective_gap": float(gap)}

    if opts.bootstrap:
        start = time.perf_counter()
        boot = fit_chinchilla(N, D, loss, n_bootstrap=opts.bootstrap, seed=0, n_jobs=opts.jobs)
        boot_seconds = time.perf_counter() - start
        print(f"bootstrap: {opts.bootstrap} resamples on {opts.jobs} process(es) in {boot_seconds:.1f} s; "
              f"resample statuses {boot.bootstrap_status}")
        print("bootstrap s.e.: " + " ".join(f"{k}={v:.4g}" for k, v in boot.se.items()))
        record.update(bootstrap_resamples=opts.bootstrap, bootstrap_seconds=boot_seconds, bootstrap_jobs=opts.jobs,
                      bootstrap_se=boot.se)
    if opts.json:
        with open(opts.json, "w") as handle:
            json.dump(record, handle, indent=2)


if __name__ == "__main__":
    main()
