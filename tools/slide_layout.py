"""The slides' layout check (make slides): every slide of a deck laid out at 1280 x 720 in headless Chromium.

`check_layout` reports any slide whose content sticks out of the slide or had to be zoomed below MIN_ZOOM by
tools/slides/fit.js; it drives the handouts' DevTools client (handouts.chromium), with a deck's page as it is built
by tools/build_slides.py.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Iterable
from pathlib import Path

from handouts.chromium import Chromium

WIDTH, HEIGHT = 1280, 720
MIN_ZOOM = 0.6  # a slide's content is never shown smaller than this (the layout check fails)

_LAYOUT_JS = r"""
(() => {
  const slides = Array.from(document.querySelectorAll('.reveal .slides > section'));
  const out = [];
  slides.forEach((section, i) => {
    // Laid out in place, one at a time (reveal.js hides the slides far from the current one).
    const display = section.style.display, visibility = section.style.visibility;
    section.style.display = 'block';
    section.style.visibility = 'visible';
    const box = section.getBoundingClientRect();
    const zoom = parseFloat(section.dataset.fit || '1');
    const title = ((section.querySelector('h1,h2,h3') || {}).innerText
                   || (section.innerText || '').slice(0, 60)).trim();
    const problems = [];
    if (zoom < %(min_zoom)s) problems.push('content zoomed to ' + zoom + ' (below %(min_zoom)s)');
    for (const el of section.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const style = getComputedStyle(el);
      if (style.display === 'none' || style.visibility === 'hidden') continue;
      if (el.closest('.MJX_Assistive_MathML, .sr-only') || (style.clip && style.clip.startsWith('rect'))) continue;
      const clipped = el.scrollWidth > el.clientWidth + 1 && style.overflowX !== 'visible' && el.clientWidth > 0;
      if (r.right > box.right + 1 || r.bottom > box.bottom + 1 || r.left < box.left - 1 || clipped
          || r.right > %(width)s + 1 || r.bottom > %(height)s + 1) {
        problems.push(el.tagName.toLowerCase() + ': ' + JSON.stringify((el.innerText || '').trim().slice(0, 50))
                      + (clipped ? ' (cut off)' : ' (outside the slide)'));
        break;
      }
    }
    section.style.display = display;
    section.style.visibility = visibility;
    out.push({index: i + 1, title: title.replace(/\s+/g, ' ').slice(0, 80), zoom: zoom, problems: problems});
  });
  return out;
})()
"""


class SlideBrowser(Chromium):
    """The handouts' Chromium client, laying out a deck at 1280 x 720 (and taking screenshots)."""

    def open_deck(self, path: Path) -> str:
        session = self.new_tab()
        self.call("Page.enable", {}, session)
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False},
            session,
        )
        self.call("Page.navigate", {"url": Path(path).resolve().as_uri()}, session)
        self.wait_event("Page.loadEventFired", session)
        self.wait_until_typeset(session)
        self.evaluate(
            session,
            """new Promise((resolve) => { const t0 = Date.now(); (function wait() {
            if (document.body.dataset.slidesReady || Date.now() - t0 > 20000) { resolve(true); return; }
            setTimeout(wait, 50); })(); })""",
            await_promise=True,
        )
        self.evaluate(session, "window.courseFitSlides(); true")
        return session

    def slides(self, session: str) -> list[dict]:
        return self.evaluate(session, _LAYOUT_JS % {"min_zoom": MIN_ZOOM, "width": WIDTH, "height": HEIGHT})

    def screenshot(self, session: str, index: int, path: Path) -> None:
        self.evaluate(session, f"Reveal.slide({index - 1}); true")
        time.sleep(0.15)
        data = self.call("Page.captureScreenshot", {"format": "png"}, session)["data"]
        Path(path).write_bytes(base64.b64decode(data))


def check_layout(
    deck_paths: Iterable[Path],
    chromium: str | None = None,
    screenshots: Path | None = None,
    shots_per_deck: Iterable[int] = (),
) -> dict[str, list[dict]]:
    """Lay out every slide of every deck at 1280 x 720; return {deck name: [slides with problems]}.

    With `screenshots`, also save slides `shots_per_deck` (1-based; negative counts from the end) of
    every deck as PNG there, named NN_name-SS.png.
    """
    problems: dict[str, list[dict]] = {}
    with SlideBrowser(chromium) as browser:
        for path in map(Path, deck_paths):
            session = browser.open_deck(path)
            try:
                found = browser.slides(session)
                bad = [s for s in found if s["problems"]]
                if bad:
                    problems[path.name] = bad
                if screenshots is not None:
                    screenshots.mkdir(parents=True, exist_ok=True)
                    for k in shots_per_deck:
                        index = k if k > 0 else len(found) + 1 + k
                        if 1 <= index <= len(found):
                            browser.screenshot(session, index, screenshots / f"{path.stem}-{index:02d}.png")
            finally:
                browser.close_tab(session)
    return problems
