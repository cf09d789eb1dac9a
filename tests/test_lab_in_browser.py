"""A newcomer's first minutes, end to end: `make lab`'s JupyterLab on the start notebook, in a real browser.

JupyterLab is started with the command `make lab` runs (read from `make -n lab`), on a free port, with no
browser window of its own, and the URL it would have opened is loaded in headless Chromium (driven over the
DevTools protocol, like the handouts). What a learner sees is checked: the notebook's title rendered, a
Python kernel of the course's environment connected and idle, no pop-up (JupyterLab's "official Jupyter news"
question is answered by the course's settings in jupyter/, installed into .venv), the tab not marked as
modified; then the cells from the setup cell to the environment check are run through the page (Shift+Enter)
and the check prints "environment OK".

JupyterLab serves a snapshot of notebooks/ (byte-for-byte copies), so a run never touches the stored
notebooks, and its own settings and workspace folders are fresh ones (a newcomer has none).

Skipped where Chromium (or make) is missing; in CI (CI set) it must be there. A screenshot of the page is
saved for a human to look at: to $LAB_SCREENSHOTS/ if set, else next to the test's temporary files.
"""

from __future__ import annotations

import base64
import json
import os
import platform
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from conftest import NOTEBOOK_DIR, ROOT, cell_source, load_notebook

sys.path.insert(0, str(ROOT / "tools"))
import build_handouts as bh  # noqa: E402  (its headless Chromium, driven over the DevTools protocol)

START = "00_start_here.ipynb"
ENV_OK = re.compile(r"environment OK", re.IGNORECASE)
VIEWPORT = {"width": 1280, "height": 800, "deviceScaleFactor": 1, "mobile": False}
TIMEOUT = 180.0  # seconds for each wait; generous, for a busy 2-core machine


# ---------------------------------------------------------------------------
# What the stored notebook says (read from its JSON, independently of the page)
# ---------------------------------------------------------------------------


def notebook_title(nb: dict) -> str:
    """The `# Title` line of the first markdown cell, without markdown emphasis."""
    first = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
    line = next(ln for ln in cell_source(first).splitlines() if ln.startswith("# "))
    return re.sub(r"[*_`]", "", line[2:]).strip()


def stored_text(cell: dict) -> str:
    return "".join(
        "".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", "")) for o in cell.get("outputs", [])
    )


def cells_to_run(nb: dict) -> tuple[int, int]:
    """Indices of the first code cell (setup) and of the environment-check cell (prints "environment OK")."""
    code = [i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"]
    checks = [i for i in code if ENV_OK.search(stored_text(nb["cells"][i]))]
    assert checks, f"{START}: no code cell prints 'environment OK' (the environment check)"
    return code[0], checks[0]


# ---------------------------------------------------------------------------
# JupyterLab, started as `make lab` starts it
# ---------------------------------------------------------------------------


def make_lab_command() -> list[str]:
    """The JupyterLab command line of `make lab`, for the environment running these tests."""
    out = subprocess.run(
        ["make", "-n", "-s", "lab", f"VENV={sys.prefix}"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    lines = [ln for ln in out.splitlines() if re.search(r"/jupyter\S* lab\b", ln)]
    assert lines, f"`make -n lab` runs no `jupyter lab`:\n{out}"
    return shlex.split(lines[-1])


def need_tools() -> str:
    exe = bh.find_chromium()
    missing = [name for name, found in (("Chromium", exe), ("make", shutil.which("make"))) if not found]
    if missing:
        what = " and ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(f"{what} not installed: .ci/run must install it (apt-get install chromium make)")
        pytest.skip(f"{what} not installed here: JupyterLab is not tried in a browser (apt-get install chromium)")
    return exe


def start_lab(root: Path, home: Path) -> tuple[subprocess.Popen, str]:
    """Start `make lab`'s JupyterLab in `root` on a free port without a browser; return it and its URL."""
    cmd = make_lab_command() + [
        "--no-browser",
        "--port=0",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={secrets.token_hex(16)}",
        f"--LabApp.user_settings_dir={home / 'user-settings'}",
        f"--LabApp.workspaces_dir={home / 'workspaces'}",
    ]
    # Autosave off, so that running cells in the page never writes the notebook (it is a copy anyway).
    docmanager = home / "user-settings" / "@jupyterlab" / "docmanager-extension"
    docmanager.mkdir(parents=True)
    (docmanager / "plugin.jupyterlab-settings").write_text(json.dumps({"autosave": False}))
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(home / "runtime"))
    log = open(home / "lab.log", "wb")
    proc = subprocess.Popen(
        cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
    )
    # The page `make lab` would open in the browser: the server writes it once it listens.
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        pages = list((home / "runtime").glob("jpserver-file-to-run-*-open.html"))
        if pages:
            url = re.search(r'url=([^"]+)"', pages[0].read_text()).group(1)
            return proc, url
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    stop_lab(proc)
    pytest.fail("JupyterLab did not start:\n" + (home / "lab.log").read_text(errors="replace")[-3000:])


def stop_lab(proc: subprocess.Popen) -> None:
    """Stop the server and every process it started (its kernels)."""
    try:
        family = [psutil.Process(proc.pid)] + psutil.Process(proc.pid).children(recursive=True)
    except psutil.Error:
        family = []
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    for p in family:
        try:
            p.kill()
        except psutil.Error:
            pass


# ---------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------

# What a learner sees, read from the page.
_STATE_JS = r"""
(() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  const text = (el) => el ? el.textContent.trim() : null;
  const h1 = panel && panel.querySelector('.jp-RenderedMarkdown h1');
  const tabs = [...document.querySelectorAll('#jp-main-dock-panel .lm-TabBar-tab')];
  return {
    notebook: !!(panel && panel.querySelector('.jp-Cell')),
    title: h1 ? h1.textContent.replace(/\u00b6\s*$/, '').trim() : null,
    tabs: tabs.map(t => ({label: text(t.querySelector('.lm-TabBar-tabLabel')),
                          dirty: t.classList.contains('jp-mod-dirty')})),
    kernelName: text(panel && panel.querySelector('.jp-KernelName')),
    kernelStatus: (panel && panel.querySelector('.jp-Notebook-ExecutionIndicator') || {}).dataset?.status || null,
    statusBar: text(document.querySelector('#jp-main-statusbar')),
    dialogs: [...document.querySelectorAll('.jp-Dialog')].map(e => e.innerText.trim()),
    toasts: [...document.querySelectorAll('.Toastify__toast')].map(e => e.innerText.trim()),
    notifications: text(document.querySelector('.jp-Notification-Status')),
  };
})()
"""

# The cells of the open notebook (windowing keeps every cell in the page, out-of-view ones hidden by CSS).
_CELLS_JS = "[...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell')]"

_MARK_STORED_JS = (
    _CELLS_JS
    + r"""[%d].querySelectorAll('.jp-OutputArea-child').forEach(
    e => e.dataset.storedOutput = '1'); true"""
)

_CELL_JS = r"""
(() => {
  const cell = %s[%d];
  const fresh = [...cell.querySelectorAll('.jp-OutputArea-child')].filter(e => !e.dataset.storedOutput);
  return {prompt: cell.querySelector('.jp-InputPrompt').textContent.trim(),
          fresh: fresh.map(e => e.innerText).join('\n')};
})()
"""


class Page:
    """One tab of headless Chromium, driven over the DevTools protocol."""

    def __init__(self, browser: bh.Chromium, url: str) -> None:
        self.browser = browser
        target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.call("Page.enable")
        self.call("Emulation.setDeviceMetricsOverride", VIEWPORT)
        self.call("Page.navigate", {"url": url})

    def call(self, method: str, params: dict | None = None) -> dict:
        return self.browser.call(method, params, self.session)

    def js(self, expression: str):
        return self.browser.evaluate(self.session, expression)

    def wait(self, what: str, predicate, expression: str = _STATE_JS, timeout: float = TIMEOUT):
        deadline = time.monotonic() + timeout
        while True:
            value = self.js(expression)
            if predicate(value):
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; the page shows: {value}")
            time.sleep(0.25)

    def screenshot(self, path: Path) -> None:
        path.write_bytes(base64.b64decode(self.call("Page.captureScreenshot", {"format": "png"})["data"]))

    def click(self, selector_js: str) -> None:
        """A real mouse click in the middle of an element (scrolled into view first)."""
        box = self.js(
            f"(() => {{ const e = {selector_js}; e.scrollIntoView({{block: 'center'}}); "
            f"const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()"
        )
        for kind in ("mousePressed", "mouseReleased"):
            self.call(
                "Input.dispatchMouseEvent", {"type": kind, "x": box[0], "y": box[1], "button": "left", "clickCount": 1}
            )

    def shift_enter(self) -> None:
        key = {"key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13, "nativeVirtualKeyCode": 13, "modifiers": 8}
        self.call("Input.dispatchKeyEvent", {"type": "rawKeyDown", **key})
        self.call("Input.dispatchKeyEvent", {"type": "keyUp", **key})


def idle(state: dict) -> bool:
    return state["notebook"] and state["kernelStatus"] == "idle" and "Idle" in (state["statusBar"] or "")


@pytest.fixture(scope="module")
def lab_session(tmp_path_factory):
    """Open the start notebook in `make lab`'s JupyterLab; record what the page shows before and after the
    environment check is run through it."""
    exe = need_tools()
    home = tmp_path_factory.mktemp("lab-in-browser")
    root = home / "course"
    shutil.copytree(NOTEBOOK_DIR, root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shots = Path(os.environ.get("LAB_SCREENSHOTS") or home)
    shots.mkdir(parents=True, exist_ok=True)
    nb = load_notebook(NOTEBOOK_DIR / START)
    first, check = cells_to_run(nb)
    record: dict = {"notebook": nb, "screenshots": shots}

    proc, url = start_lab(root, home)
    try:
        record["url"] = url
        with bh.Chromium(exe, timeout=TIMEOUT) as browser:
            page = Page(browser, url)
            page.wait("the notebook with its kernel idle", idle)
            time.sleep(3)  # JupyterLab's start-up notifications and metadata updates come within a second or two
            record["opened"] = page.js(_STATE_JS)
            record["kernel_cmdlines"] = [
                p.cmdline()
                for p in psutil.Process(proc.pid).children(recursive=True)
                if "ipykernel_launcher" in " ".join(p.cmdline())
            ]
            page.screenshot(shots / "lab_start_notebook.png")

            # The learner runs the setup cell and every cell after it down to the environment check.
            page.js(_MARK_STORED_JS % check)
            page.click(f"{_CELLS_JS}[{first}].querySelector('.jp-InputPrompt')")
            for _ in range(first, check + 1):
                page.shift_enter()
            record["check"] = page.wait(
                "the environment check's output",
                lambda c: ENV_OK.search(c["fresh"]) and re.fullmatch(r"\[\d+\]:", c["prompt"]),
                _CELL_JS % (_CELLS_JS, check),
            )
            record["after"] = page.wait("the kernel idle after the run", idle)
            page.js(f"{_CELLS_JS}[{check}].scrollIntoView({{block: 'center'}}); true")
            page.screenshot(shots / "lab_environment_check.png")
    finally:
        stop_lab(proc)
    return record


# ---------------------------------------------------------------------------
# The checks
# ---------------------------------------------------------------------------


def test_title_rendered(lab_session):
    opened = lab_session["opened"]
    assert opened["title"] == notebook_title(lab_session["notebook"])
    assert [t["label"] for t in opened["tabs"]] == [START]


def test_python_kernel_of_the_course_environment_is_idle(lab_session):
    from jupyter_client.kernelspec import KernelSpecManager

    opened = lab_session["opened"]
    spec = KernelSpecManager().get_kernel_spec(lab_session["notebook"]["metadata"]["kernelspec"]["name"])
    assert spec.language == "python"
    assert opened["kernelName"] == spec.display_name
    assert opened["kernelStatus"] == "idle" and f"{spec.display_name} | Idle" in opened["statusBar"]
    # One kernel, and it runs this environment's Python (the .venv), not some other python3 on the machine.
    cmdlines = lab_session["kernel_cmdlines"]
    assert len(cmdlines) == 1, cmdlines
    # (Compare the bin folders: the python in a venv is a link to the base interpreter, shared by every venv.)
    assert Path(cmdlines[0][0]).absolute().parent.resolve() == Path(sys.executable).absolute().parent.resolve()


def test_no_pop_up(lab_session):
    opened = lab_session["opened"]
    assert opened["dialogs"] == []
    assert opened["toasts"] == []  # e.g. "Would you like to get notified about official Jupyter news?"
    assert opened["notifications"] == "0"


def test_tab_not_marked_modified(lab_session):
    stored = lab_session["notebook"]["metadata"].get("language_info", {}).get("version")
    if stored is not None and stored != platform.python_version():
        pytest.skip(
            f"{START} was stored with Python {stored}, this environment runs {platform.python_version()}: "
            "JupyterLab writes the running Python's version into the notebook on opening it, so here "
            "its tab shows as modified (harmless; `make execute` on this Python would store it)"
        )
    assert [t for t in lab_session["opened"]["tabs"] if t["dirty"]] == [], (
        "the untouched start notebook is marked as modified on opening: its stored metadata differs from "
        f"what JupyterLab writes (stored language_info.version: {stored!r}); re-execute it with make execute"
    )


def test_environment_check_runs_in_the_page(lab_session):
    check = lab_session["check"]
    assert ENV_OK.search(check["fresh"]), check
    assert not re.search(r"Traceback|Error", check["fresh"]), check
    after = lab_session["after"]
    assert after["dialogs"] == [] and after["toasts"] == []


# ---------------------------------------------------------------------------
# Without a browser: every stored notebook opens unchanged
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.stem)
def test_stored_metadata_is_what_jupyterlab_writes_on_open(path):
    """JupyterLab writes the connected kernel's kernelspec and language_info into a notebook on opening it;
    the stored ones must already be those (else the tab shows as modified)."""
    from ipykernel.ipkernel import IPythonKernel
    from jupyter_client.kernelspec import KernelSpecManager

    meta = load_notebook(path)["metadata"]
    spec = KernelSpecManager().get_kernel_spec("python3")
    assert meta.get("kernelspec") == {"name": "python3", "display_name": spec.display_name, "language": spec.language}
    stored = dict(meta.get("language_info", {}))
    assert "version" in stored, f"{path.name}: language_info has no Python version; re-execute with make execute"
    running = dict(IPythonKernel.language_info)  # what this environment's kernel reports
    if stored["version"] != running["version"]:
        pytest.skip(f"stored with Python {stored['version']}, this environment runs {running['version']}")
    assert stored == running
