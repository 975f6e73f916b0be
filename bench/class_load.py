"""A class presses Train at once: K browser sessions train Lesson 2 at its defaults on one server.

Starts `streamlit run` (the embedded runner: one training slot per core unless TRAINING_SLOTS says
otherwise), measures one session training alone (the solo time, from pressing Train to the
results: the median of three such runs, one at a time), then opens K sessions in headless
Chromium and presses Train in all of them within a second. For each it records the time to
results, when its progress bar first showed (its job had left the queue), the places in the queue the page showed and any exception; for the server, its peak
resident memory (VmHWM); and the CPU time the server and the browsers used in each phase, since on
one machine they share the cores. The targets, from the issue: the slowest finishes within
0.5 × K × solo, the median within 0.75 × the slowest, memory ≤ 2.0 GB.

Run with `python -m bench class_load` (K = 8); the last line is the JSON result.
"""

from __future__ import annotations

import os
import re
import statistics
import time
from pathlib import Path

from bench import browser as browsers

SESSIONS = 8
SOLO_RUNS = 3
TIMEOUT_S = int(os.environ.get("CLASS_LOAD_TIMEOUT_S", "300"))
QUEUE_PLACE = re.compile(r"number (\d+) in the queue")


def cpu_seconds(server_pid: int) -> dict[str, float]:
    """CPU time used so far by the server and by every Chromium process (user + system)."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = {"server": 0.0, "browsers": 0.0}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # the process ended meanwhile
            continue
        name, fields = text[text.index("(") + 1 : text.rindex(")")], text[text.rindex(")") + 2 :].split()
        seconds = (int(fields[11]) + int(fields[12])) / ticks
        if int(stat.parent.name) == server_pid:
            used["server"] += seconds
        elif name.startswith("chrom"):
            used["browsers"] += seconds
    return used


def cpu_used(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {name: round(after[name] - before[name], 1) for name in before}


def open_lesson(browser, url: str):
    """A new browser session (its own context) on Lesson 2, ready to train."""
    context = browser.new_context(viewport={"width": 1400, "height": 2000})
    page = context.new_page()
    page.goto(f"{url}/computer-vision", timeout=120_000)
    page.get_by_text("The ten classes").wait_for(timeout=180_000)
    page.get_by_role("button", name="Train", exact=True).wait_for(timeout=60_000)
    browsers.wait_until_script_finished(page)
    return page


def train_button(page):
    return page.get_by_role("button", name="Train", exact=True)


def finished(page) -> bool:
    return page.locator("[data-testid='stMetric']", has_text="Test accuracy").count() > 0


def watch(pages: list, started: list[float]) -> list[dict]:
    """Polls every page until each shows its results, noting the queue places it showed."""
    outcomes = [{"seconds": None, "training_from_s": None, "queue_places": [], "exceptions": 0} for _ in pages]
    deadline = time.monotonic() + TIMEOUT_S
    while any(outcome["seconds"] is None for outcome in outcomes):
        if time.monotonic() > deadline:
            waiting = [
                " | ".join(page.locator("[data-testid='stAlert']").all_inner_texts())[:300]
                for page, outcome in zip(pages, outcomes, strict=True)
                if outcome["seconds"] is None
            ]
            for index, (page, outcome) in enumerate(zip(pages, outcomes, strict=True)):
                if outcome["seconds"] is None and os.environ.get("CLASS_LOAD_SCREENSHOTS"):
                    page.screenshot(path=f"{os.environ['CLASS_LOAD_SCREENSHOTS']}/stuck-{index}.png", full_page=True)
            raise TimeoutError(f"{len(waiting)} sessions got no results; their pages say: {waiting}")
        for page, began, outcome in zip(pages, started, outcomes, strict=True):
            if outcome["seconds"] is not None:
                continue
            text = page.locator("[data-testid='stAlert']").all_inner_texts()
            for place in (int(match) for block in text for match in QUEUE_PLACE.findall(block)):
                if place not in outcome["queue_places"]:
                    outcome["queue_places"].append(place)
            outcome["exceptions"] = page.locator("[data-testid='stException']").count()
            if outcome["training_from_s"] is None and page.locator("[data-testid='stProgress']").count():
                outcome["training_from_s"] = round(time.monotonic() - began, 2)  # its job left the queue
            if finished(page):
                outcome["seconds"] = round(time.monotonic() - began, 2)
        time.sleep(0.2)
    return outcomes


def run(sessions: int = SESSIONS) -> dict:
    log = os.environ.get("CLASS_LOAD_SERVER_LOG")  # where the server's own messages go, for a look afterwards
    with browsers.serve(log) as (url, server), browsers.chromium() as browser:
        browsers.visit_home(browser, url)
        solos, solo_cpu = [], []
        for _ in range(SOLO_RUNS):  # one at a time; the median, as one run is noisy
            solo_page = open_lesson(browser, url)
            before, began = cpu_seconds(server.pid), time.monotonic()
            train_button(solo_page).click()
            solos.append(watch([solo_page], [began])[0]["seconds"])
            solo_cpu.append(cpu_used(before, cpu_seconds(server.pid)))
            solo_page.context.close()
        pages = [open_lesson(browser, url) for _ in range(sessions)]
        before, started = cpu_seconds(server.pid), []
        for page in pages:  # all within about a second, as a class pressing Train together
            started.append(time.monotonic())
            train_button(page).click()
        outcomes = watch(pages, started)
        class_cpu = cpu_used(before, cpu_seconds(server.pid))
        memory_gb = browsers.peak_memory_gb(server.pid)
    times = [outcome["seconds"] for outcome in outcomes]
    slowest, median, solo = max(times), statistics.median(times), statistics.median(solos)
    return {
        "benchmark": "class_load",
        "sessions": sessions,
        "slots": int(os.environ.get("TRAINING_SLOTS") or os.cpu_count() or 1),
        "solo_s": solo,
        "solo_runs_s": solos,
        "times_s": times,
        "slowest_s": slowest,
        "median_s": round(median, 2),
        "slowest_over_k_solo": round(slowest / (sessions * solo), 3),
        "median_over_slowest": round(median / slowest, 3),
        "queue_places_shown": [outcome["queue_places"] for outcome in outcomes],
        "training_from_s": [outcome["training_from_s"] for outcome in outcomes],
        "exceptions": sum(outcome["exceptions"] for outcome in outcomes),
        "peak_memory_gb": round(memory_gb, 2),
        "cpu_s_solo": solo_cpu[solos.index(solo)] if solo in solos else solo_cpu[0],
        "cpu_s_class": class_cpu,
    }


def meets_targets(result: dict) -> list[str]:
    """The targets the result misses (none when it meets them all)."""
    misses = []
    if result["exceptions"]:
        misses.append(f"{result['exceptions']} exceptions")
    if result["slowest_over_k_solo"] > 0.5:
        misses.append(f"slowest is {result['slowest_over_k_solo']} of K × solo (target ≤ 0.5)")
    if result["median_over_slowest"] > 0.75:
        misses.append(f"median is {result['median_over_slowest']} of the slowest (target ≤ 0.75)")
    if result["peak_memory_gb"] > 2.0:
        misses.append(f"peak memory {result['peak_memory_gb']} GB (target ≤ 2.0)")
    return misses
