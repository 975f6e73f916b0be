"""The four lesson benchmarks in one process, one after another, then the histograms' overhead
(`bench histograms`: Lessons 2-4 trained with and without their weight and gradient histograms,
alternating), and a table of them.

Each benchmark runs at its own defaults (`--repeats`, when given, goes to those that
repeat; `--quick` to all), prints its own lines, and the table follows: stock seconds, core
seconds (per epoch for Lesson 4), the speed-up, the accuracy (Lesson 1: the prediction for x = 7;
Lessons 2-3: test; Lesson 4: validation), the precision the core ran in, and where that was
bfloat16, its gain over float32 and the accuracy difference (bfloat16 minus float32), and for
Lessons 2-4 the histograms' overhead (seconds with them ÷ without; the lines under the table give
the processor-time ratio and the recording's share, by which the ≤ 1.05 target is judged on a
busy machine). The issue's targets are printed beside them.

Run with `python -m bench all`; the last line is one JSON object keyed by benchmark name.
"""

from __future__ import annotations

import inspect

from bench import bfloat16, cnn, dense, hello_world, histograms, real_world

LESSONS = {  # name: (module, its figures for the table: stock, core, accuracy; the targets)
    "hello_world": (hello_world, ("stock_s", "core_s", "prediction"), "≥ 100×, prediction ≈ 4.0"),
    "dense": (dense, ("stock_s", "core_s", "core_test_accuracy"), "≥ 8×, test ≥ 0.86"),
    "cnn": (cnn, ("stock_s", "core_s", "core_test_accuracy"), "≥ 1.5×, test ≥ 0.89"),
    "real_world": (
        real_world,
        ("stock_s_per_epoch", "core_s_per_epoch", "val_accuracy"),
        "≥ 2.5× per epoch, validation ≥ 0.85",
    ),
}
HISTOGRAM_ROWS = {"dense": "lesson_2", "cnn": "lesson_3", "real_world": "lesson_4"}  # the table's row: its key


def run_bench(module, repeats: int | None, quick: bool) -> dict:
    """One benchmark with the options it takes (`--repeats` only where it repeats)."""
    accepted = inspect.signature(module.run).parameters
    options = {"repeats": repeats, "quick": quick or None}
    return module.run(**{key: value for key, value in options.items() if value and key in accepted})


def run(repeats: int | None = None, quick: bool = False) -> dict:
    results = {}
    for name, (module, _, _) in LESSONS.items():
        print(f"--- {name}", flush=True)
        results[name] = run_bench(module, repeats, quick)
    print("--- histograms", flush=True)
    results["histograms"] = run_bench(histograms, repeats, quick)
    print_table(results)
    return results


def histogram_cell(results: dict, name: str) -> str:
    """A lesson's histogram overhead as the table shows it: the wall-clock ratio, or why none."""
    lesson = results.get("histograms", {}).get(HISTOGRAM_ROWS.get(name, ""))
    if lesson is None:
        return "—"
    if "ratio" not in lesson:
        return "left out"
    return f"{lesson['ratio']:.3f}×"


def print_histogram_lines(results: dict) -> None:
    """Under the table: each lesson's overhead in the figures the target is judged by."""
    figures = results.get("histograms")
    if figures is None:
        return
    print(f"histograms' overhead (with ÷ without, alternating in this process; target ≤ {histograms.TARGET}):")
    for name, key in HISTOGRAM_ROWS.items():
        lesson = figures.get(key, {})
        if "ratio" not in lesson:
            print(f"  {name:<11} left out: {lesson.get('left_out', 'not measured')}")
            continue
        verdict = "within target" if lesson["within_target"] else "OVER target"
        print(
            f"  {name:<11} {lesson['with_s']:.3g} s ÷ {lesson['without_s']:.3g} s = {lesson['ratio']:.3f}, "
            f"processor time {lesson['cpu_ratio']:.3f}, recording {lesson['recording_share']:.1%} of the run: {verdict}"
        )


def print_table(results: dict) -> None:
    header = (
        "lesson",
        "stock s",
        "core s",
        "speed-up",
        "accuracy",
        "precision",
        "bf16 gain",
        "acc Δ",
        "histograms",
        "targets",
    )
    widths = (12, 9, 9, 9, 9, 10, 10, 9, 11, 0)
    print("".join(f"{title:<{width}}" if width else title for title, width in zip(header, widths, strict=True)))
    for name, (_, (stock, core, accuracy), targets) in LESSONS.items():
        result = results[name]
        gain, difference = result.get("bf16_gain"), result.get("accuracy_difference")
        cells = (
            name,
            f"{result[stock]:.3g}",
            f"{result[core]:.3g}",
            f"{result['speedup']:g}×",
            f"{result[accuracy]:.4f}",
            result["precision"],
            f"{gain:g}×" if gain is not None else "—",
            f"{difference:+.4f}" if difference is not None else "—",
            histogram_cell(results, name),
            targets
            + (f"; histograms ≤ {histograms.TARGET}×" if name in HISTOGRAM_ROWS else "")
            + (f"; |Δ| ≤ {bfloat16.ACCURACY_BOUND}" if difference is not None else ""),
        )
        print("".join(f"{cell:<{width}}" if width else cell for cell, width in zip(cells, widths, strict=True)))
    print_histogram_lines(results)
    print(
        "accuracy: hello_world the prediction for x = 7, dense and cnn test, real_world validation; "
        "real_world's seconds are per epoch; acc Δ is bfloat16 minus float32; histograms: seconds with ÷ without"
    )
    if any(results[name].get("quick") for name in results):
        print("(--quick: a smoke test on less data and fewer epochs, not the figures to report)")
