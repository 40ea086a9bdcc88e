"""Registry of the public measurements the notebooks analyse.

>>> from scaling_lib import datasets
>>> datasets.names()                      # doctest: +SKIP
['chinchilla_epoch', 'chinchilla_model_params', ...]
>>> table = datasets.load("chinchilla_epoch")   # doctest: +SKIP
>>> datasets.columns("chinchilla_epoch")        # doctest: +SKIP

Each source is a set of raw files in a public GitHub repository pinned to a commit
(``registry.csv`` beside this file holds URL, sha256 and size of every file). :func:`fetch`
brings them into a local cache and verifies them; :func:`load` parses them into one tidy
table whose columns, units and checks are declared by the source's parser module
(``scaling_lib/datasets/parsers/<name>.py``). Nothing downloaded is ever unpickled.

:func:`validate_table` and :func:`read_csv` apply the same checks to tables of your own;
:func:`pass_at_k` (:mod:`scaling_lib.passk`, re-exported) recomputes pass@k curves from the per-problem
counts of ``monkey_power_laws``.
"""
from __future__ import annotations

import csv
import importlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ._fetch import CACHE_ENV, MIRROR_ENV, ChecksumError, FetchError, default_cache_dir, fetch_file, split_raw_url
from ..passk import pass_at_k
from ._schema import Column, DataFormatError, read_csv, validate_table

__all__ = ["names", "info", "columns", "fetch", "load", "catalog", "summarize", "Source", "Column", "validate_table",
           "read_csv", "pass_at_k", "FetchError", "ChecksumError", "DataFormatError", "MIRROR_ENV", "CACHE_ENV"]


@dataclass(frozen=True)
class RawFile:
    url: str
    sha256: str
    bytes: int

    @property
    def path(self) -> str:
        """Repository-relative upstream path."""
        return split_raw_url(self.url)[3]


@dataclass(frozen=True)
class Source:
    """A registered public data source: where it lives, under which license, from which paper."""

    name: str
    repository: str
    commit: str
    license: str
    citation: str
    files: tuple[RawFile, ...]

    @property
    def total_bytes(self) -> int:
        return sum(f.bytes for f in self.files)


# License and citation of each source, as stated upstream (none stated = no LICENSE file upstream).
_PROVENANCE = {
    "chinchilla_epoch": ("none stated", "Besiroglu, Erdil, Barnett, You 2024, Chinchilla Scaling: A replication "
                         "attempt, arXiv:2404.10102; points from Hoffmann et al. 2022, Training Compute-Optimal "
                         "Large Language Models, Fig. 4"),
    "chinchilla_model_params": ("none stated", "Schaeffer et al. 2025, Evaluating the Robustness of Chinchilla "
                                "Compute-Optimal Scaling, arXiv:2509.23963; configs from Hoffmann et al. 2022 "
                                "Table A9"),
    "misfitting_scaling": ("none stated", "Li, Kudugunta, Zettlemoyer 2025, (Mis)Fitting Scaling Laws: A Survey of "
                           "Scaling Law Fitting Techniques in Deep Learning, ICLR 2025, arXiv:2502.18969"),
    "gadre_overtraining": ("MIT", "Gadre et al. 2024, Language models scale reliably with over-training and on "
                           "downstream tasks, arXiv:2403.08540"),
    "colpret_subset": ("MIT", "Choshen, Zhang, Andreas 2025, A Hitchhiker's Guide to Scaling Law Estimation, "
                       "ICML 2025, arXiv:2410.11840"),
    "pythia_evals": ("Apache-2.0", "Biderman et al. 2023, Pythia: A Suite for Analyzing Large Language Models "
                     "Across Training and Scaling, ICML 2023, arXiv:2304.01373"),
    "obsscaling": ("Apache-2.0", "Ruan, Maddison, Hashimoto 2024, Observational Scaling Laws and the "
                   "Predictability of Language Model Performance, NeurIPS 2024, arXiv:2405.10938"),
    "ukp_on_emergence": ("CC-BY-SA-4.0", "Lu et al. 2024, Are Emergent Abilities in Large Language Models just "
                         "In-Context Learning?, ACL 2024"),
    "inverse_scaling_naimenz": ("none stated", "McKenzie et al. 2023, Inverse Scaling: When Bigger Isn't Better, "
                                "TMLR 2023, arXiv:2306.09479 (organisers' pilot pipeline)"),
    "monkey_power_laws": ("none stated", "Schaeffer et al. 2025, How Do Large Language Monkeys Get Their Power "
                          "(Laws)?, ICML 2025, arXiv:2502.17578; data of Brown et al. 2024, arXiv:2407.21787 and "
                          "Hughes et al. 2024, arXiv:2412.03556"),
    "llmonkeys_digitized": ("none stated", "Ellis-Mohr, Nayak, Varshney 2025, A Theory of Inference Compute "
                            "Scaling; curves digitised from Brown et al. 2024, Large Language Monkeys, "
                            "arXiv:2407.21787"),
}


@lru_cache(maxsize=1)
def _registry() -> dict[str, Source]:
    grouped: dict[str, list[RawFile]] = {}
    with open(Path(__file__).with_name("registry.csv"), newline="") as handle:
        for row in csv.DictReader(handle):
            grouped.setdefault(row["source"], []).append(RawFile(row["url"], row["sha256"], int(row["bytes"])))
    sources = {}
    for name, files in grouped.items():
        owner, repo, commit, _ = split_raw_url(files[0].url)
        license_, citation = _PROVENANCE[name]
        sources[name] = Source(name, f"{owner}/{repo}", commit, license_, citation, tuple(files))
    return sources


def names() -> list[str]:
    """Names of all registered sources, sorted."""
    return sorted(_registry())


def info(name: str) -> Source:
    """The registry entry of ``name`` (repository, commit, license, citation, files)."""
    registry = _registry()
    if name not in registry:
        raise KeyError(f"unknown data source {name!r}; registered sources: {', '.join(sorted(registry))}")
    return registry[name]


def _parser(name: str):
    info(name)
    return importlib.import_module(f"{__name__}.parsers.{name}")


def columns(name: str) -> pd.DataFrame:
    """Documentation of the tidy table of ``name``: one row per column with dtype, unit and meaning."""
    parser = _parser(name)
    return pd.DataFrame([(c.name, c.dtype, c.unit, c.description) for c in parser.COLUMNS],
                        columns=["column", "dtype", "unit", "description"])


def fetch(name: str, *, cache_dir: str | Path | None = None) -> dict[str, Path]:
    """Bring every raw file of ``name`` into the cache and verify its sha256.

    Idempotent: files already cached with the right hash are not fetched again.

    Returns
    -------
    dict
        Repository-relative upstream path -> local cached path.
    """
    source = info(name)
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    return {f.path: fetch_file(f.url, f.sha256, cache, name) for f in source.files}


def load(name: str, *, cache_dir: str | Path | None = None) -> pd.DataFrame:
    """Fetch ``name`` and parse its raw files into one tidy, validated table.

    The columns, their units and meaning are given by :func:`columns`. ``table.attrs``
    carries ``source``, ``citation`` and ``license``.
    """
    parser = _parser(name)
    files = fetch(name, cache_dir=cache_dir)
    table = validate_table(parser.parse(files), parser.COLUMNS, name)
    source = info(name)
    table.attrs.update(source=name, citation=source.citation, license=source.license)
    return table


def catalog() -> pd.DataFrame:
    """One row per registered source: repository, pinned commit, files, size (bytes), license, citation."""
    rows = [(s.name, s.repository, s.commit[:10], len(s.files), s.total_bytes, s.license, s.citation)
            for s in map(info, names())]
    return pd.DataFrame(rows, columns=["source", "repository", "commit", "files", "bytes", "license",
                                       "citation"]).set_index("source")


_SCALE_COLUMNS = {"N": "parameters", "D": "tokens", "tokens": "tokens", "C": "FLOP", "k": "samples"}


def summarize(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Rows, columns and the scales each table spans.

    Parameters
    ----------
    tables : dict
        Source name -> tidy table from :func:`load`.

    Returns
    -------
    DataFrame
        One row per source: ``rows``, ``columns``, and for each scale column present
        (N, D or tokens, C, k) its minimum, maximum and the decades between them (positive
        values only).
    """
    records = []
    for name, table in tables.items():
        record = {"source": name, "rows": len(table), "columns": table.shape[1]}
        for column in _SCALE_COLUMNS:
            if column in table.columns:
                values = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float)
                values = values[np.isfinite(values) & (values > 0)]
                if values.size:
                    label = "D" if column == "tokens" else column
                    record[f"{label}_min"] = values.min()
                    record[f"{label}_max"] = values.max()
                    record[f"{label}_decades"] = np.log10(values.max() / values.min())
        records.append(record)
    return pd.DataFrame(records).set_index("source")
