"""Fixtures shared by the data tests."""
import pytest
from _mirror import mirror_root


@pytest.fixture(scope="session")
def cache(tmp_path_factory):
    """A private cache for loads from the mirror, so tests never touch the user's data/cache."""
    mirror_root()
    return tmp_path_factory.mktemp("cache")
