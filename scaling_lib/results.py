"""Headline numbers of a notebook: a ``results.json`` for machines and a stable table for nbval.

Every notebook ends with one call::

    from scaling_lib.results import record
    record({"E": fit.params["E"], "alpha": fit.params["alpha"], "n_points": len(df)})

which writes the values as JSON (full precision) and prints them rounded, one line per name::

    E                 1.817
    alpha            0.3392
    n_points            245

The report runner (``python -m scaling_lib report``) collects the JSON.

Expected values
---------------
A notebook's headline numbers are checked against the expected values stored next to it,
``notebooks/expected/<notebook>.json``, each with a tolerance that says how stable it is across
machines (another CPU's BLAS kernels round differently: a well-conditioned replication number
moves in the 12th digit, a bootstrap width over a flat valley by percent)::

    {"headlines": {"E": {"value": 1.8173, "rtol": 1e-6, "why": "replication estimate"}, ...},
     "quotes": ["E = {E:.3f}", ...], "constants": ["240", ...]}

With ``record(values, expected="expected/<notebook>.json")``

- the printed table shows each float only to the digits its tolerance leaves stable, so nbval
  can compare it on any machine;
- when the environment variable ``SCALING_LIB_CHECK_HEADLINES`` is ``1`` (the notebook tests set
  it), every value is checked against its expectation, and one outside its tolerance, or a name
  without an expectation, raises :class:`HeadlineMismatch` naming each number, the expected
  value, the value got and the tolerance. Reports run with other parameters do not check.

``quotes`` are the sentences of the notebook's "What we found" that cite headline numbers,
written as format strings over the expected values; a test renders them and finds each in the
notebook, so prose cannot go stale. After a deliberate change of results, refresh the values
(tolerances are kept) with ``python -m scaling_lib expected NOTEBOOK`` from a fresh report.
"""
from __future__ import annotations

import json
import math
import numbers
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .environment import CHECK_ENV, RESULTS_ENV

__all__ = ["RESULTS_ENV", "CHECK_ENV", "record", "load_results", "format_results", "write_json_atomically",
           "Expectation", "HeadlineMismatch", "load_expected", "check_results", "refresh_expected", "render_quotes"]

_NAME_WIDTH = 10
_VALUE_WIDTH = 12


def _plain(name: str, value):
    """Convert one value to a JSON-ready Python object, rejecting what cannot be recorded."""
    if isinstance(value, np.ndarray):
        if value.ndim > 1:
            raise ValueError(f"result {name!r}: arrays must be 1-D, got shape {value.shape}")
        value = value.tolist()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, (str, bool)):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"result {name!r} is not finite ({value}); record finite numbers only")
        return value
    if isinstance(value, (list, tuple)):
        items = [_plain(name, item) for item in value]
        if not all(isinstance(item, (int, float)) and not isinstance(item, bool) for item in items):
            raise ValueError(f"result {name!r}: lists must hold numbers only, got {value!r}")
        return items
    raise ValueError(f"result {name!r} has unsupported type {type(value).__name__}; "
                     "use a number, a string or a list of numbers")


def _format_value(value, digits: int) -> str:
    if isinstance(value, float):
        return f"{value:.{digits}g}"
    if isinstance(value, list):
        return "[" + ", ".join(_format_value(item, digits) for item in value) + "]"
    return str(value)


def _check(values: dict) -> dict:
    if not isinstance(values, dict):
        raise ValueError(f"values must be a dict of name -> value, got {type(values).__name__}")
    if not values:
        raise ValueError("values is empty; record at least one headline number")
    for name in values:
        if not isinstance(name, str):
            raise ValueError(f"result names must be strings, got {name!r} ({type(name).__name__})")
    return {name: _plain(name, value) for name, value in values.items()}


CHAOTIC_RTOL = 0.1
"""Relative tolerance from which a headline has no digit that is stable across machines."""


@dataclass(frozen=True)
class Expectation:
    """The expected value of one headline number and how far another machine may move it.

    Attributes
    ----------
    value : float, int, bool, str or list of numbers
    rtol, atol : float
        A number ``got`` passes when ``|got - value| <= atol + rtol * |value|`` (elementwise for
        lists). Both zero: it must be equal. Strings and booleans must always be equal.
    why : str
        Why the tolerance is what it is (e.g. "bootstrap width over a flat valley").
    """

    value: object
    rtol: float = 0.0
    atol: float = 0.0
    why: str = ""

    def allows(self, got) -> bool:
        if isinstance(self.value, (str, bool)) or isinstance(got, (str, bool)):
            return type(got) is type(self.value) and got == self.value
        expected, got = np.atleast_1d(np.asarray(self.value, float)), np.atleast_1d(np.asarray(got, float))
        if expected.shape != got.shape:
            return False
        return bool(np.all(np.abs(got - expected) <= self.atol + self.rtol * np.abs(expected)))

    @property
    def tolerance(self) -> str:
        parts = [f"{self.rtol:.3g} relative" if self.rtol else "", f"{self.atol:.3g} absolute" if self.atol else ""]
        return " + ".join(filter(None, parts)) or "exact"

    def format(self, value, digits: int) -> str:
        """``value`` shown to the digits this tolerance leaves stable.

        A relative tolerance of 1e-k leaves k significant digits (at most 6), an absolute one of
        1e-k leaves k decimals; an exact float is shown to ``digits`` significant digits. A relative
        tolerance of :data:`CHAOTIC_RTOL` or more leaves no digit stable: the value is shown as
        ``~0.42``, which ``tests/nbval_sanitize.cfg`` masks, and only the tolerance check guards it.
        """
        if isinstance(value, list):
            return "[" + ", ".join(self.format(item, digits) for item in value) + "]"
        if not isinstance(value, float):
            return str(value)
        if self.atol and not self.rtol:
            decimals = max(0, math.floor(-math.log10(self.atol)))
            return f"{value:.{decimals}f}"
        if self.rtol >= CHAOTIC_RTOL:
            return f"~{value:.2g}"
        if self.rtol:
            digits = min(6, max(1, math.floor(-math.log10(self.rtol))))
        return f"{value:.{digits}g}"


class HeadlineMismatch(AssertionError):
    """Headline numbers outside their expected tolerance; ``mismatches`` lists one line per number."""

    def __init__(self, source: str, mismatches: list[str]):
        self.mismatches = mismatches
        super().__init__(f"{len(mismatches)} headline number(s) differ from {source}:\n  " + "\n  ".join(mismatches))


def _read_expected(path) -> dict:
    with open(path, encoding="utf-8") as f:
        document = json.load(f)
    if not isinstance(document, dict) or not isinstance(document.get("headlines"), dict):
        raise ValueError(f"{path}: expected a JSON object with a 'headlines' object of name -> expectation")
    return document


def load_expected(path) -> dict:
    """``name -> Expectation`` from an expected-values file (see the module docstring).

    Raises
    ------
    ValueError
        If the file is not of that form, or an entry lacks ``value`` or has a negative tolerance.
    """
    expectations = {}
    for name, entry in _read_expected(path)["headlines"].items():
        if not isinstance(entry, dict) or "value" not in entry:
            raise ValueError(f"{path}: headline {name!r} needs an object with 'value' (and 'rtol'/'atol', 'why')")
        unknown = set(entry) - {"value", "rtol", "atol", "why"}
        if unknown:
            raise ValueError(f"{path}: headline {name!r} has unknown key(s) {sorted(unknown)}")
        expectation = Expectation(entry["value"], float(entry.get("rtol", 0)), float(entry.get("atol", 0)),
                                  entry.get("why", ""))
        if expectation.rtol < 0 or expectation.atol < 0:
            raise ValueError(f"{path}: headline {name!r} has a negative tolerance")
        expectations[name] = expectation
    return expectations


def check_results(values: dict, expected: dict) -> list[str]:
    """One line per headline number that fails its expectation; empty when all pass.

    Parameters
    ----------
    values : dict
        ``name -> value`` as recorded.
    expected : dict
        ``name -> Expectation`` (see :func:`load_expected`).
    """
    values = _check(values)
    lines = [f"{name}: recorded, but has no expected value" for name in values if name not in expected]
    lines += [f"{name}: expected {exp.value!r}, but not recorded" for name, exp in expected.items()
              if name not in values]
    for name, value in values.items():
        exp = expected.get(name)
        if exp is not None and not exp.allows(value):
            why = f"; {exp.why}" if exp.why else ""
            lines.append(f"{name}: expected {exp.value!r}, got {value!r} (tolerance {exp.tolerance}{why})")
    return lines


def refresh_expected(values: dict, path) -> list[str]:
    """Replace the expected values in ``path`` by ``values``, keeping every tolerance, quote and constant.

    Returns one line per changed value. Refuses (ValueError, file untouched) when ``values``
    has a name without an expectation (give it a tolerance by hand first) or lacks one.
    """
    values = _check(values)
    document = _read_expected(path)
    headlines = document["headlines"]
    new = sorted(set(values) - set(headlines))
    gone = sorted(set(headlines) - set(values))
    if new or gone:
        raise ValueError(f"{path}: cannot refresh; new headline(s) {new} need an entry with a tolerance, and "
                         f"{gone} are no longer recorded; edit the file first")
    changes = [f"{name}: {headlines[name]['value']!r} -> {value!r}" for name, value in values.items()
               if headlines[name]["value"] != value]
    for name, value in values.items():
        headlines[name]["value"] = value
    write_json_atomically(Path(path), document)
    return changes


def render_quotes(path) -> list[str]:
    """The ``quotes`` of an expected-values file, formatted with its expected values."""
    document = _read_expected(path)
    values = {name: entry["value"] for name, entry in document["headlines"].items()}
    return [quote.format(**values) for quote in document.get("quotes", [])]


def format_results(values: dict, *, digits: int = 4, expected: dict | None = None) -> str:
    """Format results as a table, one ``name  value`` line per entry.

    Parameters
    ----------
    values : dict
        ``name -> value``; the same values :func:`record` accepts.
    digits : int, default=4
        Significant digits of floats (``f"{value:.{digits}g}"``). Integers and strings are
        printed as they are.
    expected : dict, optional
        ``name -> Expectation``; a float with one is shown only to the digits its tolerance
        leaves stable (see :meth:`Expectation.format`).

    Returns
    -------
    table : str
        Names left-aligned, values right-aligned, no trailing newline.

    Raises
    ------
    ValueError
        If a name is not a string or a value is not finite or of an unsupported type.
    """
    values = _check(values)
    expected = expected or {}
    name_width = max(_NAME_WIDTH, *(len(name) for name in values))

    def shown(name, value):
        return expected[name].format(value, digits) if name in expected else _format_value(value, digits)

    return "\n".join(f"{name:<{name_width}} {shown(name, value):>{_VALUE_WIDTH}}" for name, value in values.items())


def write_json_atomically(path: Path, document) -> None:
    """Write ``document`` as JSON to ``path`` through a temporary file and an atomic rename.

    A reader sees the old file or the whole new one, never part of it; on any error the temporary file is removed
    and ``path`` is left as it was. Non-finite floats are refused (``ValueError``).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(document, f, indent=2, allow_nan=False)
            f.write("\n")
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def record(values: dict, *, expected=None, digits: int = 4) -> None:
    """Write a notebook's headline numbers to JSON and print them as a stable table.

    Call it once, in the last code cell of a notebook.

    Parameters
    ----------
    values : dict
        ``name -> value`` with string names. Values are floats, integers, booleans, strings
        or 1-D lists/arrays of numbers; NumPy scalars and arrays are converted to plain
        Python. Floats must be finite.
    expected : str or path-like, optional
        The notebook's expected-values file (relative to the working directory, which is the
        notebook's folder under papermill, nbval and JupyterLab). Floats are then printed to the
        digits their tolerance leaves stable, and checked when ``SCALING_LIB_CHECK_HEADLINES=1``.
    digits : int, default=4
        Significant digits of the printed floats (at most). The JSON keeps full precision.

    Raises
    ------
    ValueError
        If a name is not a string, a value is NaN or infinite, or a value has an unsupported
        type. Nothing is written in that case.
    HeadlineMismatch
        When checking, if a number is outside its tolerance or has no expectation. The JSON is
        written and the table printed first, so nothing is lost.

    Notes
    -----
    The JSON goes to the path in the environment variable ``SCALING_LIB_RESULTS`` if set
    (the report runner sets it), else to ``results.json`` in the current directory. It is
    written to a temporary file in the same directory and moved into place with
    :func:`os.replace`, so readers never see a half-written file.

    Examples
    --------
    >>> record({"E": 1.81732, "n_points": 245})  # doctest: +SKIP
    E                 1.817
    n_points            245
    """
    plain = _check(values)
    expectations = load_expected(expected) if expected is not None else {}
    table = format_results(plain, digits=digits, expected=expectations)
    write_json_atomically(Path(os.environ.get(RESULTS_ENV) or "results.json"), plain)
    print(table)
    if expected is not None and os.environ.get(CHECK_ENV) == "1":
        mismatches = check_results(plain, expectations)
        if mismatches:
            raise HeadlineMismatch(str(expected), mismatches)


def load_results(path) -> dict:
    """Read a results file written by :func:`record`.

    Parameters
    ----------
    path : str or path-like
        The JSON file.

    Returns
    -------
    values : dict
        ``name -> value`` in the recorded order.

    Raises
    ------
    ValueError
        If the file does not hold a JSON object.
    """
    with open(path, encoding="utf-8") as f:
        values = json.load(f)
    if not isinstance(values, dict):
        raise ValueError(f"{path}: expected a JSON object of name -> value, got {type(values).__name__}")
    return values
