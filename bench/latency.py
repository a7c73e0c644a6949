"""Interaction latency in a real browser: from the input event to the map repainted with the new data.

    python bench/latency.py --scale 1 --repeat 20 [--db PATH] [--apps ours,floor,typical]

Debian's chromium (headless, driven by Playwright, every request for a host other than 127.0.0.1 blocked
and counted) changes, `repeat` times each and alternating between two values so that every change
changes the map:
1. on the goal page (goal 3, the map in "Gap status" view), the population group;
2. the indicator;
3. the period (the sidebar's "Ending in" year);
4. the quality bar (the sidebar's radio);
5. on the country page, the country (its "Country or area" select box; the benchmark database has no
   subnational boundaries, so the page draws no geographic map: the figure watched is its status matrix
   of indicators x groups, a Plotly heatmap).
in three apps on the same database, in the same run:
- ours: the app (`streamlit run app.py`);
- floor: bench/latency_apps/floor.py, the same widgets over figures built once at its start for every
  state the benchmark visits: only Streamlit's rerun and Plotly's drawing remain;
- typical: bench/latency_apps/typical.py, the same widgets written as most dashboards are (frames cached
  with st.cache_data, pandas per click, plotly.express, whole-page rerun).

How "repainted with the new data" is detected (DETECTOR, injected into every page before it loads):
- a capturing listener on pointerdown, keydown, input and change records the timestamp of the first
  trusted input event after the benchmark armed the detector: that is the click on an option (the
  select box is opened and filtered before arming, so those events do not count);
- the drawn data's signature: for a map, every country shape (path.choroplethlocation) of the visible
  Plotly graphs as "ISO code = fill colour" and every small state drawn as a dot as "position = fill
  colour", sorted, hashed; for the heatmap, the image Plotly painted
  (its PNG data URL) and the row labels;
- before the timed changes, the benchmark visits both values of each interaction once and records the
  settled signature of each (settled: the script run finished and nothing in the page changed for
  SETTLE_MS); they must differ, or the interaction does not change the map and is reported as such;
- armed with the signature the new value must show, a MutationObserver on the whole document recomputes
  the signature after every batch of DOM changes; the first batch whose signature equals the expected
  one ends the measure, at the next animation frame plus a task (the frame that paints those shapes has
  run). So the old map drawn again (Streamlit redraws it, or a fragment or page rerun replaces the
  element with a new graph div under a new key) never ends it, nor does a half-drawn map or an empty
  one; a map that shows something else keeps it waiting until the timeout, which is a failure, never a
  fast figure. After the run settles, the signature must still be the expected one (else: unstable).
Latency = end - start, both in the page's own clock (performance.now / event.timeStamp).
"""

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.browser import (CHROMIUM, CHROMIUM_ARGS, DONE, HOST, VIEWPORT, _is_external,  # noqa: E402
                           free_port, serving_until_stopped)

APPS = ("ours", "floor", "typical")
SCRIPTS = {"ours": ROOT / "app.py", "floor": ROOT / "bench" / "latency_apps" / "floor.py",
           "typical": ROOT / "bench" / "latency_apps" / "typical.py"}
GOAL = 3
GOAL_PATH = f"/goal-{GOAL}"
WINDOW = 5
STEP_TIMEOUT_MS = 30_000  # a change whose map has not shown the new data by then is a timeout
SELF_CHECK_MS = 1500  # how long "the same value again" must leave the detector waiting
SETTLE_MS = 400  # quiet time after a run before the next change
KIND = {"goal": "map", "country": "matrix"}  # the figure watched on each page
INTERACTIONS = [  # (name, page, control label, kind of control, what the values are)
    ("population group", "goal", "Population group", "select", "group"),
    ("indicator", "goal", "Indicator", "select", "indicator"),
    ("period (ending in)", "goal", "Ending in", "select", "end"),
    ("quality bar", "goal", "Quality bar for citizen data", "radio", "bar"),
    ("country", "country", "Country or area", "select", "area"),
]

DETECTOR = r"""
(() => {
  const L = window.__lat = {armed: false, kind: null, expected: null, start: null, matched: null, end: null,
                            lastChange: performance.now(), checks: 0, others: 0};
  // the first trusted input event after arming: when the person acted
  for (const type of ['pointerdown', 'keydown', 'input', 'change'])
    window.addEventListener(type, e => {
      if (L.armed && L.start === null && e.isTrusted) L.start = e.timeStamp;
    }, {capture: true});
  function hash(s) {  // FNV-1a, enough to tell two drawings apart
    let h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193); }
    return (h >>> 0).toString(16);
  }
  function visible(el) { return el.isConnected && el.getClientRects().length > 0; }
  // the drawn data of the watched graphs: null when none is drawn
  function signature(kind) {
    const parts = [];
    for (const gd of document.querySelectorAll('.js-plotly-plot')) {
      if (!visible(gd)) continue;
      if (kind === 'map') {
        const shapes = [...gd.querySelectorAll('path.choroplethlocation')];
        if (!shapes.length) continue;
        const fill = el => el.style.fill || getComputedStyle(el).fill;
        const points = [...gd.querySelectorAll('.scattergeo path.point')];  // small states, drawn as dots
        parts.push([...shapes.map(el => (el.__data__ && el.__data__.loc) + '=' + fill(el)),
                    ...points.map(el => 'point ' + JSON.stringify(el.__data__ && (el.__data__.lonlat ||
                                                   el.__data__.data)) + '=' + fill(el))].sort().join(','));
      } else {
        const images = [...gd.querySelectorAll('g.hm image')];
        if (!images.length) continue;
        parts.push(images.map(im => im.href.baseVal).join(',') + '|' +
                   [...gd.querySelectorAll('.ytick text')].map(t => t.textContent).join(','));
      }
    }
    if (!parts.length) return null;
    const all = parts.join('#');
    return parts.length + ':' + hash(all) + ':' + all.length;
  }
  function check() {
    if (!L.armed || L.matched !== null) return;
    L.checks++;
    const now = signature(L.kind);
    if (now !== L.expected) { if (now !== L.before) L.others++; return; }
    L.matched = performance.now();
    // the end: after the animation frame that paints this DOM (rAF runs before paint, the task after it)
    requestAnimationFrame(() => setTimeout(() => { L.end = performance.now(); L.armed = false; }, 0));
  }
  new MutationObserver(() => { L.lastChange = performance.now(); check(); })
    .observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  L.signature = kind => signature(kind);
  L.arm = (kind, expected) => {
    const before = signature(kind);
    if (before === expected) return 'already drawn';
    Object.assign(L, {armed: true, kind, expected, before, start: null, matched: null, end: null, checks: 0, others: 0});
    return 'armed';
  };
  L.disarm = () => { L.armed = false; };
  L.quiet = () => performance.now() - L.lastChange;
})();
"""
SETTLED = f"""ms => !!document.querySelector({DONE!r}) && window.__lat.quiet() > ms"""


# -- the values each interaction alternates between, from the app's own queries -------------------

def plan(db_path: Path) -> dict:
    """The start state (the goal page's default indicator and group, the last WINDOW years, Medium bar;
    the country with the most observations) and, for each interaction, the other value: the first
    candidate whose query result differs from the start's, so that the map must change."""
    from bench.run import choose_parameters
    from gapmonitor import db

    con = db.connect(db_path)
    try:
        p = choose_parameters(con)
        last = p["rules"]["last_year"]
        years = db.query(con, "year_range", scope="all").iloc[0]
        indicators = db.query(con, "indicators_for_goal", goal=GOAL, scope="all")
        present = list(indicators.indicator[indicators.in_database])
        groups = db.query(con, "population_groups")
        labels = dict(zip(groups.group_id, groups.label))
        expected = {i: [g for g in groups.group_id if g in set(e)]
                    for i, e in zip(indicators.indicator, indicators.expected_groups)}
        titles = dict(zip(indicators.indicator, indicators.title))
        rules0 = {"first_year": last - WINDOW + 1, "last_year": last, "min_tier": 2, "scope": "all",
                  "endorsed_only": False}

        def status(ind, grp, rules):
            return db.query(con, "gap_status_by_area", indicator=ind, group_id=grp, **rules)[["area", "status"]]

        def first_different(candidates, make):
            base = make(None)
            for c in candidates:
                if not make(c).equals(base):
                    return c
            raise LookupError(f"no value among {candidates} changes the result")

        def others(ind0, g0):
            """The other value of each goal-page interaction, from this start (LookupError: none)."""
            g1 = first_different([g for g in expected[ind0] if g != g0], lambda g: status(ind0, g or g0, rules0))
            ind1 = first_different([i for i in present if i != ind0 and g0 in expected[i]],
                                   lambda i: status(i or ind0, g0, rules0))
            end1 = first_different(list(range(last - 1, int(years.first_year) + WINDOW - 2, -1)),
                                   lambda y: status(ind0, g0, {**rules0, "first_year": (y or last) - WINDOW + 1,
                                                               "last_year": y or last}))
            bar1 = first_different(["High", "Any citizen data (low)"],
                                   lambda b: status(ind0, g0, {**rules0, "min_tier": {None: 2, "High": 3}.get(b, 1)}))
            return ind1, g1, end1, bar1

        # the goal page's default first (its first indicator, its first group after the total), then the
        # next pairs until every interaction has a value that changes the map (small databases need it)
        pairs = [(i, g) for i in present for g in expected[i][1:] + expected[i][:1]]
        for ind0, g0 in pairs[:60]:
            try:
                ind1, g1, end1, bar1 = others(ind0, g0)
                break
            except LookupError:
                continue
        else:
            raise RuntimeError(f"no indicator and group of goal {GOAL} whose map every interaction changes")
        countries = db.query(con, "countries")
        names = dict(zip(countries.code, countries.name))
        area0 = p["area"]

        def profile(a):
            return db.query(con, "status_by_indicator_and_group", area=a or area0, **rules0)[["indicator", "group_id", "status"]]

        ranked = [a for a, in con.execute("""
            select coalesce(a.parent, a.code) as country from released_observation as o join area as a on a.code = o.area
            group by country order by count(*) desc, country limit 20""").fetchall()]
        area1 = first_different([a for a in ranked if a != area0 and a in names], profile)
    finally:
        con.close()
    start = {"indicator": ind0, "group": g0, "end": last, "bar": "Medium", "area": area0}
    other = {"indicator": ind1, "group": g1, "end": end1, "bar": bar1, "area": area1}
    # what the person sees in each control for a value (the option's text)
    shown = {"indicator": lambda c: f"{c} {titles[c]}", "group": labels.get, "end": str, "bar": str,
             "area": names.get}
    return {"start": start, "other": other, "text": {k: [shown[k](start[k]), shown[k](other[k])] for k in start}}


def rules_of(end: int, bar: str) -> dict:
    return {"first_year": end - WINDOW + 1, "last_year": end, "min_tier": {"High": 3, "Medium": 2}.get(bar, 1),
            "scope": "all", "endorsed_only": False}


def states(pl: dict) -> dict:
    """Every state the benchmark visits (for the floor to build its figures at start)."""
    s, o = pl["start"], pl["other"]
    goal = [(s["indicator"], s["group"], s["end"], s["bar"]), (s["indicator"], o["group"], s["end"], s["bar"]),
            (o["indicator"], s["group"], s["end"], s["bar"]), (s["indicator"], s["group"], o["end"], s["bar"]),
            (s["indicator"], s["group"], s["end"], o["bar"])]
    return {"goal": GOAL,
            "goal_states": [{"indicator": i, "group": g, "rules": rules_of(e, b)} for i, g, e, b in goal],
            "country_states": [{"area": a, "rules": rules_of(s["end"], s["bar"])} for a in (s["area"], o["area"])]}


def start_url(app: str, page: str, start: dict) -> str:
    """The page at the start state (the comparison apps are one script each: ?page=country)."""
    common = f"window={WINDOW}&end={start['end']}&bar={start['bar']}"
    if page == "country":
        return ("/country?" if app == "ours" else "/?page=country&") + f"area={start['area']}&{common}"
    return ((GOAL_PATH if app == "ours" else "/") +
            f"?indicator={start['indicator']}&group={start['group']}&view=Gap%20status&{common}")


# -- the three apps ---------------------------------------------------------------------------------

def start(app: str, db_path: Path, states_file: Path, folder: Path) -> tuple:
    """Start `streamlit run` of one app on a free port, on the database at db_path: (process, URL, log)."""
    port = free_port()
    env = {**os.environ, "GAPMONITOR_DB": str(db_path), "LATENCY_STATES": str(states_file),
           "PYTHONPATH": str(ROOT)}
    log = folder / f"{app}.log"
    command = [sys.executable, "-m", "streamlit", "run", str(SCRIPTS[app]), "--server.port", str(port),
               "--server.address", HOST, "--server.headless", "true", "--server.fileWatcherType", "none",
               "--server.enableStaticServing", "true", "--browser.gatherUsageStats", "false"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    return proc, f"http://{HOST}:{port}", log


def serving_all(stack: ExitStack, apps, db_path: Path, states_file: Path, folder: Path) -> dict:
    """The apps started together (stopped when the stack closes); their base URLs once they answer."""
    started = {app: start(app, db_path, states_file, folder) for app in apps}
    return {app: stack.enter_context(serving_until_stopped(proc, url, app, lambda log=log: log.read_text()[-3000:], 120))
            for app, (proc, url, log) in started.items()}


@contextmanager
def serving(app: str, db_path: Path, states_file: Path, folder: Path):
    """One app, served until the block ends; yields its base URL."""
    with ExitStack() as stack:
        yield serving_all(stack, [app], db_path, states_file, folder)[app]


class Tab:
    """One page of one app in its own browser context, with the detector and the request guard."""

    def __init__(self, browser, url: str, blocked: list, settle_ms: int = SETTLE_MS):
        self.settle_ms = settle_ms
        self.context = browser.new_context(viewport=VIEWPORT)
        self.context.add_init_script(DETECTOR)
        self.blocked = blocked

        def guard(route):  # nothing leaves 127.0.0.1: blocked, and counted
            self.blocked.append(route.request.url)
            route.abort()

        self.context.route(lambda u: _is_external(u), guard)
        self.page = self.context.new_page()
        self.page.on("websocket", lambda ws: _is_external(ws.url) and self.blocked.append(ws.url))
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(url, wait_until="commit")  # settle() waits for the rest: tabs load side by side

    def settle(self, kind: str, timeout: int = 180_000) -> str | None:
        """Wait for the script run to finish and the page to be quiet (and the watched figure drawn);
        the signature then drawn."""
        if kind != "none":
            self.page.wait_for_function(f"() => !!window.__lat && window.__lat.signature({kind!r}) !== null",
                                        timeout=timeout, polling=100)
        self.page.wait_for_function(SETTLED, arg=self.settle_ms, timeout=timeout, polling=50)
        return self.page.evaluate("k => window.__lat.signature(k)", kind)

    def exceptions(self) -> list[str]:
        return self.page.locator("[data-testid=stException]").all_inner_texts()

    def close(self):
        self.context.close()


def prepare(page, control: str, label: str, text: str):
    """Everything before the decisive input: open and filter a select box. Returns the locator to click."""
    if control == "radio":
        return page.get_by_role("radiogroup", name=label, exact=True).get_by_text(text, exact=True)
    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    if box.get_attribute("aria-expanded") != "true":
        box.press("ArrowDown")
    box.fill(text[:40])  # filters the options (only the chosen one need be drawn)
    option = page.get_by_role("option").filter(has_text=text[:40]).first
    option.wait_for(timeout=10_000)
    return option


def change(tab: Tab, kind: str, control: str, label: str, text: str, expected: str | None,
           timeout_ms: int = STEP_TIMEOUT_MS) -> dict:
    """Choose `text` in the control; with `expected`, time it until that signature is drawn. Returns
    {'ms': latency} or {'error': why}, and what the page settled on. Untimed, it still waits for the
    drawing to change (a loaded machine may start the run after the page has been quiet a while)."""
    target = prepare(tab.page, control, label, text)
    before = tab.page.evaluate("k => window.__lat.signature(k)", kind)
    if expected is not None:
        armed = tab.page.evaluate("([k, e]) => window.__lat.arm(k, e)", [kind, expected])
        if armed != "armed":
            tab.page.keyboard.press("Escape")
            return {"error": armed}
    target.click()
    result = {}
    if expected is not None:
        try:
            tab.page.wait_for_function("() => window.__lat.end !== null", timeout=timeout_ms, polling=50)
            got = tab.page.evaluate("() => ({start: __lat.start, end: __lat.end, others: __lat.others})")
            if got["start"] is None:
                result = {"error": "no input event recorded"}
            else:
                result = {"ms": got["end"] - got["start"], "others": got["others"]}
        except Exception as e:  # playwright's TimeoutError: the new data never showed
            tab.page.evaluate("() => window.__lat.disarm()")
            result = {"error": f"timeout after {timeout_ms} ms ({type(e).__name__})"}
    else:  # untimed, but the run it starts must be over before settling: wait for the drawing to change
        try:
            tab.page.wait_for_function("([k, b]) => window.__lat.signature(k) !== b", arg=[kind, before],
                                       timeout=timeout_ms, polling=50)
        except Exception as e:  # playwright's TimeoutError
            result = {"error": f"nothing new drawn in {timeout_ms} ms ({type(e).__name__})"}
    settled = tab.settle(kind)
    if expected is not None and "ms" in result and settled != expected:
        result = {"error": "unstable: the map changed again after showing the new data"}
    result["settled"] = settled
    return result


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    s = sorted(values)
    return s[max(0, math.ceil(q / 100 * len(s)) - 1)]


def run_interaction(tab: Tab, kind: str, control: str, label: str, texts: list[str], repeat: int,
                    self_check: bool = False) -> dict:
    """Visit the other value and come back (untimed: their signatures), then alternate `repeat` times.
    With self_check, first show that the detector is not fooled: armed for the other value's drawing,
    choosing the value already shown (nothing new drawn) must time out; armed for the drawing already
    shown, it must refuse."""
    sig = [tab.settle(kind), None]
    there = change(tab, kind, control, label, texts[1], None)
    sig[1] = there["settled"]
    out = {"times": [], "errors": [], "signatures": sig}
    if "error" in there or sig[0] == sig[1]:
        out["errors"].append(f"choosing {texts[1]!r} instead of {texts[0]!r} does not change the drawing")
        return out
    back = change(tab, kind, control, label, texts[0], None)["settled"]
    if back != sig[0]:
        out["errors"].append("coming back to the first value drew something else")
        return out
    if self_check:
        same = change(tab, kind, control, label, texts[0], sig[1], timeout_ms=SELF_CHECK_MS)
        refused = tab.page.evaluate("([k, e]) => window.__lat.arm(k, e)", [kind, sig[0]])
        out["self_check"] = {"same value again": same.get("error", f"measured {same.get('ms')} ms"),
                             "still drawn": same["settled"] == sig[0], "armed for what is drawn": refused}
    for i in range(repeat):
        to = 1 - i % 2
        r = change(tab, kind, control, label, texts[to], sig[to])
        (out["times"].append(r["ms"]) if "ms" in r else out["errors"].append(r["error"]))
    if repeat % 2:  # leave the page at the start state
        change(tab, kind, control, label, texts[0], None)
    out["exceptions"] = tab.exceptions()
    return out


def measure(db_path, repeat: int = 20, apps=APPS, interactions=None, log=print, browser=None,
            settle_ms: int = SETTLE_MS, self_check: bool = False) -> dict:
    """Run the latency benchmark on a copy of the database at db_path (in `browser`, a Playwright
    chromium, or one started here). Returns {"interactions": {name: {app: {"median_ms", "p95_ms", "n",
    "times", "errors", "signatures"}}}, "blocked": [...], "plan": ..., "page_errors": ...}. With
    self_check, the first interaction of each page also checks the detector (run_interaction)."""
    from tests.browser import chromium

    chosen = [i for i in INTERACTIONS if interactions is None or i[0] in interactions]
    with tempfile.TemporaryDirectory(prefix="latency-") as tmp, ExitStack() as stack:
        folder = Path(tmp)
        db_copy = folder / "bench.duckdb"
        shutil.copyfile(db_path, db_copy)  # the app may bring an older file up to date: never the original
        pl = plan(db_copy)
        log(f"plan: {json.dumps(pl)}")
        states_file = folder / "states.json"
        states_file.write_text(json.dumps(states(pl)), encoding="utf-8")
        urls = serving_all(stack, apps, db_copy, states_file, folder)
        log(f"serving: {urls}")
        browser = browser or stack.enter_context(chromium())
        blocked: list[str] = []
        if "ours" in apps:  # a light first page: deep links work after it (Streamlit learns the app's pages
            warm = Tab(browser, urls["ours"] + "/about", blocked)  # at its first run through app.py)
            warm.page.wait_for_selector("[data-testid=stSidebarNavLink]", timeout=180_000)
            warm.settle("none")
            warm.close()
        # every page the benchmark uses, opened side by side at its start state
        tabs = {(app, page): Tab(browser, urls[app] + start_url(app, page, pl["start"]), blocked, settle_ms)
                for app in apps for page in {i[1] for i in chosen}}
        for (app, page), tab in tabs.items():  # all loaded and quiet before anything is timed
            tab.settle(KIND[page])
        log(f"{len(tabs)} pages open")
        result = {"interactions": {}, "blocked": blocked, "plan": pl, "repeat": repeat, "page_errors": {}}
        for name, page, label, control, key in chosen:
            kind = KIND[page]
            result["interactions"][name] = {}
            for app in apps:
                started = time.perf_counter()
                first_on_page = name == next(i[0] for i in chosen if i[1] == page)
                r = run_interaction(tabs[app, page], kind, control, label, pl["text"][key], repeat,
                                    self_check and first_on_page)
                if r["times"]:
                    r.update(median_ms=statistics.median(r["times"]), p95_ms=percentile(r["times"], 95))
                r["n"] = len(r["times"])
                result["interactions"][name][app] = r
                log(f"{name:20} {app:8} n={r['n']} median={r.get('median_ms', float('nan')):.0f} ms "
                    f"p95={r.get('p95_ms', float('nan')):.0f} ms errors={len(r['errors'])} "
                    f"({time.perf_counter() - started:.0f} s)")
        for (app, page), tab in tabs.items():
            result["page_errors"][f"{app} {page}"] = tab.errors
            tab.close()
    return result


def table(result: dict) -> str:
    """The Markdown table: medians and 95th percentiles of each app, and the ratios."""
    def f(r, k):
        return f"{r[k]:,.0f}" if r and k in r else "—"

    def ratio(a, b, k):
        return f"{a[k] / b[k]:.2f}×" if a and b and k in a and k in b and b[k] else "—"

    lines = ["| interaction | ours median / p95 (ms) | floor median / p95 | typical median / p95 | "
             "ours ÷ floor (median / p95) | typical ÷ ours (median / p95) | failures |",
             "|---|---|---|---|---|---|---|"]
    for name, by_app in result["interactions"].items():
        o, fl, t = (by_app.get(a) for a in APPS)
        fails = sum(len(r["errors"]) for r in by_app.values())
        lines.append(f"| {name} | {f(o, 'median_ms')} / {f(o, 'p95_ms')} | {f(fl, 'median_ms')} / {f(fl, 'p95_ms')} | "
                     f"{f(t, 'median_ms')} / {f(t, 'p95_ms')} | {ratio(o, fl, 'median_ms')} / {ratio(o, fl, 'p95_ms')} | "
                     f"{ratio(t, o, 'median_ms')} / {ratio(t, o, 'p95_ms')} | {fails} |")
    lines.append("")
    lines.append(f"Requests blocked (must be 0): {len(result['blocked'])}. Repeats per interaction and app: "
                 f"{result['repeat']}.")
    return "\n".join(lines)


def main() -> None:
    from bench import generate
    from bench.run import ensure_database

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=generate.SEED)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--apps", default=",".join(APPS))
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()
    path = Path(args.db or generate.default_path(args.scale, args.seed))
    ensure_database(path, args.scale, args.seed, False)
    result = measure(path, args.repeat, tuple(args.apps.split(",")))
    print(table(result))
    for name, by_app in result["interactions"].items():
        for app, r in by_app.items():
            for e in r["errors"][:5] + r.get("exceptions", [])[:3]:
                print(f"  {name} / {app}: {e}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
