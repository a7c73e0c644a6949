"""Load test: many people clicking through the app at once, in real browser contexts of Debian's chromium.

    python bench/load.py --sessions 30 --seconds 60                 # one app process
    python bench/load.py --pair --sessions 30 --seconds 60           # two processes behind nginx, an import midway
    python bench/load.py --protocol --steps 10,20,30,45,60 --seconds 40    # no browser: where the server gives up

Every session is a browser context of one chromium (its own cookies, so its own Streamlit session). It
opens a page (the overview, a goal or a country), then for a bounded time clicks what a person clicks
(a goal's indicator, group and map colouring, the country and goal of a country profile, the overview's
measure, the sidebar's pages), pausing between clicks. A page time runs from the navigation or click to
the end of the page's script run and, where the page has a map, to its country shapes being drawn.
Errors are exception boxes, console errors, failed or refused loads (HTTP >= 400), requests to any host
but 127.0.0.1, and pages that did not finish within STEP_TIMEOUT; a healthy run has none.

With --protocol, each person is a Streamlit session over its websocket with no browser: it asks for page
runs with the controls set as a click sets them (indicator, group, map colouring, country, goal, measure,
the sidebar's window, year and bar) and times each to the end of the run. 30 chromium contexts fit in
memory (3-5 GB) but their drawing takes the 2 cores (opening a goal page costs chromium 4.5 s of CPU), so
the browser figures measure chromium more than the app; the protocol's figures are the server's alone.

With --pair, two `streamlit run` processes share one database file behind nginx (deploy/nginx.conf.template:
sticky sessions by a cookie nginx sets, websockets proxied). Halfway through, `python -m gapmonitor import`
adds a real UN SDG file; afterwards pages opened on each process must show the imported dataset.
All traffic goes to 127.0.0.1; every loop is bounded in count and time.
"""

import argparse
import asyncio
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from gapmonitor import db  # noqa: E402
from gapmonitor.goals import GOALS  # noqa: E402
from tests.browser import (CHROMIUM, CHROMIUM_ARGS, DONE, FAILED_404, HOST, PROBES, VIEWPORT,  # noqa: E402
                           serving_until_stopped,
                           _is_external, free_port, running_app)

NGINX = Path("/usr/sbin/nginx")
TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
IMPORT_FILE = ROOT.parent / "shared" / "realdata" / "un_sdg_global_db" / "unsdg_1.4.2_t142.csv"
IMPORTED_NOTICE = "Showing your imported data: 1 dataset;"  # ui.data_notice once an import exists
UPSTREAM = "x-gapmonitor-upstream"
STEP_TIMEOUT = 60_000  # ms for one page or click to finish; longer counts as an error
MAX_STEPS = 500  # per session, whatever the time
THINK = (1.0, 3.0)  # seconds a person pauses between clicks
COUNTRIES = ["KEN", "BRA", "IND", "LVA", "MWI", "NGA", "FRA", "BGD", "MEX", "PHL"]
START_PAGES = ["/", *(f"/{g.slug}" for g in GOALS), *(f"/country?area={c}" for c in COUNTRIES[:4])]
EXCEPTION = "[data-testid=stException]"
# Counts finished script runs, so a click's run is told apart from the one before it (a fast run can
# come and go between two polls of the attribute). React may draw a very fast run's start and end as
# one change, never touching the attribute; that run still rewrites the URL (every control the people
# use is in it), so a changed URL also counts.
RUN_COUNTER = """
window.__runs = 0;
document.addEventListener('DOMContentLoaded', () => new MutationObserver(changes => {
    for (const c of changes) if (c.target.getAttribute('data-test-script-state') === 'notRunning') window.__runs++;
}).observe(document.body, {subtree: true, attributes: true, attributeFilter: ['data-test-script-state']}));
"""
# Every Plotly map on the page has drawn its country shapes (charts without a map need nothing).
MAPS_DRAWN = """() => [...document.querySelectorAll('.js-plotly-plot')].every(gd => gd._fullLayout &&
    (!(gd.data || []).some(t => t.type === 'choropleth') || gd.querySelector('path.choroplethlocation')))"""
RUN_DONE = f"([n, url]) => (window.__runs > n || location.href !== url) && document.querySelector({DONE!r})"


@dataclass
class Tally:
    """What all sessions of one run saw."""
    times: list[float] = field(default_factory=list)  # seconds per page or click
    errors: list[str] = field(default_factory=list)
    sessions_by_upstream: dict[str, int] = field(default_factory=dict)
    steps: dict[str, list[float]] = field(default_factory=dict)  # the page times of each kind of step
    imported: dict = field(default_factory=dict)  # the import midway and what each process showed after it
    load: list[float] = field(default_factory=list)  # the machine's 1-minute load average at the start and end
    app_cpu: float | None = None  # CPU seconds the app processes used during the run (the browser's are the rest)
    wall: float | None = None  # seconds the run took

    def figures(self) -> dict:
        t = sorted(self.times)
        p95 = t[math.ceil(0.95 * len(t)) - 1] if t else None  # nearest rank
        return {"page times": len(t), "median s": statistics.median(t) if t else None, "p95 s": p95,
                "max s": t[-1] if t else None, "errors": len(self.errors)}


# ---- one person ----

class Session:
    """One browser context: its page, and the errors and upstreams its listeners record."""

    def __init__(self, tally: Tally, page, name: str):
        self.tally, self.page, self.name = tally, page, name
        self.upstreams: set[str] = set()
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.error(f"page error: {e}"))
        page.on("response", self._response)
        page.on("requestfailed", self._failed)
        page.on("websocket", lambda ws: _is_external(ws.url) and self.error(f"external websocket {ws.url}"))
        page.context.on("request", lambda r: _is_external(r.url) and self.error(f"external request {r.url}"))

    def error(self, text: str) -> None:
        self.tally.errors.append(f"{self.name} {urlsplit(self.page.url).path or '/'}: {text[:600]}")

    def _probe(self, url: str) -> bool:
        """Streamlit's base-path probes of a deep page (see tests/browser.PROBES): not an app fault."""
        path, page_path = urlsplit(url).path, urlsplit(self.page.url).path.rstrip("/")
        return bool(page_path) and path in {page_path + p for p in PROBES}

    def _console(self, message) -> None:
        where = (message.location or {}).get("url", "")
        if message.type == "error" and not (message.text.startswith(FAILED_404) and self._probe(where)):
            self.error(f"console: {message.text} ({where})")

    def _response(self, response) -> None:
        if UPSTREAM in response.headers:
            self.upstreams.add(response.headers[UPSTREAM])
        if response.status >= 400 and not (response.status == 404 and self._probe(response.url)):
            self.error(f"HTTP {response.status} {response.url}")

    def _failed(self, request) -> None:
        if request.failure != "net::ERR_ABORTED":  # a load cut short by the next navigation is not a fault
            self.error(f"failed load {request.url}: {request.failure}")

    async def settle(self, runs_before: int | None, url_before: str) -> None:
        """Wait for the page's script run (the first one after `runs_before` at `url_before`), then its maps."""
        if runs_before is None:
            await self.page.wait_for_selector(DONE, state="attached", timeout=STEP_TIMEOUT)
        else:
            await self.page.wait_for_function(RUN_DONE, arg=[runs_before, url_before], timeout=STEP_TIMEOUT)
        try:
            await self.page.wait_for_function(MAPS_DRAWN, timeout=STEP_TIMEOUT)
        except Exception as e:
            raise RuntimeError(f"the run finished, a map was not drawn: {str(e).splitlines()[0]}") from e

    async def _state(self) -> str:
        """The app's script state and finished runs, for an error message."""
        try:
            return (f"{await self.page.locator('[data-testid=stApp]').get_attribute('data-test-script-state')}, "
                    f"runs now {await self.page.evaluate('window.__runs')}")
        except Exception as e:  # the page is gone or never drew the app
            return f"no state ({type(e).__name__})"

    async def step(self, kind: str, act, navigates: bool = False) -> None:
        """Do one thing a person does and time it to the page being ready; exception boxes are errors.
        `navigates`: the step opens another page, whose run finishing is the app's element saying so."""
        runs, href = (None, "") if navigates else await self.page.evaluate("[window.__runs, location.href]")
        before = self.page.url
        start = time.perf_counter()
        try:
            if await act() is False:  # nothing to click here (one option only): not a page time
                return
            await self.settle(runs, href)
        except Exception as e:  # a timeout or a vanished control: the page did not work
            self.error(f"{kind} did not finish: {str(e).splitlines()[0]} ({await self._state()}, runs before "
                       f"{runs}; from {before}, now {self.page.url})")
            return
        self.tally.times.append(time.perf_counter() - start)
        self.tally.steps.setdefault(kind, []).append(self.tally.times[-1])
        for text in await self.page.locator(EXCEPTION).all_inner_texts():
            self.error(f"exception box after {kind}: {text}")


async def choose(page, label: str, rng: random.Random) -> bool:
    """Open the select box `label` and pick another of the options it draws (False: it has no other)."""
    box = page.get_by_role("combobox", name=label)
    current = await box.input_value()
    await box.click()
    options = page.get_by_role("option")
    await options.first.wait_for(timeout=STEP_TIMEOUT)
    others = [i for i, text in enumerate(await options.all_inner_texts()) if text != current]
    if not others:
        await page.keyboard.press("Escape")
        return False
    await options.nth(rng.choice(others)).click()
    return True


async def click_radio(page, label: str, rng: random.Random) -> bool:
    """Pick another option of the radio group `label`."""
    options = page.get_by_role("radiogroup", name=label).locator("[data-testid=stRadioOption]")
    unchecked = [i for i, selected in enumerate(await options.evaluate_all(
        "els => els.map(e => e.dataset.selected === 'true')")) if not selected]
    await options.nth(rng.choice(unchecked)).click()
    return True


async def open_any(page, base: str, rng: random.Random) -> None:
    """Open one of START_PAGES anew (a new Streamlit session in the same browser)."""
    await page.goto(base + rng.choice(START_PAGES))


async def actions(session: Session, base: str, rng: random.Random) -> list:
    """What a person can do on the page open now: (kind, act, navigates)."""
    page = session.page
    path = urlsplit(page.url).path
    nav = page.locator("[data-testid=stSidebarNavLink]")

    async def sidebar():
        links = [h for h in await nav.evaluate_all("els => els.map(e => e.getAttribute('href'))")
                 if urlsplit(h).path not in (path, "/data", "/about", "/citizen")]
        target = rng.choice(links)
        await page.locator(f'[data-testid=stSidebarNavLink][href="{target}"]').first.click()
        # the page's run may replace the app's element, so its run is not counted: wait for the new path
        await page.wait_for_url(lambda url: urlsplit(url).path == urlsplit(target).path, timeout=STEP_TIMEOUT)

    def select(label):
        return lambda: choose(page, label, rng)

    def radio(label):
        return lambda: click_radio(page, label, rng)

    todo = [("open a page", lambda: open_any(page, base, rng), True), ("sidebar page", sidebar, True)]
    controls = {"/country": [("country", "combobox", "Country or area"), ("country goal", "combobox", "Goal")],
                "/": [("overview measure", "radiogroup", "Count")]}.get(
        path or "/", [("indicator", "combobox", "Indicator"), ("group", "combobox", "Population group"),
                      ("map colour", "radiogroup", "Colour the map by")] if path.startswith("/goal-") else [])
    for kind, role, label in controls:  # only those the page shows (a goal without data in view has none)
        if await page.get_by_role(role, name=label).count():
            todo.append((kind, select(label) if role == "combobox" else radio(label), False))
    return todo


async def new_context(browser):
    """A browser context (a person) whose loads, clicks and waits may each take STEP_TIMEOUT."""
    context = await browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(STEP_TIMEOUT)
    return context


async def person(browser, base: str, tally: Tally, name: str, seed: int, deadline: float) -> None:
    """One visitor: open a page, then click around until the deadline (at most MAX_STEPS steps)."""
    rng = random.Random(seed)
    context = await new_context(browser)
    try:
        await context.add_init_script(RUN_COUNTER)
        session = Session(tally, await context.new_page(), name)
        await session.step("open a page", lambda: open_any(session.page, base, rng), navigates=True)
        for _ in range(MAX_STEPS):
            await asyncio.sleep(rng.uniform(*THINK))
            if time.monotonic() > deadline:
                break
            kind, act, navigates = rng.choice(await actions(session, base, rng))
            await session.step(kind, act, navigates)
        for upstream in session.upstreams:
            tally.sessions_by_upstream[upstream] = tally.sessions_by_upstream.get(upstream, 0) + 1
        if len(session.upstreams) > 1:
            session.error(f"one session was answered by several processes: {sorted(session.upstreams)}")
    finally:
        await context.close()


# ---- the same person over Streamlit's websocket protocol (no browser) ----

def url_views(db_path: Path, rng: random.Random, count: int = 400) -> list[tuple[str, str]]:
    """(page name, query string) pairs as the controls write them into the URL: a goal with one of its
    indicators, groups and map colourings; a country with a goal; the overview; each with the sidebar's
    window, last year or quality bar changed now and then."""
    from pages.goal import VIEWS

    con = db.connect(db_path)
    try:
        groups = list(db.query(con, "population_groups").group_id)
        indicators = {g.number: list(db.query(con, "indicators_for_goal", goal=g.number, scope="all").indicator)
                      for g in GOALS}
    finally:
        con.close()
    sidebar = ["", "&window=3", "&window=10", "&end=2020", "&bar=High", "&bar=Any citizen data (low)"]
    views = []
    for _ in range(count):
        goal = rng.choice(GOALS)
        views.append(rng.choice([
            (goal.slug, f"indicator={rng.choice(indicators[goal.number] or [''])}&group={rng.choice(groups)}"
                        f"&view={rng.choice(VIEWS)}"),
            ("country", f"area={rng.choice(COUNTRIES)}&goal={rng.choice([0, goal.number])}"),
            ("", f"measure={rng.choice(['With citizen data', 'Official data only'])}"),
        ]))
    return [(page, (query + rng.choice(sidebar)).replace(" ", "+")) for page, query in views]


class Stream:
    """One Streamlit session over its websocket: asks for a page run and reads the messages until it ends."""

    def __init__(self, tally: Tally, ws, name: str):
        self.tally, self.ws, self.name = tally, ws, name

    async def step(self, kind: str, page: str, query: str) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        message = BackMsg()
        message.rerun_script.page_name, message.rerun_script.query_string = page, query
        start = time.perf_counter()
        await self.ws.send(message.SerializeToString())
        problems = []
        try:
            async with asyncio.timeout(STEP_TIMEOUT / 1000):
                while True:
                    reply = ForwardMsg.FromString(await self.ws.recv())
                    kind_of = reply.WhichOneof("type")
                    if kind_of == "delta" and reply.delta.new_element.WhichOneof("type") == "exception":
                        problems.append(f"exception box: {reply.delta.new_element.exception.message}")
                    elif kind_of == "page_not_found":
                        problems.append(f"page not found: {reply.page_not_found.page_name}")
                    elif kind_of == "script_finished":
                        if reply.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                            continue  # the page asked for a rerun (ui.ensure_navigation): wait for that one
                        if reply.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                            problems.append(f"run ended with status {reply.script_finished}")
                        break
        except Exception as e:  # a timeout or a dropped connection
            problems.append(f"did not finish: {type(e).__name__} {e}")
        for problem in problems:
            self.tally.errors.append(f"{self.name} {page or '/'}?{query}: {problem[:300]}")
        if not problems:
            self.tally.times.append(time.perf_counter() - start)
            self.tally.steps.setdefault(kind, []).append(self.tally.times[-1])


async def protocol_person(base: str, tally: Tally, name: str, seed: int, deadline: float,
                          views: list[tuple[str, str]]) -> None:
    """One visitor over the websocket: a session opening pages with their controls set (each run is what
    a click asks of the server), and now and then a new session (a page opened anew)."""
    from websockets.asyncio.client import connect

    rng = random.Random(seed)
    url = base.replace("http://", "ws://") + "/_stcore/stream"
    steps = 0
    while steps < MAX_STEPS and time.monotonic() < deadline:
        try:
            async with connect(url, max_size=None, open_timeout=STEP_TIMEOUT / 1000) as ws:
                upstream = ws.response.headers.get(UPSTREAM)
                if upstream:  # behind nginx: a websocket without the cookie is a new browser, routed anew
                    tally.sessions_by_upstream[upstream] = tally.sessions_by_upstream.get(upstream, 0) + 1
                stream = Stream(tally, ws, name)
                await stream.step("open a page", *rng.choice(views))
                steps += 1
                while steps < MAX_STEPS and rng.random() > 0.1:  # a new session about every tenth step
                    await asyncio.sleep(rng.uniform(*THINK))
                    if time.monotonic() > deadline:
                        return
                    await stream.step("change a control or page", *rng.choice(views))
                    steps += 1
        except OSError as e:
            tally.errors.append(f"{name}: websocket: {e}")
            return


# ---- the import midway, and what each process shows after it ----

async def import_midway(db_path: Path, delay: float, tally: Tally) -> None:
    """After `delay` seconds, import IMPORT_FILE into the shared database from the command line."""
    await asyncio.sleep(delay)
    start = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "gapmonitor", "import", str(IMPORT_FILE), "--source", "test", cwd=ROOT,
        env={**os.environ, "GAPMONITOR_DB": str(db_path)}, stdout=asyncio.subprocess.PIPE, stderr=subprocess.STDOUT)
    out, _ = await asyncio.wait_for(proc.communicate(), timeout=300)
    tally.imported.update(seconds=time.perf_counter() - start, exit=proc.returncode, output=out.decode()[-2000:])
    if proc.returncode:
        tally.errors.append(f"import failed ({proc.returncode}): {out.decode()[-500:]}")


async def shown_after_import(browser, base: str, upstreams: int, tally: Tally, tries: int = 16) -> None:
    """Open goal 1 (the imported file's goal) in new contexts until every process has answered one
    (nginx routes a new browser at random); each must show the imported dataset."""
    seen: dict[str, bool] = {}
    for i in range(tries):
        context = await new_context(browser)
        try:
            session = Session(tally, await context.new_page(), f"after-import-{i}")
            await session.page.goto(base + "/goal-1")
            await session.settle(None, "")
            shows = await session.page.get_by_text(IMPORTED_NOTICE).count() > 0
            for upstream in session.upstreams:
                seen[upstream] = seen.get(upstream, True) and shows
        finally:
            await context.close()
        if len(seen) >= upstreams:
            break
    tally.imported["shown by process"] = seen
    if len(seen) < upstreams or not all(seen.values()):
        tally.errors.append(f"after the import, not every process shows it: {seen}")


# ---- a run ----

async def warm_up(browser, process_url: str) -> bool:
    """Open the overview once on a fresh process, as its presenter would: Streamlit learns the app's pages
    at its first script run, and until then answers a deep link with "page not found" (tests/browser.py,
    FIRST_RUN_PAGE_NOT_FOUND). Not counted. Returns whether it shows an imported dataset."""
    context = await new_context(browser)
    try:
        page = await context.new_page()
        await page.goto(process_url + "/")
        await page.wait_for_selector(DONE, state="attached", timeout=STEP_TIMEOUT)
        return await page.get_by_text(IMPORTED_NOTICE).count() > 0
    finally:
        await context.close()


async def _run(base: str, processes: list[str], sessions: int, seconds: float, seed: int, db_path: Path | None,
               views: list[tuple[str, str]] | None) -> Tally:
    from playwright.async_api import async_playwright

    tally = Tally(load=[os.getloadavg()[0]])
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            tally.imported["shown before"] = [await warm_up(browser, url) for url in processes]
            deadline = time.monotonic() + seconds
            people = [protocol_person(base, tally, f"s{i}", seed + i, deadline, views) if views else
                      person(browser, base, tally, f"s{i}", seed + i, deadline) for i in range(sessions)]
            extra = [import_midway(db_path, seconds / 2, tally)] if db_path else []
            await asyncio.wait_for(asyncio.gather(*people, *extra), timeout=seconds + 5 * STEP_TIMEOUT / 1000)
            if db_path:
                await shown_after_import(browser, base, len(processes), tally)
        finally:
            await browser.close()
    tally.load.append(os.getloadavg()[0])
    return tally


def run(base: str, processes: list[str], sessions: int, seconds: float, seed: int = 1,
        db_path: Path | None = None, views: list[tuple[str, str]] | None = None) -> Tally:
    """`sessions` people on the app at `base` (served by the app processes at `processes`) for `seconds`;
    with db_path, the import midway and the check that every process shows it; with views (url_views),
    the people talk Streamlit's websocket protocol instead of driving chromium. Runs in its own thread,
    so a caller's event loop does not matter."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, _run(base, processes, sessions, seconds, seed, db_path, views)).result()


# ---- servers ----

def nginx_config(folder: Path, port: int, backends: list[str]) -> str:
    """deploy/nginx.conf.template for nginx on 127.0.0.1:port in front of `backends` (host:port)."""
    servers = "\n".join(f"        server {b} max_fails=0;" for b in backends)
    text = TEMPLATE.read_text(encoding="utf-8")
    for name, value in (("folder", str(folder)), ("listen", f"{HOST}:{port}"), ("servers", servers)):
        text = text.replace("{{" + name + "}}", value)
    return text


@contextmanager
def running_nginx(backends: list[str], timeout: float = 20):
    """nginx in the foreground on a free local port, its config and logs in a temp folder; yields its URL."""
    folder = Path(tempfile.mkdtemp(prefix="gapmonitor-nginx-"))
    folder.chmod(0o755)  # nginx's workers (not root) write their temp files here
    port = free_port()
    (folder / "nginx.conf").write_text(nginx_config(folder, port, backends), encoding="utf-8")
    command = [str(NGINX), "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", str(folder / "error.log")]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    errors = folder / "error.log"
    try:
        with serving_until_stopped(proc, f"http://{HOST}:{port}", "nginx",
                                   lambda: errors.read_text()[-2000:] if errors.exists() else "", timeout) as url:
            yield url
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def serving(folder: Path, processes: int):
    """The app on a demo database in `folder`: one process (yields its URL), or several behind nginx
    (yields nginx's URL). Yields (url, database path, the processes' own URLs)."""
    db_path = folder / "gapmonitor.duckdb"
    db.ensure_database(db_path)  # built once, before any process starts
    with ExitStack() as stack:
        urls = [stack.enter_context(running_app(db_path, folder / f"streamlit-{i}.log")) for i in range(processes)]
        if processes == 1:
            yield urls[0], db_path, urls
        else:
            yield stack.enter_context(running_nginx([urlsplit(u).netloc for u in urls])), db_path, urls


def app_cpu_seconds() -> float:
    """CPU seconds (user + system) used so far by this process's `streamlit run` children."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == os.getpid() and b"streamlit" in (stat.parent / "cmdline").read_bytes():
                total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):  # a process that ended meanwhile
            pass
    return total


def measure(sessions: int, seconds: float, processes: int = 1, with_import: bool = False, seed: int = 1,
            protocol: bool = False) -> Tally:
    """A fresh demo database, the app (one process, or several behind nginx), and `sessions` people in
    chromium contexts, or over the websocket protocol."""
    with tempfile.TemporaryDirectory(prefix="gapmonitor-load-") as tmp, serving(Path(tmp), processes) as (url, db_path, urls):
        cpu, start = app_cpu_seconds(), time.monotonic()
        views = url_views(db_path, random.Random(seed)) if protocol else None
        tally = run(url, urls, sessions, seconds, seed, db_path if with_import else None, views)
        tally.app_cpu, tally.wall = app_cpu_seconds() - cpu, time.monotonic() - start
        return tally


# ---- report ----

def row(label: str, sessions: int, tally: Tally) -> str:
    f = tally.figures()
    cpu = "–" if tally.app_cpu is None else f"{tally.app_cpu:.0f} s of {tally.wall:.0f} s"
    fmt = lambda v: "–" if v is None else f"{v:.2f}"  # noqa: E731
    return (f"| {label} | {sessions} | {f['page times']} | {fmt(f['median s'])} | {fmt(f['p95 s'])} | "
            f"{fmt(f['max s'])} | {f['errors']} | {cpu} | {' → '.join(f'{x:.1f}' for x in tally.load)} |")


HEADER = ["| setup | sessions | page times | median (s) | p95 (s) | max (s) | errors | app CPU | load average |",
          "|---|---|---|---|---|---|---|---|---|"]


def describe(tally: Tally) -> str:
    """Errors (first few), steps and upstreams of a run, for the terminal."""
    lines = [f"  {kind}: {len(t)}, median {statistics.median(t):.2f} s, max {max(t):.2f} s"
             for kind, t in sorted(tally.steps.items())]
    lines += [f"  sessions by process: {tally.sessions_by_upstream}"]
    if "exit" in tally.imported:
        lines.append(f"  import: exit {tally.imported.get('exit')}, {tally.imported.get('seconds', 0):.1f} s; "
                     f"shown by process: {tally.imported.get('shown by process')}")
    lines += [f"  error: {e}" for e in tally.errors[:20]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=60, help="how long each run clicks (default 60)")
    parser.add_argument("--pair", action="store_true", help="two processes behind nginx, with the import midway")
    parser.add_argument("--steps", help="session counts to step through, e.g. 10,20,30,45,60 (one process): "
                                        "stops after the first whose 95th percentile passes 2 s")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--protocol", action="store_true",
                        help="people talk Streamlit's websocket protocol (no browser): the server's share alone")
    parser.add_argument("--output", type=Path, help="append the Markdown rows to this file")
    args = parser.parse_args()

    counts = [int(s) for s in args.steps.split(",")] if args.steps else [args.sessions]
    rows = []
    for n in counts:
        label = ("2 processes + nginx, import midway" if args.pair else "1 process") + (
            ", websocket protocol" if args.protocol else ", chromium")
        tally = measure(n, args.seconds, 2 if args.pair else 1, with_import=args.pair, seed=args.seed,
                        protocol=args.protocol)
        rows.append(row(label, n, tally))
        print("\n".join([*HEADER, *rows]) if len(rows) == 1 else rows[-1], flush=True)
        print(describe(tally), flush=True)
        if args.steps and (tally.figures()["p95 s"] or 0) > 2:
            break
    if args.output:
        with args.output.open("a", encoding="utf-8") as f:
            f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
