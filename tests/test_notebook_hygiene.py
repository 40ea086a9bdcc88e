"""Static checks of the committed notebooks, so that nbval has something real to compare.

nbval only compares cells that carry an execution count and outputs; a notebook committed with
stripped outputs, or after an out-of-order interactive session, passes nbval while testing
nothing. These checks read the notebooks only (no kernel).
"""
import re
from pathlib import Path

import nbformat
import pytest

from scaling_lib.report import NOTEBOOK_DIR, NOTEBOOK_GLOB, notebook_parameters

NOTEBOOKS = sorted(NOTEBOOK_DIR.glob(NOTEBOOK_GLOB))
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
# Ways to tell nbval not to compare a cell's output (tags, or a comment line in the cell).
IGNORE_TAGS = {"nbval-ignore-output", "nbval-skip"}
IGNORE_COMMENT = re.compile(r"^\s*#\s*NBVAL_(IGNORE_OUTPUT|SKIP)\s*$", re.MULTILINE)
FORBIDDEN = {
    "os.chdir (notebooks run in their own folder; use paths relative to it)":
        re.compile(r"\bchdir\s*\(|^\s*%cd\b", re.MULTILINE),
    "import * (hides where names come from)": re.compile(r"^\s*from\s+\S+\s+import\s+\*", re.MULTILINE),
}


def _code_cells(path):
    nb = nbformat.read(path, as_version=4)
    return [cell for cell in nb.cells if cell.cell_type == "code" and cell.source.strip()]


def _tags(cell):
    return set(cell.metadata.get("tags", []))


notebooks = pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])


def test_notebooks_exist():
    assert NOTEBOOKS, f"no notebooks matching {NOTEBOOK_GLOB} in {NOTEBOOK_DIR}"


@notebooks
def test_kernelspec_is_set(path):
    kernelspec = nbformat.read(path, as_version=4).metadata.get("kernelspec", {})
    assert kernelspec.get("name") and kernelspec.get("language") == "python", (
        f"{path.name}: set a Python kernelspec (e.g. `jupytext --set-kernel python3`), "
        f"got {kernelspec!r}")


@notebooks
def test_one_parameters_cell_with_annotated_parameters(path):
    nb = nbformat.read(path, as_version=4)
    tagged = [i for i, cell in enumerate(nb.cells) if "parameters" in cell.metadata.get("tags", [])]
    injected = [i for i, cell in enumerate(nb.cells)
                if "injected-parameters" in cell.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: need exactly one cell tagged 'parameters', found cells {tagged}"
    assert not injected, f"{path.name}: papermill's injected-parameters cell {injected} was committed"
    untyped = [name for name, spec in notebook_parameters(path).items()
               if spec["inferred_type_name"] == "None"]
    assert not untyped, (f"{path.name}: annotate parameters as `name: type = value  # help`: "
                         f"{', '.join(untyped)}")
    # papermill silently skips a line it cannot parse (e.g. "=" inside the help comment), and then neither
    # `params` lists it nor is its help shown.
    assignments = [line.split(":")[0] for line in nb.cells[tagged[0]].source.splitlines()
                   if line and not line.startswith((" ", "#"))]
    unparsed = sorted(set(assignments) - set(notebook_parameters(path)))
    assert not unparsed, f"{path.name}: papermill cannot parse the parameter line(s) of {unparsed}"


@notebooks
def test_committed_from_a_clean_top_to_bottom_run(path):
    cells = _code_cells(path)
    counts = [cell.execution_count for cell in cells]
    assert None not in counts, (f"{path.name}: code cells without execution count (outputs "
                                f"stripped?), nbval would skip them: {counts}")
    assert counts == list(range(1, len(cells) + 1)), (
        f"{path.name}: execution counts {counts} are not 1..{len(cells)}; "
        "restart the kernel and run all cells before committing")
    errors = [cell.execution_count for cell in cells for out in cell.outputs
              if out.output_type == "error" and "raises-exception" not in _tags(cell)]
    assert not errors, f"{path.name}: cells In {errors} were committed with an error"


@notebooks
def test_last_code_cell_records_headline_numbers(path):
    last = _code_cells(path)[-1]
    assert "record(" in last.source, (f"{path.name}: the last code cell must call "
                                      "scaling_lib.results.record({...})")
    printed = "".join(out.get("text", "") for out in last.outputs if out.output_type == "stream")
    assert printed.strip(), f"{path.name}: the record(...) cell has no printed table; run it before committing"
    assert not (_tags(last) & IGNORE_TAGS or IGNORE_COMMENT.search(last.source)), (
        f"{path.name}: the record(...) cell is marked for nbval to skip; its headline numbers must be compared")


def _sanitizers():
    """(regex, replacement) pairs of tests/nbval_sanitize.cfg."""
    lines = (Path(__file__).parent / "nbval_sanitize.cfg").read_text().splitlines()
    pairs = zip(lines, lines[1:])
    return [(re.compile(a[len("regex: "):]), b[len("replace: "):]) for a, b in pairs
            if a.startswith("regex: ") and b.startswith("replace: ")]


def test_sanitizers_are_read():
    assert len(_sanitizers()) >= 3


@notebooks
def test_sanitizers_leave_headline_numbers_alone(path):
    last = _code_cells(path)[-1]
    printed = "".join(out.get("text", "") for out in last.outputs if out.output_type == "stream")
    # Headlines with no stable digit are printed as ~value on purpose (their tolerance check guards them);
    # every other number must reach nbval untouched.
    stable = re.sub(r"~-?\d[\d.]*(e[+-]?\d+)?", "", printed)
    for pattern, replacement in _sanitizers():
        assert pattern.sub(replacement, stable) == stable, (
            f"{path.name}: sanitizer {pattern.pattern!r} rewrites the headline numbers, so nbval would not see "
            "a change in them")


def test_nbval_still_compares_text():
    import importlib.util

    spec = importlib.util.spec_from_file_location("root_conftest", Path(__file__).parents[1] / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.NBVAL_SKIP_COMPARE, "conftest.py no longer lists what nbval skips"
    assert not any(mime.startswith("text/plain") or mime == "stream" for mime in module.NBVAL_SKIP_COMPARE)


MAX_FUNCTION_LINES = 5  # rule 4: "no function longer than a few lines is defined here"


@notebooks
def test_no_long_functions_in_notebooks(path):
    import ast

    long = []
    for cell in _code_cells(path):
        tree = ast.parse("\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!"))))
        long += [f"In [{cell.execution_count}]: {node.name} ({node.end_lineno - node.lineno + 1} lines)"
                 for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                 and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long, f"{path.name}: logic belongs in scaling_lib/, with tests: " + "; ".join(long)


@notebooks
def test_no_chdir_or_star_import(path):
    problems = [f"In [{cell.execution_count}]: {what}" for cell in _code_cells(path)
                for what, pattern in FORBIDDEN.items() if pattern.search(cell.source)]
    assert not problems, f"{path.name}: " + "; ".join(problems)


@notebooks
def test_widget_cells_are_not_compared(path):
    unmarked = [cell.execution_count for cell in _code_cells(path)
                if any(WIDGET_MIME in out.get("data", {}) for out in cell.outputs)
                and not (_tags(cell) & IGNORE_TAGS or IGNORE_COMMENT.search(cell.source))]
    assert not unmarked, (f"{path.name}: cells In {unmarked} show widgets, whose output nbval "
                          "cannot reproduce; tag them 'nbval-ignore-output'")
