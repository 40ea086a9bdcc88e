"""Column schemas for tidy tables, and the checks every loaded table passes.

A parser turns raw upstream files into a :class:`pandas.DataFrame`; :func:`validate_table`
then checks it against the source's schema so that a truncated file, a renamed upstream
column or a negative model size stops with an error naming the source and the column,
instead of flowing silently into a fit. Parsers read raw numbers through :func:`numeric_columns`
(tables) and :func:`json_number` (JSON values) and raise :func:`format_error`, so that every
message about a raw file reads ``"<source>: <upstream file>: <problem>"``.
"""
from __future__ import annotations

import json
import math
import numbers
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

__all__ = ["Column", "DataFormatError", "validate_table", "read_csv", "read_json", "format_error", "numeric_columns",
           "json_number"]

_DTYPES = {"float": "float64", "int": "int64", "str": "string", "bool": "bool"}
_NULLABLE_DTYPES = {"int": "Int64", "bool": "boolean"}  # for nullable columns that hold missing values


class DataFormatError(ValueError):
    """A raw file or a tidy table does not have the form its source promises."""


@dataclass(frozen=True)
class Column:
    """One column of a tidy table.

    Parameters
    ----------
    name : str
        Column name in the tidy table.
    dtype : {"float", "int", "str", "bool"}
        Logical type; floats are stored as float64, ints as int64, text as pandas ``string``, booleans
        as bool (ints and booleans of a nullable column with missing values as ``Int64`` / ``boolean``).
    unit : str
        Physical unit (``"parameters"``, ``"tokens"``, ``"FLOP"``, ``"nats/token"``, ``"fraction"``...),
        or ``""`` for identifiers.
    description : str
        One sentence saying what the column holds.
    positive : bool
        Values must be strictly greater than zero (sizes, token counts, compute, losses).
    nullable : bool
        Missing values are allowed.
    """

    name: str
    dtype: str
    unit: str
    description: str
    positive: bool = False
    nullable: bool = False

    def __post_init__(self):
        if self.dtype not in _DTYPES:
            raise ValueError(f"Column {self.name!r}: dtype must be one of {sorted(_DTYPES)}, got {self.dtype!r}")


def format_error(source: str, file: str | None, message: str) -> DataFormatError:
    """The :class:`DataFormatError` for ``message`` about ``file`` of ``source``, to be raised by the caller.

    The message reads ``"<source>: <file>: <message>"`` (``"<source>: <message>"`` when ``file`` is
    None, i.e. for a tidy table); pass the repository-relative upstream path as ``file``.
    """
    return DataFormatError(f"{source}: {message}" if file is None else f"{source}: {file}: {message}")


def numeric_columns(frame: pd.DataFrame, columns: str | Sequence[str], source: str, file: str | None = None, *,
                    nullable: bool = True) -> pd.Series | pd.DataFrame:
    """``frame[columns]`` converted to numbers, failing on text and (unless ``nullable``) on missing values.

    Parameters
    ----------
    frame : DataFrame
        Raw table as read from an upstream file.
    columns : str or sequence of str
        One column (a Series is returned) or several (a DataFrame is returned), as with ``frame[columns]``.
    source, file : str
        Source name and repository-relative upstream path, for the error message (``file`` None for a tidy table).
    nullable : bool
        Missing values (empty cells) are allowed and become NaN.

    Returns
    -------
    Series or DataFrame
        Integer columns keep their integer dtype; every other column becomes float64.

    Raises
    ------
    DataFormatError
        Naming the source, the file, the first offending column and up to three offending values
        (or the number of missing values and the first row holding one).
    """
    selected = frame[[columns] if isinstance(columns, str) else list(columns)]
    numeric = selected.apply(pd.to_numeric, errors="coerce")
    text = numeric.isna() & selected.notna()
    if text.to_numpy().any():
        name = text.columns[text.any().to_numpy()][0]
        examples = selected.loc[text[name], name].astype(str).unique()[:3].tolist()
        raise format_error(source, file, f"column {name!r} must be numeric; found {examples}")
    if not nullable and numeric.isna().to_numpy().any():
        name = numeric.columns[numeric.isna().any().to_numpy()][0]
        missing = numeric[name].isna()
        raise format_error(source, file, f"column {name!r} has {int(missing.sum())} missing value(s) (the first "
                                         f"at row index {missing.idxmax()!r})")
    numeric = numeric.astype({name: "float64" for name, dtype in numeric.dtypes.items()
                              if not pd.api.types.is_integer_dtype(dtype)})
    return numeric[columns] if isinstance(columns, str) else numeric


def json_number(value, source: str, file: str, what: str) -> float:
    """A number read from a JSON file, as float; booleans, text, null, NaN and infinities are a DataFormatError."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise format_error(source, file, f"{what} must be a finite number, got {value!r}")
    return float(value)


_BOOL_WORDS = {"true": True, "false": False}


def _as_bool(value) -> bool | None:
    """True/False for a boolean, 0/1 or the word true/false (any case, surrounding blanks); else None."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, str):
        return _BOOL_WORDS.get(value.strip().lower())
    if isinstance(value, numbers.Real) and value in (0, 1):
        return bool(value)
    return None


def _bool_column(values: pd.Series, name: str, source: str) -> pd.Series:
    # Parse each distinct value once; astype(bool) would read the text "False" as True.
    codes, uniques = pd.factorize(values)
    parsed = [_as_bool(u) for u in uniques]
    bad = [u for u, p in zip(uniques, parsed) if p is None]
    if bad:
        raise DataFormatError(f"{source}: column {name!r} must be boolean (True/False, 0/1 or the text true/false); "
                              f"found {[str(b) for b in bad[:3]]}")
    lookup = pd.array(parsed + [pd.NA], dtype="boolean")  # code -1 (missing) picks the trailing NA
    return pd.Series(lookup[codes], index=values.index)


def validate_table(table: pd.DataFrame, columns: Sequence[Column], source: str) -> pd.DataFrame:
    """Check ``table`` against ``columns`` and return it with the schema's column order and dtypes.

    Numeric text (``"3.5"``) is converted; ``int`` columns must hold whole numbers and ``bool`` columns
    booleans, 0/1 or the text true/false (any case). Nullable ``int`` and ``bool`` columns with missing
    values become pandas ``Int64`` and ``boolean``.

    Raises
    ------
    DataFormatError
        When the table is empty, a column is missing, a numeric column holds text, an ``int`` column
        holds a fractional value, a ``bool`` column holds anything else than the forms above, a
        non-nullable column holds missing values, or a ``positive`` column holds values <= 0. The
        message names the source, the column and up to three offending values.
    """
    if len(table) == 0:
        raise DataFormatError(f"{source}: the parsed table is empty")
    missing = [c.name for c in columns if c.name not in table.columns]
    if missing:
        raise DataFormatError(f"{source}: missing column(s) {missing}; found {list(table.columns)}")
    out = {}
    for col in columns:
        values = table[col.name]
        if col.dtype in ("float", "int"):
            values = numeric_columns(table, col.name, source)
        elif col.dtype == "bool":
            values = _bool_column(values, col.name, source)
        if not col.nullable and values.isna().any():
            raise DataFormatError(f"{source}: column {col.name!r} has {int(values.isna().sum())} missing value(s)")
        if col.positive:
            finite = values.dropna().to_numpy(dtype=float)
            if not np.all(np.isfinite(finite)) or np.any(finite <= 0):
                bad_values = finite[~(np.isfinite(finite) & (finite > 0))][:3].tolist()
                raise DataFormatError(
                    f"{source}: column {col.name!r} must be positive and finite; found {bad_values}")
        if col.dtype == "int" and not pd.api.types.is_integer_dtype(values):
            fractional = values.notna() & ~(np.isfinite(values) & (values == np.round(values)))
            if fractional.any():
                raise DataFormatError(f"{source}: column {col.name!r} must hold whole numbers (int); found "
                                      f"{values[fractional].unique()[:3].tolist()}")
        dtype = _NULLABLE_DTYPES.get(col.dtype, _DTYPES[col.dtype]) if values.isna().any() else _DTYPES[col.dtype]
        out[col.name] = values.astype(dtype)
    return pd.DataFrame(out, index=pd.RangeIndex(len(table)))


def read_csv(path: Path, required: Sequence[str], source: str, **kwargs) -> pd.DataFrame:
    """Read a raw CSV, naming the file and the missing columns when it is not what the source promises."""
    try:
        frame = pd.read_csv(path, **kwargs)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataFormatError(f"{source}: cannot parse {Path(path).name} as CSV: {exc}") from exc
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise DataFormatError(f"{source}: {Path(path).name} lacks column(s) {missing}; found {list(frame.columns)}")
    return frame


def read_json(path: Path, source: str):
    """Read a raw JSON file, naming the file when it is truncated or malformed."""
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataFormatError(f"{source}: {Path(path).name} is not valid JSON ({exc})") from exc
