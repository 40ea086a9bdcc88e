"""Fixtures shared by the data tests: every raw file and table comes through a private cache."""
import pytest
from _data import RawData, byte_origin

from scaling_lib import datasets


@pytest.fixture(scope="session")
def raw(tmp_path_factory) -> RawData:
    """Raw files and tables of the registered sources, from the mirror, the fetched cache or the network."""
    return RawData(tmp_path_factory.mktemp("cache"), byte_origin())


@pytest.fixture(autouse=True)
def _private_default_cache(raw, monkeypatch):
    """A fetch or load without ``cache_dir`` goes to the session's cache, never to the user's data/cache."""
    monkeypatch.setenv(datasets.CACHE_ENV, str(raw.cache))
