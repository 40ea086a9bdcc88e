"""Command line of the Scaling Workbook.

    python -m scaling_lib report [NOTEBOOK ...] [-p NAME VALUE ...] [--output-dir DIR] [--timeout S]
    python -m scaling_lib params NOTEBOOK
    python -m scaling_lib fetch [SOURCE ...]
    python -m scaling_lib expected NOTEBOOK [--results RESULTS_JSON]

Exit status: 0 on success, 1 if a notebook failed, 2 for a usage error (unknown notebook or
parameter, wrong parameter type); nothing runs after a usage error.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

_REPORT_EPILOG = """\
Each notebook runs in its own folder; the report goes to OUTPUT_DIR/<name>/ (<name>.html,
<name>.ipynb, results.json) and replaces the previous one only if the run succeeds. A failing
notebook is reported in one line, its executed copy kept as OUTPUT_DIR/<name>.failed.ipynb, and
the remaining notebooks still run; the exit status is then 1.

examples:
  python -m scaling_lib report
  python -m scaling_lib report 01_fitting_scaling_laws -p n_bootstrap 4000
  python -m scaling_lib params 00_data_tour
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m scaling_lib",
        description="Scaling Workbook: execute the notebooks headless and publish HTML reports.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser(
        "report", help="execute notebooks with papermill and write HTML reports",
        description="Execute notebooks with papermill and convert them to HTML reports.",
        epilog=_REPORT_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    run.add_argument("notebooks", nargs="*", metavar="NOTEBOOK",
                     help="notebook path or name such as 00_data_tour "
                          "(default: every notebooks/NN_*.ipynb)")
    run.add_argument("-p", "--parameter", nargs=2, action="append", default=[],
                     metavar=("NAME", "VALUE"), dest="parameters",
                     help="override a parameter in the notebooks that declare it (repeatable); "
                          "VALUE is read as a Python literal (5, 0.5, True, [1, 2]), else kept "
                          "as text, as it always is for parameters annotated str")
    run.add_argument("--output-dir", type=Path, default=Path("reports"),
                     help="where the reports go (default: reports)")
    run.add_argument("--timeout", type=float, default=None, metavar="S",
                     help="per-cell timeout in seconds (default: none)")

    params = commands.add_parser(
        "params", help="list a notebook's parameters",
        description="List the parameters of a notebook's cell tagged 'parameters'.")
    params.add_argument("notebook", metavar="NOTEBOOK", help="notebook path or name")

    fetch = commands.add_parser(
        "fetch", help="download (or copy from the mirror) and verify the public data sets",
        description="Fetch every raw file of the named sources (default: all) into the cache and verify its "
                    "sha256. Reads from the folder named by SCALING_LIB_DATA_MIRROR when it is set.")
    fetch.add_argument("sources", nargs="*", metavar="SOURCE", help="source names (default: all)")

    expected = commands.add_parser(
        "expected", help="refresh a notebook's expected headline values from a report",
        description="Replace the values in notebooks/expected/NOTEBOOK.json by those of a report's results.json "
                    "(default reports/NOTEBOOK/results.json, from `python -m scaling_lib report NOTEBOOK` with "
                    "default parameters). Tolerances, quotes and constants are kept; a new or vanished headline "
                    "is an error until the file is edited by hand. Prints each changed value.")
    expected.add_argument("notebook", metavar="NOTEBOOK", help="notebook path or name")
    expected.add_argument("--results", type=Path, default=None, help="results.json to take the values from")
    return parser


def _report(args) -> int:
    from scaling_lib import report

    outcomes = report.run_reports(args.notebooks, dict(args.parameters), args.output_dir,
                                  timeout=args.timeout)
    failed = [outcome.name for outcome in outcomes if not outcome.ok]
    if failed:
        print(f"{len(failed)} of {len(outcomes)} notebooks failed: {', '.join(failed)}",
              file=sys.stderr)
        return 1
    return 0


def _params(args) -> int:
    from scaling_lib import report

    [path] = report.find_notebooks([args.notebook])
    parameters = report.notebook_parameters(path)
    if not parameters:
        print(f"{path.stem} has no cell tagged 'parameters'")
        return 0
    print(f"{path.stem} parameters (override with -p NAME VALUE):")
    for name, spec in parameters.items():
        annotation = "" if spec["inferred_type_name"] == "None" else f": {spec['inferred_type_name']}"
        comment = f"  # {spec['help']}" if spec["help"] else ""
        print(f"  {name}{annotation} = {spec['default']}{comment}")
    return 0


def _fetch(args) -> int:
    import time

    from scaling_lib import datasets

    unknown = sorted(set(args.sources) - set(datasets.names()))
    if unknown:
        raise ValueError(f"unknown source(s) {unknown}; registered: {', '.join(datasets.names())}")
    for name in args.sources or datasets.names():
        start = time.perf_counter()
        files = datasets.fetch(name)
        size = sum(path.stat().st_size for path in files.values())
        print(f"{name}: {len(files)} file(s), {size:,} bytes verified in {time.perf_counter() - start:.1f} s")
    return 0


def _expected(args) -> int:
    from scaling_lib import report, results

    [path] = report.find_notebooks([args.notebook])
    source = args.results or Path("reports") / path.stem / "results.json"
    if not source.is_file():
        raise FileNotFoundError(f"no {source}; run `python -m scaling_lib report {path.stem}` first")
    target = report.expected_path(path)
    changes = results.refresh_expected(results.load_results(source), target)
    print(f"{target}: {len(changes)} value(s) changed" + "".join(f"\n  {line}" for line in changes))
    return 0


def main(argv=None) -> int:
    """Run the command line; return the exit status.

    :mod:`scaling_lib.report` (papermill, nbconvert) is imported only when a command runs,
    so ``--help`` answers at once.
    """
    args = _parser().parse_args(argv)
    command = {"report": _report, "params": _params, "fetch": _fetch, "expected": _expected}[args.command]
    try:
        return command(args)
    except (FileNotFoundError, ValueError, RuntimeError) as exc:  # ParameterError, FetchError included
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
