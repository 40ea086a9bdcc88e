"""Shared pytest configuration.

Besides the unit tests, ``pytest`` runs the notebooks through nbval when called as::

    python -m pytest --nbval --nbval-current-env --nbval-sanitize-with=tests/nbval_sanitize.cfg tests notebooks

This file adapts nbval to the notebooks (see /work/shared/NOTEBOOK_TESTING.md):

- outputs that change between runs or library versions without a change of numbers
  (HTML tables, SVG and bitmap figures) are not compared; the text outputs are, above all the
  table printed by :func:`scaling_lib.results.record`;
- the notebooks' ``record`` call writes to a temporary file instead of ``notebooks/results.json``,
  and checks every headline number against ``notebooks/expected/<notebook>.json`` with its
  tolerance (``SCALING_LIB_CHECK_HEADLINES=1``): the record cell fails naming each number outside
  its tolerance, while the printed table shows only digits that are stable across machines.

The nbval tweak is a ``pytest_collection_modifyitems`` hook, which pytest calls for every
collected item. This file sits at the repository root so that it applies to ``notebooks/`` as
well, also when nbval is run on the notebooks alone.
"""
import os
import shutil
import tempfile

import pytest

# MIME types nbval must not compare, added to its defaults (metadata, tracebacks, execution
# counts, widget views, PNG/JPEG).
NBVAL_SKIP_COMPARE = ("text/html", "image/svg+xml", "image/png", "image/jpeg")

_results_dir = pytest.StashKey[str]()


def _nbval_enabled(config):
    return config.getoption("nbval", False) or config.getoption("nbval_lax", False)


def pytest_configure(config):
    if not _nbval_enabled(config):
        return
    # nbval kernels inherit the environment when they start, after this hook.
    os.environ.setdefault("SCALING_LIB_CHECK_HEADLINES", "1")
    if "SCALING_LIB_RESULTS" not in os.environ:
        config.stash[_results_dir] = tempfile.mkdtemp(prefix="nbval-results-")
        os.environ["SCALING_LIB_RESULTS"] = os.path.join(config.stash[_results_dir], "results.json")


def pytest_unconfigure(config):
    if _results_dir in config.stash:
        del os.environ["SCALING_LIB_RESULTS"]
        shutil.rmtree(config.stash[_results_dir], ignore_errors=True)


def pytest_collection_modifyitems(config, items):
    if not _nbval_enabled(config):
        return
    from nbval.plugin import IPyNbFile

    for notebook in {item.parent for item in items if isinstance(item.parent, IPyNbFile)}:
        notebook.skip_compare = tuple(dict.fromkeys(notebook.skip_compare + NBVAL_SKIP_COMPARE))
