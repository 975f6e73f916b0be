"""What the browser benchmarks share: a fresh `streamlit run` on a free loopback port, headless
Chromium's flags, Streamlit's "script finished" signal, and the server's peak memory from /proc."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # A page in the background still gets its timers, so every session polls as a visible one.
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
]
SCRIPT_FINISHED = "() => document.querySelector('[data-testid=\"stApp\"]')?.dataset.testScriptState === 'notRunning'"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def own_data_folder() -> dict[str, str]:
    """A new, empty data folder for one server (`XDG_DATA_HOME`): on loopback every visitor is the
    machine's user, whose saved runs a lesson brings back (Step 15), so a benchmark's or a test's
    server keeps its learners' work to itself, and leaves the developer's own saved work alone."""
    return {"XDG_DATA_HOME": tempfile.mkdtemp(prefix="tf-first-steps-data-")}


def start_server(
    port: int,
    log: str | None = None,
    environment: dict[str, str] | None = None,
    *,
    address: str = "127.0.0.1",
    options: Sequence[str] = (),
) -> subprocess.Popen:
    """`streamlit run streamlit_app.py` on `address`:`port` (loopback unless told, so the app runs
    as on a learner's own machine), with more `streamlit run` options, returned once its health
    endpoint answers on loopback. The server's own messages go to the file `log`, when given."""
    environment = {**own_data_folder(), **(environment or {})}
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.address", address]
        + ["--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"]
        + ["--server.fileWatcherType", "none", *options],
        cwd=REPOSITORY,
        env={**os.environ, **environment},
        stdout=subprocess.DEVNULL,
        stderr=open(log, "w") if log else subprocess.DEVNULL,  # noqa: SIM115 - the server outlives this call
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
            return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise RuntimeError("streamlit run did not answer within 60 s")


@contextlib.contextmanager
def serve(
    log: str | None = None,
    environment: dict[str, str] | None = None,
    *,
    port: int | None = None,
    address: str = "127.0.0.1",
    options: Sequence[str] = (),
) -> Iterator[tuple[str, subprocess.Popen]]:
    """A fresh server for the length of the block (on a free port unless told): yields its
    loopback address and its process."""
    port = port or free_port()
    server = start_server(port, log, environment, address=address, options=options)
    try:
        yield f"http://127.0.0.1:{port}", server
    finally:
        server.terminate()
        server.wait(timeout=30)


@contextlib.contextmanager
def chromium() -> Iterator:
    """Headless Chromium, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def visit_home(browser, url: str) -> None:
    """The first session after a start runs Streamlit's legacy pages/ detection, which puts a
    "Page not found" dialog over a deep link (README, known issues): visit home first."""
    home = browser.new_page()
    home.goto(url, timeout=120_000)
    home.get_by_text("TensorFlow first steps").first.wait_for(timeout=120_000)
    home.close()


def wait_until_script_finished(page, timeout_ms: int = 120_000) -> None:
    """Until Streamlit says the script run is over, so a click is not lost in a rerun."""
    page.wait_for_function(SCRIPT_FINISHED, timeout=timeout_ms)


def peak_memory_gb(pid: int) -> float:
    """The process's peak resident memory (VmHWM), which the kernel keeps for us."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024 / 1e9
    raise RuntimeError("no VmHWM in /proc status")
