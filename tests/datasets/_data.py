"""Raw files and tidy tables for the data tests, always through a private cache of the test session.

The bytes come from the offline mirror when ``SCALING_LIB_DATA_MIRROR`` names one; else from the cache
that ``python -m scaling_lib fetch`` filled (``SCALING_LIB_CACHE`` or ``data/cache``), read as a mirror
since it has the same ``github/{owner}/{repo}/{commit}/{path}`` layout; else from the network. Either
way :func:`scaling_lib.datasets.fetch` verifies them into the session's cache, so no test writes into
the user's cache, and a test skips only when its source cannot be fetched from any of these.
"""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from scaling_lib import datasets
from scaling_lib.datasets._fetch import default_cache_dir, relative_location


def _holds_every_file(folder: Path) -> bool:
    """Every registered file is in ``folder`` with its registered size (fetch checks the sha256 later)."""
    entries = [f for name in datasets.names() for f in datasets.info(name).files]
    paths = [(folder / relative_location(f.url), f.bytes) for f in entries]
    return all(path.is_file() and path.stat().st_size == size for path, size in paths)


def byte_origin() -> Path | None:
    """The folder raw files are copied from (the mirror, or the user's fetched cache), None for the network."""
    mirror = os.environ.get(datasets.MIRROR_ENV)
    if mirror:
        return Path(mirror).expanduser()
    fetched = default_cache_dir()
    return fetched if _holds_every_file(fetched) else None


class RawData:
    """The registered sources' raw files and tables, fetched from ``origin`` into the private ``cache``."""

    def __init__(self, cache: Path, origin: Path | None):
        self.cache, self.origin = cache, origin
        self._tables: dict[str, pd.DataFrame] = {}

    def files(self, name: str) -> dict[str, Path]:
        """Repository-relative path -> verified copy in the private cache, for every raw file of ``name``."""
        with pytest.MonkeyPatch.context() as env:
            if self.origin is None:
                env.delenv(datasets.MIRROR_ENV, raising=False)
            else:
                env.setenv(datasets.MIRROR_ENV, str(self.origin))
            try:
                return datasets.fetch(name, cache_dir=self.cache)
            except datasets.ChecksumError:
                raise  # wrong bytes are a finding, not a reason to skip
            except datasets.FetchError as exc:
                where = self.origin or "the network (no mirror set, no complete fetched cache)"
                pytest.skip(f"cannot fetch {name} from {where}: {exc}")

    def load(self, name: str) -> pd.DataFrame:
        """``datasets.load(name)`` from the private cache, once per session: do not modify the table."""
        if name not in self._tables:
            self.files(name)
            self._tables[name] = datasets.load(name, cache_dir=self.cache)
        return self._tables[name]
