"""Dashboards on a published snapshot: the warehouse queries behind each page (p50, p95; goal
p95 <= 100 ms per query) and the time to a fully rendered page in headless Chromium (goal
<= 2 s per page).

    uv run python bench/bench_dashboards.py --home var/medium [--rounds 10] [--label "..."]
        [--core-url "dbname=... host=..."]

The app runs under a throw-away home whose snapshot is a link to ``--home``'s, so the bench
never writes the chain's home (Calidad de datos opens a Dagster instance, which writes its
configuration into the home); that instance keeps its storage beside ``--core-url``'s database
(default: ``DATABASE_URL``).

Queries: each page is run through AppTest with the query cache bypassed, so every query of the
page hits DuckDB each round; each distinct query is timed on its own. Pages: the real server,
each page loaded by URL in a fresh tab (a new session: the app's caches are warm after the first
round, as for a user opening a link), timed from navigation to Streamlit's "not running" state.
Moving between pages: one tab, each page reached by its link in the sidebar (the session
and its filters stay, as for a user moving around), timed from the click to "not running";
baseline: two empty pages of a Streamlit app linked the same way. Baseline in the same run:
``select 1`` through the same path (the fixed cost of a query).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from erp_core.paths import PROJECT_ROOT

APP = str(PROJECT_ROOT / "dashboards" / "app.py")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def time_queries(rounds: int) -> tuple[dict[str, dict[str, list[float]]], list[float]]:
    """Per page, per distinct SQL: durations in ms over ``rounds`` uncached runs."""
    from streamlit.testing.v1 import AppTest

    from dashboards import warehouse
    from dashboards.navigation import PAGES

    timings: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    current_page = {"name": ""}

    def uncached(sql, params, snapshot):
        cursor = warehouse._cursor()
        try:
            started = time.perf_counter()
            frame = cursor.execute(sql, list(params)).df()
            timings[current_page["name"]][" ".join(sql.split())[:160]].append(
                (time.perf_counter() - started) * 1000
            )
            return frame
        finally:
            cursor.close()

    uncached.clear = lambda: None  # the reader drops its cache on a new snapshot
    warehouse.run_query = uncached
    for round_number in range(rounds):
        app = AppTest.from_file(APP, default_timeout=600)
        current_page["name"] = PAGES[0].title
        app.run()
        if app.exception:
            raise RuntimeError(f"{PAGES[0].title}: {app.exception[0].message}")
        for spec in PAGES[1:]:
            current_page["name"] = spec.title
            app.switch_page(spec.script)
            app.run()
            if app.exception:
                raise RuntimeError(f"{spec.title}: {app.exception[0].message}")
        print(f"queries: round {round_number + 1}/{rounds}", file=sys.stderr)

    baseline = []
    warehouse.current()
    for _ in range(rounds * 10):
        cursor = warehouse._cursor()
        started = time.perf_counter()
        cursor.execute("select 1").df()
        baseline.append((time.perf_counter() - started) * 1000)
        cursor.close()
    return timings, baseline


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


BASELINE_APP = 'import streamlit as st\n\nst.title("Base")\nst.write("Una página vacía.")\n'
BASELINE = "Base (página vacía)"


def _serve(script: str, home: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    command = [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port)]
    command += ["--server.headless", "true", "--server.fileWatcherType", "none"]
    command += ["--browser.gatherUsageStats", "false"]
    server = subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        env={**os.environ, "INNOVALOGIX_HOME": str(home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2):
                break
        except OSError:
            time.sleep(0.3)
    return server, base


@contextlib.contextmanager
def _app_and_baseline(home: Path, baseline_app: str) -> Iterator[tuple[object, str, str]]:
    """Headless Chromium, the dashboards' server and a baseline app's server, stopped after."""
    import tempfile

    from playwright.sync_api import sync_playwright

    baseline_script = Path(tempfile.mkdtemp()) / "baseline.py"
    baseline_script.write_text(baseline_app)
    server, base = _serve(APP, home)
    baseline_server, baseline_base = _serve(str(baseline_script), home)
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=[*args, "--no-first-run"]
            )
            yield browser, base, baseline_base
            browser.close()
    finally:
        for process in (server, baseline_server):
            process.terminate()
            process.wait(timeout=30)


def time_pages(rounds: int, home: Path) -> dict[str, list[float]]:
    """Seconds to a rendered page, per page; the same for an empty Streamlit page (baseline)."""
    from dashboards.navigation import PAGES

    results: dict[str, list[float]] = defaultdict(list)
    with _app_and_baseline(home, BASELINE_APP) as (browser, base, baseline_base):
        targets = [(BASELINE, "Base", f"{baseline_base}/")] + [
            (spec.title, spec.title, f"{base}/{'' if spec is PAGES[0] else spec.url_path}")
            for spec in PAGES
        ]
        for round_number in range(rounds + 1):  # the first round warms the server up
            for name, heading, url in targets:
                page = browser.new_page(viewport={"width": 1024, "height": 768})
                started = time.perf_counter()
                page.goto(url)
                _rendered(page, heading)
                elapsed = time.perf_counter() - started
                if page.locator('[data-testid="stException"]').count():
                    raise RuntimeError(f"{name}: exception shown")
                if round_number:
                    results[name].append(elapsed)
                page.close()
            print(f"pages: round {round_number}/{rounds}", file=sys.stderr)
    return results


BASELINE_NAV_APP = """import streamlit as st


def one():
    st.title("Base")
    st.write("Una página vacía.")


def two():
    st.title("Base 2")
    st.write("Otra página vacía.")


pages = [st.Page(one, title="Base", default=True), st.Page(two, title="Base 2", url_path="dos")]
st.navigation(pages).run()
"""


def _rendered(page, heading: str) -> None:
    page.get_by_role("heading", name=heading, level=1).wait_for(timeout=120_000)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stApp\"]')"
        "?.getAttribute('data-test-script-state') === 'notRunning'",
        timeout=120_000,
    )


def time_navigation(rounds: int, home: Path) -> dict[str, list[float]]:
    """Seconds from a click on a page's link in the sidebar to the page rendered, in one tab
    (one session, as a user moves between pages after opening the dashboards); baseline: the
    same between two empty pages."""
    from dashboards.navigation import PAGES

    link = '[data-testid="stSidebarNav"] a[href$="/{}"]'
    first = '[data-testid="stSidebarNav"] a'
    results: dict[str, list[float]] = defaultdict(list)
    with _app_and_baseline(home, BASELINE_NAV_APP) as (browser, base, baseline_base):
        tab = browser.new_page(viewport={"width": 1024, "height": 768})
        tab.goto(f"{baseline_base}/")
        _rendered(tab, "Base")
        app = browser.new_page(viewport={"width": 1024, "height": 768})
        app.goto(f"{base}/")
        _rendered(app, PAGES[0].title)
        cycle = [*PAGES[1:], PAGES[0]]
        for round_number in range(rounds + 1):  # the first round warms the server up
            for target, heading in (("dos", "Base 2"), ("", "Base")):
                started = time.perf_counter()
                tab.locator(link.format(target) if target else first).first.click()
                _rendered(tab, heading)
                if round_number:
                    results[BASELINE_NAV].append(time.perf_counter() - started)
            for spec in cycle:
                started = time.perf_counter()
                path = spec.url_path if spec is not PAGES[0] else ""
                app.locator(link.format(path) if path else first).first.click()
                _rendered(app, spec.title)
                elapsed = time.perf_counter() - started
                if app.locator('[data-testid="stException"]').count():
                    raise RuntimeError(f"{spec.title}: exception shown")
                if round_number:
                    results[spec.title].append(elapsed)
            print(f"navigation: round {round_number}/{rounds}", file=sys.stderr)
    return results


BASELINE_NAV = "Base (entre dos páginas vacías)"


def throwaway_home(chain_home: Path) -> Path:
    """A temporary home whose published snapshot is the chain's (a symbolic link)."""
    import tempfile

    home = Path(tempfile.mkdtemp(prefix="bench_dashboards_"))
    snapshot = chain_home / "warehouse_snapshot.duckdb"
    if not snapshot.exists():
        raise SystemExit(f"No hay copia publicada en {snapshot}")
    (home / snapshot.name).symlink_to(snapshot)
    return home


def stop_embedded_core(home: Path) -> None:
    """Without ``--core-url``, Calidad de datos' Dagster instance starts an embedded Postgres
    under the throw-away home (the app's server and AppTest both open it); it would outlive
    the bench."""
    import signal

    pid_file = home / "pg" / "postmaster.pid"
    if pid_file.exists():
        try:
            os.kill(int(pid_file.read_text().split()[0]), signal.SIGINT)  # a fast shutdown
        except (ProcessLookupError, ValueError):
            pass


def load() -> str:
    return "load average " + ", ".join(f"{value:.2f}" for value in os.getloadavg())


def report_queries(args) -> None:
    timings, baseline = time_queries(args.rounds)
    print(f"\n## Queries {args.label} (ms over {args.rounds} uncached rounds)")
    print(f"baseline `select 1`: p50 {percentile(baseline, .5):.2f}, "
          f"p95 {percentile(baseline, .95):.2f}")  # fmt: skip
    print("| page | queries | worst query p50 | worst query p95 | over 100 ms at p95 |")
    print("|---|---:|---:|---:|---:|")
    slow_lines = []
    for page, queries in timings.items():
        p50s = {sql: percentile(d, 0.5) for sql, d in queries.items()}
        p95s = {sql: percentile(d, 0.95) for sql, d in queries.items()}
        worst = max(p95s, key=p95s.get)
        over = [sql for sql, v in p95s.items() if v > 100]
        print(f"| {page} | {len(queries)} | {max(p50s.values()):.1f} | {p95s[worst]:.1f} | "
              f"{len(over)} |")  # fmt: skip
        slow_lines += [f"- {page}: p95 {p95s[s]:.0f} ms: `{s}`" for s in over]
    if slow_lines:
        print("\nQueries over the goal:")
        print("\n".join(slow_lines))
    every = [
        (percentile(d, 0.95), percentile(d, 0.5), page, sql)
        for page, queries in timings.items()
        for sql, d in queries.items()
    ]
    print("\nSlowest five (p95, p50 ms):")
    for p95, p50, page, sql in sorted(every, reverse=True)[:5]:
        print(f"- {page}: {p95:.1f}, {p50:.1f}: `{sql[:110]}`")


def report_pages(args) -> None:
    pages = time_pages(args.rounds, args.home.resolve())
    _print_times(f"Pages in headless Chromium {args.label}", args.rounds, pages, BASELINE)


def report_navigation(args) -> None:
    pages = time_navigation(args.rounds, args.home.resolve())
    title = f"Moving between pages from the sidebar {args.label}"
    _print_times(title, args.rounds, pages, BASELINE_NAV)


def _print_times(title: str, rounds: int, pages: dict[str, list[float]], baseline: str) -> None:
    print(f"\n## {title} (s, {rounds} rounds)")
    base_p50 = statistics.median(pages[baseline])
    print("| page | p50 | p95 | max | p50 ÷ empty page's |")
    print("|---|---:|---:|---:|---:|")
    for page, values in pages.items():
        p50 = statistics.median(values)
        print(f"| {page} | {p50:.2f} | {percentile(values, 0.95):.2f} | {max(values):.2f} "
              f"| {p50 / base_p50:.1f}x |")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=PROJECT_ROOT / "var" / "medium")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--label", default="")
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--skip-queries", action="store_true")
    parser.add_argument("--skip-navigation", action="store_true")
    parser.add_argument("--core-url", default=os.environ.get("DATABASE_URL"))
    args = parser.parse_args()
    chain_home = args.home.resolve()
    args.home = throwaway_home(chain_home)
    os.environ["INNOVALOGIX_HOME"] = str(args.home)
    if args.core_url:
        os.environ["DATABASE_URL"] = args.core_url
    print(f"Snapshot: {chain_home / 'warehouse_snapshot.duckdb'}; {os.cpu_count()} CPUs; {load()}")

    try:
        if not args.skip_queries:
            report_queries(args)
            print(f"({load()} after the queries)")
        if not args.skip_pages:
            report_pages(args)
            print(f"({load()} after the pages)")
        if not args.skip_navigation:
            report_navigation(args)
            print(f"({load()} after moving between pages)")
    finally:
        stop_embedded_core(args.home)


if __name__ == "__main__":
    main()
