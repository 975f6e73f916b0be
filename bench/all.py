"""The four lesson benchmarks in one process, one after another, and a table of them.

Each lesson's benchmark runs at its own defaults (`--repeats`, when given, goes to the three that
repeat; `--quick` to all four), prints its own lines, and the table follows: stock seconds, core
seconds (per epoch for Lesson 4), the speed-up, the accuracy (Lesson 1: the prediction for x = 7;
Lessons 2-3: test; Lesson 4: validation), the precision the core ran in, and where that was
bfloat16, its gain over float32 and the accuracy difference (bfloat16 minus float32). The issue's
targets are printed beside them.

Run with `python -m bench all`; the last line is one JSON object keyed by benchmark name.
"""

from __future__ import annotations

import inspect

from bench import bfloat16, cnn, dense, hello_world, real_world

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


def run(repeats: int | None = None, quick: bool = False) -> dict:
    results = {}
    for name, (module, _, _) in LESSONS.items():
        print(f"--- {name}", flush=True)
        accepted = inspect.signature(module.run).parameters
        options = {"repeats": repeats, "quick": quick or None}
        results[name] = module.run(**{key: value for key, value in options.items() if value and key in accepted})
    print_table(results)
    return results


def print_table(results: dict) -> None:
    header = ("lesson", "stock s", "core s", "speed-up", "accuracy", "precision", "bf16 gain", "acc Δ", "targets")
    widths = (12, 9, 9, 9, 9, 10, 10, 9, 0)
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
            targets + (f"; |Δ| ≤ {bfloat16.ACCURACY_BOUND}" if difference is not None else ""),
        )
        print("".join(f"{cell:<{width}}" if width else cell for cell, width in zip(cells, widths, strict=True)))
    print(
        "accuracy: hello_world the prediction for x = 7, dense and cnn test, real_world validation; "
        "real_world's seconds are per epoch; acc Δ is bfloat16 minus float32"
    )
    if any(results[name].get("quick") for name in results):
        print("(--quick: a smoke test on less data and fewer epochs, not the figures to report)")
