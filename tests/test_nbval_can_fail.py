"""Acceptance test of the nbval set-up: a deliberate change to a headline number fails it.

A tiny notebook takes its headline number from a library function (``headline_source.value``
in a folder on ``PYTHONPATH``), prints it with :func:`scaling_lib.results.record` and is
committed with outputs. nbval, run as the project runs it, then

(a) passes on the unchanged library, although a timing line differs (the sanitizer at work),
(b) fails, naming both numbers, once the library returns another value,
(c) fails on the timing line when run without the sanitizer, so (a) is not vacuous.
"""
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from scaling_lib.results import load_results

SANITIZE_CFG = Path(__file__).with_name("nbval_sanitize.cfg")
CELLS = [
    "import time\nt0 = time.perf_counter()",
    "print(f'took {time.perf_counter() - t0:.1f} s')",
    "import headline_source\nfrom scaling_lib.results import record\n"
    "record({'answer': headline_source.value()})",
]


def write_library(folder: Path, value: float) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "headline_source.py").write_text(f"def value():\n    return {value!r}\n")
    return folder


def kernel_env(library: Path, results: Path) -> dict:
    """The test process environment, plus the library folder and a results path."""
    path = os.pathsep.join(filter(None, [str(library), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, "SCALING_LIB_RESULTS": str(results)}


@pytest.fixture(scope="module")
def committed(tmp_path_factory):
    """A notebook executed against ``value() == 1.2345`` and saved with its outputs."""
    root = tmp_path_factory.mktemp("nbval")
    library = write_library(root / "lib", 1.2345)
    notebook = root / "nb" / "headline.ipynb"
    notebook.parent.mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src) for src in CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    env = kernel_env(library, root / "results.json")
    client = NotebookClient(nb, timeout=60, kernel_name="python3",
                            resources={"metadata": {"path": str(notebook.parent)}})
    # the kernel inherits os.environ; nbclient has no env argument
    with pytest.MonkeyPatch.context() as mp:
        for name in ("PYTHONPATH", "SCALING_LIB_RESULTS"):
            mp.setenv(name, env[name])
        client.execute()
    assert load_results(root / "results.json") == {"answer": 1.2345}  # env reached the kernel
    timing = nb.cells[1].outputs[0]
    assert re.fullmatch(r"took \d+\.\d s\n", timing.text)
    timing.text = "took 987.6 s\n"  # as if the committed run had been slower
    nbformat.write(nb, notebook)
    return root, notebook


def run_nbval(notebook: Path, library: Path, *, sanitize=True) -> subprocess.CompletedProcess:
    # "--option=value" form: pytest takes a bare existing path for a test path, which would
    # pull the repository's pyproject.toml into this run.
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--noconftest",
               f"--rootdir={notebook.parent}", "--nbval", "--nbval-current-env", str(notebook)]
    if sanitize:
        command.insert(-1, f"--nbval-sanitize-with={SANITIZE_CFG}")
    return subprocess.run(command, cwd=notebook.parent, capture_output=True, text=True,
                          env=kernel_env(library, notebook.parent / "results.json"), timeout=120)


def test_committed_table_shows_rounded_headline(committed):
    _, notebook = committed
    printed = nbformat.read(notebook, as_version=4).cells[-1].outputs[0].text
    assert re.fullmatch(r"answer\s+1\.234\n", printed)


def test_nbval_passes_on_unchanged_library_despite_timing(committed):
    root, notebook = committed
    run = run_nbval(notebook, root / "lib")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "3 passed" in run.stdout


def test_nbval_fails_when_headline_number_changes(committed):
    root, notebook = committed
    changed = write_library(root / "lib_changed", 1.2399)
    run = run_nbval(notebook, changed)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 failed, 2 passed" in run.stdout
    assert re.search(r"answer\s+1\.24\b", run.stdout) and re.search(r"answer\s+1\.234\b", run.stdout)


def test_nbval_fails_on_timing_without_sanitizer(committed):
    root, notebook = committed
    run = run_nbval(notebook, root / "lib", sanitize=False)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 failed, 2 passed" in run.stdout and "took 987.6 s" in run.stdout
