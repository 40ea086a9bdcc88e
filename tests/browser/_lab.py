"""JupyterLab started by ``make lab``, driven in headless Chromium by Playwright.

:class:`LabServer` runs the project's own ``make lab`` (so the tests check that target) on a free
port of 127.0.0.1 with a random token, waits for it with an HTTP probe, and stops the whole
process tree, kernels included. :class:`NotebookPage` opens one notebook in a browser page and
runs, inspects and screenshots it. :func:`check_explorer` moves an explorer's control from the
keyboard and checks that its figure and text change accordingly.

The notebooks in ``notebooks/`` are opened in place, because that folder is what ``make lab``
serves; they are never saved: autosave is off in the server's private settings, nothing here
presses save, and :meth:`LabServer.writes` checks the server's log for saves afterwards. Checkpoints
go to the server's temporary folder, not to ``notebooks/.ipynb_checkpoints``.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from scaling_lib.environment import HEADLESS_ENV, RESULTS_ENV
from scaling_lib.widgets import EXPLORER_CLASS

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
REPORTS = REPO / "reports" / "browser"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps trying hosts this machine cannot reach.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
LOOPBACK = {"127.0.0.1", "::1"}
SERVER_START_TIMEOUT = 300  # s; `make lab` first brings .venv up to date if pyproject.toml changed

# The server's private JupyterLab settings: no news toast over the screenshots, no autosave of the
# notebooks we run, every cell attached to the page.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
}


def notebook_names() -> list[str]:
    """Every notebook that `make lab` serves."""
    return sorted(path.name for path in NOTEBOOKS.glob("*.ipynb"))


class ExplorerCheckFailed(AssertionError):
    """An explorer did not respond to its control as it should."""


# ---------------------------------------------------------------------------------------------
# The server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _pids():
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            yield int(entry.name)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _pgid(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except OSError:
        return None


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _environ(pid: int) -> dict:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    return dict(item.split("=", 1) for item in raw.decode(errors="replace").split("\0") if "=" in item)


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    try:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    except OSError:
        pass
    return inodes


def _hex_address(text: str) -> tuple[str, int]:
    address, port = text.split(":")
    raw = bytes.fromhex(address)
    if len(raw) == 4:
        host = socket.inet_ntop(socket.AF_INET, raw[::-1])
    else:  # four little-endian 32-bit words
        host = socket.inet_ntop(socket.AF_INET6, b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4)))
    return host, int(port, 16)


def listening(pids) -> list[tuple[str, int]]:
    """(address, port) of every TCP socket in LISTEN state held by one of ``pids``."""
    inodes = set().union(*(_socket_inodes(pid) for pid in pids)) if pids else set()
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:
                found.append(_hex_address(fields[1]))
    return sorted(set(found))


@dataclass
class LabServer:
    """``make lab`` on 127.0.0.1:``port`` with a random token and private settings under ``home``."""

    home: Path
    port: int = 0
    token: str = ""
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.home / "lab.log"

    @property
    def runtime_dir(self) -> Path:
        return self.home / "runtime"

    def command(self) -> list[str]:
        """The command line: the project's `make lab`, told the port and not to open a browser."""
        return ["make", "--no-print-directory", "-C", str(REPO), "lab", f"LAB_PORT={self.port}",
                f"LAB_ARGS=--no-browser --ServerApp.port_retries=0 --FileCheckpoints.checkpoint_dir={self.home}/checkpoints"]

    def environment(self) -> dict:
        env = dict(os.environ)
        env.pop(HEADLESS_ENV, None)  # the kernel must show widgets
        env.update(
            JUPYTER_TOKEN=self.token,  # not on the command line, where `ps` would show it
            JUPYTERLAB_SETTINGS_DIR=str(self.home / "settings"),
            JUPYTERLAB_WORKSPACES_DIR=str(self.home / "workspaces"),
            JUPYTER_RUNTIME_DIR=str(self.runtime_dir),
            **{RESULTS_ENV: str(self.home / "results.json")},  # not notebooks/results.json
        )
        return env

    def start(self) -> "LabServer":
        for name, values in LAB_SETTINGS.items():
            path = self.home / "settings" / f"{name}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        (self.home / "workspaces").mkdir(exist_ok=True)
        self.runtime_dir.mkdir(exist_ok=True)
        self.port = free_port()
        self.token = secrets.token_hex(24)
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(self.command(), env=self.environment(), stdin=subprocess.DEVNULL,
                                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self._wait_until_ready()
        return self

    def api(self, path: str, method: str = "GET", timeout: float = 10):
        request = urllib.request.Request(self.url + path, method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"`make lab` exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                self.api("/api/status", timeout=2)
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.25)  # poll again: the server is not up yet
        raise RuntimeError(f"JupyterLab did not answer on {self.url} within {SERVER_START_TIMEOUT} s:\n"
                           f"{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(line for line in text.splitlines()[-lines:]).replace(self.token or "\0", "<token>")

    def processes(self) -> list[int]:
        """The server's processes: `make`, `jupyter lab` and every kernel it started (kernels get
        their own session, so they are found by the server's private runtime folder on their command line)."""
        if self.process is None:
            return []
        pgid = self.process.pid
        marker = str(self.runtime_dir)
        return [pid for pid in _pids() if (_pgid(pid) == pgid or marker in _cmdline(pid)) and _alive(pid)]

    def kernel_pids(self) -> list[int]:
        marker = str(self.runtime_dir)
        return [pid for pid in _pids() if "ipykernel" in _cmdline(pid) and marker in _cmdline(pid)]

    def kernel_environments(self) -> list[dict]:
        return [_environ(pid) for pid in self.kernel_pids()]

    def listening(self) -> list[tuple[str, int]]:
        return listening(self.processes())

    def stop(self) -> None:
        """Stop kernels and server, whatever state they are in; kill what is left after a grace period."""
        if self.process is None:
            return
        try:  # polite first: the server shuts its kernels down
            for session in self.api("/api/sessions", timeout=5):
                self.api(f"/api/sessions/{session['id']}", method="DELETE", timeout=10)
        except Exception:
            pass
        leftovers = self.processes()
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while True:
            alive = sorted({pid for pid in leftovers if _alive(pid)} | set(self.processes()))
            if not alive:
                break
            if time.monotonic() > deadline:  # e.g. a kernel that ignored the shutdown
                for pid in alive:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                break
            time.sleep(0.2)

    def writes(self) -> list[str]:
        """The server's log lines saying that it saved, uploaded or created a file (there should be none)."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return re.findall(r"^.*(?:Saving file at|Uploading file to|Creating new) .*$", text, re.M)

    def port_open(self) -> bool:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.settimeout(1)
            return probe.connect_ex(("127.0.0.1", self.port)) == 0


# ---------------------------------------------------------------------------------------------
# The browser


def launch_browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def local_only(context, refused: list) -> None:
    """Let the pages load only from 127.0.0.1 (JupyterLab would otherwise ask for news or PyPI)."""

    def route(request_route):
        if urlsplit(request_route.request.url).hostname in ("127.0.0.1", None):
            request_route.continue_()
        else:
            refused.append(request_route.request.url)
            request_route.abort()

    context.route("**/*", route)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")


ERROR_TEXT = re.compile(r"Traceback \(most recent call last\)|^\w*(Error|Exception)\b", re.M)
STDERR = "[data-mime-type='application/vnd.jupyter.stderr']"


class NotebookPage:
    """One notebook of ``make lab`` open in its own browser page (and its own JupyterLab workspace)."""

    def __init__(self, context, server: LabServer, name: str):
        self.server, self.name = server, name
        self.page = context.new_page()
        self.console_errors: list[str] = []
        self.page.on("console", lambda message: self.console_errors.append(message.text)
                     if message.type == "error" else None)
        self.page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        self.page.set_default_timeout(60_000)
        self.panel = self.page.locator(".jp-NotebookPanel")

    def open(self) -> "NotebookPage":
        workspace = f"browser-test-{_slug(Path(self.name).stem)}"
        self.page.goto(f"{self.server.url}/lab/workspaces/{workspace}/tree/{quote(self.name)}"
                       f"?reset&token={self.server.token}")
        self.panel.locator(".jp-Notebook .jp-Cell").first.wait_for()
        if self.panel.count() != 1:
            raise AssertionError(f"expected one notebook panel for {self.name}, found {self.panel.count()}")
        self.wait_for_kernel("idle", timeout=120)
        self.select_first_cell()
        self.page.keyboard.press("Control+b")  # hide the file browser: more room for the notebook
        self.select_first_cell()
        return self

    def wait_for_kernel(self, status: str, timeout: float) -> None:
        self.panel.locator(f".jp-Notebook-ExecutionIndicator[data-status='{status}']").wait_for(
            timeout=timeout * 1000)

    def menu(self, menu: str, item: str, timeout: float = 60) -> None:
        """Choose ``menu`` > ``item`` from the menu bar, once the item is enabled (it is disabled
        while, say, the notebook is not the current document or its kernel is not ready)."""
        entry = self.page.locator(".lm-Menu-item", has=self.page.locator(
            ".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$")))
        deadline = time.monotonic() + timeout
        while True:
            self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(menu)}$")).click()
            entry.first.wait_for()
            if "lm-mod-disabled" not in (entry.first.get_attribute("class") or ""):
                entry.first.click()
                return
            self.page.keyboard.press("Escape")
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name}: {menu} > {item} stayed disabled for {timeout} s")
            self.select_first_cell()
            self.page.wait_for_timeout(500)

    def select_first_cell(self) -> None:
        """Click the first cell's prompt: the notebook becomes the current document, in command mode."""
        self.panel.locator(".jp-Notebook .jp-Cell .jp-InputPrompt").first.click()

    def prompts(self) -> list[str]:
        return [text.strip() for text in self.panel.locator(".jp-CodeCell .jp-InputPrompt").all_inner_texts()]

    def run_all(self, timeout: float) -> float:
        """Clear every output, run all cells and wait until the kernel is done; returns the seconds taken."""
        self.menu("Edit", "Clear Outputs of All Cells")
        if set(self.prompts()) - {"[ ]:"}:
            raise AssertionError(f"{self.name}: clearing the outputs left prompts {self.prompts()}")
        start = time.monotonic()
        deadline = start + timeout
        for attempt in range(3):
            self.menu("Run", "Run All Cells")
            queued_by = time.monotonic() + 20
            while self.prompts() and self.prompts()[0] == "[ ]:" and time.monotonic() < queued_by:
                self.page.wait_for_timeout(100)  # until the first code cell is queued
            if not (self.prompts() and self.prompts()[0] == "[ ]:"):
                break
        else:
            raise AssertionError(f"{self.name}: Run All Cells queued nothing, three times; dialogs: {self.dialogs()}")
        while "[*]:" in self.prompts() or not self._idle():
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name}: still running after {timeout} s: {self.prompts()}")
            self.page.wait_for_timeout(500)
        return time.monotonic() - start

    def _idle(self) -> bool:
        return self.panel.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").count() == 1

    def unexecuted(self) -> list[int]:
        """Positions (1-based, among code cells) of code cells without an execution count."""
        return [i for i, prompt in enumerate(self.prompts(), 1) if not re.fullmatch(r"\[\d+\]:", prompt)]

    def errors(self) -> list[str]:
        """Text of every output that shows an exception."""
        return [text for text in self.panel.locator(f".jp-OutputArea-output{STDERR}").all_inner_texts()
                if ERROR_TEXT.search(text)]

    def explorers(self):
        return self.panel.locator(f".{EXPLORER_CLASS}")

    def explorer_labels(self) -> list[list[str]]:
        """The control labels of every explorer, in notebook order."""
        return [box.locator(".widget-label").all_inner_texts() for box in self.explorers().all()]

    def screenshot(self, path: Path) -> Path:
        """The whole notebook in one picture: the page is made as tall as the notebook for the shot."""
        path.parent.mkdir(parents=True, exist_ok=True)
        scroller = self.panel.locator(".jp-WindowedPanel-outer")
        viewport = self.page.viewport_size
        content, visible = scroller.evaluate("node => [node.scrollHeight, node.clientHeight]")
        height = min(viewport["height"] + max(content - visible, 0), 30_000)
        self.page.set_viewport_size({"width": viewport["width"], "height": height})
        try:
            scroller.evaluate("node => { node.scrollTop = 0; }")
            self.page.wait_for_timeout(500)
            self.page.screenshot(path=str(path))
        finally:
            self.page.set_viewport_size(viewport)
        return path

    def dialogs(self) -> list[str]:
        """Text of the dialogs JupyterLab shows over the page (a dead kernel, a file changed on disk...)."""
        return [text.strip() for text in self.page.locator(".jp-Dialog").all_inner_texts()]

    def add_cell(self, code: str, timeout: float = 120) -> None:
        """Append a code cell at the end and run it (the notebook is not saved)."""
        if self.dialogs():
            raise AssertionError(f"{self.name}: JupyterLab shows a dialog: {self.dialogs()}")
        self.panel.locator(".jp-Notebook .jp-Cell .jp-InputPrompt").last.click()
        self.page.keyboard.press("Escape")
        self.page.keyboard.press("b")  # new cell below, in command mode
        self.page.keyboard.press("Enter")  # edit it
        self.page.keyboard.insert_text(code)  # as typed text, without the editor's auto-indent
        self.page.keyboard.press("Shift+Enter")
        self.page.wait_for_timeout(300)
        deadline = time.monotonic() + timeout
        while "[*]:" in self.prompts() or not self._idle():
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name}: added cell still running after {timeout} s")
            self.page.wait_for_timeout(250)

    def close(self) -> None:
        self.page.close()  # closing the page saves nothing


# ---------------------------------------------------------------------------------------------
# Checking an explorer


NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"


def _number(text: str) -> float:
    return float(text.strip().replace("\u2212", "-"))


@dataclass
class ExplorerState:
    """What an explorer's output area shows: its text, the parts of it ``case.text`` names, its
    figures (as their image data) and any error; and what its control's readout says."""

    text: str
    value_text: str | None
    result: str | None
    readout: str
    images: list[str]
    errors: list[str]

    @property
    def value(self) -> float | None:
        return None if self.value_text is None else _number(self.value_text)

    def describe(self) -> str:
        return f"value {self.value_text}, result {self.result}, readout {self.readout!r}, {len(self.images)} figure(s)"


def _readout(control) -> str:
    readout = control.locator(".widget-readout")
    return readout.first.inner_text().strip() if readout.count() else ""


def _state(output, control, case) -> ExplorerState:
    text = output.inner_text()
    match = re.search(case.text, text)
    images = [image.get_attribute("src") or "" for image in output.locator("img").all()]
    errors = [t for t in output.locator(STDERR).all_inner_texts() if ERROR_TEXT.search(t)]
    return ExplorerState(text, match["value"] if match else None, match["result"] if match else None,
                         _readout(control), images, errors)


def _rounding(text: str) -> float:
    """Largest rounding error of a number printed as ``text``: half a unit of its last digit."""
    mantissa, _, exponent = text.strip().lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 0.5 * 10.0 ** (int(exponent or 0) - decimals)


def _agrees(value: str, readout: str) -> bool:
    """Whether the value printed in the text is the one the control's readout shows, to the
    precision of the less precise of the two."""
    try:
        shown = _number(readout)
    except ValueError:
        return True  # no numeric readout (a choice among named options, say): nothing to compare
    return abs(_number(value) - shown) <= max(_rounding(value), _rounding(readout)) * (1 + 1e-9)


def check_explorer(notebook: NotebookPage, case, index: int = 0, shots: Path | None = None,
                   timeout: float = 30) -> tuple[ExplorerState, ExplorerState]:
    """Move ``case``'s control from the keyboard and check that the explorer redraws accordingly.

    The ``index``-th explorer (in notebook order; -1 for the last) that has a control labelled
    ``case.control`` must show one output area with one figure and a text matching ``case.text``,
    whose ``value`` group equals the control's readout. After reaching the control with Tab from
    the explorer's cell and pressing ``case.keys``, within ``timeout`` s: the text shows the control's new value, moved in
    ``case.direction``, and a new ``result``; there is still exactly one figure in the cell, and
    it is a new picture; the output area never lost its figure in between (no flicker); no error
    is shown. Screenshots of the explorer's cell before and after go to ``{shots}-before.png`` and
    ``{shots}-after.png``. Raises :class:`ExplorerCheckFailed` otherwise.
    """
    page = notebook.page
    label = re.compile(f"^{re.escape(case.control)}$")
    boxes = notebook.explorers().filter(has=page.locator(".widget-label", has_text=label))
    if boxes.count() == 0:
        raise ExplorerCheckFailed(f"{case}: no explorer with a control {case.control!r} in {notebook.name} "
                                  f"(explorers there: {notebook.explorer_labels()})")
    box = boxes.nth(index)
    cell = box.locator("xpath=ancestor::div[contains(concat(' ', normalize-space(@class), ' '), ' jp-Cell ')][1]")
    control = box.locator(":scope > *").filter(has=page.locator(".widget-label", has_text=label))
    outputs = box.locator(".widget-output")
    if outputs.count() != 1:
        raise ExplorerCheckFailed(f"{case}: expected one output area, found {outputs.count()}")
    output = outputs.first

    def fail(message: str):
        if shots is not None:
            cell.screenshot(path=f"{shots}-after.png")
        raise ExplorerCheckFailed(f"{case}: {message}")

    box.scroll_into_view_if_needed()
    before = _state(output, control, case)
    if before.errors:
        raise ExplorerCheckFailed(f"{case}: the explorer shows an error before any change:\n{before.errors[0]}")
    if before.value is None:
        raise ExplorerCheckFailed(f"{case}: the explorer's text does not match {case.text!r}:\n{before.text}")
    if len(before.images) != 1 or cell.locator("img").count() != 1:
        raise ExplorerCheckFailed(f"{case}: expected one figure, found {len(before.images)} in the output area "
                                  f"and {cell.locator('img').count()} in the cell")
    if not _agrees(before.value_text, before.readout):
        raise ExplorerCheckFailed(f"{case}: the text says {before.value} but the control reads {before.readout}")
    if shots is not None:
        cell.screenshot(path=f"{shots}-before.png")

    # Keyboard only: select the explorer's cell, then Tab until the control's part that takes keys
    # (a slider's handle, a list, a text box) has the focus.
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    cell.locator(".jp-InputPrompt").first.click()
    page.keyboard.press("Escape")  # command mode
    for _ in range(20):
        page.keyboard.press("Tab")
        if control.evaluate("""node => node.contains(document.activeElement)
                && document.activeElement.matches('[role=slider], select, input, textarea, button')"""):
            break
    else:
        raise ExplorerCheckFailed(f"{case}: Tab from the explorer's cell never reaches the control {case.control!r}")
    output.evaluate("""node => {
        window.__explorerFigures = [];
        window.__explorerObserver = new MutationObserver(
            () => window.__explorerFigures.push(node.querySelectorAll('img').length));
        window.__explorerObserver.observe(node, {childList: true, subtree: true});
    }""")
    for key in case.keys:
        page.keyboard.press(key)
    deadline = time.monotonic() + timeout
    while True:
        page.wait_for_timeout(250)
        after = _state(output, control, case)
        if after.errors:
            fail(f"the explorer shows an error after {'+'.join(case.keys)}:\n{after.errors[0]}")
        if (after.value is not None and after.text != before.text and after.images != before.images
                and _agrees(after.value_text, after.readout)):  # redrawn, for the control's final value
            break
        if time.monotonic() > deadline:
            fail(f"the explorer did not redraw within {timeout} s after {'+'.join(case.keys)} on {case.control!r}: "
                 f"before: {before.describe()}; now: {after.describe()}; output now:\n{after.text[:2000]}")
    figures_seen = output.evaluate("() => { window.__explorerObserver.disconnect(); return window.__explorerFigures; }")
    if shots is not None:
        cell.screenshot(path=f"{shots}-after.png")
    if len(after.images) != 1 or cell.locator("img").count() != 1:
        fail(f"expected one figure after the change, found {len(after.images)} in the output area and "
             f"{cell.locator('img').count()} in the cell")
    if figures_seen and min(figures_seen) == 0:
        fail(f"the output area lost its figure before the new one came (flicker): figures seen {figures_seen}")
    if (after.value - before.value) * case.direction <= 0:
        fail(f"{'+'.join(case.keys)} moved the value from {before.value} to {after.value}, expected it to go "
             f"{'up' if case.direction > 0 else 'down'}")
    if after.result == before.result:
        fail(f"the result stayed {before.result} when the value went from {before.value} to {after.value}")
    return before, after
