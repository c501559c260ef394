"""The real server in headless Chromium (Debian's ``chromium``): every page loads, through the
sidebar as a user clicks, at a tablet's width, with no Streamlit exception; one screenshot per
page under ``var/test-output/dashboards``."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

from dashboards.navigation import PAGES
from erp_core.paths import PROJECT_ROOT
from tests.dashboards.conftest import APP, snapshot

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = PROJECT_ROOT / "var" / "test-output" / "dashboards"
TABLET = {"width": 1024, "height": 768}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(ml_home, demo_warehouse, tmp_path):
    port = _free_port()
    log = open(tmp_path / "streamlit.log", "w")  # closed when the server stops
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            APP,
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--server.fileWatcherType",
            "none",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=PROJECT_ROOT,
        env={
            **os.environ,
            "INNOVALOGIX_HOME": str(ml_home),
            "DATABASE_URL": demo_warehouse.core_url,
        },
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as answer:
                if answer.read() == b"ok":
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            log.close()
            raise RuntimeError((tmp_path / "streamlit.log").read_text())
        time.sleep(0.3)
    yield base
    process.terminate()
    process.wait(timeout=30)
    log.close()


def _wait_rendered(page, title: str) -> None:
    page.get_by_role("heading", name=title, level=1).wait_for(timeout=120_000)
    # Streamlit marks a running script on the app root; wait until the run is over.
    page.wait_for_function(
        '() => !document.querySelector(\'[data-testid="stStatusWidget"] '
        '[data-testid="stStatusWidgetRunningIcon"]\') && document.querySelector('
        "'[data-testid=\"stApp\"]')?.getAttribute('data-test-script-state') !== 'running'",
        timeout=120_000,
    )


def _wait_filters_in_url(page, title: str) -> None:
    """The page writes its filters back into the URL as its script runs: wait for them (a
    page that drops them never gets there)."""
    try:
        page.wait_for_url(lambda url: "pago=cash" in url, timeout=30_000)
    except PlaywrightTimeout:
        raise AssertionError(f"{title}: filters lost ({page.url})") from None


def _drill_one_level_by_clicking_a_row(page) -> None:
    """The native dataframe selection drills down: a click on a row's marker goes one level
    down, the path lands in the URL beside the filters."""
    page.locator('[data-testid="stSidebarNav"] a[href$="/drilldown"]').first.click()
    _wait_rendered(page, "Drill-down")
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    # The selection column is the grid's first; rows are 35 px high under a 35 px header.
    page.mouse.click(box["x"] + 16, box["y"] + 35 + 17)
    page.wait_for_url("**d_region=**", timeout=60_000)
    _wait_rendered(page, "Drill-down")
    # The breadcrumb names the region (waited for: the rerun the click starts may still draw).
    page.get_by_text("Región:", exact=False).first.wait_for(state="visible", timeout=60_000)
    _wait_filters_in_url(page, "Drill-down")
    assert page.locator('[data-testid="stException"]').count() == 0


def _clear_the_filters(page) -> None:
    """ "Limpiar filtros" empties every filter, and the URL follows."""
    page.get_by_role("button", name="Limpiar filtros").click()
    page.wait_for_function("() => !window.location.search.includes('pago=')", timeout=60_000)
    _wait_rendered(page, "Drill-down")
    assert page.locator('[data-testid="stException"]').count() == 0


def _open_a_shared_drill_link_first(page, server, query, home) -> None:
    """The server's very first session is a drilled link: it opens as it was shared, the
    breadcrumb naming its store."""
    with snapshot(home) as con:
        region, store, name = con.execute(
            "select region, store_code, store_name from marts.dim_store "
            "where not is_warehouse order by store_code limit 1"
        ).fetchone()
    page.goto(f"{server}/drilldown{query}&d_region={region}&d_store={store}")
    _wait_rendered(page, "Drill-down")
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, errors.first.inner_text()
    page.get_by_text(f"Tienda: {store} · {name}").first.wait_for(state="visible", timeout=60_000)


def test_every_page_loads_in_chromium_without_exceptions(server, demo_warehouse, ml_home, tmp_path):
    assert shutil.which("chromium") or os.path.exists(CHROMIUM)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    end = demo_warehouse.end_date
    query = f"?desde={end.replace(day=1).isoformat()}&hasta={end.isoformat()}&pago=cash"
    timings = {}
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=CHROMIUM,
            headless=True,
            viewport=TABLET,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
            ],
        )
        try:
            page = context.new_page()
            _open_a_shared_drill_link_first(page, server, query, ml_home)
            page.goto(f"{server}/{query}")
            for spec in PAGES:
                started = time.monotonic()
                if spec is not PAGES[0]:
                    # As a user does: the sidebar's link (the session and its filters stay).
                    page.locator(
                        f'[data-testid="stSidebarNav"] a[href$="/{spec.url_path}"]'
                    ).first.click()
                _wait_rendered(page, spec.title)
                timings[spec.title] = time.monotonic() - started
                page.screenshot(path=str(SCREENSHOTS / f"{spec.url_path}.png"), full_page=True)
                errors = page.locator('[data-testid="stException"]')
                assert errors.count() == 0, f"{spec.title}: {errors.first.inner_text()}"
                assert "Datos al" in page.content(), spec.title
                _wait_filters_in_url(page, spec.title)
            _drill_one_level_by_clicking_a_row(page)
            _clear_the_filters(page)
        finally:
            context.close()
    assert len(timings) == len(PAGES)
    assert all(path.stat().st_size > 0 for path in SCREENSHOTS.glob("*.png"))
