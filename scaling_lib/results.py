"""Headline numbers of a notebook: a ``results.json`` for machines and a stable table for nbval.

Every notebook ends with one call::

    from scaling_lib.results import record
    record({"E": fit.params["E"], "alpha": fit.params["alpha"], "n_points": len(df)})

which writes the values as JSON (full precision) and prints them rounded, one line per name::

    E                 1.817
    alpha            0.3392
    n_points            245

nbval compares that printed table with the committed output, so a change to a headline number
fails the notebook tests; the report runner (``python -m scaling_lib report``) collects the JSON.
"""
from __future__ import annotations

import json
import math
import numbers
import os
import tempfile
from pathlib import Path

import numpy as np

__all__ = ["RESULTS_ENV", "record", "load_results", "format_results"]

#: Environment variable naming the JSON file :func:`record` writes (default ``./results.json``).
RESULTS_ENV = "SCALING_LIB_RESULTS"

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


def format_results(values: dict, *, digits: int = 4) -> str:
    """Format results as a table, one ``name  value`` line per entry.

    Parameters
    ----------
    values : dict
        ``name -> value``; the same values :func:`record` accepts.
    digits : int, default=4
        Significant digits of floats (``f"{value:.{digits}g}"``). Integers and strings are
        printed as they are.

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
    name_width = max(_NAME_WIDTH, *(len(name) for name in values))
    return "\n".join(f"{name:<{name_width}} {_format_value(value, digits):>{_VALUE_WIDTH}}"
                     for name, value in values.items())


def record(values: dict, *, digits: int = 4) -> None:
    """Write a notebook's headline numbers to JSON and print them as a stable table.

    Call it once, in the last code cell of a notebook.

    Parameters
    ----------
    values : dict
        ``name -> value`` with string names. Values are floats, integers, booleans, strings
        or 1-D lists/arrays of numbers; NumPy scalars and arrays are converted to plain
        Python. Floats must be finite.
    digits : int, default=4
        Significant digits of the printed floats. The JSON keeps full precision.

    Raises
    ------
    ValueError
        If a name is not a string, a value is NaN or infinite, or a value has an unsupported
        type. Nothing is written in that case.

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
    table = format_results(plain, digits=digits)
    path = Path(os.environ.get(RESULTS_ENV) or "results.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(plain, f, indent=2, allow_nan=False)
            f.write("\n")
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    print(table)


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
