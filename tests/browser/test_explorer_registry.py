"""Every explorer call in the notebooks has an entry in ``_explorers.py`` (runs in `make test`, no browser)."""
import re

import nbformat
import pytest

from _explorers import EXPLORERS
from _lab import NOTEBOOKS, notebook_names

# A call of scaling_lib.widgets.explore or of one of the *_explorer functions built on it.
EXPLORER_CALL = re.compile(r"(?<![\w.])(?:explore|[A-Za-z_]\w*_explorer)\(")


def _code(name):
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


@pytest.mark.parametrize("name", notebook_names())
def test_every_explorer_in_the_notebook_is_registered(name):
    calls = {case.call for case in EXPLORERS if case.notebook == name}
    unregistered = []
    for source in _code(name):
        for line in source.splitlines():
            code = line.split("#", 1)[0]
            if code.lstrip().startswith(("import ", "from ")):
                continue
            for match in EXPLORER_CALL.finditer(code):
                if not any(code.startswith(call, match.start()) for call in calls):
                    unregistered.append(line.strip())
    assert not unregistered, (f"{name} calls explorers that tests/browser/_explorers.py does not list (add an "
                              f"ExplorerCase for each): {unregistered}")


@pytest.mark.parametrize("case", EXPLORERS, ids=str)
def test_registered_explorer_is_in_its_notebook(case):
    assert (NOTEBOOKS / case.notebook).exists(), f"{case}: no notebook {case.notebook}"
    assert any(case.call in source for source in _code(case.notebook)), (
        f"{case}: {case.notebook} has no call {case.call!r} (update tests/browser/_explorers.py)")
    assert {"value", "result"} <= set(re.compile(case.text).groupindex), f"{case}: text needs groups value, result"
