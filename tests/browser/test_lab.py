"""The notebooks in a real JupyterLab (started by `make lab`) in a real browser (headless Chromium).

Run with ``make browser-test`` (after ``make browser-setup``). For every notebook: it runs top to
bottom without an error, in a kernel that sees the data mirror and shows widgets. For every
explorer registered in ``_explorers.py``: moving its control from the keyboard redraws its figure
and text in place. The check itself is shown to catch a broken explorer, and errors raised while
redrawing are shown to the reader. Screenshots: ``reports/browser/``.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from _explorers import EXPLORERS, ONE_PER_EXPLORER, ExplorerCase
from _lab import LOOPBACK, REPO, REPORTS, ExplorerCheckFailed, _slug, check_explorer, notebook_names
from scaling_lib.environment import HEADLESS_ENV, RESULTS_ENV

MIRROR_ENV = "SCALING_LIB_DATA_MIRROR"

# Deliberately broken copy of an explorer: built while Explorer._changed, the callback every
# control calls, does nothing, so the controls move but never redraw. Restored straight away,
# so that only this copy is broken.
BROKEN_COPY = """# Deliberately broken copy of the explorer above (browser test of the check itself):
# its controls are connected to a callback that does not redraw.
import scaling_lib.widgets
_working_callback = scaling_lib.widgets.Explorer._changed
scaling_lib.widgets.Explorer._changed = lambda self, change: None
try:
    {call}
finally:
    scaling_lib.widgets.Explorer._changed = _working_callback
"""

# An explorer whose drawing raises above x = 2 (browser test of the error display).
FAILING_EXPLORER = """# Explorer whose drawing fails above x = 2 (browser test: errors must show here).
import matplotlib.pyplot as plt
from scaling_lib.widgets import explore, slider

def draw_or_fail(x):
    if x > 2:
        raise RuntimeError(f"deliberate failure at x = {x}")
    figure, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1], [0, x])
    return f"x = {x}, slope {x}"

explore(draw_or_fail, x=slider("x (fails above 2)", 1, 0, 5, integer=True))
"""
FAILING_CASE = ExplorerCase(notebook="added cell", call="", control="x (fails above 2)",
                            text=r"x = (?P<value>\d+), slope (?P<result>\d+)")


def _shots(notebook: str, control: str, suffix: str = "") -> Path:
    return REPORTS / f"{Path(notebook).stem}-{_slug(control)}{suffix}"


def test_make_lab_listens_on_localhost_only(lab):
    addresses = lab.listening()
    assert ("127.0.0.1", lab.port) in addresses, f"JupyterLab is not listening on 127.0.0.1:{lab.port}: {addresses}"
    outside = [address for address in addresses if address[0] not in LOOPBACK]
    assert not outside, f"the server or its kernels listen beyond localhost: {outside}"
    assert "--ServerApp.ip=127.0.0.1" in " ".join(open(f"/proc/{pid}/cmdline").read().replace("\0", " ")
                                                   for pid in lab.processes())


@pytest.mark.parametrize("name", notebook_names())
def test_notebook_runs_top_to_bottom(notebook_run, name):
    run = notebook_run(name)
    assert not run.errors, f"{name} raised in JupyterLab:\n" + "\n\n".join(run.errors)
    assert not run.unexecuted, f"{name}: code cells {run.unexecuted} (counted among code cells) did not run"
    # Every explorer the notebook shows has a check in _explorers.py.
    registered = [case for case in EXPLORERS if case.notebook == name]
    unchecked = [labels for labels in run.explorer_labels if not {case.control for case in registered} & set(labels)]
    assert not unchecked, f"{name} shows explorers with controls {unchecked} that _explorers.py does not check"
    assert len(run.explorer_labels) == len({case.call for case in registered}), (
        f"{name} shows {len(run.explorer_labels)} explorers, _explorers.py registers {len(registered)}")
    assert run.screenshot.exists()


def test_kernels_see_the_mirror_and_show_widgets(lab, notebook_run):
    for name in notebook_names():
        notebook_run(name)
    environments = lab.kernel_environments()
    assert len(environments) >= len(notebook_names()), "expected one running kernel per notebook"
    for env in environments:
        assert HEADLESS_ENV not in env, f"the kernel has {HEADLESS_ENV}={env[HEADLESS_ENV]}: explorers would be static"
        assert env.get(MIRROR_ENV, "") == os.environ.get(MIRROR_ENV, ""), "the kernel lost the data mirror setting"
        assert env.get(RESULTS_ENV, "").startswith(str(lab.home)), "record() would write notebooks/results.json"
    if (REPO.parent / "shared" / "data" / "MANIFEST.csv").exists():
        assert all(env.get(MIRROR_ENV) for env in environments), "the Makefile did not pass the offline mirror on"


@pytest.mark.parametrize("case", EXPLORERS, ids=str)
def test_explorer_redraws_from_the_keyboard(notebook_run, summary, case):
    run = notebook_run(case.notebook)
    shots = _shots(case.notebook, case.control)
    before, after = check_explorer(run.page, case, shots=shots)
    summary.shot(f"{shots}-before.png")
    summary.shot(f"{shots}-after.png")
    summary.notebooks[case.notebook].setdefault("explorers", {})[case.control] = {
        "before": before.describe(), "after": after.describe()}


def test_explorer_errors_show_in_the_output_and_it_recovers(notebook_run, summary):
    run = notebook_run(notebook_names()[0])  # any kernel will do; the first notebook is the quickest
    run.page.add_cell(FAILING_EXPLORER)
    shots = _shots(run.page.name, "failing_explorer")
    check_explorer(run.page, FAILING_CASE, index=-1, shots=shots)  # x: 1 -> 2 draws
    with pytest.raises(ExplorerCheckFailed, match="shows an error") as failure:
        check_explorer(run.page, FAILING_CASE, index=-1, shots=Path(f"{shots}-error"))  # x: 2 -> 3 raises
    assert "RuntimeError: deliberate failure at x = 3" in str(failure.value)
    assert "The explorer could not redraw" in str(failure.value)
    summary.shot(f"{shots}-error-after.png")
    # Still usable: back to x = 2 draws the figure again.
    box = run.page.explorers().last
    box.locator(".noUi-handle").focus()
    run.page.page.keyboard.press("ArrowLeft")
    box.locator(".widget-output img").wait_for(timeout=30_000)
    assert "x = 2, slope 2" in box.locator(".widget-output").inner_text()


@pytest.mark.parametrize("case", ONE_PER_EXPLORER, ids=str)
def test_check_fails_on_a_broken_copy(notebook_run, summary, case):
    """The acceptance of the check: on a copy of the explorer whose callback does not redraw, it fails."""
    run = notebook_run(case.notebook)
    count = run.page.explorers().count()
    run.page.add_cell(BROKEN_COPY.format(call=case.call))
    assert run.page.explorers().count() == count + 1, "the broken copy of the explorer was not shown"
    shots = _shots(case.notebook, case.control, "-broken")
    with pytest.raises(ExplorerCheckFailed, match="did not redraw") as failure:
        check_explorer(run.page, case, index=-1, shots=shots, timeout=10)
    print(f"the check failed on the broken copy, as it should:\n{failure.value}")
    summary.shot(f"{shots}-before.png")
    summary.shot(f"{shots}-after.png")
