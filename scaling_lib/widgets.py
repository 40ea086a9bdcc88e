"""Interactive explorers that degrade to a static figure when no front end is attached.

Headless runs (papermill, nbconvert, nbval) save widget state that offline readers cannot
render, so an explorer without a notebook front end (JupyterLab, Notebook, VS Code) draws one
static figure and prints its text, and creates no widget at all. With a front end it shows its
controls above one output area; every change of a control replaces the figure and the text in
that area in one step (no flicker, no second figure), and an exception raised while redrawing is
shown there with its traceback instead of vanishing into the kernel's log.

A new explorer is a drawing function and its controls::

    def draw(k):
        plotting.something(table, k=k)           # draw with pyplot; don't call plt.show()
        return f"k = {k}: ..."                    # optional text printed under the figure

    explore(draw, k=slider("k (samples)", 10, 1, 1e4, log=True))

Every explorer is checked in a real JupyterLab by the browser tests (``make browser-test``);
register a new one in ``tests/browser/_explorers.py``.
"""
from __future__ import annotations

import base64
import contextlib
import io
import os
import traceback
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

import matplotlib.pyplot as plt
import numpy as np

from . import plotting
from .allocation import compute_optimal, describe_allocation
from .environment import HEADLESS_ENV

__all__ = ["has_front_end", "explore", "slider", "choice", "Control", "Explorer", "allocation_explorer",
           "HEADLESS_ENV", "EXPLORER_CLASS"]

#: CSS class of every explorer's box in the front end (the browser tests find explorers by it).
EXPLORER_CLASS = "scaling-lib-explorer"


def has_front_end() -> bool:
    """Whether an interactive front end drives this kernel.

    True inside an IPython kernel launched by a Jupyter server (which sets ``JPY_SESSION_NAME``)
    or by VS Code; false in plain Python, papermill and nbconvert runs. ``SCALING_LIB_HEADLESS``
    overrides the guess.
    """
    forced = os.environ.get(HEADLESS_ENV)
    if forced is not None:
        return forced.strip() in ("0", "false", "no")
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None or type(shell).__name__ != "ZMQInteractiveShell":
        return False
    return any(key in os.environ for key in ("JPY_SESSION_NAME", "VSCODE_PID", "VSCODE_CWD"))


# ---------------------------------------------------------------------------------------------
# Controls: described here, built as ipywidgets only when a front end shows them


@dataclass(frozen=True)
class Control:
    """One control of an explorer: an ipywidgets class, its start value and its other options.

    Headless runs use ``value`` only, so that they create no widget (whose state papermill would
    store in the notebook).
    """

    widget: str
    value: Any
    options: dict = field(default_factory=dict)

    def build(self):
        import ipywidgets

        return getattr(ipywidgets, self.widget)(value=self.value, **self.options)


_STYLE = {"description_width": "initial"}


def slider(description: str, value: float, min: float, max: float, step: float | None = None, *,
           log: bool = False, integer: bool = False, readout_format: str | None = None) -> Control:
    """A slider from ``min`` to ``max`` starting at ``value``.

    ``log=True`` moves in steps of ``step`` decades (default 0.05) over a log scale. The slider
    redraws when released, or at each arrow key (left/right, page up/down, home/end) once it
    has the keyboard focus (Tab); its number can also be typed into the readout.
    """
    options = dict(description=description, continuous_update=False, style=_STYLE,
                   layout={"width": "32em"})
    if readout_format is not None:
        options["readout_format"] = readout_format
    if log:
        if min <= 0:
            raise ValueError(f"slider {description!r}: a log slider needs min > 0, got {min}")
        options.update(base=10, min=float(np.log10(min)), max=float(np.log10(max)),
                       step=0.05 if step is None else step)
        options.setdefault("readout_format", ".3g")
        return Control("FloatLogSlider", float(value), options)
    options.update(min=min, max=max)
    if step is not None:
        options["step"] = step
    return Control("IntSlider" if integer else "FloatSlider", value, options)


def choice(description: str, value, options) -> Control:
    """A choice among ``options`` (a list of values, or a dict of label to value) starting at ``value``.

    Shown as a selection slider whose readout names the option: it moves with the left and right
    arrow keys once it has the focus (Tab), and with the mouse. A drop-down list would not do in
    JupyterLab, whose notebook takes the up and down arrow keys for moving between cells before a
    focused list sees them.
    """
    pairs = list(options.items()) if isinstance(options, dict) else [(str(option), option) for option in options]
    if value not in [v for _, v in pairs]:
        raise ValueError(f"choice {description!r}: start value {value!r} is not among the options")
    return Control("SelectionSlider", value, dict(description=description, options=pairs, continuous_update=False,
                                                  style=_STYLE, layout={"width": "32em"}))


def _widget(control):
    return control.build() if isinstance(control, Control) else control


def _start_value(control):
    return control.value  # a Control or a ready-made ipywidget


# ---------------------------------------------------------------------------------------------
# Rendering one state of an explorer into notebook outputs


def _figure_output(figure) -> dict:
    buffer = io.BytesIO()
    # At the figure's own dpi, as the inline backend shows the notebook's other figures.
    figure.savefig(buffer, format="png", bbox_inches="tight", dpi=figure.dpi)
    return {"output_type": "display_data", "metadata": {},
            "data": {"image/png": base64.b64encode(buffer.getvalue()).decode("ascii"), "text/plain": repr(figure)}}


def _stream_output(name: str, text: str) -> dict:
    return {"output_type": "stream", "name": name, "text": text}


def _error_output(error: BaseException) -> dict:
    lines = traceback.format_exception(type(error), error, error.__traceback__)
    return {"output_type": "error", "ename": type(error).__name__, "evalue": str(error),
            "traceback": ["The explorer could not redraw:"] + [line.rstrip("\n") for line in lines]}


def render(draw: Callable[..., str | None], values: dict) -> tuple[dict, ...]:
    """Call ``draw(**values)`` and return what it drew and printed as notebook outputs (nbformat dicts).

    Figures that ``draw`` opened become PNG images and are closed; what it printed, and the text it
    returned, follow as stdout; warnings and other stderr after that. An exception becomes an error
    output with its traceback, after whatever was printed before it.
    """
    before = set(plt.get_fignums())
    stdout, stderr = io.StringIO(), io.StringIO()
    outputs = []
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr), \
                warnings.catch_warnings():
            warnings.simplefilter("default")
            warnings.showwarning = lambda message, category, *_, **__: stderr.write(
                f"{category.__name__}: {message}\n")
            text = draw(**values)
            outputs = [_figure_output(plt.figure(number)) for number in plt.get_fignums() if number not in before]
        if text:
            stdout.write(f"{text}\n")
        error = None
    except Exception as exc:  # shown to the reader; the explorer stays usable
        error = exc
        outputs = []
    finally:
        for number in set(plt.get_fignums()) - before:
            plt.close(number)
    outputs += [_stream_output(name, buffer.getvalue()) for name, buffer in (("stdout", stdout), ("stderr", stderr))
                if buffer.getvalue()]
    if error is not None:
        outputs.append(_error_output(error))
    return tuple(outputs)


# ---------------------------------------------------------------------------------------------
# The generic explorer


class Explorer:
    """Controls above one output area; a change of any control redraws the area in place.

    Built by :func:`explore` when a front end is attached. ``controls`` maps each keyword of
    ``draw`` to its ipywidget, ``output`` is the ``ipywidgets.Output`` holding the figure and text,
    ``box`` the widget shown (CSS class :data:`EXPLORER_CLASS`).
    """

    def __init__(self, draw: Callable[..., str | None], controls: dict):
        import ipywidgets

        self.draw = draw
        self.controls = {name: _widget(control) for name, control in controls.items()}
        self.output = ipywidgets.Output()
        self.box = ipywidgets.VBox([*self.controls.values(), self.output])
        self.box.add_class(EXPLORER_CLASS)
        self.redraws = 0
        self._shown = False
        self.refresh()
        for widget in self.controls.values():
            widget.observe(self._changed, names="value")

    @property
    def values(self) -> dict:
        return {name: widget.value for name, widget in self.controls.items()}

    def _changed(self, change) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Redraw for the controls' current values, replacing the output area's content at once."""
        # Assigning the whole tuple replaces the outputs in one message: the front end never
        # shows an empty area in between (as clear_output(wait=True) followed by display does).
        self.output.outputs = render(self.draw, self.values)
        self.redraws += 1

    def show(self) -> None:
        from IPython.display import display

        self._shown = True
        display(self.box)

    def _ipython_display_(self):
        # explore() already showed the box: a returned Explorer left as a cell's last value adds nothing.
        if not self._shown:
            self.show()

    def __repr__(self):
        return f"Explorer({', '.join(f'{name}={value!r}' for name, value in self.values.items())})"


def explore(draw: Callable[..., str | None], *, interactive: bool | None = None, **controls) -> Explorer | None:
    """Show ``draw`` with controls for its keyword arguments; a static figure when headless.

    Parameters
    ----------
    draw : callable
        ``draw(**values)`` draws on new pyplot figures (it must not call ``plt.show()``) and may
        return a text shown under the figure.
    interactive : bool, optional
        Force (True) or suppress (False) the controls; default :func:`has_front_end`.
    **controls : Control or ipywidget
        One per keyword of ``draw``: :func:`slider`, :func:`choice`, or any ipywidgets value widget.

    Returns
    -------
    Explorer or None
        The shown explorer, or None when headless. Headless, ``draw`` runs once at the controls'
        start values, its figure is shown with ``plt.show()`` and its text printed.
    """
    if interactive if interactive is not None else has_front_end():
        try:
            explorer = Explorer(draw, controls)
        except ImportError as error:  # no ipywidgets: the static figure still informs
            warnings.warn(f"explorer shown as a static figure: {error}", stacklevel=2)
        else:
            explorer.show()
            return explorer
    text = draw(**{name: _start_value(control) for name, control in controls.items()})
    plt.show()
    if text:
        print(text)
    return None


# ---------------------------------------------------------------------------------------------
# Explorers used by the notebooks


def allocation_explorer(fit, *, budget: float = 5.88e23, budgets=None, isoflop=None, interactive: bool | None = None):
    """Explore the compute-optimal allocation of a fitted L(N, D) with its bootstrap band.

    Parameters
    ----------
    fit : FitResult
        Fit of a law of (N, D) with ``n_bootstrap > 0`` for the bands.
    budget : float
        Compute budget (FLOP) marked and described; the slider's start.
    budgets : array_like, optional
        Budgets (FLOP) spanned by the figure and the slider; default 1e18 to 1e26.
    isoflop : IsoFlopResult, optional
        Approach-2 result drawn for comparison.
    interactive : bool, optional
        Force (True) or suppress (False) the widgets; default :func:`has_front_end`.

    Returns
    -------
    DataFrame
        The allocation at every budget of ``budgets`` (see :func:`compute_optimal`).
    """
    budgets = np.geomspace(1e18, 1e26, 41) if budgets is None else np.asarray(budgets, dtype=float)
    table = compute_optimal(fit, budgets)

    def draw(C):
        ax = plotting.allocation_curve(table, isoflop=isoflop, marker_budget=C)
        row = compute_optimal(fit, [C]).iloc[0]
        ax.errorbar([C], [row.N_opt], yerr=[[row.N_opt - row.N_low], [row.N_high - row.N_opt]], fmt="o",
                    color="black", capsize=3)
        ax.set_title(f"Compute-optimal model size; marked: {C:.3g} FLOP")
        return describe_allocation(row)

    explore(draw, interactive=interactive,
            C=slider("C (FLOP)", budget, budgets.min(), budgets.max(), step=0.05, log=True, readout_format=".3g"))
    return table
