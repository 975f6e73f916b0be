"""One learner tours Lessons 1-4 in Chromium on a fresh server, pressing Train at each page's defaults.

Starts a new `streamlit run` (HORSE_OR_HUMAN_DIR, when set, gives Lesson 4 the course's photos)
and opens one tab, which lands on the course map and then goes from lesson to lesson through the
navigation, as a learner does: one session for the whole tour. For each lesson it times the page
load (navigation click → the page has finished its script and shows Train) and the training
(Train click → the results are shown and the script has finished drawing them); `seconds` is the
two together, which the targets are about. It reads the accuracy the page shows (Lessons 2 and 3:
test; Lesson 4: validation) and, at the end, the server's peak resident memory (VmHWM).

The targets, from the issue (a 2-core machine): L2 ≤ 6 s, L3 ≤ 20 s, L4 ≤ 40 s; accuracy L2 ≥ 0.85,
L3 ≥ 0.865 and above L2's, L4 ≥ 0.85; server peak ≤ 1,600 MB.

Run with `python -m bench tour`; the last line is the JSON result.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from bench import browser as browsers
from core.base import course

TIMEOUT_MS = int(os.environ.get("TOUR_TIMEOUT_S", "600")) * 1000
PEAK_TARGET_MB = 1600


@dataclass(frozen=True)
class Stop:
    """One lesson of the tour: where it is, what shows its results, and its targets."""

    lesson: course.Lesson
    result_label: str  # the metric that appears when a run's results are shown
    accuracy_label: str | None  # the metric holding the accuracy to report
    target_s: float | None
    target_accuracy: float | None


STOPS = (
    Stop(course.HELLO_WORLD, "Prediction for x = 7", None, None, None),
    Stop(course.COMPUTER_VISION, "Test accuracy", "Test accuracy", 6, 0.85),
    Stop(course.CONVOLUTIONS, "Test accuracy", "Test accuracy", 20, 0.865),
    Stop(course.REAL_WORLD_IMAGES, "Validation accuracy", "Validation accuracy", 40, 0.85),
)

# Notes any change of the script's state from here on (a run starts, however short), so a wait can
# tell a new run's end from the state before the click.
WATCH_SCRIPT_RUNS = """() => {
    window.benchScriptRan = false;
    new MutationObserver(() => { window.benchScriptRan = true; }).observe(
        document.querySelector('[data-testid="stApp"]'), {attributes: true, attributeFilter: ['data-test-script-state']}
    );
}"""
RESULTS_SHOWN = """(label) => window.benchScriptRan
    && document.querySelector('[data-testid="stApp"]')?.dataset.testScriptState === 'notRunning'
    && [...document.querySelectorAll('[data-testid="stMetricLabel"]')].some((node) => node.innerText.includes(label))"""


def metric_value(page, label: str) -> str | None:
    metric = page.locator("[data-testid='stMetric']", has_text=label)
    if not metric.count():
        return None
    return metric.first.locator("[data-testid='stMetricValue']").inner_text()


def percent(text: str | None) -> float | None:
    return None if text is None else round(float(text.strip().rstrip("%")) / 100, 4)


def visit(page, stop: Stop) -> dict:
    """Navigates to the lesson, presses Train at its defaults and waits for the results."""
    began = time.monotonic()
    page.locator(f"[data-testid='stSidebarNav'] a[href$='/{stop.lesson.url_path}']").first.click()
    page.get_by_role("heading", name=stop.lesson.heading).first.wait_for(timeout=TIMEOUT_MS)
    browsers.wait_until_script_finished(page, TIMEOUT_MS)
    train = page.get_by_role("button", name="Train", exact=True)
    train.wait_for(timeout=TIMEOUT_MS)
    load_s = time.monotonic() - began
    if stop.accuracy_label and metric_value(page, stop.result_label) is not None:
        raise RuntimeError(f"{stop.lesson.heading} shows results before Train was pressed")
    page.evaluate(WATCH_SCRIPT_RUNS)
    clicked = time.monotonic()
    train.click()
    page.wait_for_function(RESULTS_SHOWN, arg=stop.result_label, timeout=TIMEOUT_MS)
    shown = time.monotonic()
    return {
        "lesson": stop.lesson.number,
        "seconds": round(shown - began, 2),
        "load_s": round(load_s, 2),
        "click_to_results_s": round(shown - clicked, 2),
        "page_training_time": metric_value(page, "Training time"),
        "epochs_run": metric_value(page, "Epochs run"),
        "accuracy": percent(metric_value(page, stop.accuracy_label)) if stop.accuracy_label else None,
        "accuracy_kind": stop.accuracy_label.split()[0].lower() if stop.accuracy_label else None,
        "exceptions": page.locator("[data-testid='stException']").count(),
        "target_s": stop.target_s,
        "target_accuracy": stop.target_accuracy,
    }


def run() -> dict:
    log = os.environ.get("TOUR_SERVER_LOG")  # where the server's own messages go, for a look afterwards
    with browsers.serve(log) as (url, server), browsers.chromium() as browser:
        page = browser.new_context(viewport={"width": 1400, "height": 2000}).new_page()
        page.goto(url, timeout=120_000)  # the learner arrives at the course map (see browsers.visit_home)
        page.get_by_text("TensorFlow first steps").first.wait_for(timeout=120_000)
        browsers.wait_until_script_finished(page)
        lessons = {}
        for stop in STOPS:
            lessons[stop.lesson.key] = visit(page, stop)
            print(f"{stop.lesson.heading}: {lessons[stop.lesson.key]}", flush=True)
        peak_mb = browsers.peak_memory_gb(server.pid) * 1000
    result = {
        "benchmark": "tour",
        "horse_or_human_dir": os.environ.get("HORSE_OR_HUMAN_DIR") or None,
        "lessons": lessons,
        "peak_memory_mb": round(peak_mb),
        "peak_target_mb": PEAK_TARGET_MB,
        "exceptions": sum(lesson["exceptions"] for lesson in lessons.values()),
    }
    result["misses"] = misses(result)
    print_table(result)
    return result


def misses(result: dict) -> list[str]:
    """The targets the tour missed (none when it met them all)."""
    missed = []
    lessons = list(result["lessons"].values())
    for lesson in lessons:
        name = f"L{lesson['lesson']}"
        if lesson["target_s"] is not None and lesson["seconds"] > lesson["target_s"]:
            missed.append(f"{name} took {lesson['seconds']} s (target ≤ {lesson['target_s']} s)")
        if lesson["target_accuracy"] is not None and (lesson["accuracy"] or 0) < lesson["target_accuracy"]:
            missed.append(f"{name} accuracy {lesson['accuracy']} (target ≥ {lesson['target_accuracy']})")
    dense, cnn = (lesson["accuracy"] or 0 for lesson in lessons[1:3])
    if cnn <= dense:
        missed.append(f"L3 accuracy {cnn} is not above L2's {dense}")
    if result["peak_memory_mb"] > PEAK_TARGET_MB:
        missed.append(f"server peak {result['peak_memory_mb']} MB (target ≤ {PEAK_TARGET_MB} MB)")
    if result["exceptions"]:
        missed.append(f"{result['exceptions']} exceptions on the pages")
    return missed


def print_table(result: dict) -> None:
    print(f"{'lesson':<8}{'load s':>8}{'train s':>9}{'total s':>9}{'target':>9}{'accuracy':>10}{'target':>9}")
    for lesson in result["lessons"].values():
        target_s = f"≤ {lesson['target_s']:g}" if lesson["target_s"] else "—"
        accuracy = f"{lesson['accuracy']:.4f}" if lesson["accuracy"] is not None else "—"
        target_accuracy = f"≥ {lesson['target_accuracy']:g}" if lesson["target_accuracy"] else "—"
        print(
            f"{'L' + str(lesson['lesson']):<8}{lesson['load_s']:>8.2f}{lesson['click_to_results_s']:>9.2f}"
            f"{lesson['seconds']:>9.2f}{target_s:>9}{accuracy:>10}{target_accuracy:>9}"
        )
    print(f"server peak {result['peak_memory_mb']:,} MB (target ≤ {PEAK_TARGET_MB:,} MB)")
    print("targets missed: " + ("; ".join(result["misses"]) or "none"))
