#!/usr/bin/env bash
# Cross-kernel check: the whole test suite under other CPUs' BLAS kernels and thread counts.
#
# OpenBLAS picks its kernels by CPU; a user on another machine gets other roundings. This runs
# `make test`'s command once per OPENBLAS_CORETYPE x OPENBLAS_NUM_THREADS (the variables are set here,
# in this documented command only, never in the tests or CI), logs each run to
# reports/kernels/<coretype>-<threads>.log and prints one line per run. With --reports it instead
# renders every notebook under each setting into reports/kernels/<coretype>-<threads>/ and prints the spread
# of every headline number next to its tolerance in notebooks/expected/, which is what they are set from.
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
        "$BIN/python" -m scaling_lib report --output-dir "reports/kernels/$name" \
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
for expected_file in sorted(glob.glob("notebooks/expected/*.json")):
    notebook = os.path.basename(expected_file)[:-5]
    runs = {path.split(os.sep)[2]: json.load(open(path))
            for path in sorted(glob.glob(f"reports/kernels/*/{notebook}/results.json"))}
    if not runs:
        continue
    expected = load_expected(expected_file)
    print(f"== {notebook}: {len(runs)} runs ({', '.join(runs)})")
    for name, exp in expected.items():
        values = [run.get(name) for run in runs.values()]
        numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
        if len(numbers) != len(values):
            flag = "" if all(exp.allows(v) for v in values) else "  OUTSIDE TOLERANCE"
            print(f"{name:45s} {len(set(map(str, values)))} distinct value(s)  tolerance {exp.tolerance}{flag}")
            continue
        low, high = min(numbers), max(numbers)
        spread = (high - low) / abs(high) if high else high - low
        flag = "" if all(exp.allows(v) for v in values) else "  OUTSIDE TOLERANCE"
        print(f"{name:45s} {low:.10g} .. {high:.10g}  relative spread {spread:.2g}  tolerance {exp.tolerance}{flag}")
PY
fi
exit $status
