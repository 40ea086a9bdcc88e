"""Fixtures of the browser tests: one ``make lab`` server and one headless Chromium per session.

The tests that need them run only when ``SCALING_LIB_BROWSER_TESTS=1`` (``make browser-test``
sets it), so ``make test`` skips them. Without Playwright or Debian's chromium they skip with
what to install (``make browser-setup``), unless ``SCALING_LIB_BROWSER_REQUIRED=1`` (``.ci/run``),
which turns that into an error.

Every notebook is run once per session (:func:`notebook_run`); its page stays open for the
explorer tests that follow. Screenshots go to ``reports/browser/``, with ``summary.json``
(seconds per notebook, the screenshots, JavaScript errors).
"""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from _lab import CHROMIUM, REPORTS, LabServer, NotebookPage, launch_browser, local_only

ENABLE_ENV = "SCALING_LIB_BROWSER_TESTS"
REQUIRE_ENV = "SCALING_LIB_BROWSER_REQUIRED"
HERE = Path(__file__).parent
NOTEBOOK_TIMEOUT = 900  # s for running one notebook top to bottom (notebook 01 takes about a minute)


def _missing() -> str | None:
    """What the browser tests lack on this machine, said with how to get it; None if nothing."""
    if importlib.util.find_spec("playwright") is None:
        return "Playwright for Python is not installed: run `make browser-setup`"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return (f"no Chromium at {CHROMIUM}: run `make browser-setup` as root (it runs `apt-get install -y "
                "chromium`), or set CHROMIUM to a Chromium executable")
    if shutil.which("make") is None:
        return "`make` is not installed (the tests start JupyterLab with `make lab`)"
    return None


def _needs_browser(item) -> bool:
    return bool({"lab", "browser", "notebook_run"} & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config, items):
    mine = [item for item in items if HERE in Path(str(item.path)).parents and _needs_browser(item)]
    if not mine:
        return
    if os.environ.get(ENABLE_ENV) != "1":
        reason = f"browser test: run with `make browser-test` ({ENABLE_ENV}=1)"
    else:
        reason = _missing()
        if reason and os.environ.get(REQUIRE_ENV) == "1":
            raise pytest.UsageError(f"browser tests required ({REQUIRE_ENV}=1) but {reason}")
    if reason:
        for item in mine:
            item.add_marker(pytest.mark.skip(reason=reason))


@dataclass
class Summary:
    notebooks: dict = field(default_factory=dict)
    screenshots: list = field(default_factory=list)
    javascript_errors: dict = field(default_factory=dict)
    refused_requests: list = field(default_factory=list)

    def shot(self, path) -> Path:
        self.screenshots.append(str(Path(path).relative_to(REPORTS.parents[1])))
        return Path(path)

    def write(self):
        REPORTS.mkdir(parents=True, exist_ok=True)
        self.screenshots = [str(path.relative_to(REPORTS.parents[1])) for path in sorted(REPORTS.glob("*.png"))]
        (REPORTS / "summary.json").write_text(json.dumps(self.__dict__, indent=1) + "\n")


@pytest.fixture(scope="session")
def summary():
    REPORTS.mkdir(parents=True, exist_ok=True)
    for old in REPORTS.glob("*.png"):
        old.unlink()
    record = Summary()
    yield record
    record.write()


@pytest.fixture(scope="session")
def lab():
    """`make lab` on a free port of 127.0.0.1 with a random token; always stopped at the end.

    Its private folder is not under pytest's temporary folder, which other pytest runs on the
    machine prune while this one may still be using it. The server's log (token blanked) is
    kept as reports/browser/jupyterlab.log.
    """
    server = LabServer(Path(tempfile.mkdtemp(prefix="scaling-lab-")))
    try:
        server.start()
        yield server
    finally:
        server.stop()
        writes = server.writes()
        REPORTS.mkdir(parents=True, exist_ok=True)
        (REPORTS / "jupyterlab.log").write_text(server.log_tail(lines=100_000) + "\n")
        shutil.rmtree(server.home, ignore_errors=True)
    assert not server.port_open(), f"JupyterLab still answers on port {server.port} after it was stopped"
    left = server.processes()
    assert not left, f"processes of the server left after it was stopped: {left}"
    assert not writes, f"JupyterLab wrote files during the browser tests (it must never save a notebook): {writes}"


@pytest.fixture(scope="session")
def browser(lab, summary):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_browser(playwright)
        context = chromium.new_context(viewport={"width": 1400, "height": 1000})
        local_only(context, summary.refused_requests)
        try:
            yield context
        finally:
            context.close()
            chromium.close()


@dataclass
class NotebookRun:
    page: NotebookPage
    seconds: float
    unexecuted: list
    errors: list
    explorer_labels: list
    screenshot: Path


@pytest.fixture(scope="session")
def notebook_run(lab, browser, summary):
    """``notebook_run(name)``: the notebook opened in JupyterLab with all cells run (once per session)."""
    runs: dict[str, NotebookRun | BaseException] = {}
    pages: list[NotebookPage] = []

    def run(name: str) -> NotebookRun:
        if name not in runs:
            page = NotebookPage(browser, lab, name)
            pages.append(page)
            try:
                page.open()
                seconds = page.run_all(NOTEBOOK_TIMEOUT)
                page.page.wait_for_timeout(1000)  # let the last outputs and widgets render
                shot = summary.shot(page.screenshot(REPORTS / f"{Path(name).stem}.png"))
            except Exception as error:  # the later tests of this notebook fail the same way, without a retry
                runs[name] = error
                try:
                    page.screenshot(REPORTS / f"{Path(name).stem}-failed.png")
                except Exception:
                    pass
            else:
                runs[name] = NotebookRun(page, seconds, page.unexecuted(), page.errors(), page.explorer_labels(), shot)
                summary.notebooks[name] = {"seconds_to_run_all": round(seconds, 1), "screenshot": str(shot)}
        if isinstance(runs[name], BaseException):
            raise AssertionError(f"{name} could not be run in JupyterLab: {runs[name]}") from runs[name]
        return runs[name]

    yield run
    for page in pages:
        if page.console_errors:
            summary.javascript_errors[page.name] = page.console_errors
        page.close()
