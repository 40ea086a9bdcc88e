"""Each notebook's headline numbers, its expected values and its prose agree, and a biased library fails them.

The nbval run executes every notebook with ``SCALING_LIB_CHECK_HEADLINES=1``, so its ``record``
cell fails when a number leaves its tolerance (see :mod:`scaling_lib.results`). These tests check
the wiring around that: every notebook records against its own expected-values file, the
sentences of "What we found" that cite numbers are rendered from the expected values, and a 1%
bias in the fitting engine makes notebook 01 fail, naming the numbers.
"""
import os
import re
import subprocess
import sys

import nbformat
import pytest

from scaling_lib.report import NOTEBOOK_DIR, NOTEBOOK_GLOB, expected_path
from scaling_lib.results import CHAOTIC_RTOL, _read_expected, load_expected, render_quotes

NOTEBOOKS = sorted(NOTEBOOK_DIR.glob(NOTEBOOK_GLOB))
notebooks = pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?(?:e[+-]?\d+)?%?")


def _cells(path):
    return nbformat.read(path, as_version=4).cells


def _findings(path) -> str:
    """The "What we found" markdown cell, white space folded."""
    found = [cell.source for cell in _cells(path) if cell.cell_type == "markdown"
             and cell.source.lstrip().startswith("## What we found")]
    assert len(found) == 1, f"{path.name}: needs one markdown cell starting '## What we found'"
    return " ".join(found[0].split())


@notebooks
def test_record_cell_checks_against_the_notebooks_expected_values(path):
    record_cell = [cell for cell in _cells(path) if cell.cell_type == "code" and "record(" in cell.source][-1]
    relative = expected_path(path).relative_to(path.parent).as_posix()
    assert f'expected="{relative}"' in record_cell.source, (
        f"{path.name}: the record cell must pass expected=\"{relative}\"")
    printed = "".join(out.get("text", "") for out in record_cell.outputs if out.output_type == "stream")
    recorded = [line.split()[0] for line in printed.splitlines() if line.strip()]
    assert recorded == list(load_expected(expected_path(path))), (
        f"{path.name}: the committed record table and {expected_path(path).name} list different headlines")


@notebooks
def test_only_headlines_without_a_stable_digit_are_printed_unstably(path):
    printed = "".join(out.get("text", "") for cell in _cells(path) if cell.cell_type == "code" and "record(" in cell.source
                      for out in cell.outputs if out.output_type == "stream")
    unstable = [line.split()[0] for line in printed.splitlines() if "~" in line]
    expected = load_expected(expected_path(path))
    assert unstable == [name for name, exp in expected.items() if exp.rtol >= CHAOTIC_RTOL]


@notebooks
def test_quoted_numbers_come_from_the_expected_values(path):
    text = _findings(path)
    rest = text
    for quote in render_quotes(expected_path(path)):
        assert quote in text, f"{path.name}: 'What we found' no longer says {quote!r}; update the prose or the quote"
        rest = rest.replace(quote, " ")
    constants = set(_read_expected(expected_path(path)).get("constants", []))
    stray = [number for number in NUMBER.findall(rest) if number not in constants]
    assert not stray, (f"{path.name}: 'What we found' cites {stray} outside any quote of "
                       f"{expected_path(path).name}; quote them (so they cannot go stale) or list them as constants")


def _biased_copy(path, tmp_path):
    """Notebook 01 with a first cell that scales every training loss by 1.01 inside scaling_lib.fitting.fit."""
    nb = nbformat.read(path, as_version=4)
    bias = nbformat.v4.new_code_cell(
        "import scaling_lib, scaling_lib.fitting, scaling_lib.fitting.engine as engine\n"
        "_fit = engine.fit\n"
        "def biased_fit(law, X, y, **options):\n"
        "    return _fit(law, X, [1.01 * v for v in y], **options)\n"
        "engine.fit = scaling_lib.fitting.fit = scaling_lib.fit = biased_fit")
    nb.cells.insert(0, bias)
    copy = tmp_path / path.name
    nbformat.write(nb, copy)
    return nb, copy



def test_a_one_percent_bias_in_the_library_fails_the_notebook_checks(tmp_path):
    path = NOTEBOOK_DIR / "01_fitting_scaling_laws.ipynb"
    _, copy = _biased_copy(path, tmp_path)
    (tmp_path / "expected").mkdir()
    (tmp_path / "expected" / expected_path(path).name).write_bytes(expected_path(path).read_bytes())
    env = {**os.environ, "SCALING_LIB_CHECK_HEADLINES": "1", "SCALING_LIB_HEADLESS": "1",
           "SCALING_LIB_RESULTS": str(tmp_path / "results.json")}
    # A process of its own, as a user's run would be, so no event loop or kernel is shared with the test run.
    run = subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
                          "--ExecutePreprocessor.timeout=900", "--output", "executed.ipynb", str(copy)],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=1200)
    message = run.stdout + run.stderr
    assert run.returncode != 0, message[-2000:]
    assert "HeadlineMismatch" in message, message[-2000:]
    # A 1% rescaling of the loss moves E by 1%, far outside its tolerance.
    assert re.search(r"\bE: expected [\d.]+, got [\d.]+ \(tolerance", message), message[-2000:]
    assert (tmp_path / "results.json").is_file()  # the biased numbers are kept for inspection
