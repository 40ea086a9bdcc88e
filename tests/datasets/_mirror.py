"""Access to the offline data mirror for the parser tests (skips when SCALING_LIB_DATA_MIRROR is unset)."""
import os
from pathlib import Path

import pytest

from scaling_lib import datasets


def mirror_root() -> Path:
    root = os.environ.get(datasets.MIRROR_ENV)
    if not root or not Path(root).is_dir():
        pytest.skip(f"{datasets.MIRROR_ENV} does not name the offline data mirror")
    return Path(root)


def raw_path(name: str, rel: str) -> Path:
    """The mirrored raw file ``rel`` (repository-relative) of source ``name``."""
    source = datasets.info(name)
    return mirror_root() / "github" / source.repository / source.commit / rel
