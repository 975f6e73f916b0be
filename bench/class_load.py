"""A class presses Train at once: K browser sessions train Lesson 2 at its defaults on one server.

Starts `streamlit run` (the embedded runner: one training slot per core unless TRAINING_SLOTS says
otherwise), measures one session training alone (the solo time, from pressing Train to the
results: the median of three such runs, one at a time), then opens K sessions in headless
Chromium and presses Train in all of them within a second. For each it records the time to
results, when its progress bar first showed (its job had left the queue), the places in the queue
the page showed and any exception, all seen from inside the page (`WATCHER`); for the server, its
peak resident memory (VmHWM); and the CPU time the server and the browsers used in each phase, since on
one machine they share the cores. The targets, from Step 12: the slowest finishes within
K × solo (never slower than one after another), the median within 0.75 × the slowest, memory ≤ 2.0 GB.

Run with `python -m bench class_load` (K = 8); the last line is the JSON result.
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

from bench import browser as browsers

SESSIONS = 8
SOLO_RUNS = 3
TIMEOUT_S = int(os.environ.get("CLASS_LOAD_TIMEOUT_S", "300"))


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


# Watches a page from inside it: a MutationObserver notes, in the page's own clock (the machine's), when
# the progress bar first shows, each place in the queue shown and when the results show. Asking each page
# from here many times a second made the browsers lay out their pages over and over: on a 2-core machine
# that watching took more CPU than the app's own drawing and delayed what it measured.
WATCHER = """() => {
  const seen = {training: null, results: null, places: [], exceptions: 0};
  window.__classLoad = seen;
  const look = () => {
    const now = Date.now();
    if (seen.training === null && document.querySelector("[data-testid='stProgress']")) seen.training = now;
    for (const alert of document.querySelectorAll("[data-testid='stAlert']")) {
      for (const match of (alert.textContent || "").matchAll(/number (\\d+) in the queue/g)) {
        const place = Number(match[1]);
        if (!seen.places.includes(place)) seen.places.push(place);
      }
    }
    seen.exceptions = Math.max(seen.exceptions, document.querySelectorAll("[data-testid='stException']").length);
    if (seen.results === null) {
      // The results of the run this tab trained: their "Epochs run" says "N of M" (a lesson also shows the
      // learner's last saved result, and on loopback every session is the machine's one learner).
      for (const metric of document.querySelectorAll("[data-testid='stMetric']")) {
        if (/Epochs run\\s*\\d+ of \\d+/.test(metric.textContent || "")) { seen.results = now; break; }
      }
    }
  };
  new MutationObserver(look).observe(document.body, {childList: true, subtree: true, characterData: true});
  look();
}"""


def press_train(page) -> float:
    """Starts watching the page, presses Train, and returns when it was pressed (ms, the machine's clock)."""
    page.evaluate(WATCHER)
    pressed = time.time() * 1000
    page.get_by_role("button", name="Train", exact=True).click()
    return pressed


def watch(pages: list, pressed: list[float]) -> list[dict]:
    """Waits until every page shows its results (asking each page once a second what its watcher saw)."""
    deadline = time.monotonic() + TIMEOUT_S
    seen = [{} for _ in pages]
    while True:
        seen = [page.evaluate("() => window.__classLoad") for page in pages]
        if all(page_seen["results"] is not None for page_seen in seen):
            break
        if time.monotonic() > deadline:
            for index, (page, page_seen) in enumerate(zip(pages, seen, strict=True)):
                if page_seen["results"] is None and os.environ.get("CLASS_LOAD_SCREENSHOTS"):
                    page.screenshot(path=f"{os.environ['CLASS_LOAD_SCREENSHOTS']}/stuck-{index}.png", full_page=True)
            waiting = [
                " | ".join(page.locator("[data-testid='stAlert']").all_inner_texts())[:300]
                for page, page_seen in zip(pages, seen, strict=True)
                if page_seen["results"] is None
            ]
            raise TimeoutError(f"{len(waiting)} sessions got no results; their pages say: {waiting}")
        time.sleep(1.0)

    def since(moment: float | None, began: float) -> float | None:
        return None if moment is None else round((moment - began) / 1000, 2)

    return [
        {
            "seconds": since(page_seen["results"], began),
            "training_from_s": since(page_seen["training"], began),
            "queue_places": page_seen["places"],
            "exceptions": page_seen["exceptions"],
        }
        for page_seen, began in zip(seen, pressed, strict=True)
    ]


def run(sessions: int = SESSIONS) -> dict:
    log = os.environ.get("CLASS_LOAD_SERVER_LOG")  # where the server's own messages go, for a look afterwards
    with browsers.serve(log) as (url, server), browsers.chromium() as browser:
        browsers.visit_home(browser, url)
        solos, solo_cpu = [], []
        for _ in range(SOLO_RUNS):  # one at a time; the median, as one run is noisy
            solo_page = open_lesson(browser, url)
            before = cpu_seconds(server.pid)
            solos.append(watch([solo_page], [press_train(solo_page)])[0]["seconds"])
            solo_cpu.append(cpu_used(before, cpu_seconds(server.pid)))
            solo_page.context.close()
        pages = [open_lesson(browser, url) for _ in range(sessions)]
        before = cpu_seconds(server.pid)
        pressed = [press_train(page) for page in pages]  # all within about a second, as a class together
        outcomes = watch(pages, pressed)
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
    if result["slowest_over_k_solo"] > 1.0:
        misses.append(f"slowest is {result['slowest_over_k_solo']} of K × solo (target ≤ 1)")
    if result["median_over_slowest"] > 0.75:
        misses.append(f"median is {result['median_over_slowest']} of the slowest (target ≤ 0.75)")
    if result["peak_memory_gb"] > 2.0:
        misses.append(f"peak memory {result['peak_memory_gb']} GB (target ≤ 2.0)")
    return misses
