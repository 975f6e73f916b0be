"""The bfloat16 half of a lesson benchmark: where a lesson's default config trains in mixed
bfloat16 (`core.base.precision`), the same core path runs again in float32 in the same process, and
the result says what bfloat16 gained and what it cost in accuracy (the issue's bound: |Δ| ≤ 0.01)."""

from __future__ import annotations

import dataclasses

from core.base import precision

ACCURACY_BOUND = 0.01


def float32_twin(config):
    """The same lesson config in float32: stock Keras's side, and the core path's comparison."""
    return dataclasses.replace(config, bfloat16=False)


def fields(bfloat16: bool, core_s: float, core_accuracy: float, float32_s=None, float32_accuracy=None) -> dict:
    """`precision`, and where the core ran in bfloat16, the float32 core time, the gain
    (float32 seconds / bfloat16 seconds) and the accuracy difference (bfloat16 minus float32)."""
    result: dict = {"precision": precision.name(bfloat16)}
    if bfloat16:
        difference = core_accuracy - float32_accuracy
        result.update(
            float32_seconds=round(float32_s, 3),
            bf16_gain=round(float32_s / core_s, 2),
            float32_accuracy=round(float32_accuracy, 4),
            accuracy_difference=round(difference, 4),
            accuracy_within_bound=abs(difference) <= ACCURACY_BOUND,
        )
    return result
