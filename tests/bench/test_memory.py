"""Memory over time, as CI runs it: 30 train-and-predict cycles of Lessons 1-3 in one process."""

from __future__ import annotations

import json

from bench import memory


def test_resident_memory_stays_flat_over_thirty_cycles(test_output):
    result = memory.run()
    (test_output / "memory.json").write_text(json.dumps(result, indent=2))
    assert len(result["rss_mb"]) == memory.CYCLES
    assert result["growth_after_warm_up_mb"] <= memory.BOUND_MB, result
