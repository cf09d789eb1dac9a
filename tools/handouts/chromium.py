"""Chromium printing: headless Chromium driven over its DevTools protocol, through a pipe (no port, no network).

No library the course keeps prints offline with a running header and checks the layout first: nbconvert's
WebPDFExporter needs Playwright and the browser it downloads. So this small client stays: it opens a local
page, waits for MathJax and the fonts, reports what sticks out of the text block (`layout_problems`),
prints it (``Page.printToPDF``) and prints the footer pages stamped on afterwards (`print_footers`).

Chromium: Debian/Ubuntu ``apt-get install chromium``; elsewhere set ``CHROMIUM=/path/to/chrome``.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .footers import footer_pages_html
from .labels import page_label
from .mathjax import print_copy
from .paper import PAGE_MARGINS_IN, PAPERS, check_paper, text_width_px


class PdfToolMissing(RuntimeError):
    """No Chromium/Chrome found to print the PDFs."""


def find_chromium() -> str | None:
    """The Chromium or Chrome executable: $CHROMIUM, else the usual names on PATH, else macOS's app."""
    env = os.environ.get("CHROMIUM")
    if env:
        return env if Path(env).is_file() or shutil.which(env) else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    mac = Path("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome")
    return str(mac) if mac.exists() else None


# Finds what would stick out of the text block on paper: elements past the right edge, and
# boxes whose content is wider than the box (cut off, or behind a scroll bar).
OVERFLOW_JS = r"""
(() => {
  const limit = document.documentElement.clientWidth + 1;
  const out = [];
  const seen = new Set();
  const describe = (el) => {
    const cls = (typeof el.className === 'string' && el.className)
      ? '.' + el.className.trim().split(/\s+/).slice(0, 2).join('.') : '';
    let text = (el.innerText || el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 80);
    return el.tagName.toLowerCase() + cls + ': ' + JSON.stringify(text);
  };
  for (const el of document.querySelectorAll('main *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    // Screen-reader copies (MathJax's assistive MathML) are clipped to nothing on purpose.
    if (el.closest('.MJX_Assistive_MathML, .sr-only') || (style.clip && style.clip.startsWith('rect'))) continue;
    const clipped = el.scrollWidth > el.clientWidth + 1 && style.overflowX !== 'visible' && el.clientWidth > 0;
    if (r.right > limit || clipped) {
      let p = el.parentElement, reported = false;
      while (p) { if (seen.has(p)) { reported = true; break; } p = p.parentElement; }
      seen.add(el);
      if (!reported) out.push(describe(el) + (clipped ? ' (content cut off)'
                                              : ' (past the right margin by ' + Math.round(r.right - limit) + ' px)'));
    }
  }
  return out.slice(0, 20);
})()
"""

# Resolves once MathJax (if the page loads it) has typeset the page, or after %d ms.
WAIT_FOR_MATH_JS = r"""
new Promise((resolve) => {
  if (!window.MathJax || !window.MathJax.Hub) { resolve('no math'); return; }
  setTimeout(() => resolve('timeout'), %d);
  window.MathJax.Hub.Queue(() => resolve('typeset'));
})
"""
MATH_TIMEOUT_MS = 30000
FONTS_READY_JS = "document.fonts.ready.then(() => true)"


class Chromium:
    """One headless Chromium, driven over ``--remote-debugging-pipe`` (no port, no network).

    Use as a context manager; `open` loads a local HTML file in a tab, `print_pdf` returns its PDF bytes.
    """

    def __init__(self, executable: str | None = None, timeout: float = 90.0):
        self.executable = executable or find_chromium()
        if not self.executable:
            raise PdfToolMissing(
                "no Chromium found to print the PDF handouts: install it (Debian/Ubuntu: "
                "`apt-get install chromium`) or set CHROMIUM=/path/to/chrome; `--html-only` skips the PDFs"
            )
        self.timeout = timeout
        self._next_id = 0
        self._buffer = b""
        self._events: list[dict] = []
        self._targets: dict[str, str] = {}  # session id -> target id, to close the tab

    def __enter__(self) -> Chromium:
        self._profile = tempfile.mkdtemp(prefix="handouts-chromium-")
        args = [
            self.executable,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--disable-dev-shm-usage",
            "--mute-audio",
            "--allow-file-access-from-files",
            "--hide-scrollbars",
            "--font-render-hinting=none",
            f"--user-data-dir={self._profile}",
            "--remote-debugging-pipe",
            "about:blank",
        ]
        # The pipe transport reads commands on fd 3 and writes replies on fd 4: hand it our two pipes.
        self._proc = subprocess.Popen(
            ["/bin/sh", "-c", 'exec "$@" 3<&0 4>&1 0</dev/null 1>/dev/null', "sh", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        try:
            self.call("Browser.getVersion")
        except Exception:
            self.close()
            raise
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        """Ask Chromium to quit (kill it if it does not), and remove its scratch profile."""
        proc = getattr(self, "_proc", None)
        if proc and proc.poll() is None:
            try:
                self._send("Browser.close")
                proc.wait(timeout=10)
            except Exception:
                proc.kill()
                proc.wait()
        for stream in (getattr(proc, "stdin", None), getattr(proc, "stdout", None)):
            if stream:
                stream.close()
        shutil.rmtree(getattr(self, "_profile", ""), ignore_errors=True)

    # -- protocol -----------------------------------------------------------
    def _send(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        """Write one command to the pipe (messages end with a NUL byte); return its id."""
        self._next_id += 1
        msg = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self._proc.stdin.write(json.dumps(msg).encode() + b"\0")
        self._proc.stdin.flush()
        return self._next_id

    def _read(self, deadline: float) -> dict:
        """The next message from the pipe, waiting until `deadline` (time.monotonic) at most."""
        fd = self._proc.stdout.fileno()
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("Chromium did not answer in time")
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    raise RuntimeError("Chromium exited unexpectedly")
                self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        """Send one command and return its result (events that arrive meanwhile are kept)."""
        msg_id = self._send(method, params, session)
        deadline = time.monotonic() + self.timeout
        while True:
            msg = self._read(deadline)
            if msg.get("id") == msg_id:
                if "error" in msg:
                    raise RuntimeError(f"Chromium: {method} failed: {msg['error'].get('message')}")
                return msg.get("result", {})
            if "method" in msg:
                self._events.append(msg)

    def wait_event(self, method: str, session: str) -> dict:
        """Wait for the event `method` of tab `session` (or take it if it already came) and return it."""
        deadline = time.monotonic() + self.timeout
        while True:
            for i, ev in enumerate(self._events):
                if ev["method"] == method and ev.get("sessionId") == session:
                    return self._events.pop(i)
            msg = self._read(deadline)
            if "method" in msg:
                self._events.append(msg)

    def evaluate(self, session: str, expression: str, await_promise: bool = False) -> Any:
        """Run JavaScript `expression` in tab `session` and return its value."""
        result = self.call(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": await_promise},
            session,
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"Chromium: script failed: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    # -- pages ----------------------------------------------------------------
    def new_tab(self) -> str:
        """Open a blank tab and return its session id (`close_tab` closes it)."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self._targets[session] = target
        return session

    def wait_until_typeset(self, session: str) -> None:
        """Wait for MathJax to typeset the page in tab `session` and for its fonts to load."""
        self.evaluate(session, WAIT_FOR_MATH_JS % MATH_TIMEOUT_MS, await_promise=True)
        self.evaluate(session, FONTS_READY_JS, await_promise=True)

    def open(self, path: Path) -> str:
        """Open a local file in a new tab; return the session id once it has loaded (math typeset)."""
        session = self.new_tab()
        self.call("Page.enable", {}, session)
        self.call("Page.navigate", {"url": Path(path).resolve().as_uri()}, session)
        self.wait_event("Page.loadEventFired", session)
        self.wait_until_typeset(session)
        return session

    def close_tab(self, session: str) -> None:
        """Close the tab of `session`."""
        self.call("Target.closeTarget", {"targetId": self._targets.pop(session)})

    def layout_problems(self, session: str, width_px: int) -> list[str]:
        """What sticks out of a text block `width_px` wide, laid out with the print styles."""
        self.call("Emulation.setEmulatedMedia", {"media": "print"}, session)
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width_px, "height": 1200, "deviceScaleFactor": 1, "mobile": False},
            session,
        )
        try:
            return self.evaluate(session, OVERFLOW_JS) or []
        finally:
            self.call("Emulation.clearDeviceMetricsOverride", {}, session)
            self.call("Emulation.setEmulatedMedia", {"media": ""}, session)

    def print_pdf(self, session: str, paper: str, header: str | None, footer: str | None) -> bytes:
        """Print tab `session` on `paper` with the course's margins, and `header`/`footer` templates if given."""
        width, height = PAPERS[paper]
        top, right, bottom, left = PAGE_MARGINS_IN
        params = {
            "paperWidth": width,
            "paperHeight": height,
            "marginTop": top,
            "marginRight": right,
            "marginBottom": bottom,
            "marginLeft": left,
            "printBackground": True,
            "preferCSSPageSize": False,
            "displayHeaderFooter": header is not None,
            "headerTemplate": header or "<span></span>",
            # No tagged PDF and no outline from the headings: Chromium's outline drops the spaces at the
            # line breaks of long headings, and tagging makes the files four times larger.
            "footerTemplate": footer or "<span></span>",
            "generateTaggedPDF": False,
        }
        return base64.b64decode(self.call("Page.printToPDF", params, session)["data"])


def print_footers(browser: Chromium, paper: str, footers: list[tuple[str, str]]) -> bytes:
    """A PDF with only the footers, one page per (left, right) pair, for `stamp_footers`."""
    session = browser.new_tab()
    try:
        frame = browser.call("Page.getFrameTree", {}, session)["frameTree"]["frame"]["id"]
        browser.call("Page.setDocumentContent", {"frameId": frame, "html": footer_pages_html(paper, footers)}, session)
        browser.evaluate(session, FONTS_READY_JS, await_promise=True)
        width, height = PAPERS[paper]
        params = {
            "paperWidth": width,
            "paperHeight": height,
            "marginTop": 0,
            "marginRight": 0,
            "marginBottom": 0,
            "marginLeft": 0,
            "printBackground": False,
            "preferCSSPageSize": False,
            "displayHeaderFooter": False,
            "generateTaggedPDF": False,
        }
        return base64.b64decode(browser.call("Page.printToPDF", params, session)["data"])
    finally:
        browser.close_tab(session)


def page_footers(browser: Chromium, paper: str, left: str, language: str = "en") -> Callable[[int], bytes]:
    """For a PDF of n pages: n footers, each `left` and "page k of n", printed by `browser`."""
    return lambda n: print_footers(browser, paper, [(left, page_label(k, n, language)) for k in range(1, n + 1)])


def print_handout(
    browser: Chromium, html_path: Path, page: str, paper: str, header: str, *, mathjax_next_to_page: bool
) -> tuple[list[str], bytes]:
    """Lay out and print the handout `page`, written at `html_path`; return (layout problems, PDF bytes).

    Printed from where it is built, not /tmp: Ubuntu's snap Chromium has a private /tmp. Without MathJax next
    to the page, a copy that loads Debian's MathJax is printed instead (and removed).
    """
    print_path = html_path
    if not mathjax_next_to_page and print_copy(page) != page:
        print_path = html_path.with_name(f".print-{html_path.name}")
        print_path.write_text(print_copy(page), encoding="utf-8")
    session = browser.open(print_path)
    try:
        problems = browser.layout_problems(session, text_width_px(paper))
        data = browser.print_pdf(session, paper, header, None)
    finally:
        browser.close_tab(session)
        if print_path != html_path:
            print_path.unlink()
    return problems, data


def report_layout_problems(key: str, problems: list[str], log: Callable[[str], None]) -> None:
    """Log the elements of handout `key` ("edition/NN_name") that stick out of the page."""
    log(f"warning: {key}: {len(problems)} element(s) wider than the page:")
    for p in problems:
        log(f"    {p}")


def check_layout(
    html_paths: Iterable[str | Path], paper: str = "a4", chromium: str | None = None
) -> dict[str, list[str]]:
    """Lay out each HTML handout at the text width of `paper` with the print styles, without printing.

    Returns ``{file name: [what sticks out past the right margin or is cut off]}`` for the files with
    problems (empty dict: everything fits).
    """
    check_paper(paper)
    problems = {}
    with Chromium(chromium) as browser:
        for path in map(Path, html_paths):
            page = path.read_text(encoding="utf-8")
            copy_path = path if print_copy(page) == page else path.with_name(f".layout-{path.name}")
            if copy_path != path:  # next to the page (its relative links), not in /tmp
                copy_path.write_text(print_copy(page), encoding="utf-8")
            session = browser.open(copy_path)
            try:
                found = browser.layout_problems(session, text_width_px(paper))
            finally:
                browser.close_tab(session)
                if copy_path != path:
                    copy_path.unlink()
            if found:
                problems[path.name] = found
    return problems
