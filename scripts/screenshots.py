"""Save a full-height PNG of every page of the app into screenshots/ (git ignores it).

Usage: python scripts/screenshots.py [output folder] [--lang fr] [--only goal-5 ...]. Starts the app with a
fresh demo database on a free port, like the browser tests (tests/browser.py), and drives Debian's chromium.
The README's French page: python scripts/screenshots.py docs --lang fr --only goal-5 --height 1000
(docs/goal-5-fr.png).
"""

import argparse
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


def main(out: Path, lang: str = "", only: list[str] | None = None, height: int | None = None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    pages = {name: path for name, path in PAGES.items() if not only or name in only}
    with tempfile.TemporaryDirectory() as tmp, \
            running_app(Path(tmp) / "gapmonitor.duckdb", Path(tmp) / "streamlit.log") as url, \
            chromium() as browser:
        # Streamlit scrolls inside its own container, so a full-page screenshot is only as tall as the
        # viewport: open each page in a tall one, then fit the viewport to the content's height.
        open_page(browser, url, "/", wait_for=SHAPES).close()  # a fresh server's first session shows "/"
        for name, path in pages.items():
            has_map = path == "/" or path.startswith("/goal-")
            if lang:
                path, name = path + ("&" if "?" in path else "?") + f"lang={lang}", f"{name}-{lang}"
            visit = open_page(browser, url, path, wait_for=SHAPES if has_map else None,
                              viewport={"width": WIDTH, "height": height or TALL}, settle_ms=1000)
            page = visit.page
            page.wait_for_function("() => !document.querySelector('[data-testid=stSkeleton]')", timeout=60_000)
            fitted = height or max(page.evaluate(CONTENT_BOTTOM), 800)  # --height: the first screen only
            if abs(fitted - (height or TALL)) > 20:
                page.set_viewport_size({"width": WIDTH, "height": fitted})
                page.wait_for_selector(DONE, state="attached")
                page.wait_for_timeout(1000)  # charts redraw at the new size
            target = out / f"{name}.png"
            page.screenshot(path=str(target), full_page=True)
            problems = {k: v for k, v in visit.problems().items() if v}
            print(f"{target.relative_to(out.parent) if out.parent in target.parents else target}"
                  f"{'  PROBLEMS: ' + str(problems) if problems else ''}")
            visit.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="A full-height PNG of every page of the app.")
    parser.add_argument("out", nargs="?", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--lang", default="", help="the interface's language: fr, es, ar, ru, zh (default English)")
    parser.add_argument("--only", nargs="*", help=f"these pages only, of: {' '.join(PAGES)}")
    parser.add_argument("--height", type=int, help="the first screen only, this many pixels high (default: whole page)")
    args = parser.parse_args()
    main(args.out.resolve(), args.lang, args.only, args.height)
