"""The load test (bench/load.py) at CI's size: 8 people clicking through one app process, 4 on two
processes behind nginx sharing one database while a real UN SDG file is imported, and 6 sessions over
Streamlit's websocket protocol. No page may fail; the page times are printed, not asserted (the machine
is shared)."""

from bench import load


def report(label: str, sessions: int, tally: load.Tally) -> None:
    print("\n" + "\n".join([*load.HEADER, load.row(label, sessions, tally)]))
    print(load.describe(tally))


def test_eight_people_on_one_process_see_no_error():
    tally = load.measure(sessions=8, seconds=24)  # first pages take ~12 s for 8 browsers on 2 cores: time to click on
    report("1 process", 8, tally)
    assert tally.errors == []
    # every person opened a page and clicked on; only pages that finished are timed
    assert len(tally.times) > 8
    # more than opening pages: a control or the sidebar was used (how many kinds depends on the machine's speed)
    assert set(tally.steps) - {"open a page"}, tally.steps


def test_two_processes_behind_nginx_share_the_database_and_both_show_an_import():
    assert load.NGINX.exists(), "Debian's nginx is needed: apt-get install -y nginx (.ci/run installs it)"
    tally = load.measure(sessions=4, seconds=16, processes=2, with_import=True)
    report("2 processes + nginx, import midway", 4, tally)
    assert tally.errors == []  # includes: a session answered by two processes (not sticky)
    assert tally.imported["shown before"] == [False, False]  # the demo database alone, on both processes
    assert tally.imported["exit"] == 0
    shown = tally.imported["shown by process"]
    assert len(shown) == 2 and all(shown.values()), shown  # goal 1 opened after the import, on each process
    assert len(tally.times) > 4


def test_sessions_over_the_websocket_protocol_run_pages_without_error():
    tally = load.measure(sessions=6, seconds=8, protocol=True)
    report("1 process, websocket protocol", 6, tally)
    assert tally.errors == []  # exception boxes, "page not found", runs that did not end
    assert len(tally.times) > 6  # each session ran more than its first page
