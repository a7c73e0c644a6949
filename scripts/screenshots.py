"""Save a full-height PNG of every page of the app into screenshots/ (git ignores it).

Usage: python scripts/screenshots.py [output folder]. Starts the app with a fresh demo database on a free
port, like the browser tests (tests/browser.py), and drives Debian's chromium.
"""

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gapmonitor.goals import GOALS  # noqa: E402
from tests.browser import DONE, SHAPES, chromium, open_page, running_app  # noqa: E402

PAGES = {"overview": "/", **{g.slug: f"/{g.slug}" for g in GOALS}, "country-KEN": "/country?area=KEN",
         "data": "/data", "about": "/about"}
WIDTH, TALL = 1400, 3000
# the bottom of the page's content (main column or sidebar, whichever is longer) plus a margin
CONTENT_BOTTOM = """() => 48 + Math.ceil(Math.max(0, ...[
    '[data-testid=stMainBlockContainer] > *', '[data-testid=stSidebarUserContent]', '[data-testid=stSidebarNav]']
    .flatMap(sel => [...document.querySelectorAll(sel)]).map(el => el.getBoundingClientRect().bottom)))"""


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, \
            running_app(Path(tmp) / "gapmonitor.duckdb", Path(tmp) / "streamlit.log") as url, \
            chromium() as browser:
        # Streamlit scrolls inside its own container, so a full-page screenshot is only as tall as the
        # viewport: open each page in a tall one, then fit the viewport to the content's height.
        for name, path in PAGES.items():
            has_map = path == "/" or path.startswith("/goal-")
            visit = open_page(browser, url, path, wait_for=SHAPES if has_map else None,
                              viewport={"width": WIDTH, "height": TALL}, settle_ms=1000)
            page = visit.page
            height = max(page.evaluate(CONTENT_BOTTOM), 800)
            if abs(height - TALL) > 20:
                page.set_viewport_size({"width": WIDTH, "height": height})
                page.wait_for_selector(DONE, state="attached")
                page.wait_for_timeout(1000)  # charts redraw at the new size
            target = out / f"{name}.png"
            page.screenshot(path=str(target), full_page=True)
            problems = {k: v for k, v in visit.problems().items() if v}
            print(f"{target.relative_to(out.parent) if out.parent in target.parents else target}"
                  f"{'  PROBLEMS: ' + str(problems) if problems else ''}")
            visit.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT / "screenshots")
