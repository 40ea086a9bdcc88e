"""Column schemas for tidy tables, and the checks every loaded table passes.

A parser turns raw upstream files into a :class:`pandas.DataFrame`; :func:`validate_table`
then checks it against the source's schema so that a truncated file, a renamed upstream
column or a negative model size stops with an error naming the source and the column,
instead of flowing silently into a fit.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

__all__ = ["Column", "DataFormatError", "validate_table", "read_csv", "read_json"]

_DTYPES = {"float": "float64", "int": "int64", "str": "string", "bool": "bool"}


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
        Logical type; floats are stored as float64, ints as int64, text as pandas ``string``.
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


def validate_table(table: pd.DataFrame, columns: Sequence[Column], source: str) -> pd.DataFrame:
    """Check ``table`` against ``columns`` and return it with the schema's column order and dtypes.

    Raises
    ------
    DataFormatError
        When the table is empty, a column is missing, a numeric column holds text, a
        non-nullable column holds missing values, or a ``positive`` column holds values <= 0.
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
            numeric = pd.to_numeric(values, errors="coerce")
            bad = numeric.isna() & values.notna()
            if bad.any():
                examples = values[bad].astype(str).unique()[:3].tolist()
                raise DataFormatError(f"{source}: column {col.name!r} must be numeric; found {examples}")
            values = numeric
        if not col.nullable and values.isna().any():
            raise DataFormatError(f"{source}: column {col.name!r} has {int(values.isna().sum())} missing value(s)")
        if col.positive:
            finite = values.dropna().to_numpy(dtype=float)
            if not np.all(np.isfinite(finite)) or np.any(finite <= 0):
                bad_values = finite[~(np.isfinite(finite) & (finite > 0))][:3].tolist()
                raise DataFormatError(
                    f"{source}: column {col.name!r} must be positive and finite; found {bad_values}")
        if col.dtype == "int" and values.isna().any():
            out[col.name] = values.astype("Int64")
        else:
            out[col.name] = values.astype(_DTYPES[col.dtype])
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
