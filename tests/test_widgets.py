"""Explorers in-process: the generic helper, in-place redraws and errors shown in the output area.

The ipywidgets objects are driven directly (``slider.value = ...``) and the ``Output`` widget's
outputs read back, without a kernel or a browser; ``make browser-test`` checks the same in a real
JupyterLab.
"""
import base64
import warnings

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from scaling_lib import fit_chinchilla, widgets
from scaling_lib.laws import Chinchilla
from scaling_lib.widgets import EXPLORER_CLASS, Control, Explorer, choice, explore, render, slider

matplotlib.use("Agg")
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def no_figures_left():
    plt.close("all")
    yield
    plt.close("all")


@pytest.fixture
def shown(monkeypatch):
    """Explorers that :func:`explore` showed, in order (instead of displaying them)."""
    explorers = []

    def show(self):
        self._shown = True
        explorers.append(self)

    monkeypatch.setattr(Explorer, "show", show)
    return explorers


def line(x):
    figure, ax = plt.subplots()
    ax.plot([0, 1], [0, x])
    ax.set_title(f"slope {x}")
    return f"x = {x}"


def kinds(outputs):
    return [(o["output_type"], o.get("name") or next(iter(o.get("data", {})), o.get("ename"))) for o in outputs]


def text(outputs, name="stdout"):
    return "".join(o["text"] for o in outputs if o["output_type"] == "stream" and o["name"] == name)


def test_headless_explore_draws_one_static_figure_and_builds_no_widget(monkeypatch, capsys):
    monkeypatch.setattr(Control, "build", lambda self: pytest.fail("a headless explorer built a widget"))
    assert explore(line, interactive=False, x=slider("x", 2, 0, 5, integer=True)) is None
    [number] = plt.get_fignums()
    assert plt.figure(number).axes[0].get_title() == "slope 2"
    assert capsys.readouterr().out == "x = 2\n"


def test_explore_shows_controls_above_one_output_area_and_redraws_in_place(shown):
    explorer = explore(line, interactive=True, x=slider("x", 1, 0, 5, integer=True))
    assert shown == [explorer]
    assert EXPLORER_CLASS in explorer.box._dom_classes
    control = explorer.controls["x"]
    assert explorer.box.children == (control, explorer.output)
    assert (type(control).__name__, control.description, control.continuous_update) == ("IntSlider", "x", False)
    assert kinds(explorer.output.outputs) == [("display_data", "image/png"), ("stream", "stdout")]
    first = explorer.output.outputs
    assert base64.b64decode(first[0]["data"]["image/png"]).startswith(PNG)
    assert text(first) == "x = 1\n"
    assert plt.get_fignums() == []  # drawn figures are closed, so none shows up again later

    control.value = 3
    assert explorer.redraws == 2
    after = explorer.output.outputs
    assert kinds(after) == [("display_data", "image/png"), ("stream", "stdout")]  # replaced, not appended
    assert text(after) == "x = 3\n"
    assert after[0]["data"]["image/png"] != first[0]["data"]["image/png"]
    assert plt.get_fignums() == []


def test_an_error_while_redrawing_is_shown_in_the_output_area_and_the_explorer_recovers(shown):
    def draw(x):
        print("before the failure")
        line(x)
        if x > 2:
            raise RuntimeError(f"deliberate failure at x = {x}")
        return f"x = {x}"

    explorer = explore(draw, interactive=True, x=slider("x", 1, 0, 5, integer=True))
    explorer.controls["x"].value = 4
    outputs = explorer.output.outputs
    assert kinds(outputs) == [("stream", "stdout"), ("error", "RuntimeError")]
    assert text(outputs) == "before the failure\n"
    error = outputs[-1]
    assert error["evalue"] == "deliberate failure at x = 4"
    assert error["traceback"][0] == "The explorer could not redraw:"
    assert any("deliberate failure at x = 4" in line_ for line_ in error["traceback"])
    assert plt.get_fignums() == []  # the half-drawn figure was closed too

    explorer.controls["x"].value = 2
    assert kinds(explorer.output.outputs) == [("display_data", "image/png"), ("stream", "stdout")]
    assert text(explorer.output.outputs) == "before the failure\nx = 2\n"


def test_warnings_go_to_stderr_of_the_output_area():
    def draw():
        warnings.warn("extrapolating beyond the data")
        line(1)

    outputs = render(draw, {})
    assert kinds(outputs) == [("display_data", "image/png"), ("stream", "stderr")]
    assert "UserWarning: extrapolating beyond the data" in text(outputs, "stderr")


def test_several_controls_and_ready_made_widgets(shown):
    import ipywidgets

    seen = []

    def draw(x, kind, n):
        seen.append((x, kind, n))
        line(x)

    explorer = explore(draw, interactive=True, x=slider("x", 1.0, 0.0, 2.0, step=0.5),
                       kind=choice("kind", "b", ["a", "b"]), n=ipywidgets.IntText(value=7, description="n"))
    explorer.controls["kind"].value = "a"
    explorer.controls["n"].value = 8
    assert seen == [(1.0, "b", 7), (1.0, "a", 7), (1.0, "a", 8)]
    assert [type(w).__name__ for w in explorer.controls.values()] == ["FloatSlider", "SelectionSlider", "IntText"]


def test_a_returned_explorer_is_not_shown_twice(monkeypatch):
    displayed = []
    monkeypatch.setattr("IPython.display.display", lambda obj: displayed.append(obj))
    explorer = explore(line, interactive=True, x=slider("x", 1, 0, 5, integer=True))
    explorer._ipython_display_()  # what IPython does with a cell's last value
    assert displayed == [explorer.box]
    assert repr(explorer) == "Explorer(x=1)"


def test_log_slider():
    control = slider("C (FLOP)", 1e21, 1e18, 1e26, log=True)
    assert control.widget == "FloatLogSlider"
    assert control.options["min"] == 18 and control.options["max"] == 26 and control.options["step"] == 0.05
    widget = control.build()
    assert widget.value == pytest.approx(1e21) and widget.readout_format == ".3g"
    with pytest.raises(ValueError, match="min > 0"):
        slider("C", 1, 0, 10, log=True)


def test_allocation_explorer_slider_moves_the_budget_in_the_text_and_the_figure(shown):
    rng = np.random.default_rng(0)
    N = np.exp(rng.uniform(np.log(3e7), np.log(3e10), 60))
    D = N * np.exp(rng.uniform(np.log(5), np.log(300), 60))
    loss = Chinchilla().predict(dict(E=1.8, A=500.0, B=2000.0, alpha=0.34, beta=0.37), N, D)
    result = fit_chinchilla(N, D, loss * np.exp(rng.normal(0, 0.003, 60)), n_bootstrap=8, seed=0)
    table = widgets.allocation_explorer(result, budget=1e23, budgets=np.geomspace(1e19, 1e25, 7), interactive=True)
    assert len(table) == 7
    [explorer] = shown
    budget = explorer.controls["C"]
    assert budget.description == "C (FLOP)"
    first = explorer.output.outputs
    assert text(first).startswith("C = 1e+23 FLOP: N_opt = ")
    budget.value = 1e24
    after = explorer.output.outputs
    assert kinds(after) == [("display_data", "image/png"), ("stream", "stdout")]
    assert text(after).startswith("C = 1e+24 FLOP: N_opt = ")
    assert text(after).split("N_opt = ")[1][:8] != text(first).split("N_opt = ")[1][:8]
    assert after[0]["data"]["image/png"] != first[0]["data"]["image/png"]
    assert plt.get_fignums() == []


def test_a_choice_names_its_options_and_refuses_an_unknown_start():
    built = choice("benchmark", 1, {"GSM8K": 0, "MMLU": 1}).build()
    assert built.label == "MMLU" and built.options == (("GSM8K", 0), ("MMLU", 1))
    with pytest.raises(ValueError, match="start value 5 is not among the options"):
        choice("benchmark", 5, {"GSM8K": 0})
