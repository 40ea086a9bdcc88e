"""Execute the notebooks headless and publish each as an HTML report.

For every notebook the runner

1. checks the ``-p`` overrides against the notebook's parameters cell (the cell tagged
   ``parameters``) before anything runs,
2. executes it with papermill in its own folder, with ``SCALING_LIB_RESULTS`` pointing the
   notebook's :func:`scaling_lib.results.record` call at the report's ``results.json``,
3. converts the executed notebook to HTML (images embedded, code kept),

and writes ``<output_dir>/<stem>/{<stem>.html, <stem>.ipynb, results.json}``. Each report is
built in a temporary folder next to its destination and moved into place only when complete,
so a failed run never replaces a good report. A failing notebook is reported in one line (cell,
error name and value), its executed copy kept as ``<output_dir>/<stem>.failed.ipynb``, and the
runner goes on with the remaining notebooks.

The command line is ``python -m scaling_lib report`` (see :mod:`scaling_lib.__main__`).
"""
from __future__ import annotations

import ast
import contextlib
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import ipykernel.kernelspec
import nbformat
import papermill
from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from nbconvert import HTMLExporter
from papermill.exceptions import PapermillExecutionError

import scaling_lib
from scaling_lib.environment import HEADLESS_ENV, RESULTS_ENV
from scaling_lib.results import load_results

__all__ = ["ParameterError", "ReportOutcome", "IPCKernelManager", "find_notebooks", "notebook_parameters",
           "parse_value", "resolve_parameters", "expected_path", "ensure_kernel", "run_report", "run_reports",
           "NOTEBOOK_DIR", "NOTEBOOK_GLOB"]

#: The repository's notebook folder and the pattern of the notebooks the runner picks up.
NOTEBOOK_DIR = Path(scaling_lib.__file__).resolve().parents[1] / "notebooks"
NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"

KERNEL_NAME = "python3"
#: Kernelspec installed into ``sys.prefix`` when ``python3`` resolves to another interpreter.
FALLBACK_KERNEL_NAME = "scaling-workbook"

# Parameter annotations whose values are checked before running; others pass unchecked.
_EXPECTED_TYPES = {"int": (int,), "float": (int, float), "bool": (bool,), "str": (str,)}


class IPCKernelManager(KernelManager):
    """A kernel manager whose kernel talks over IPC sockets in a private temporary folder.

    Over TCP every kernel logs "Kernel is running over TCP without encryption" into the report,
    and kernels started side by side can race for ports (papermill issue #511). IPC sockets
    are files: nothing listens on the network, and the folder goes with the kernel.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._socket_dir = tempfile.mkdtemp(prefix="scaling-lib-kernel-")
        self.transport = "ipc"
        self.ip = os.path.join(self._socket_dir, "kernel")

    def cleanup_resources(self, restart: bool = False) -> None:
        super().cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(self._socket_dir, ignore_errors=True)


class ParameterError(ValueError):
    """A parameter override that no selected notebook declares, or of the wrong type."""


@dataclass(frozen=True)
class ReportOutcome:
    """What happened to one notebook.

    Attributes
    ----------
    notebook : Path
        The source notebook.
    directory : Path
        ``<output_dir>/<stem>``, holding :attr:`html`, :attr:`executed` and :attr:`results`
        if the run succeeded; untouched (previous report or nothing) if it failed.
    parameters : dict
        The overrides applied to this notebook.
    seconds : float
        Wall time of execution and conversion.
    error : str or None
        One-line description of the failure, ``None`` on success.
    failed_notebook : Path or None
        The executed copy of a failed notebook, showing the error, if execution got that far.
    """

    notebook: Path
    directory: Path
    parameters: dict = field(default_factory=dict)
    seconds: float = 0.0
    error: str | None = None
    failed_notebook: Path | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def name(self) -> str:
        return self.notebook.stem

    @property
    def html(self) -> Path:
        return self.directory / f"{self.name}.html"

    @property
    def executed(self) -> Path:
        return self.directory / f"{self.name}.ipynb"

    @property
    def results(self) -> Path:
        return self.directory / "results.json"

    def __str__(self) -> str:
        if self.ok:
            return (f"{self.name}: {self.seconds:.1f} s -> {_shown(self.html)}\n"
                    f"    executed notebook {_shown(self.executed)}\n"
                    f"    results           {_shown(self.results)}")
        text = f"{self.name}: FAILED after {self.seconds:.1f} s: {self.error}"
        if self.failed_notebook is not None:
            text += f"\n    executed notebook kept at {_shown(self.failed_notebook)}"
        return text


def _shown(path: Path) -> str:
    """``path`` relative to the working directory when it is below it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def find_notebooks(names=()) -> list[Path]:
    """Resolve notebook arguments to paths.

    Parameters
    ----------
    names : sequence of str or path-like, optional
        Notebook paths, or names of notebooks in :data:`NOTEBOOK_DIR` with or without the
        ``.ipynb`` suffix (``"00_data_tour"``). Empty: every ``NOTEBOOK_DIR/NN_*.ipynb``.

    Returns
    -------
    paths : list of Path
        Absolute paths, in the given order (sorted when ``names`` is empty).

    Raises
    ------
    FileNotFoundError
        If a name matches no notebook, or ``names`` is empty and there are no notebooks.
    ValueError
        If two different notebooks share a file name (their reports would collide).
    """
    if not names:
        paths = sorted(NOTEBOOK_DIR.glob(NOTEBOOK_GLOB))
        if not paths:
            raise FileNotFoundError(f"no notebooks matching {NOTEBOOK_GLOB} in {NOTEBOOK_DIR}")
        return paths
    paths = []
    for name in names:
        candidates = (Path(name), NOTEBOOK_DIR / name, NOTEBOOK_DIR / f"{name}.ipynb")
        path = next((c for c in candidates if c.suffix == ".ipynb" and c.is_file()), None)
        if path is None:
            raise FileNotFoundError(f"no notebook {str(name)!r}: not a .ipynb file, nor a notebook "
                                    f"in {NOTEBOOK_DIR}")
        paths.append(path.resolve())
    paths = list(dict.fromkeys(paths))
    stems = [path.stem for path in paths]
    clashes = sorted({stem for stem in stems if stems.count(stem) > 1})
    if clashes:
        raise ValueError(f"several notebooks named {', '.join(clashes)}; their reports would collide")
    return paths


def expected_path(notebook) -> Path:
    """The expected-values file of a notebook: ``expected/<stem>.json`` in the notebook's folder."""
    notebook = Path(notebook)
    return notebook.parent / "expected" / f"{notebook.stem}.json"


def notebook_parameters(notebook) -> dict:
    """Parameters declared in a notebook's cell tagged ``parameters``.

    Parameters
    ----------
    notebook : str or path-like

    Returns
    -------
    parameters : dict
        ``name -> {"name", "inferred_type_name", "default", "help"}`` as returned by
        :func:`papermill.inspect_notebook`: the type from the annotation (``"None"`` if
        unannotated), the default as source text and the help from the inline comment.
        Empty if the notebook has no parameters cell.
    """
    return papermill.inspect_notebook(str(notebook))


def parse_value(text: str):
    """Interpret a command-line parameter value.

    Python literals become Python objects (``"5"`` -> 5, ``"0.5"`` -> 0.5, ``"True"``,
    ``"None"``, ``"[1, 2]"``); anything else stays a string, as with ``papermill -p``.
    """
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def _coerce(notebook: Path, name: str, spec: dict, value):
    expected = spec["inferred_type_name"]
    if isinstance(value, str) and expected != "str":
        value = parse_value(value)
    types = _EXPECTED_TYPES.get(expected)
    if types and (not isinstance(value, types) or (isinstance(value, bool) and bool not in types)):
        raise ParameterError(f"{notebook.stem}: parameter {name} is {expected} "
                             f"(default {spec['default']}), got {value!r}")
    return value


def resolve_parameters(declared: dict, overrides: dict) -> dict:
    """Match parameter overrides to the notebooks that declare them.

    Parameters
    ----------
    declared : dict
        ``notebook path -> notebook_parameters(path)``.
    overrides : dict
        ``name -> value``. String values are parsed with :func:`parse_value` unless the
        parameter is annotated ``str``; values of parameters annotated ``int``, ``float``,
        ``bool`` or ``str`` are type-checked.

    Returns
    -------
    applied : dict
        ``notebook path -> {name: value}``: each override goes to every notebook declaring it.

    Raises
    ------
    ParameterError
        If an override is declared by none of the notebooks (the message lists each
        notebook's parameters) or has the wrong type.
    """
    unknown = [name for name in overrides if not any(name in params for params in declared.values())]
    if unknown:
        lines = [f"unknown parameter{'s' * (len(unknown) > 1)} {', '.join(unknown)}; "
                 "valid parameters:"]
        lines += [f"  {path.stem}: {', '.join(params) or '(none)'}" for path, params in declared.items()]
        raise ParameterError("\n".join(lines))
    return {path: {name: _coerce(path, name, params[name], value)
                   for name, value in overrides.items() if name in params}
            for path, params in declared.items()}


def _kernel_runs_this_python(kernel_name: str) -> bool:
    try:
        argv = KernelSpecManager().get_kernel_spec(kernel_name).argv
    except NoSuchKernel:
        return False
    # jupyter_client replaces a bare "python", "python3" or "python3.X" with sys.executable.
    if argv[0] in {"python", f"python{sys.version_info[0]}", "python%d.%d" % sys.version_info[:2]}:
        return True
    exe = Path(argv[0])
    return exe.name.startswith("python") and exe.absolute().parent == Path(sys.executable).absolute().parent


def ensure_kernel(prefix=None) -> str:
    """Name of a kernelspec that runs the current interpreter, installing one if needed.

    ``python3`` is used when it resolves to this interpreter (the usual case in a venv:
    ipykernel ships ``share/jupyter/kernels/python3`` with ``argv[0] == "python"``, which
    jupyter_client maps to ``sys.executable``). If a ``python3`` kernelspec elsewhere on the
    Jupyter path shadows it with another Python, a kernelspec named ``scaling-workbook`` is
    installed into ``prefix`` and used instead.

    Parameters
    ----------
    prefix : str or path-like, optional
        Where to install the fallback kernelspec; default ``sys.prefix``.

    Returns
    -------
    kernel_name : str

    Raises
    ------
    RuntimeError
        If even the installed kernelspec does not resolve to this interpreter.
    """
    for name in (KERNEL_NAME, FALLBACK_KERNEL_NAME):
        if _kernel_runs_this_python(name):
            return name
    prefix = sys.prefix if prefix is None else str(prefix)
    ipykernel.kernelspec.install(kernel_name=FALLBACK_KERNEL_NAME, prefix=prefix,
                                 display_name=f"Python {sys.version_info[0]} (scaling-workbook)")
    if not _kernel_runs_this_python(FALLBACK_KERNEL_NAME):
        raise RuntimeError(f"installed kernelspec {FALLBACK_KERNEL_NAME!r} into {prefix}, but "
                           "Jupyter resolves it elsewhere; check `jupyter kernelspec list`")
    return FALLBACK_KERNEL_NAME


@contextlib.contextmanager
def _environ(name: str, value: str):
    """Set an environment variable for the block; kernels started inside inherit it."""
    old = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if old is None:
            del os.environ[name]
        else:
            os.environ[name] = old


def _first_line(text: str) -> str:
    return next((line.strip() for line in str(text).splitlines() if line.strip()), "")


def _execute(notebook: Path, work: Path, parameters: dict, kernel_name: str, timeout) -> str | None:
    """Run ``notebook`` into ``work``; return a one-line error, or None on success."""
    try:
        # Reports are static: explorers draw their figure instead of waiting for a front end.
        with _environ(RESULTS_ENV, str(work / "results.json")), _environ(HEADLESS_ENV, "1"):
            papermill.execute_notebook(
                str(notebook), str(work / f"{notebook.stem}.ipynb"), parameters=parameters,
                kernel_name=kernel_name, cwd=str(notebook.parent), progress_bar=True,
                execution_timeout=timeout, kernel_manager_class=IPCKernelManager)
    except PapermillExecutionError as exc:
        return (f"cell In [{exc.exec_count}] `{_first_line(exc.source)}` raised "
                f"{exc.ename}: {_first_line(exc.evalue)}")
    except Exception as exc:  # dead kernel, cell timeout, unreadable notebook: report, go on
        return f"{type(exc).__name__}: {_first_line(exc)}"
    if not (work / "results.json").is_file():
        return ("no results.json written; the last code cell must call "
                "scaling_lib.results.record({...})")
    try:
        load_results(work / "results.json")
    except ValueError as exc:
        return f"unreadable results.json: {exc}"
    return None


def _write_html(executed: Path, html: Path) -> None:
    exporter = HTMLExporter(embed_images=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nbformat.read(executed, as_version=4))
    html.write_text(body, encoding="utf-8")


def _move_into_place(work: Path, final: Path) -> None:
    if final.exists():
        old = work.with_name(work.name + "-old")
        os.replace(final, old)
        os.replace(work, final)
        shutil.rmtree(old)
    else:
        os.replace(work, final)


def run_report(notebook, parameters=None, output_dir="reports", *, kernel_name=KERNEL_NAME,
               timeout=None) -> ReportOutcome:
    """Execute one notebook and write its report.

    Parameters are not checked here; :func:`run_reports` does that for the command line.

    Parameters
    ----------
    notebook : str or path-like
        The source notebook; it runs with its own folder as working directory.
    parameters : dict, optional
        Values injected after the ``parameters`` cell.
    output_dir : str or path-like, default="reports"
        The report goes to ``output_dir/<stem>/``, replacing a previous one only on success.
    kernel_name : str, default="python3"
        Kernelspec to run; see :func:`ensure_kernel`.
    timeout : float, optional
        Per-cell timeout in seconds; default none.

    Returns
    -------
    outcome : ReportOutcome
    """
    notebook = Path(notebook).resolve()
    output_dir = Path(output_dir).resolve()
    output_dir.mkdir(parents=True, exist_ok=True)
    parameters = dict(parameters or {})
    final = output_dir / notebook.stem
    failed_copy = output_dir / f"{notebook.stem}.failed.ipynb"
    work = Path(tempfile.mkdtemp(prefix=f".{notebook.stem}-", dir=output_dir))
    executed = work / f"{notebook.stem}.ipynb"
    start = time.perf_counter()
    try:
        error = _execute(notebook, work, parameters, kernel_name, timeout)
        if error is None:
            _write_html(executed, work / f"{notebook.stem}.html")
            _move_into_place(work, final)
            failed_copy.unlink(missing_ok=True)
        elif executed.is_file():
            os.replace(executed, failed_copy)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return ReportOutcome(notebook, final, parameters, time.perf_counter() - start, error,
                         failed_copy if error is not None and failed_copy.is_file() else None)


def run_reports(notebooks=(), parameters=None, output_dir="reports", *, timeout=None,
                verbose=True) -> list[ReportOutcome]:
    """Execute notebooks one after the other and write a report for each.

    All overrides are checked against all notebooks before the first one runs. A failing
    notebook does not stop the others; check :attr:`ReportOutcome.ok`.

    Parameters
    ----------
    notebooks : sequence of str or path-like, optional
        Paths or names, see :func:`find_notebooks`; default every repository notebook.
    parameters : dict, optional
        ``name -> value`` overrides, applied to the notebooks that declare each name; see
        :func:`resolve_parameters`.
    output_dir : str or path-like, default="reports"
    timeout : float, optional
        Per-cell timeout in seconds.
    verbose : bool, default=True
        Print each outcome (paths and wall time, or the error) as it completes.

    Returns
    -------
    outcomes : list of ReportOutcome
        One per notebook, in order.

    Raises
    ------
    FileNotFoundError
        If a notebook is not found.
    ParameterError
        If an override is unknown to every notebook or has the wrong type; nothing has run.
    """
    paths = find_notebooks(notebooks)
    applied = resolve_parameters({path: notebook_parameters(path) for path in paths},
                                 dict(parameters or {}))
    kernel_name = ensure_kernel()
    outcomes = []
    for path in paths:
        outcome = run_report(path, applied[path], output_dir, kernel_name=kernel_name,
                             timeout=timeout)
        if verbose:
            print(outcome, flush=True)
        outcomes.append(outcome)
    return outcomes
