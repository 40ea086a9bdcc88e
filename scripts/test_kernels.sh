#!/usr/bin/env bash
# Cross-kernel check: the whole test suite under other CPUs' BLAS kernels and thread counts.
#
# OpenBLAS picks its kernels by CPU; a user on another machine gets other roundings. This runs
# `make test`'s command once per OPENBLAS_CORETYPE x OPENBLAS_NUM_THREADS (the variables are set here,
# in this documented command only, never in the tests or CI), logs each run to
# reports/kernels/<coretype>-<threads>.log and prints one line per run. With --reports it instead
# renders notebook 01 under each setting into reports/kernels/<coretype>-<threads>/ and prints the spread
# of every headline number, which is what the tolerances in notebooks/expected/ are set from.
#
#   make test-kernels                    # about an hour on 2 cores
#   bash scripts/test_kernels.sh --reports
set -uo pipefail
cd "$(dirname "$0")/.."
CORETYPES=${CORETYPES:-"Prescott Nehalem Sandybridge Haswell"}
THREADS=${THREADS:-"1 2"}
BIN=${BIN:-.venv/bin}
mkdir -p reports/kernels
status=0
for core in $CORETYPES; do
  for threads in $THREADS; do
    name="$core-$threads"
    start=$(date +%s)
    if [ "${1:-}" = "--reports" ]; then
      OPENBLAS_CORETYPE=$core OPENBLAS_NUM_THREADS=$threads SCALING_LIB_HEADLESS=1 \
        "$BIN/python" -m scaling_lib report 01_fitting_scaling_laws --output-dir "reports/kernels/$name" \
        > "reports/kernels/$name.log" 2>&1
    else
      OPENBLAS_CORETYPE=$core OPENBLAS_NUM_THREADS=$threads make --no-print-directory test \
        > "reports/kernels/$name.log" 2>&1
    fi
    rc=$?
    [ $rc -eq 0 ] || status=1
    echo "$name: exit $rc in $(( $(date +%s) - start )) s; $(grep -Eo '[0-9]+ (passed|failed)[^=]*' "reports/kernels/$name.log" | tail -1)"
  done
done
if [ "${1:-}" = "--reports" ]; then
  "$BIN/python" - <<'PY'
import glob, json, os
from scaling_lib.results import load_expected
runs = {os.path.basename(os.path.dirname(os.path.dirname(p))): json.load(open(p))
        for p in sorted(glob.glob("reports/kernels/*/01_fitting_scaling_laws/results.json"))}
expected = load_expected("notebooks/expected/01_fitting_scaling_laws.json")
for name in next(iter(runs.values())):
    values = [r[name] for r in runs.values()]
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        low, high = min(values), max(values)
        spread = (high - low) / abs(high) if high else high - low
        tol = expected[name].tolerance if name in expected else "none"
        print(f"{name:45s} {low:.10g} .. {high:.10g}  relative spread {spread:.2g}  tolerance {tol}")
PY
fi
exit $status
